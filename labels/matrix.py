"""QR code matrices: the one stage every label renderer shares.

As in segno, encoding and drawing are separate stages: `qr_matrix` turns a payload
into a plain matrix of dark (True) and light (False) modules, and each renderer
(ZPL, PNG, PDF, SVG) only scales and places that matrix. So a PNG preview and the
``^GFA`` graphic a Zebra prints are the same modules, dot for dot.

GS1 Digital Link URIs are encoded in byte mode, as the GS1 Digital Link standard
expects for a URI a phone camera opens; error correction level M by default
(15 % of the code may be lost), with the quiet zone of 4 modules the QR standard
requires kept free by the layout.

    >>> m = qr_matrix("#CLOSE")
    >>> m.version, m.error, m.size, m.quiet_zone, m.size_with_quiet_zone
    ('1', 'M', 21, 4, 29)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

import segno

from labels.qr_mask import masked_symbol

__all__ = ["ErrorLevel", "QrMatrix", "QrPayloadError", "qr_matrix"]

QUIET_ZONE = 4
"""Light modules around a QR code (ISO/IEC 18004)."""


class ErrorLevel(StrEnum):
    """QR error correction level: share of code words that may be lost."""

    L = "L"
    M = "M"
    Q = "Q"
    H = "H"


class QrPayloadError(ValueError):
    """The payload does not fit any QR code version."""


@dataclass(frozen=True, slots=True)
class QrMatrix:
    """A QR symbol as rows of modules, True for dark, without its quiet zone."""

    rows: tuple[tuple[bool, ...], ...]
    quiet_zone: int
    """Light modules the renderer must keep free on every side."""
    version: str
    """QR version, ``"1"`` to ``"40"``."""
    error: str
    """Error correction level actually used, ``L``, ``M``, ``Q`` or ``H``."""

    @property
    def size(self) -> int:
        """Modules per side, without the quiet zone."""
        return len(self.rows)

    @property
    def size_with_quiet_zone(self) -> int:
        """Modules per side including the quiet zone on both sides."""
        return len(self.rows) + 2 * self.quiet_zone


def qr_matrix(
    payload: str,
    error: ErrorLevel | str = ErrorLevel.M,
    *,
    quiet_zone: int = QUIET_ZONE,
) -> QrMatrix:
    """The QR matrix for `payload`; `QrPayloadError` when it is too long for any version.

    URIs go in byte mode; other payloads in the mode segno finds shortest. The
    error level is kept as given (segno's "boost" is off) so a label's code size
    depends only on its payload. Results are cached: a pallet run reprints the
    same command sheet and templates many times.
    """
    return _encode(payload, ErrorLevel(str(error).upper()), quiet_zone)


@lru_cache(maxsize=512)
def _encode(payload: str, error: ErrorLevel, quiet_zone: int) -> QrMatrix:
    if not payload:
        raise QrPayloadError("QR payload is empty")
    if quiet_zone < 0:
        raise QrPayloadError(f"quiet zone must not be negative, found {quiet_zone}")
    lower = payload[:8].lower()
    mode = "byte" if lower.startswith(("https://", "http://")) else None
    try:
        qr = segno.make_qr(payload, error=error.value, mode=mode, boost_error=False, mask=0)
    except segno.DataOverflowError:
        raise QrPayloadError(
            f"QR payload of {len(payload)} characters is too long for any QR code "
            f"at error level {error.value}"
        ) from None
    modules: Sequence[bytearray] = qr.matrix
    if not qr.is_micro:
        # segno's own mask search is most of a label's render time: score in NumPy,
        # then re-mask the mask-0 symbol rather than encode the payload again.
        version_code: int = qr._version  # type: ignore[assignment]
        error_code: int = qr._error  # type: ignore[assignment]
        _, modules = masked_symbol(qr.matrix, version_code, error_code)
    rows = tuple(tuple(bool(module) for module in row) for row in modules)
    version = str(qr.version)
    return QrMatrix(rows=rows, quiet_zone=quiet_zone, version=version, error=str(qr.error))
