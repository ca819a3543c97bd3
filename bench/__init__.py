"""Synthetic data and benchmarks at partnership and national scale (`python -m bench --help`)."""
