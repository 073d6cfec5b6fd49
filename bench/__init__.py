"""Benchmarks for the news archive (see README.md)."""
