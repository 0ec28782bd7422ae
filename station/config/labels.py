"""The ``[labels]`` table: Digital Link host, the templates for lots and pallets.

Templates themselves are checked by `labels.templates`, imported only when a config
is read. A template's fields must be ones the station fills (`labels.content`), and
the lot and pallet templates may require only fields their label has, or the first
print would fail. The resolver host is a DNS name or address, with an optional port.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from station.config.reader import TableReader
from station.domain.operators import Role
from station.domain.suggestions import did_you_mean
from station.errors import ConfigError

LABEL_KEYS = (
    "resolver_host",
    "lot_template",
    "pallet_template",
    "print_new_lots",
    "print_roles",
    "templates",
)
DEFAULT_PRINT_ROLES = frozenset({Role.RECEIVE, Role.RELEASE})
"""Who may print labels unless ``[labels] print_roles`` says otherwise: those who make lots."""
_HOST = re.compile(
    r"(?=.{1,253}(:|$))(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*"
    r"(:(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}))?"
)


def _builtin_templates() -> dict[str, Any]:
    from labels.builtin_templates import BUILTIN_TEMPLATES  # noqa: PLC0415 - loaded on demand

    return dict(BUILTIN_TEMPLATES)


@dataclass(frozen=True, slots=True)
class LabelSettings:
    """How new lots are labelled."""

    resolver_host: str = "id.example.com"
    """Host of the GS1 Digital Link URIs in label QR codes."""
    lot_template: str = "lot-100x50"
    pallet_template: str = "pallet-100x150"
    print_new_lots: bool = True
    """Queue a label for every new lot or pallet on the default printer."""
    print_roles: frozenset[Role] = DEFAULT_PRINT_ROLES
    """Roles any one of which lets a trained operator print or reprint a label."""
    templates: Mapping[str, Any] = field(default_factory=_builtin_templates)
    """Every template by name: the built-in ones, replaced or extended by the config's."""


def read_labels(reader: TableReader, value: object) -> LabelSettings:
    """The ``[labels]`` table with its ``[[labels.templates]]``."""
    from labels.site_templates import templates_from_config  # noqa: PLC0415 - loaded on demand

    table = reader.table(value, "labels", LABEL_KEYS)
    base = LabelSettings()
    raw = reader.get(table, "labels", "resolver_host", str, base.resolver_host)
    host = raw.strip().removeprefix("https://").removeprefix("http://").rstrip("/")
    if not _HOST.fullmatch(host):
        raise reader.fail(
            "labels.resolver_host",
            f"expected a host name such as 'id.example.com' (letters, digits, hyphens and "
            f"dots, optionally ':port'), found {raw!r}",
        )
    try:
        templates = templates_from_config(table.get("templates", []), "labels.templates")
    except ConfigError as exc:
        raise ConfigError(f"{reader.path}: {exc}") from None
    _check_fields(reader, table.get("templates", []), templates)
    names = sorted(templates)
    chosen = {}
    for key in ("lot_template", "pallet_template"):
        name = reader.get(table, "labels", key, str, getattr(base, key))
        if name not in templates:
            raise reader.fail(
                f"labels.{key}", f"unknown template {name!r} (known: {', '.join(names)})"
            )
        _check_required(reader, key, templates[name])
        chosen[key] = name
    role_names = [r.value for r in Role]
    roles = frozenset(
        reader.choice(name, f"labels.print_roles[{i}]", Role, role_names)
        for i, name in enumerate(reader.strings(table, "labels", "print_roles"))
    )
    if "print_roles" in table and not roles:
        raise reader.fail(
            "labels.print_roles",
            f"nobody could print labels: name at least one role ({', '.join(role_names)})",
        )
    return LabelSettings(
        resolver_host=host,
        print_roles=roles or base.print_roles,
        print_new_lots=reader.get(table, "labels", "print_new_lots", bool, base.print_new_lots),
        templates=templates,
        **chosen,
    )


def _check_fields(reader: TableReader, raw: object, templates: Mapping[str, Any]) -> None:
    """Each field of a site template must be one the station fills on some label."""
    from labels.content import LOT_FIELDS, PALLET_FIELDS  # noqa: PLC0415 - loaded on demand

    known = dict.fromkeys(LOT_FIELDS + PALLET_FIELDS)
    for i, item in enumerate(raw if isinstance(raw, list) else []):
        template = templates.get(str(item.get("name"))) if isinstance(item, dict) else None
        for j, spec in enumerate(getattr(template, "fields", ())):
            if spec.name not in known:
                raise reader.fail(
                    f"labels.templates[{i}].fields[{j}]",
                    f"unknown label field {spec.name!r}{did_you_mean(spec.name, list(known))} "
                    f"(the station fills: {', '.join(known)})",
                )


def _check_required(reader: TableReader, key: str, template: Any) -> None:
    """The lot (pallet) template may require only fields a lot (pallet) label has."""
    from labels.content import LOT_FIELDS, PALLET_FIELDS  # noqa: PLC0415 - loaded on demand

    filled = LOT_FIELDS if key == "lot_template" else PALLET_FIELDS
    what = "lot" if key == "lot_template" else "pallet"
    for spec in getattr(template, "fields", ()):
        if spec.required and spec.name not in filled:
            raise reader.fail(
                f"labels.{key}",
                f"template {template.name!r} requires field {spec.name!r}, which a {what} "
                f"label does not have (it has: {', '.join(filled)})",
            )
