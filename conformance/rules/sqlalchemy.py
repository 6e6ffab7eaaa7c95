"""Rules of this family live here (see conformance/rules/base.py)."""
