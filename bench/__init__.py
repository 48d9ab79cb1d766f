"""Benchmarks (`make bench`): see bench/dashboard.py."""
