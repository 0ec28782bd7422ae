"""The Core Business Vocabulary (CBV 2.0) terms the station uses, and their web URIs.

EPCIS 2.0 JSON-LD writes standard vocabulary as bare names (``receiving``, not
``urn:epcglobal:cbv:bizstep:receiving``); the event hash writes every such value as
its GS1 web URI (``https://ref.gs1.org/cbv/BizStep-receiving``). The term lists are
the enumerations of the EPCIS 2.0 JSON schema, so a bare name is standard exactly
when the schema says so.

    >>> web_uri("bizStep", "receiving")
    'https://ref.gs1.org/cbv/BizStep-receiving'
    >>> web_uri("bizStep", "urn:epcglobal:cbv:bizstep:shipping")
    'https://ref.gs1.org/cbv/BizStep-shipping'
    >>> web_uri("bizStep", "https://example.com/steps/weighing")
    'https://example.com/steps/weighing'
"""

from __future__ import annotations

from typing import Final

CBV_WEB: Final = "https://ref.gs1.org/cbv/"
GS1_VOC_WEB: Final = "https://ref.gs1.org/voc/"

BIZ_STEPS: Final = frozenset(
    [
        "accepting",
        "arriving",
        "assembling",
        "collecting",
        "commissioning",
        "consigning",
        "creating_class_instance",
        "cycle_counting",
        "decommissioning",
        "departing",
        "destroying",
        "disassembling",
        "dispensing",
        "encoding",
        "entering_exiting",
        "holding",
        "inspecting",
        "installing",
        "killing",
        "loading",
        "other",
        "packing",
        "picking",
        "receiving",
        "removing",
        "repackaging",
        "repairing",
        "replacing",
        "reserving",
        "retail_selling",
        "shipping",
        "staging_outbound",
        "stock_taking",
        "stocking",
        "storing",
        "transporting",
        "unloading",
        "unpacking",
        "void_shipping",
        "sensor_reporting",
        "sampling",
    ]
)
DISPOSITIONS: Final = frozenset(
    [
        "active",
        "container_closed",
        "damaged",
        "destroyed",
        "dispensed",
        "disposed",
        "encoded",
        "expired",
        "in_progress",
        "in_transit",
        "inactive",
        "no_pedigree_match",
        "non_sellable_other",
        "partially_dispensed",
        "recalled",
        "reserved",
        "retail_sold",
        "returned",
        "sellable_accessible",
        "sellable_not_accessible",
        "stolen",
        "unknown",
        "available",
        "completeness_verified",
        "completeness_inferred",
        "conformant",
        "container_open",
        "mismatch_instance",
        "mismatch_class",
        "mismatch_quantity",
        "needs_replacement",
        "non_conformant",
        "unavailable",
    ]
)
BIZ_TRANSACTION_TYPES: Final = frozenset(
    [
        "bol",
        "cert",
        "desadv",
        "inv",
        "pedigree",
        "po",
        "poc",
        "prodorder",
        "recadv",
        "rma",
        "testprd",
        "testres",
        "upevt",
    ]
)
SOURCE_DEST_TYPES: Final = frozenset({"owning_party", "possessing_party", "location"})
ERROR_REASONS: Final = frozenset({"did_not_occur", "incorrect_data"})

# Field -> (terms, web URI prefix, legacy URN prefix).
_FIELDS: Final[dict[str, tuple[frozenset[str], str, str]]] = {
    "bizStep": (BIZ_STEPS, CBV_WEB + "BizStep-", "urn:epcglobal:cbv:bizstep:"),
    "disposition": (DISPOSITIONS, CBV_WEB + "Disp-", "urn:epcglobal:cbv:disp:"),
    "bizTransactionType": (BIZ_TRANSACTION_TYPES, CBV_WEB + "BTT-", "urn:epcglobal:cbv:btt:"),
    "sourceDestType": (SOURCE_DEST_TYPES, CBV_WEB + "SDT-", "urn:epcglobal:cbv:sdt:"),
    "errorReason": (ERROR_REASONS, CBV_WEB + "ER-", "urn:epcglobal:cbv:er:"),
}

_LEGACY_URNS: Final = tuple((urn, web) for _, web, urn in _FIELDS.values())


def web_uri(field: str, value: str) -> str:
    """`value` of the vocabulary `field` as its GS1 web URI; any other URI unchanged."""
    terms, web, urn = _FIELDS[field]
    if value in terms:
        return web + value
    if value.startswith(urn):
        return web + value[len(urn) :]
    return value


def legacy_urn_to_web(value: str) -> str:
    """A ``urn:epcglobal:cbv:...`` vocabulary URN as its web URI; anything else unchanged."""
    for urn, web in _LEGACY_URNS:
        if value.startswith(urn):
            return web + value[len(urn) :]
    return value


def sensor_term_uri(value: str) -> str:
    """A bare GS1 web vocabulary term (measurement type, alert) as its web URI."""
    if value and ":" not in value and "/" not in value:
        return GS1_VOC_WEB + value
    return value
