"""The NumPy mask choice: symbols stay valid and readable, and the score follows the rules."""

from __future__ import annotations

import numpy as np
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st

from labels.matrix import qr_matrix
from labels.qr_mask import _runs_and_patterns, penalties


def image(rows: tuple[tuple[bool, ...], ...], scale: int = 4) -> np.ndarray:
    modules = np.array(rows, dtype=np.uint8)
    modules = np.pad(modules, 4)
    return np.kron((1 - modules) * 255, np.ones((scale, scale), dtype=np.uint8)).astype(np.uint8)


@settings(max_examples=40, deadline=None)
@given(
    st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=120)
)
def test_chosen_mask_gives_a_symbol_that_reads_back(text: str) -> None:
    matrix = qr_matrix(text)
    (found,) = zxingcpp.read_barcodes(image(matrix.rows), formats=zxingcpp.BarcodeFormat.QRCode)
    assert found.text == text


def test_penalty_rules_on_known_patterns() -> None:
    light = np.zeros((1, 21, 21), dtype=np.int8)
    # all light: N1 = 21 rows + 21 columns of a 21-run (21 - 2 each), N2 = 400 blocks,
    # N4 = 10 * (50 // 5)
    assert int(penalties(light)[0]) == 42 * 19 + 3 * 400 + 100
    line = np.array([[[0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0]]], dtype=np.int8)
    assert int(_runs_and_patterns(line)[0]) == 40  # one finder-like pattern, no long run
    not_finder = np.array([[[0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0, 0]]], dtype=np.int8)
    assert int(_runs_and_patterns(not_finder)[0]) == 0
    run = np.array([[[1, 1, 1, 1, 1, 1, 1, 0]]], dtype=np.int8)
    assert int(_runs_and_patterns(run)[0]) == 5  # a run of 7 scores 3 + 2


def test_re_masked_symbol_is_what_segno_draws_with_that_mask() -> None:
    # qr_matrix encodes once with mask 0 and re-masks in NumPy; segno asked for the
    # chosen mask directly must draw the very same modules, format bits included.
    import random
    import string

    import segno

    from labels.matrix import qr_matrix
    from labels.qr_mask import best_mask

    rng = random.Random(5)
    for _ in range(60):
        lot = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randrange(1, 20)))
        payload = rng.choice(
            (
                f"https://id.gs1.org/01/09521234543213/10/{lot}",
                "".join(rng.choice(string.ascii_letters) for _ in range(rng.randrange(20, 200))),
            )
        )
        for error in "LMQH":
            mode = "byte" if payload.startswith("https://") else None
            first = segno.make_qr(payload, error=error, mode=mode, boost_error=False, mask=0)
            chosen = best_mask(first.matrix)
            drawn = segno.make_qr(payload, error=error, mode=mode, boost_error=False, mask=chosen)
            expected = tuple(tuple(bool(m) for m in row) for row in drawn.matrix)
            assert qr_matrix(payload, error).rows == expected, (payload, error)
