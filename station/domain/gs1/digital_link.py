"""GS1 Digital Link URIs: a web address that carries GS1 keys in its path and query.

``https://example.com/01/09521234543213/10/ABC?17=251231`` is GS1 data on any
host: the rightmost primary key in the path (``/01/...``) starts the GS1 part,
its qualifiers follow in the order the syntax dictionary allows, and further
AIs go in the query. A URL with no primary key in its path is just a URL, and
`digital_link_code` leaves it to the rest of classification.

    >>> digital_link_code("https://id.gs1.org/01/09521234543213/10/ABC", "", None).ais
    (('01', '09521234543213'), ('10', 'ABC'))
    >>> digital_link_code("https://example.com/about", "", None) is None
    True
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from station.domain.gs1.checks import gs1_code
from station.domain.gs1.element_string import (
    ASCII_DIGITS,
    GS1_AIS,
    Element,
    Gs1Error,
    parse_ai_value,
)
from station.domain.printable import quoted
from station.domain.scanning.code_errors import invalid_code
from station.domain.scanning.codes import Code, Gs1Form

__all__ = ["digital_link_code"]

# Any case, so that a mixed-case scheme is rejected with a reason, not passed over.
_DL_SCHEME = re.compile(r"https?://", re.IGNORECASE)

_URI_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"
)
_BAD_DOMAIN_CHARACTERS = frozenset("_~?#@!$&'()*+,;=%")
_DL_SCHEMES = frozenset({"http://", "https://", "HTTP://", "HTTPS://"})
_PERCENT_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")

DL_KEY_QUALIFIERS: dict[str, tuple[tuple[str, ...], ...]] = {
    "00": ((),),
    "01": (("22", "10", "21"), ("235",)),
    "253": ((),),
    "255": ((),),
    "401": ((),),
    "402": ((),),
    "414": (("254",), ("7040",)),
    "415": (("8020",),),
    "417": (("7040",),),
    "8003": ((),),
    "8004": (("7040",),),
    "8006": (("22", "10", "21"),),
    "8010": (("8011",),),
    "8013": ((),),
    "8017": (("8019",),),
    "8018": (("8019",),),
}
"""Digital Link primary keys and their alternative ordered qualifier sequences."""

_NOT_DL_ATTRIBUTES = frozenset(
    {"03", "21", "22", "235", "254", "7040", "7041", "8011", "8014", "8019", "8020"}
    | {"8040", "8041", "8042", "8043", "8200"}
)
"""AIs the syntax dictionary does not permit as Digital Link query parameters."""


def digital_link_code(body: str, evidence: str, sym: str | None) -> Code | None:
    """A `Code` if `body` is a URL with a GS1 key in its path, else None (just a URL)."""
    scheme = _DL_SCHEME.match(body)
    if scheme is None:
        return None
    rest = body[scheme.end() :]
    slash = rest.find("/")
    if slash < 0:
        return None
    domain = rest[:slash]
    path, _, query = rest[slash:].split("#", 1)[0].partition("?")
    segments = path[1:].split("/")
    key_index = _find_dl_key(segments)
    if key_index is None:
        if any(segment in DL_KEY_QUALIFIERS for segment in segments[:-1]):
            return _invalid_dl(
                evidence, body, "its path does not end in AI/value pairs after a primary key"
            )
        return None

    def fail(reason: str) -> Code:
        return _invalid_dl(evidence, body, reason)

    if body[: scheme.end()] not in _DL_SCHEMES:
        return fail("the scheme must be all lower or all upper case")
    for position, char in enumerate(body):
        if char not in _URI_CHARACTERS:
            return fail(f"{quoted(char)} at position {position + 1} is not allowed in a URI")
    if not domain:
        return fail("it has no domain")
    if any(char in _BAD_DOMAIN_CHARACTERS for char in domain):
        return fail(f"the domain {quoted(domain)} holds characters not allowed in a host name")

    try:
        path_elements = [
            _dl_element(segments[index], segments[index + 1], "path")
            for index in range(key_index, len(segments), 2)
        ]
        query_elements = _dl_query_elements(query)
    except Gs1Error as exc:
        return fail(str(exc))

    sequence = [element.ai.ai for element in path_elements]
    if not _valid_dl_path(sequence):
        return fail(f"the path AIs {_ai_list(sequence)} are not a valid key and qualifier sequence")
    seen = set(sequence)
    for element in query_elements:
        ai = element.ai.ai
        if ai in seen:
            return fail(f"AI ({ai}) appears more than once")
        seen.add(ai)
        if ai in _NOT_DL_ATTRIBUTES:
            return fail(f"AI ({ai}) is not allowed as a query parameter")
        for index in range(1, len(sequence) + 1):
            if _valid_dl_path([*sequence[:index], ai, *sequence[index:]]):
                return fail(f"AI ({ai}) is a key qualifier and belongs in the path")
    return gs1_code([*path_elements, *query_elements], evidence, sym, Gs1Form.DIGITAL_LINK)


def _find_dl_key(segments: Sequence[str]) -> int | None:
    # Like the GS1 syntax engine: walk back over AI/value pairs from the end;
    # the rightmost primary key starts the GS1 part, the rest is the stem.
    index = len(segments) - 2
    while index >= 0:
        segment = segments[index]
        if segment not in GS1_AIS:
            return None
        if segment in DL_KEY_QUALIFIERS:
            return index
        index -= 2
    return None


def _dl_element(ai_code: str, raw_value: str, where: str) -> Element:
    if not raw_value:
        raise Gs1Error(f"AI ({ai_code}) has an empty value in the {where}")
    decoded = _percent_decode(raw_value, plus_is_space=where == "query")
    if "\x00" in decoded:
        raise Gs1Error(f"the value of AI ({ai_code}) decodes to a NUL character")
    if ai_code == "01" and len(decoded) in (8, 12, 13) and ASCII_DIGITS.fullmatch(decoded):
        # GTIN-8/12/13 written without the padding zeros (accepted by biip and
        # by the GS1 syntax engine's permitZeroSuppressedGTINinDLuris mode).
        decoded = decoded.zfill(14)
    try:
        return parse_ai_value(ai_code, decoded, None)
    except Gs1Error as exc:
        raise Gs1Error(str(exc).rstrip(".")) from None


def _dl_query_elements(query: str) -> list[Element]:
    elements: list[Element] = []
    for parameter in query.split("&"):
        key, equals, value = parameter.partition("=")
        if not equals or not ASCII_DIGITS.fullmatch(key):
            continue  # other query parameters are the resolver's business
        if key not in GS1_AIS:
            raise Gs1Error(f"unknown AI ({key}) in the query")
        elements.append(_dl_element(key, value, "query"))
    return elements


def _percent_decode(text: str, *, plus_is_space: bool) -> str:
    if plus_is_space:
        text = text.replace("+", " ")
    return _PERCENT_ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text)


def _valid_dl_path(sequence: Sequence[str]) -> bool:
    alternatives = DL_KEY_QUALIFIERS.get(sequence[0])
    if alternatives is None:
        return False
    qualifiers = sequence[1:]
    return any(_is_ordered_subset(qualifiers, alternative) for alternative in alternatives)


def _is_ordered_subset(items: Sequence[str], allowed: Sequence[str]) -> bool:
    remaining = iter(allowed)
    return all(item in remaining for item in items)


def _ai_list(ais: Sequence[str]) -> str:
    return "".join(f"({ai})" for ai in ais)


def _invalid_dl(evidence: str, uri: str, reason: str) -> Code:
    return invalid_code(evidence, f"Invalid GS1 Digital Link URI {quoted(uri)}: {reason}.")
