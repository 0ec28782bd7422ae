"""The rules a unit must pass at the receiving and release docks, as findings."""
