"""The ``[[operators]]`` roster: badges, roles, training records and PIN hashes.

The roster flows down from the hub later; until then it is the config's, and the
receiving and release checks qualify operators against it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from station.config.reader import TableReader
from station.domain.operators import Operator, Role, Training, pin_hash_problem

OPERATOR_KEYS = ("id", "name", "badge", "roles", "training", "pin_hash")
TRAINING_KEYS = ("course", "expires", "completed")


def read_operators(reader: TableReader, top: Mapping[str, Any]) -> tuple[Operator, ...]:
    """Every roster entry; ids and badges must be unique."""
    operators: list[Operator] = []
    seen_ids: set[str] = set()
    seen_badges: set[str] = set()
    role_names = [r.value for r in Role]
    for where, item in reader.tables(top, "", "operators"):
        entry = reader.table(item, where, OPERATOR_KEYS)
        op_id = reader.text(entry, where, "id")
        badge = reader.text(entry, where, "badge")
        if op_id in seen_ids:
            raise reader.fail(f"{where}.id", f"duplicate operator id {op_id!r}")
        if badge in seen_badges:
            raise reader.fail(
                f"{where}.badge", f"badge {badge!r} is already given to another operator"
            )
        seen_ids.add(op_id)
        seen_badges.add(badge)
        roles = frozenset(
            reader.choice(name, f"{where}.roles[{i}]", Role, role_names)
            for i, name in enumerate(reader.strings(entry, where, "roles"))
        )
        pin_hash = entry.get("pin_hash")
        if pin_hash is not None:
            pin_hash = reader.get(entry, where, "pin_hash", str)
            problem = pin_hash_problem(pin_hash)
            if problem is not None:
                raise reader.fail(
                    f"{where}.pin_hash", f"{problem} (make one with `station hash-pin`)"
                )
        elif Role.SUPERVISE in roles:
            raise reader.fail(
                f"{where}.pin_hash",
                "a supervisor decides holds with badge and PIN: give them a pin_hash "
                "(make one with `station hash-pin`)",
            )
        training = _training(reader, entry, where)
        operators.append(
            Operator(
                id=op_id,
                name=reader.text(entry, where, "name"),
                badge=badge,
                roles=roles,
                training=training,
                pin_hash=pin_hash,
            )
        )
    return tuple(operators)


def _training(reader: TableReader, entry: Mapping[str, Any], where: str) -> tuple[Training, ...]:
    training = []
    for twhere, titem in reader.tables(entry, where, "training"):
        record = reader.table(titem, twhere, TRAINING_KEYS)
        completed = record.get("completed")
        course = Training(
            course=reader.text(record, twhere, "course"),
            expires=_date(reader, record, twhere, "expires"),
            completed=None if completed is None else _date(reader, record, twhere, "completed"),
        )
        if course.completed is not None and course.expires < course.completed:
            raise reader.fail(
                f"{twhere}.expires",
                f"{course.expires.isoformat()} is before the training was completed "
                f"({course.completed.isoformat()}): expected the last valid day after it",
            )
        training.append(course)
    return tuple(training)


def _date(reader: TableReader, table: Mapping[str, Any], key: str, name: str) -> dt.date:
    value = table.get(name)
    where = f"{key}.{name}"
    if value is None:
        raise reader.fail(where, "required key is missing")
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise reader.fail(where, f"expected a date such as 2027-06-30, found {value!r}")
