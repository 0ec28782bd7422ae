"""Workflows: small state machines that take scans and commands and return outcomes."""
