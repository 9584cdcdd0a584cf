"""Test-only migrations for the deploy tests (see migrations/__init__.py)."""
