"""Keeping the central store in step with this station.

`station.sync.epcis` turns the station's event log into EPCIS 2.0 capture documents
(pure: no I/O); the hub receives them, and the sync worker pushes them.
"""
