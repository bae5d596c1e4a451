"""Benchmarks: run by hand with `make bench`; results and the command go to bench/RESULTS.md."""
