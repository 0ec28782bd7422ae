"""Read-only views over the projections, shaped for the workflows and services."""
