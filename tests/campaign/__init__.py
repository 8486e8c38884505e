"""Tests of outreach/campaign/ (tests/README.md says where a test goes)."""
