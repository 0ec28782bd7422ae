"""The label templates every station has, by name; a config table of the same name replaces one.

- ``lot-100x50``: a new lot (100 x 50 mm): product, lot id, quantity and unit,
  date and place of production, number of parent lots.
- ``pallet-100x150``: a pallet (100 x 150 mm): the SSCC as GS1 writes it for
  people, ``(00) 376130321109103420``, contents, quantity, lots, production.
- ``command-sheet``: the station's command codes (``#CLOSE``, ``#DAMAGED``,
  ``#SEAL-DAMAGED``, ``#UNDO``, ``#LOGOUT``), each a QR code and caption, with the
  site's command prefix (100 x 150 mm; ``command-sheet-a4`` for office printers).
"""

from __future__ import annotations

from collections.abc import Mapping

from labels.model import Arrangement, LabelSize, LabelStyle
from labels.templates import (
    CommandSheetTemplate,
    FieldSpec,
    LabelTemplate,
    Template,
    TemplateError,
)
from station.domain.suggestions import did_you_mean

__all__ = ["BUILTIN_TEMPLATES", "get_template"]

_LOT_100X50 = LabelTemplate(
    name="lot-100x50",
    size=LabelSize(100, 50),
    title="NEW LOT",
    fields=(
        FieldSpec("product", "Product", 3.5),
        FieldSpec("lot", "Lot", 4.0),
        FieldSpec("quantity", "Qty", 3.5),
        FieldSpec("produced", "Produced", 3.0),
        FieldSpec("parents", "Parent lots", 3.0),
    ),
    style=LabelStyle(title_font_mm=4.5, margin_mm=2.0, arrangement=Arrangement.SIDE),
)

_PALLET_100X150 = LabelTemplate(
    name="pallet-100x150",
    size=LabelSize(100, 150),
    title="PALLET",
    fields=(
        FieldSpec("sscc", "", 5.5),
        FieldSpec("contents", "Contents", 4.0, required=False),
        FieldSpec("quantity", "Qty", 4.0, required=False),
        FieldSpec("lots", "Lots", 4.0, required=False),
        FieldSpec("produced", "Produced", 3.5, required=False),
    ),
    style=LabelStyle(title_font_mm=6.0, margin_mm=3.0, qr_mm=70, arrangement=Arrangement.STACKED),
)

_COMMAND_SHEET = CommandSheetTemplate(
    name="command-sheet",
    size=LabelSize(100, 150),
    style=LabelStyle(title_font_mm=5.0, margin_mm=3.0),
)

_COMMAND_SHEET_A4 = CommandSheetTemplate(
    name="command-sheet-a4",
    size=LabelSize(210, 297, dpi=300),
    caption_font_mm=6.0,
    note_font_mm=4.5,
    style=LabelStyle(title_font_mm=8.0, margin_mm=12.0, qr_mm=60),
)

BUILTIN_TEMPLATES: dict[str, Template] = {
    template.name: template
    for template in (_LOT_100X50, _PALLET_100X150, _COMMAND_SHEET, _COMMAND_SHEET_A4)
}
"""The templates every station has; a config table of the same name replaces one."""


def get_template(name: str, templates: Mapping[str, Template] = BUILTIN_TEMPLATES) -> Template:
    """The template called `name`; `TemplateError` naming the known ones otherwise."""
    try:
        return templates[name]
    except KeyError:
        known = sorted(templates)
        raise TemplateError(
            f"unknown label template {name!r}{did_you_mean(name, known)} "
            f"(known: {', '.join(known)})"
        ) from None
