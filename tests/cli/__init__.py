"""Tests of outreach/cli/ (tests/README.md says where a test goes)."""
