"""Lots and their genealogy: transformations, identifier allocation, provenance."""
