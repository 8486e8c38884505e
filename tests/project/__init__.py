"""Tests of the project as a whole: README and docs, the layers, a newcomer's first hour,
whole campaigns (tests/README.md says where a test goes)."""
