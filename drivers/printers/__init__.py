"""Label printer back ends: each takes a finished label and sends it one way."""
