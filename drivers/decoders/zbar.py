"""The ZBar back end (pyzbar over libzbar): the second opinion, and no DataMatrix.

Why a second back end: ZBar is the decoder many Linux tools ship, it is fast on
1D codes, and a site that already trusts it can keep it. Its limits, measured
with libzbar 0.23.92 and pyzbar 0.1.9 (see ``bench/decode.py``):

- No DataMatrix, Aztec, MaxiCode, Micro QR, rMQR or DataBar Limited; its PDF417
  decoder is unfinished and never returns a code, so ``pdf417`` is refused here.
- pyzbar reports only the symbol type, not the AIM identifier nor ZBar's symbol
  modifiers. This module walks ZBar's symbols itself through pyzbar's ctypes
  bindings and asks ``zbar_symbol_get_modifiers`` for ``ZBAR_MOD_GS1``, which
  ZBar sets for QR with FNC1 in first position, GS1-128 and DataBar. The AIM
  identifier is then derived: ``]Q3``/``]Q1``, ``]C1``/``]C0``, ``]e0``,
  ``]E0`` (EAN-13, UPC-A, UPC-E), ``]E4`` (EAN-8), and ``]A0``, ``]G0``,
  ``]F0``, ``]I0`` for Code 39, Code 93, Codabar and ITF. ZBar does not say
  whether it verified an optional check digit or met an ECI, so the modifier
  digit of those last four (and ``]Q2`` for QR with ECI) may differ from what a
  handheld scanner would send. Later FNC1s arrive as ``"\\x1d"``, as wanted.
- UPC-E comes from ZBar as its 8 digits; it is expanded here to the GTIN-12,
  as zxing-cpp does (see `drivers.decoders`).
- ZBar decodes some DataBar Expanded symbols wrongly and silently: after an
  alphanumeric value such as ``(10)ABC``, the next AI's digits come out garbled
  (``(10)ABC(17)250101`` reads as ``10ABC<GS>1E745900``; ``(10)ABC(21)XYZ`` as
  ``10ABC<GS>2QXYZ``). Numeric values, or letters followed by digits, read
  right. The classifier usually rejects the garbled AI, but use zxing for
  DataBar Expanded.
- libzbar 0.23.92 as Debian builds it prints assertion warnings from its
  DataBar decoder (``WARNING: decoder/databar.c:1265: ...``) straight to file
  descriptor 2 on some images; Python cannot catch them, and under the TUI
  they would scribble on the screen. ``formats=`` without ``databar`` avoids
  them.
- Text is ZBar's UTF-8 (it converts QR byte segments itself); bytes that are
  not UTF-8 are taken as ISO-8859-1.

pyzbar is imported when a `ZbarDecoder` is built, so a station that never asks
for ZBar never needs the system library.
"""

from __future__ import annotations

import ctypes
from typing import Any

from drivers.decoders import SYMBOLOGIES, upca_as_12, upce_as_upca
from drivers.decoders.pipeline import as_grey
from station.errors import DeviceError
from station.ports import Decoded

__all__ = ["ZBAR_SYMBOLS", "ZbarDecoder"]

ZBAR_SYMBOLS: dict[str, str] = {
    "qr": "QRCODE",
    "code128": "CODE128",
    "code39": "CODE39",
    "code93": "CODE93",
    "codabar": "CODABAR",
    "itf": "I25",
    "ean13": "EAN13",
    "ean8": "EAN8",
    "upca": "UPCA",
    "upce": "UPCE",
    "databar": "DATABAR",
    "databar-expanded": "DATABAR_EXP",
}
"""Station symbology name -> ZBar symbol type (pyzbar's `ZBarSymbol` member)."""

_AIM_GS1: dict[str, tuple[str, str]] = {"QRCODE": ("]Q1", "]Q3"), "CODE128": ("]C0", "]C1")}
"""ZBar types whose AIM identifier tells GS1 apart: (without, with the GS1 modifier)."""

_AIM: dict[str, str] = {
    **dict.fromkeys(("DATABAR", "DATABAR_EXP"), "]e0"),
    **dict.fromkeys(("EAN13", "UPCA", "UPCE"), "]E0"),
    **{"EAN8": "]E4", "CODE39": "]A0", "CODE93": "]G0", "CODABAR": "]F0", "I25": "]I0"},
}
"""ZBar type -> AIM identifier, for the types with one identifier whatever the content."""

_FORMAT_NAMES = {"QRCODE": "QRCode", "DATABAR": "DataBar", "DATABAR_EXP": "DataBarExp"}
_ZBAR_MOD_GS1 = 1 << 0
_ZBAR_CFG_ENABLE = 0
_FOURCC_Y800 = 0x30303859  # 'Y800': 8-bit grey
_MISSING = "pyzbar needs the zbar system library (apt-get install libzbar0)"


