"""New identifiers: what making them asks of the store, and the error every allocator raises.

The traceability rules (DESIGN.md; protocol 5.5.2 and 5.5.3) ask for a new unique
identifier whenever goods change owner, location or packaging form, and a new batch
id for a mixed lot. Two pure allocators make them: `station.domain.lots.sscc_range`
(which SSCC a serial number becomes, how many serials a station has left, whether two
stations' ranges could ever hand out the same SSCC) and
`station.domain.lots.lot_template` (what lot number a template gives for a day and a
counter). Neither keeps a counter itself.

**How the store must use them.** The counters (the next SSCC serial of a range, the lot
sequence of a template) live in the store. To make an identifier the store, in *one*
transaction, reads the counter, calls `SsccRange.allocate` (or `LotTemplate.render`),
appends the event that uses the new id, and writes the counter back as
`Allocation.next_serial` (or ``seq + 1``). Reserving the serial in the same transaction
as the event is what keeps an id from being given twice after a crash, and from being
skipped silently: a label printed for an event that was never written would otherwise
carry an id the log does not know. Counters are kept per (company prefix, extension
digit) for SSCCs and per template for lots, so a configuration change that moves the
range starts a new counter instead of reusing an old one.
"""

from __future__ import annotations

__all__ = ["AllocationError", "is_counter"]


class AllocationError(ValueError):
    """A range or template that cannot work, or a counter outside its range.

    Configuration turns it into a `ConfigError` naming the file and key; from the store
    it means a bug (a counter not kept as this module's docstring says).
    """


def is_counter(value: object) -> bool:
    """Whether `value` is a whole number as counters and bounds must be (``True`` is not)."""
    return isinstance(value, int) and not isinstance(value, bool)
