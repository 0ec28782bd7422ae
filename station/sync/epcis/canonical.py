"""Values as the event hash writes them: UTC milliseconds, plain numbers, canonical keys.

>>> canonical_time("2020-03-04T11:00:30+01:00")
'2020-03-04T10:00:30.000Z'
>>> canonical_value("23.0"), canonical_value(True), canonical_value(" 26.2 ")
('23', 'true', '26.2')
>>> canonical_value("urn:epcglobal:cbv:disp:in_transit")
'https://ref.gs1.org/cbv/Disp-in_transit'
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

from station.sync.epcis.dl_canonical import canonical_dl
from station.sync.epcis.vocabulary import legacy_urn_to_web


def canonical_time(text: str) -> str:
    """A timestamp in UTC to the millisecond (half a millisecond rounds up), ``Z``."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return text.strip()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    moment = moment.astimezone(dt.UTC)
    micros = Decimal(moment.microsecond).scaleb(-3).quantize(Decimal(1), ROUND_HALF_UP)
    moment = moment.replace(microsecond=0) + dt.timedelta(milliseconds=int(micros))
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def canonical_value(value: object) -> str:
    """A scalar as the hash writes it: trimmed, vocabulary URN as web URI, numbers, keys."""
    text = ("true" if value else "false") if isinstance(value, bool) else str(value).strip()
    text = legacy_urn_to_web(text)
    text = _numeric(text)
    return canonical_dl(text) or text


def _numeric(text: str) -> str:
    try:
        number = float(text)
    except ValueError:
        return text
    if not math.isfinite(number):
        return text
    return str(int(number)) if number == int(number) else str(number)
