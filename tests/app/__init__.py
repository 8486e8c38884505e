"""Tests of outreach/app/ (tests/README.md says where a test goes)."""
