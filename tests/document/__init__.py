"""Tests of outreach/document/ (tests/README.md says where a test goes)."""
