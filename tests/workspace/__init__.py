"""Tests of outreach/workspace/ (tests/README.md says where a test goes)."""
