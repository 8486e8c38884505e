"""Tests of outreach/compose/ (tests/README.md says where a test goes)."""
