"""What goes on the station's labels: domain values in, a filled-in `Label` out.

The labelling workflow knows a new lot's GTIN, lot id, quantity, where and when it
was made and how many parent lots went into it; a pallet's SSCC and contents.
These functions write those as the lines people read (dates in ISO form, the
SSCC in GS1's ``(00)`` form) and as the GS1 Digital Link the QR code carries.

    >>> sscc_hri("376130321109103420")
    '(00) 376130321109103420'
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from labels.builtin_templates import BUILTIN_TEMPLATES
from labels.digital_link import lot_uri, sscc_uri
from labels.model import Label, Sheet
from labels.templates import CommandSheetTemplate, LabelTemplate, TemplateError

__all__ = ["command_sheet", "format_quantity", "lot_label", "pallet_label", "sscc_hri"]


def _builtin_label(name: str) -> LabelTemplate:
    template = BUILTIN_TEMPLATES[name]
    assert isinstance(template, LabelTemplate)
    return template


def sscc_hri(sscc: str) -> str:
    """The SSCC as GS1 prints it for people under the barcode: ``(00) 376130321109103420``."""
    return f"(00) {sscc.strip()}"


def format_quantity(quantity: Decimal | int | float | str, uom: str) -> str:
    """``1200 kg``, ``12.5 m2``: no exponent, no trailing zeros after the point."""
    if isinstance(quantity, str):
        number = quantity.strip()
    else:
        number = format(Decimal(str(quantity)).normalize(), "f")
    return f"{number} {uom}".strip()


LOT_FIELDS = ("product", "lot", "quantity", "produced", "parents")
"""The fields the station fills on a lot label; a template may show any of them."""

PALLET_FIELDS = ("sscc", "contents", "quantity", "lots", "produced")
"""The fields the station fills on a pallet label."""


def lot_label(
    *,
    resolver: str,
    gtin: str,
    lot: str,
    product: str,
    quantity: Decimal | int | float | str,
    uom: str,
    produced_on: dt.date,
    place: str,
    parent_lots: int,
    template: LabelTemplate | None = None,
) -> Label:
    """The label of a new lot (``lot-100x50`` unless another template is given).

    The QR code is ``https://{resolver}/01/{gtin14}/10/{lot}?11={yymmdd}``.
    """
    chosen = template or _builtin_label("lot-100x50")
    payload = lot_uri(resolver, gtin, lot, produced_on)
    produced = f"{produced_on.isoformat()}, {place}" if place else produced_on.isoformat()
    values = {
        "product": product,
        "lot": lot,
        "quantity": format_quantity(quantity, uom),
        "produced": produced,
        "parents": str(parent_lots),
    }
    return chosen.label(payload, _only(values, chosen))


def pallet_label(
    *,
    resolver: str,
    sscc: str,
    produced_on: dt.date | None = None,
    contents: str = "",
    quantity: str = "",
    lots: str = "",
    place: str = "",
    template: LabelTemplate | None = None,
) -> Label:
    """The label of a pallet (``pallet-100x150`` unless another template is given).

    The QR code is ``https://{resolver}/00/{sscc}``; the production date is in the text
    only (GS1 allows AI (11) only beside a trade item key, which an SSCC is not).
    """
    chosen = template or _builtin_label("pallet-100x150")
    payload = sscc_uri(resolver, sscc)
    produced = produced_on.isoformat() if produced_on else ""
    if place:
        produced = f"{produced}, {place}" if produced else place
    values = {
        "sscc": sscc_hri(sscc),
        "contents": contents,
        "quantity": quantity,
        "lots": lots,
        "produced": produced,
    }
    return chosen.label(payload, _only(values, chosen))


def command_sheet(prefix: str = "#", template: CommandSheetTemplate | None = None) -> Sheet:
    """The sheet of station command codes with the site's command `prefix`."""
    chosen = template or BUILTIN_TEMPLATES["command-sheet"]
    if not isinstance(chosen, CommandSheetTemplate):
        raise TemplateError(f"template {chosen.name!r} is not a command sheet")
    return chosen.sheet(prefix)


def _only(values: dict[str, str], template: LabelTemplate) -> dict[str, str]:
    # A site template may leave out some of the lines the station knows.
    names = set(template.field_names)
    return {name: value for name, value in values.items() if name in names}
