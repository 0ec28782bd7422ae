"""Projections: tables derived from the event log inside each append transaction."""
