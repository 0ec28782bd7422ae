"""The station's one small exception tree.

Bad scanned input never raises (it becomes a finding); these are for things an
operator or installer must fix: a broken config file, an unreadable database, a
device that cannot be opened.
"""

from __future__ import annotations


class StationError(Exception):
    """Base of every error the station reports to a person in one line."""


class ConfigError(StationError):
    """The configuration file is missing, unreadable or invalid."""


class StoreError(StationError):
    """The station database cannot be opened or written."""


class ConflictError(StoreError):
    """An event contradicts the state it would change (a second receive of one unit, a
    print job sent twice): the projection refuses it and the transaction rolls back."""


class DeviceError(StationError):
    """A device cannot be opened or has failed."""


class ManifestError(StationError):
    """A manifest file was refused; the message lists each problem."""


class FileConflictError(StationError):
    """A file the station writes exists already with other content; it is never replaced."""
