"""Helpers shared by tests of several folders (tests/ is on the path: pyproject's pytest
settings), beside conftest.py's fixtures."""
