"""Scan station: traceable receiving and release docks."""

__version__ = "0.1.0"
