"""The station's GS1 mod-10 check digit agrees with biip's on every length of key."""

from __future__ import annotations

import random

from biip.checksums import gs1_standard_check_digit

from station.domain.gs1.mod10 import gs1_check_digit


def test_same_as_biip() -> None:
    rng = random.Random(13)
    for _ in range(5000):
        payload = "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 20)))
        assert gs1_check_digit(payload) == gs1_standard_check_digit(payload), payload
