"""Accord: run a company's strategic partnerships from strategy to scale-up or exit."""

__version__ = "0.1.0"
