"""The ``[labels]`` table: Digital Link host, the templates for lots and pallets.

Templates themselves are checked by `labels.templates`, imported only when a config
is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from station.config.reader import TableReader
from station.domain.operators import Role
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
    if not host or any(c in host for c in " /?#"):
        raise reader.fail(
            "labels.resolver_host",
            f"expected a host name such as 'id.example.com', found {raw!r}",
        )
    try:
        templates = templates_from_config(table.get("templates", []), "labels.templates")
    except ConfigError as exc:
        raise ConfigError(f"{reader.path}: {exc}") from None
    names = sorted(templates)
    chosen = {}
    for key in ("lot_template", "pallet_template"):
        name = reader.get(table, "labels", key, str, getattr(base, key))
        if name not in templates:
            raise reader.fail(
                f"labels.{key}", f"unknown template {name!r} (known: {', '.join(names)})"
            )
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