class ZbarDecoder:
    """A `station.ports.Decoder` over libzbar, with GS1 taken from ZBar's modifiers."""

    name = "zbar"

    def __init__(self, formats: frozenset[str] | None = None, *, upca_12: bool = True) -> None:
        unsupported = sorted(set(formats or ()) - set(ZBAR_SYMBOLS))
        if unsupported:
            names = ", ".join(map(repr, unsupported))
            raise DeviceError(
                f"zbar cannot read {names}: it reads {', '.join(ZBAR_SYMBOLS)}; use decoder=zxing."
            )
        self._zbar = _load()
        self.formats = formats
        chosen = [name for name in SYMBOLOGIES if name in ZBAR_SYMBOLS]
        if formats is not None:
            chosen = [name for name in chosen if name in formats]
        self._types = [int(self._zbar.ZBarSymbol[ZBAR_SYMBOLS[name]]) for name in chosen]
        self._upca_12 = upca_12

    def decode(self, image: Any) -> list[Decoded]:
        """Every code ZBar finds in `image` (grey or colour uint8 array)."""
        grey = as_grey(image)
        height, width = grey.shape[:2]
        z = self._zbar
        found: list[Decoded] = []
        scanner = z.zbar_image_scanner_create()
        if not scanner:
            raise DeviceError("zbar: could not create an image scanner")
        try:
            z.zbar_image_scanner_set_config(scanner, 0, _ZBAR_CFG_ENABLE, 0)
            for symbol_type in self._types:
                z.zbar_image_scanner_set_config(scanner, symbol_type, _ZBAR_CFG_ENABLE, 1)
            zimage = z.zbar_image_create()
            if not zimage:
                raise DeviceError("zbar: could not create an image")
            try:
                z.zbar_image_set_format(zimage, _FOURCC_Y800)
                z.zbar_image_set_size(zimage, width, height)
                # ZBar reads the pixels in place; `grey` outlives the scan.
                z.zbar_image_set_data(zimage, grey.ctypes.data_as(ctypes.c_void_p), grey.size, None)
                if z.zbar_scan_image(scanner, zimage) < 0:
                    raise DeviceError("zbar: image format not supported")
                symbol = z.zbar_image_first_symbol(zimage)
                while symbol:
                    found.append(self._decoded(symbol))
                    symbol = z.zbar_symbol_next(symbol)
            finally:
                z.zbar_image_destroy(zimage)
        finally:
            z.zbar_image_scanner_destroy(scanner)
        return found

    def _decoded(self, symbol: Any) -> Decoded:
        z = self._zbar
        data = ctypes.string_at(
            z.zbar_symbol_get_data(symbol), z.zbar_symbol_get_data_length(symbol)
        )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("iso-8859-1")
        try:
            kind = z.ZBarSymbol(symbol.contents.type).name
        except ValueError:
            kind = f"zbar-{symbol.contents.type}"
        gs1 = bool(z.zbar_symbol_get_modifiers(symbol) & _ZBAR_MOD_GS1)
        fmt = _FORMAT_NAMES.get(kind, kind)
        if kind == "UPCE":
            text = upce_as_upca(text) or text
        if kind in ("EAN13", "UPCA", "UPCE"):
            twelve = upca_as_12(text)
            if twelve is None and kind != "EAN13" and len(text) == 12:
                twelve = text
            if twelve is not None:
                text = twelve if self._upca_12 else "0" + twelve
                fmt = "UPCE" if kind == "UPCE" else "UPCA"
        symbology = _AIM_GS1[kind][1 if gs1 else 0] if kind in _AIM_GS1 else _AIM.get(kind)
        return Decoded(text=text, symbology=symbology, format=fmt, gs1=gs1)


class _Zbar:
    """The libzbar entry points this module uses: pyzbar's bindings plus the modifiers call."""

    def __init__(self) -> None:
        from pyzbar import wrapper  # type: ignore[import-untyped]  # noqa: PLC0415

        self.ZBarSymbol = wrapper.ZBarSymbol
        self.zbar_image_scanner_create = wrapper.zbar_image_scanner_create
        self.zbar_image_scanner_destroy = wrapper.zbar_image_scanner_destroy
        self.zbar_image_scanner_set_config = wrapper.zbar_image_scanner_set_config
        self.zbar_image_create = wrapper.zbar_image_create
        self.zbar_image_destroy = wrapper.zbar_image_destroy
        self.zbar_image_set_format = wrapper.zbar_image_set_format
        self.zbar_image_set_size = wrapper.zbar_image_set_size
        self.zbar_image_set_data = wrapper.zbar_image_set_data
        self.zbar_scan_image = wrapper.zbar_scan_image
        self.zbar_image_first_symbol = wrapper.zbar_image_first_symbol
        self.zbar_symbol_next = wrapper.zbar_symbol_next
        self.zbar_symbol_get_data = wrapper.zbar_symbol_get_data
        self.zbar_symbol_get_data_length = wrapper.zbar_symbol_get_data_length
        self.zbar_symbol_get_modifiers = wrapper.zbar_function(
            "zbar_symbol_get_modifiers", ctypes.c_uint, ctypes.POINTER(wrapper.zbar_symbol)
        )


_LOADED: _Zbar | None = None


def _load() -> _Zbar:
    global _LOADED  # noqa: PLW0603 - load the C library once per process
    if _LOADED is None:
        try:
            _LOADED = _Zbar()
        except (ImportError, OSError, AttributeError) as exc:
            raise DeviceError(f"{_MISSING}: {exc}") from None
    return _LOADED


def zbar_available() -> bool:
    """Whether pyzbar and the zbar system library can be loaded here."""
    try:
        _load()
    except DeviceError:
        return False
    return True
