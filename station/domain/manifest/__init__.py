"""Expected moving data: the manifest model, its JSON and CSV forms, and their rules."""
