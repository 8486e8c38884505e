"""Tests of outreach/render/ (tests/README.md says where a test goes)."""
