"""Regression tests from an insider attack on changes of role and state (each was a hole)."""
