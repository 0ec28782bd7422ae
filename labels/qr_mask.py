"""QR data-mask choice in NumPy: the ISO/IEC 18004 penalty rules without eight Python passes.

segno evaluates all eight data masks module by module in Python, which is most of the
time a label takes to render. This module scores the eight masks on arrays instead
and hands segno the winner (``segno.make_qr(..., mask=n)``), so segno still builds
the symbol and writes its format information. The score follows section 7.8.3
(N1 runs, N2 blocks, N3 finder-like patterns, N4 dark balance); modules outside the
encoding region come from the mask-0 symbol, so format bits are scored as drawn for
mask 0, an approximation that can only change which valid mask is picked.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
from segno import encoder

_N3 = np.array([1, 0, 1, 1, 1, 0, 1], dtype=np.int8)


@lru_cache(maxsize=64)
def encoding_region(width: int) -> npt.NDArray[np.bool_]:
    """Modules a data mask applies to, for a (non-micro) QR symbol of `width` modules."""
    # segno's own layout helpers (untyped internals, pinned by the lock file), so the
    # region is exactly the one segno masks.
    function = encoder.make_matrix(width, width)  # type: ignore[no-untyped-call]
    encoder.add_finder_patterns(function, width, width)  # type: ignore[no-untyped-call]
    encoder.add_alignment_patterns(function, width, width)  # type: ignore[no-untyped-call]
    function[-8][8] = 0x1
    return np.array([[cell > 0x1 for cell in row] for row in function], dtype=bool)


@lru_cache(maxsize=64)
def mask_patterns(width: int) -> npt.NDArray[np.bool_]:
    """The eight data mask patterns as a (8, width, width) array."""
    functions = encoder.get_data_mask_functions(False)  # type: ignore[no-untyped-call]
    return np.array(
        [[[bool(f(r, c)) for c in range(width)] for r in range(width)] for f in functions]
    )


def penalties(symbols: npt.NDArray[np.int8]) -> npt.NDArray[np.int64]:
    """ISO/IEC 18004 7.8.3.1 penalty of each masked symbol in a (masks, w, w) stack."""
    return (
        _runs_and_patterns(symbols)
        + _runs_and_patterns(symbols.transpose(0, 2, 1))
        + (_blocks(symbols) + _balance(symbols))
    )


def _runs_and_patterns(s: npt.NDArray[np.int8]) -> npt.NDArray[np.int64]:
    """N1 (runs of five or more) and N3 (finder-like patterns), along rows."""
    eq = s[:, :, 1:] == s[:, :, :-1]
    # A run of length L >= 5 holds L - 4 all-equal windows of five and scores L - 2.
    five = eq[:, :, :-3] & eq[:, :, 1:-2] & eq[:, :, 2:-1] & eq[:, :, 3:]
    starts = five.copy()
    starts[:, :, 1:] &= ~eq[:, :, :-4]
    n1 = five.sum(axis=(1, 2)) + 2 * starts.sum(axis=(1, 2))
    # Light padding stands for the quiet zone, wide enough that every start has four
    # modules before it and four after the pattern.
    padded = np.pad(s, ((0, 0), (0, 0), (8, 8))).astype(bool)
    length = s.shape[2] + 2
    first = 4
    core = np.ones((*s.shape[:2], length), dtype=bool)
    for offset, dark in enumerate(_N3):
        piece = padded[:, :, first + offset : first + offset + length]
        core &= piece if dark else ~piece
    dark_sums = np.concatenate(
        (np.zeros((*s.shape[:2], 1), dtype=np.int32), np.cumsum(padded, axis=2, dtype=np.int32)),
        axis=2,
    )
    starts = np.arange(first, first + length)
    light_before = (dark_sums[:, :, starts] - dark_sums[:, :, starts - 4]) == 0
    light_after = (dark_sums[:, :, starts + 11] - dark_sums[:, :, starts + 7]) == 0
    n3 = (core & (light_before | light_after)).sum(axis=(1, 2))
    return np.asarray(n1 + 40 * n3, dtype=np.int64)


def _blocks(s: npt.NDArray[np.int8]) -> npt.NDArray[np.int64]:
    """N2: 2x2 blocks of one colour."""
    top_left = s[:, :-1, :-1]
    same = (top_left == s[:, 1:, :-1]) & (top_left == s[:, :-1, 1:]) & (top_left == s[:, 1:, 1:])
    return np.asarray(3 * same.sum(axis=(1, 2)), dtype=np.int64)


def _balance(s: npt.NDArray[np.int8]) -> npt.NDArray[np.int64]:
    """N4: distance of the dark share from 50 %, in steps of 5 %."""
    dark = s.sum(axis=(1, 2)) * 100 // (s.shape[1] * s.shape[2])
    return np.asarray(10 * (np.abs(dark - 50) // 5), dtype=np.int64)


def masked_symbol(
    mask0_matrix: list[bytearray] | tuple[bytearray, ...], version: int, error: int
) -> tuple[int, list[bytearray]]:
    """The best mask and the symbol drawn with it, from the symbol segno made with mask 0.

    The same modules ``segno.make_qr(..., mask=n)`` gives (the tests compare them),
    without encoding the payload a second time: the data modules are re-masked in
    NumPy and segno writes the format information for mask `n`. `version` and `error`
    are segno's constants (``QRCode._version``, ``QRCode._error``).
    """
    width = len(mask0_matrix)
    symbol = (
        np.frombuffer(b"".join(bytes(row) for row in mask0_matrix), dtype=np.uint8)
        .reshape(width, -1)
        .astype(np.int8)
    )
    region = encoding_region(width)
    patterns = mask_patterns(width)
    data = symbol ^ (patterns[0] & region)
    mask = int(np.argmin(penalties(data[None, :, :] ^ (patterns & region))))
    drawn = (data ^ (patterns[mask] & region)).astype(np.uint8)
    matrix = [bytearray(row.tobytes()) for row in drawn]
    encoder.add_format_info(matrix, version, error, mask)  # type: ignore[no-untyped-call]
    return mask, matrix


def best_mask(mask0_matrix: list[bytearray] | tuple[bytearray, ...]) -> int:
    """The mask (0-7) with the lowest penalty, given the symbol segno made with mask 0."""
    width = len(mask0_matrix)
    symbol = (
        np.frombuffer(b"".join(bytes(row) for row in mask0_matrix), dtype=np.uint8)
        .reshape(width, -1)
        .astype(np.int8)
    )
    region = encoding_region(width)
    patterns = mask_patterns(width)
    data = symbol ^ (patterns[0] & region)
    return int(np.argmin(penalties(data[None, :, :] ^ (patterns & region))))
