"""Benchmarks of the dynamic provider against real local servers; run `python -m benchmarks.run`."""
