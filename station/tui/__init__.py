"""Textual user interface of the station."""
