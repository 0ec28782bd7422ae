"""Image barcode decoders: one vocabulary of symbologies, two back ends, one factory.

A camera or an image file reaches the station through a `station.ports.Decoder`:
it finds the codes in one picture and returns their text the way a handheld
scanner would send it, GS1 FNC1 separators as ``"\\x1d"`` and the AIM symbology
identifier beside it (``]Q3``, ``]d2``, ``]C1``, ``]E0``, ``]e0``), so that
`station.domain.scanning.classify` treats a camera read exactly like a keyboard-wedge one.

Back ends, chosen by name:

- ``zxing`` (`drivers.decoders.zxing.ZxingDecoder`, zxing-cpp): every symbology
  the station meets, DataMatrix included; symbology identifiers from the decoder.
- ``zbar`` (`drivers.decoders.zbar.ZbarDecoder`, pyzbar over libzbar): no
  DataMatrix, Aztec, PDF417 or DataBar Limited; identifiers derived (see there).

`get_decoder` wraps the back end in `drivers.decoders.pipeline.DecodePipeline`
(grey conversion once, a contrast-equalised second pass), which is what the
station uses; the bare back ends stay importable for benchmarks.

Symbologies are named in the station's own words (`SYMBOLOGIES`), the same in a
camera URL (``formats=qr,datamatrix,code128``) and in ``station decode``, and each
back end maps them to its library. `parse_formats` reads that list:

    >>> sorted(parse_formats("QR, gs1-128,ean13"))
    ['code128', 'ean13', 'qr']
    >>> parse_formats("qr,datamatirx")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    station.errors.DeviceError: Unknown symbology 'datamatirx': ... did you mean 'datamatrix'?

UPC-A: a UPC-A symbol and an EAN-13 symbol whose first digit is 0 are the same
bars, and both libraries report it as 13 digits. The decoders give it as the
12-digit UPC-A (format ``UPCA``, symbology ``]E0`` kept), which is what handheld
scanners send by default, so one label gives one text whichever device read it.
The GTIN is the same either way (the classifier pads both to GTIN-14); pass
``upca_12=False`` to keep the 13 digits (the strict AIM ``]E0`` transmission).
UPC-E is given the same way, expanded to its GTIN-12 (format ``UPCE``): both
libraries expand it, and the 8-digit short form is no GTIN (the classifier would
take it for a GTIN-8).

    >>> upca_as_12("0036602301467")
    '036602301467'
    >>> upca_as_12("5901234123457") is None
    True
    >>> upce_as_upca("01234565")
    '012345000065'
"""

from __future__ import annotations

from collections.abc import Iterable

from station.domain.suggestions import did_you_mean
from station.errors import DeviceError
from station.ports import Decoder

__all__ = [
    "DECODER_NAMES",
    "SYMBOLOGIES",
    "get_decoder",
    "parse_formats",
    "upca_as_12",
    "upce_as_upca",
]

SYMBOLOGIES: tuple[str, ...] = (
    "qr",
    "microqr",
    "rmqr",
    "datamatrix",
    "aztec",
    "pdf417",
    "maxicode",
    "code128",
    "code39",
    "code93",
    "codabar",
    "itf",
    "ean13",
    "ean8",
    "upca",
    "upce",
    "databar",
    "databar-expanded",
    "databar-limited",
)
"""Symbology names the station accepts in ``formats=``. ``databar`` is DataBar
Omnidirectional with its truncated and stacked forms (a GTIN only);
``databar-expanded`` includes Expanded Stacked."""

ALIASES: dict[str, str] = {
    "qrcode": "qr",
    "dm": "datamatrix",
    "data-matrix": "datamatrix",
    "gs1-128": "code128",
    "ean-13": "ean13",
    "ean-8": "ean8",
    "upc-a": "upca",
    "upc-e": "upce",
    "itf14": "itf",
    "itf-14": "itf",
    "interleaved2of5": "itf",
    "rss14": "databar",
    "rssexpanded": "databar-expanded",
    "databar-exp": "databar-expanded",
    "databar-ltd": "databar-limited",
}
"""Other spellings people write for the same symbologies."""

DECODER_NAMES: tuple[str, ...] = ("zxing", "zbar")


def parse_formats(text: str | Iterable[str] | None) -> frozenset[str] | None:
    """The symbologies named in `text` (comma-separated or an iterable), or None for all.

    Names are case-insensitive and may be aliases (``gs1-128``, ``upc-a``); an
    unknown name is a `DeviceError` listing the valid ones and the nearest match.
    """
    if text is None:
        return None
    names = text.split(",") if isinstance(text, str) else list(text)
    found: set[str] = set()
    for raw in names:
        name = raw.strip().lower().replace("_", "-")
        if not name:
            continue
        if name in ("all", "*"):
            return None
        name = ALIASES.get(name, name)
        if name not in SYMBOLOGIES:
            known = ", ".join(SYMBOLOGIES)
            hint = did_you_mean(name, [*SYMBOLOGIES, *ALIASES]) or "."
            raise DeviceError(f"Unknown symbology {raw.strip()!r}: expected one of {known}{hint}")
        found.add(name)
    if not found:
        raise DeviceError(f"No symbology named in {text!r}: expected e.g. 'qr,datamatrix,code128'.")
    return frozenset(found)


def upca_as_12(text: str) -> str | None:
    """The 12-digit UPC-A for a 13-digit EAN-13 text starting with 0, else None."""
    if len(text) == 13 and text[0] == "0" and text.isascii() and text.isdigit():
        return text[1:]
    return None


def upce_as_upca(text: str) -> str | None:
    """The GTIN-12 a UPC-E code stands for, from its 8 digits (number system 0 or 1), else None.

    zxing-cpp sends UPC-E expanded already; ZBar sends the 8 digits when UPC-E is
    enabled on its own, so the ZBar back end expands them here.
    """
    if len(text) != 8 or not (text.isascii() and text.isdigit()) or text[0] not in "01":
        return None
    system, d, check = text[0], text[1:7], text[7]
    last = d[5]
    if last in "012":
        middle = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        middle = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        middle = d[0:4] + "00000" + d[4]
    else:
        middle = d[0:5] + "0000" + last
    return system + middle + check


def get_decoder(
    name: str = "zxing",
    formats: frozenset[str] | None = None,
    *,
    retry: bool = True,
    retry_every: int = 1,
    try_harder: bool = True,
    upca_12: bool = True,
) -> Decoder:
    """The station's decoder: back end `name` restricted to `formats`, in the pipeline.

    `formats` None means every symbology the back end reads. `retry` adds the
    contrast-equalised second pass on images where the first found nothing, on one
    such image in `retry_every` (a camera passes 2: see the pipeline).
    Raises `DeviceError` for an unknown back end, a symbology the back end cannot
    read, or a back end whose library is missing.
    """
    from drivers.decoders.pipeline import DecodePipeline  # noqa: PLC0415

    backend: Decoder
    second: Decoder | None
    if name == "zxing":
        from drivers.decoders.zxing import ZxingDecoder  # noqa: PLC0415

        backend = ZxingDecoder(formats, try_harder=try_harder, upca_12=upca_12)
        second = ZxingDecoder(formats, try_harder=False, upca_12=upca_12)
    elif name == "zbar":
        from drivers.decoders.zbar import ZbarDecoder  # noqa: PLC0415

        backend = second = ZbarDecoder(formats, upca_12=upca_12)
    else:
        known = ", ".join(DECODER_NAMES)
        raise DeviceError(f"Unknown decoder {name!r}: expected one of {known}.")
    return DecodePipeline(backend, retry=second if retry else None, retry_every=retry_every)
