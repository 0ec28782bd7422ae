"""Widgets of the station app."""
