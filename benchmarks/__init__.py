"""Benchmarks: backprop-lab side by side with micrograd and plain Python floats (``make bench``)."""
