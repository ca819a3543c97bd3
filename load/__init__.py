"""Bounded load runs against the app on loopback (`python -m load --help`)."""
