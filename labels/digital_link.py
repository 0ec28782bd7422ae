"""GS1 Digital Link URIs for the labels the station prints.

A new lot's QR code carries ``https://{resolver}/01/{gtin14}/10/{lot}?11={yymmdd}``
and a pallet's ``https://{resolver}/00/{sscc}`` (its date is on the label as text: GS1
allows (11) only beside a trade item key): a phone opens the
resolver's page, and a station reads the same GS1 data a classic element string
would give. Generation follows the GS1 syntax engine's ``gs1_generateDLuri``:

- the first AI that is a Digital Link primary key goes first in the path, then
  its key qualifiers in the order the syntax dictionary fixes (``/22/``,
  ``/10/``, ``/21/`` after ``/01/``), choosing the qualifier sequence that
  takes most of the given AIs;
- every other AI goes to the query, predefined-length AIs first, each group in
  the order given; a repeated AI with the same value is written once;
- path values are percent-encoded except for RFC 3986 unreserved characters
  (``A-Z a-z 0-9 - . _ ~``); query values likewise, but a space becomes ``+``.

Every URI built here is read back with `station.domain.scanning.classify.classify`, the
classifier the scanned label will meet at the dock, and must give back exactly
the AIs that went in; anything else is a `DigitalLinkError` at print time rather
than an unreadable label on a pallet.

    >>> import datetime as dt
    >>> lot_uri("id.example.com", "9521234543213", "L7/1", dt.date(2026, 11, 23))
    'https://id.example.com/01/09521234543213/10/L7%2F1?11=261123'
    >>> sscc_uri("https://example.com/dl", "376130321109103420")
    'https://example.com/dl/00/376130321109103420'
    >>> digital_link_uri([("21", "XYZ"), ("01", "12312312312333"), ("99", "A+B")], "https://a")
    'https://a/01/12312312312333/21/XYZ?99=A%2BB'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from labels.hex_escape import hex_escape
from station.domain.gs1.digital_link import DL_KEY_QUALIFIERS
from station.domain.scanning.classify import classify
from station.domain.scanning.codes import Gs1Code, Gs1Form

__all__ = [
    "CANONICAL_STEM",
    "DL_KEY_QUALIFIERS",
    "DigitalLinkError",
    "digital_link_uri",
    "escape_path",
    "escape_query",
    "gs1_date",
    "lot_uri",
    "resolver_stem",
    "sscc_uri",
]

CANONICAL_STEM = "https://id.gs1.org"
"""GS1's own resolver, used when no stem is given (as the syntax engine does)."""

_PREDEFINED_LENGTH_PREFIXES = frozenset(
    {"00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"}
    | {"31", "32", "33", "34", "35", "36", "41"}
)
"""AIs starting with these digits have a predefined length (GS1 General Specifications
figure 7.8.5-2); the syntax engine writes them to the query before the others."""

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_BAD_DOMAIN_CHARACTERS = frozenset("_~?#@!$&'()*+,;=%")
_STEM_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/[]@!$&'()*+,;=%"
)


class DigitalLinkError(ValueError):
    """The AIs or the resolver cannot make a valid GS1 Digital Link URI."""


def escape_path(value: str) -> str:
    """Percent-encode an AI value for a path segment (UTF-8, upper-case hex)."""
    return hex_escape(value, _UNRESERVED, "%")


def escape_query(value: str) -> str:
    """Percent-encode an AI value for a query parameter; a space becomes ``+``."""
    return hex_escape(value, _UNRESERVED, "%", space="+")


def gs1_date(day: dt.date) -> str:
    """A date as GS1 writes it in AIs (11), (13), (15), (17): ``YYMMDD``."""
    return day.strftime("%y%m%d")


def resolver_stem(resolver: str) -> str:
    """The URI stem for `resolver`: a host name (``id.example.com``, ``example.com:8443``)
    becomes ``https://host``; an ``http(s)://`` URL is kept, without a trailing slash."""
    text = resolver.strip()
    if not text:
        raise DigitalLinkError("resolver is empty: expected a host name such as 'id.example.com'")
    if "://" not in text:
        text = f"https://{text}"
    scheme, _, rest = text.partition("://")
    if scheme not in ("https", "http"):
        raise DigitalLinkError(f"resolver {resolver!r}: expected an https:// or http:// URL")
    domain = rest.split("/", 1)[0]
    if not domain:
        raise DigitalLinkError(f"resolver {resolver!r}: no host name")
    bad = sorted(set(domain) & _BAD_DOMAIN_CHARACTERS)
    if bad:
        raise DigitalLinkError(
            f"resolver {resolver!r}: the host name holds {''.join(bad)!r}, not allowed in a host"
        )
    if "?" in rest or "#" in rest:
        raise DigitalLinkError(f"resolver {resolver!r}: a stem has no query or fragment")
    outside = sorted(set(rest) - _STEM_CHARACTERS)
    if outside:
        raise DigitalLinkError(
            f"resolver {resolver!r}: {''.join(outside)!r} not allowed in a URI "
            "(percent-encode the path)"
        )
    return text.rstrip("/")


