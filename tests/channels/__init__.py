"""Tests of outreach/channels/ (tests/README.md says where a test goes)."""
