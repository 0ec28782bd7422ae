"""Operators, their roles and training, and the qualification rule.

Only qualified, trained personnel may receive or release goods: an operator needs
the role for the dock and an unexpired record of the required training on the day
of the action. PINs are kept only as salted PBKDF2 hashes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

PIN_HASH_SCHEME = "pbkdf2_sha256"
PIN_HASH_ITERATIONS = 200_000
"""What `station hash-pin` uses."""
MIN_PIN_HASH_ITERATIONS = 100_000
MAX_PIN_HASH_ITERATIONS = 10_000_000


class Role(StrEnum):
    """What an operator may do at a station."""

    RECEIVE = "receive"
    RELEASE = "release"
    SUPERVISE = "supervise"


@dataclass(frozen=True, slots=True)
class Training:
    """One training record."""

    course: str
    expires: dt.date
    """Last day on which the training is valid."""
    completed: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Operator:
    """A person on the station's roster."""

    id: str
    name: str
    badge: str
    roles: frozenset[Role]
    training: tuple[Training, ...] = ()
    pin_hash: str | None = None

    def training_for(self, course: str) -> Training | None:
        """The record of `course` that expires last, if any."""
        records = [t for t in self.training if t.course == course]
        return max(records, key=lambda t: t.expires) if records else None


@dataclass(frozen=True, slots=True)
class Qualification:
    """Whether an operator may act in a role today, and why not."""

    ok: bool
    reason: str


def qualification(operator: Operator, role: Role, course: str, today: dt.date) -> Qualification:
    """Check role and training; the reason names what is missing or expired."""
    if role not in operator.roles:
        held = ", ".join(sorted(r.value for r in operator.roles)) or "none"
        return Qualification(
            False, f"{operator.name} does not hold the {role.value!r} role (roles: {held})"
        )
    record = operator.training_for(course)
    if record is None:
        return Qualification(False, f"{operator.name} has no {course!r} training on record")
    if record.expires < today:
        return Qualification(
            False,
            f"{operator.name}'s {course!r} training expired on {record.expires.isoformat()}",
        )
    return Qualification(True, f"{operator.name} is qualified to {role.value}")


def hash_pin(pin: str, *, salt: str | None = None, iterations: int = PIN_HASH_ITERATIONS) -> str:
    """Salted PBKDF2-SHA256 hash in the form ``pbkdf2_sha256$<iterations>$<salt>$<hex>``."""
    salt = salt if salt is not None else secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), iterations).hex()
    return f"{PIN_HASH_SCHEME}${iterations}${salt}${digest}"


def pin_hash_problem(stored: str) -> str | None:
    """Why `stored` cannot be used as a PIN hash, or None when it can.

    Too few iterations make a stolen config file cheap to brute-force (a PIN has only
    10**4 to 10**12 values); too many make every decision, and a wrong guess, hang.
    """
    parts = stored.split("$")
    if not (
        len(parts) == 4
        and parts[0] == PIN_HASH_SCHEME
        and parts[1].isascii()
        and parts[1].isdigit()
        and parts[2].isascii()
        and parts[2].isprintable()
        and bool(parts[2])
        and len(parts[3]) == 64
        and all(c in "0123456789abcdef" for c in parts[3])
    ):
        return "expected 'pbkdf2_sha256$<iterations>$<salt>$<64 hex digits>'"
    iterations = int(parts[1])
    if iterations < MIN_PIN_HASH_ITERATIONS:
        return (
            f"{iterations} PBKDF2 iterations are too few to protect a PIN "
            f"(at least {MIN_PIN_HASH_ITERATIONS:,})"
        )
    if iterations > MAX_PIN_HASH_ITERATIONS:
        return (
            f"{iterations} PBKDF2 iterations would make each PIN check take minutes "
            f"(at most {MAX_PIN_HASH_ITERATIONS:,})"
        )
    return None


def verify_pin(pin: str, stored: str) -> bool:
    """Constant-time check of `pin` against a stored hash; False, never an error, on any input."""
    if pin_hash_problem(stored) is not None:
        return False
    _, iterations, salt, _ = stored.split("$")
    try:
        return hmac.compare_digest(hash_pin(pin, salt=salt, iterations=int(iterations)), stored)
    except (ValueError, OverflowError, UnicodeError):
        # e.g. a PIN holding a lone surrogate from a mis-decoded terminal: not the PIN.
        return False
