"""The zxing-cpp back end: every symbology a dock meets, GS1 as a scanner sends it.

zxing-cpp (3.x) reads with ``text_mode=TextMode.HRI`` by default, and that mode
is wrong for the station twice over: GS1 content comes back in the bracketed
human-readable form ``(01)...(10)...`` instead of the element string, and
control characters are replaced by pictures (``<GS>``, ``␝``) so the text is no
longer what the symbol holds. ``TextMode.Plain`` gives the symbol's own
characters: FNC1 in first position is dropped and announced by the symbology
identifier (``]Q3``, ``]d2``, ``]C1``, ``]e0``, ``]z1``), later FNC1 separators
arrive as ``"\\x1d"``, exactly what a handheld scanner transmits.

    >>> import zxingcpp, numpy
    >>> content = "(01)09521234543213(10)AB1(17)271231"
    >>> symbol = zxingcpp.create_barcode(content, zxingcpp.BarcodeFormat.DataMatrix, gs1=True)
    >>> image = numpy.array(zxingcpp.write_barcode_to_image(symbol, scale=4))
    >>> [(d.text, d.symbology, d.gs1) for d in ZxingDecoder().decode(image)]
    [('010952123454321310AB1\\x1d17271231', ']d2', True)]

`try_harder` False turns off zxing's search for rotated and inverted symbols
(faster on a fixed camera that sees labels upright and dark-on-light).
"""

from __future__ import annotations

from typing import Any

import zxingcpp

from drivers.decoders import SYMBOLOGIES, upca_as_12
from station.errors import DeviceError
from station.ports import Decoded

__all__ = ["ZXING_FORMATS", "ZxingDecoder"]

_F = zxingcpp.BarcodeFormat

ZXING_FORMATS: dict[str, tuple[zxingcpp.BarcodeFormat, ...]] = {
    "qr": (_F.QRCodeModel1, _F.QRCodeModel2),
    "microqr": (_F.MicroQRCode,),
    "rmqr": (_F.RMQRCode,),
    "datamatrix": (_F.DataMatrix,),
    "aztec": (_F.Aztec,),
    "pdf417": (_F.PDF417,),
    "maxicode": (_F.MaxiCode,),
    "code128": (_F.Code128,),
    "code39": (_F.Code39,),
    "code93": (_F.Code93,),
    "codabar": (_F.Codabar,),
    "itf": (_F.ITF,),
    "ean13": (_F.EAN13,),
    "ean8": (_F.EAN8,),
    "upca": (_F.UPCA,),
    "upce": (_F.UPCE,),
    "databar": (_F.DataBarOmni, _F.DataBarStk, _F.DataBarStkOmni),
    "databar-expanded": (_F.DataBarExp, _F.DataBarExpStk),
    "databar-limited": (_F.DataBarLtd,),
}
"""Station symbology name -> zxing-cpp formats."""


class ZxingDecoder:
    """A `station.ports.Decoder` over ``zxingcpp.read_barcodes``."""

    name = "zxing"

    def __init__(
        self,
        formats: frozenset[str] | None = None,
        *,
        try_harder: bool = True,
        upca_12: bool = True,
        binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage,
    ) -> None:
        unknown = sorted(set(formats or ()) - set(ZXING_FORMATS))
        if unknown:
            raise DeviceError(f"zxing cannot read {', '.join(map(repr, unknown))}.")
        self.formats = formats
        chosen = SYMBOLOGIES if formats is None else sorted(formats)
        self._formats = zxingcpp.BarcodeFormats(
            [fmt for name in chosen for fmt in ZXING_FORMATS[name]]
        )
        self._try_harder = try_harder
        self._upca_12 = upca_12
        self._binarizer = binarizer

    def decode(self, image: Any) -> list[Decoded]:
        """Every code zxing-cpp finds in `image` (grey or BGR uint8 array)."""
        barcodes = zxingcpp.read_barcodes(
            image,
            formats=self._formats,
            try_rotate=self._try_harder,
            try_downscale=True,
            try_invert=self._try_harder,
            text_mode=zxingcpp.TextMode.Plain,
            binarizer=self._binarizer,
        )
        return [self._decoded(barcode) for barcode in barcodes]

    def _decoded(self, barcode: zxingcpp.Barcode) -> Decoded:
        text = barcode.text
        fmt = barcode.format.name
        if self._upca_12 and barcode.format in (_F.EAN13, _F.UPCA, _F.UPCE):
            twelve = upca_as_12(text)
            if twelve is not None:
                text = twelve
                fmt = "UPCE" if barcode.format == _F.UPCE else "UPCA"
        return Decoded(
            text=text,
            symbology=barcode.symbology_identifier or None,
            format=fmt,
            gs1=barcode.content_type == zxingcpp.ContentType.GS1,
        )
