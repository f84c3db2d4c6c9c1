"""Benchmarks. Not tests: they measure and write their figures into docs/benchmarks.md."""
