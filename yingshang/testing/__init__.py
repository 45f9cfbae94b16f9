"""Shared test support: personas, factories and the browser fixture live in conftest.py at the
repository root; helpers here are imported by app tests."""
