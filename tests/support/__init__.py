"""Helpers shared by the test modules, and by benchmarks/run.py: no tests and no fixtures here
(those live in the test modules and tests/conftest.py)."""