def digital_link_uri(
    ais: Sequence[tuple[str, str]], stem: str | None = None, *, verify: bool = True
) -> str:
    """The Digital Link URI for `ais` (AI, value pairs) under `stem` (default GS1's resolver).

    With `verify` (the default) the URI is classified and must give back exactly
    the AIs that went in; `DigitalLinkError` says what does not.
    """
    base = CANONICAL_STEM if stem is None else stem
    if base.endswith("/"):
        base = base[:-1]
    unique: list[tuple[str, str]] = []
    for ai, value in ais:
        if not value:
            raise DigitalLinkError(f"AI ({ai}) has an empty value")
        earlier = next((v for a, v in unique if a == ai), None)
        if earlier is None:
            unique.append((ai, value))
        elif earlier != value:
            raise DigitalLinkError(f"AI ({ai}) is given twice: {earlier!r} and {value!r}")

    key = next((ai for ai, _ in unique if ai in DL_KEY_QUALIFIERS), None)
    if key is None:
        raise DigitalLinkError(
            f"no GS1 Digital Link primary key among {_ai_list(ai for ai, _ in unique)}"
        )
    present = {ai for ai, _ in unique}
    qualifiers = _best_qualifiers(key, present)
    values = dict(unique)
    path_ais = [key, *qualifiers]
    path = "".join(f"/{ai}/{escape_path(values[ai])}" for ai in path_ais)
    rest = [(ai, value) for ai, value in unique if ai not in path_ais]
    ordered = [item for item in rest if item[0][:2] in _PREDEFINED_LENGTH_PREFIXES] + [
        item for item in rest if item[0][:2] not in _PREDEFINED_LENGTH_PREFIXES
    ]
    query = "&".join(f"{ai}={escape_query(value)}" for ai, value in ordered)
    uri = f"{base}{path}?{query}" if query else f"{base}{path}"
    if verify:
        _verify(uri, [(ai, values[ai]) for ai in path_ais] + ordered)
    return uri


def _best_qualifiers(key: str, present: set[str]) -> tuple[str, ...]:
    # The engine expands each qualifier sequence into all its ordered subsets and
    # takes the first, in sorted order, holding the most given AIs. Keeping only
    # the given AIs of the sequence with the most matches, ties going to the
    # earlier sequence, gives the same path.
    best: tuple[str, ...] = ()
    for sequence in DL_KEY_QUALIFIERS[key]:
        chosen = tuple(ai for ai in sequence if ai in present)
        if len(chosen) > len(best) or (len(chosen) == len(best) and chosen < best):
            best = chosen
    return best


def _verify(uri: str, expected: Sequence[tuple[str, str]]) -> None:
    code = classify(uri)
    if not isinstance(code, Gs1Code) or code.form is not Gs1Form.DIGITAL_LINK:
        findings = getattr(code, "findings", ())
        reason = findings[0].message if findings else f"it reads as {type(code).__name__}"
        raise DigitalLinkError(f"{uri!r} is not a valid GS1 Digital Link URI: {reason}")
    if code.ais != tuple(expected):
        raise DigitalLinkError(
            f"{uri!r} reads back as {_ai_pairs(code.ais)}, not {_ai_pairs(expected)}"
        )


def lot_uri(resolver: str, gtin: str, lot: str, produced_on: dt.date | None = None) -> str:
    """``https://{resolver}/01/{gtin14}/10/{lot}?11={yymmdd}`` for a new lot.

    `gtin` may be GTIN-8, -12, -13 or -14 (padded to 14 digits); its check digit
    and the lot's GS1 character set are checked by reading the URI back.
    """
    digits = gtin.strip()
    if len(digits) in (8, 12, 13) and digits.isascii() and digits.isdigit():
        digits = digits.zfill(14)
    ais = [("01", digits), ("10", lot)]
    if produced_on is not None:
        ais.append(("11", gs1_date(produced_on)))
    return digital_link_uri(ais, resolver_stem(resolver))


def sscc_uri(resolver: str, sscc: str) -> str:
    """``https://{resolver}/00/{sscc}`` for a pallet (logistic unit).

    No production date: AI (11) needs a trade item key ((01), (02), (03), (8006) or
    (8026)) in the same URI, and an SSCC is none, so GS1 rejects ``/00/...?11=...``.
    A pallet label shows its date in the human-readable text instead.
    """
    return digital_link_uri([("00", sscc.strip())], resolver_stem(resolver))


def _ai_list(ais: Iterable[str]) -> str:
    listed = "".join(f"({ai})" for ai in ais)
    return listed or "no AIs"


def _ai_pairs(ais: Sequence[tuple[str, str]]) -> str:
    return "".join(f"({ai}){value}" for ai, value in ais)
