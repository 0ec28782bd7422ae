"""SSCC ranges and lot templates: exact messages, and properties checked against biip."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from biip.sscc import Sscc
from hypothesis import given
from hypothesis import strategies as st

from station.domain.gs1.character_set import is_gs1_text
from station.domain.lots.allocation import AllocationError
from station.domain.lots.lot_template import LOT_TEMPLATE_FIELDS, LotTemplate
from station.domain.lots.sscc_range import RangeStatus, SsccRange, find_overlaps, ranges_overlap

PREFIX = "7613032"


def block(first: int = 0, last: int = 999, **kwargs: object) -> SsccRange:
    return SsccRange(PREFIX, 3, first, last, **kwargs)  # type: ignore[arg-type]


# --- SSCC ranges ------------------------------------------------------------------------


def test_sscc_is_extension_prefix_serial_and_check_digit() -> None:
    sscc = block().sscc(5)
    assert sscc == "376130320000000050"
    parsed = Sscc.parse(sscc)
    assert (parsed.extension_digit, parsed.payload) == (3, "37613032000000005")
    assert block().sscc(999) == "376130320000009992"


@pytest.mark.parametrize(
    ("prefix", "digits", "top"),
    [("7613032", 9, 999_999_999), ("76130321", 8, 99_999_999), ("7613032110", 6, 999_999)],
)
def test_serial_reference_takes_the_digits_the_prefix_leaves(
    prefix: str, digits: int, top: int
) -> None:
    rng = SsccRange(prefix, 0, 0, top)
    assert rng.serial_digits == digits
    assert rng.capacity == top + 1
    assert len(rng.sscc(top)) == 18


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("12345", 0, 0, 1),
            "Invalid GS1 company prefix '12345': expected 7 to 10 digits, found 5 digits.",
        ),
        (
            ("76130321101", 0, 0, 1),
            "Invalid GS1 company prefix '76130321101': expected 7 to 10 digits, found 11 digits.",
        ),
        (
            ("761303x", 0, 0, 1),
            "Invalid GS1 company prefix '761303x': expected 7 to 10 digits, "
            "found other characters.",
        ),
        (
            ("", 0, 0, 1),
            "Invalid GS1 company prefix '': expected 7 to 10 digits, found nothing.",
        ),
        (
            (7613032, 0, 0, 1),
            "Invalid GS1 company prefix 7613032: expected 7 to 10 digits, found type int.",
        ),
        (
            ("0000000", 0, 0, 1),
            "Invalid GS1 company prefix '0000000': all zeros is no company's prefix "
            "(GS1 reserves it for restricted circulation).",
        ),
        ((PREFIX, 10, 0, 1), "Invalid extension digit 10: expected 0 to 9."),
        ((PREFIX, True, 0, 1), "Invalid extension digit True: expected 0 to 9."),
        (
            (PREFIX, 0, 5, 3),
            "Invalid SSCC serial range 5 to 3: first_serial must not be greater than last_serial.",
        ),
        (
            (PREFIX, 0, -1, 3),
            "Invalid first_serial -1 for company prefix '7613032': the serial reference has "
            "9 digits, so serials run from 0 to 999999999.",
        ),
        (
            ("7613032110", 0, 0, 1_000_000),
            "Invalid last_serial 1000000 for company prefix '7613032110': the serial "
            "reference has 6 digits, so serials run from 0 to 999999.",
        ),
    ],
)
def test_range_that_cannot_work_is_refused(args: tuple[object, ...], message: str) -> None:
    with pytest.raises(AllocationError) as caught:
        SsccRange(*args)  # type: ignore[arg-type]
    assert str(caught.value) == message


def test_warning_settings_are_checked() -> None:
    with pytest.raises(AllocationError, match=r"^Invalid warn_fraction Decimal\('1.5'\): "):
        block(warn_fraction=Decimal("1.5"))
    with pytest.raises(AllocationError, match=r"^Invalid warn_below -1: expected a whole number"):
        block(warn_below=-1)


def test_warn_threshold_is_the_larger_of_share_and_count() -> None:
    assert block(0, 99_999).warn_threshold == 10_000
    assert block(0, 99_999, warn_below=20_000).warn_threshold == 20_000
    assert block(0, 99, warn_fraction=Decimal("0.25"), warn_below=0).warn_threshold == 25
    assert block(0, 98, warn_fraction=Decimal("0.1"), warn_below=0).warn_threshold == 10


def test_status_in_words() -> None:
    rng = block(0, 99_999)
    assert rng.status(0) == RangeStatus(
        100_000,
        False,
        False,
        "SSCC range 3 7613032 000000000-000099999: 100000 of 100000 serials left.",
    )
    assert rng.status(90_000) == RangeStatus(
        10_000,
        False,
        False,
        "SSCC range 3 7613032 000000000-000099999: 10000 of 100000 serials left.",
    )
    assert rng.status(90_001) == RangeStatus(
        9_999,
        True,
        False,
        "SSCC range 3 7613032 000000000-000099999 is running low: 9999 of 100000 serials "
        "left (warning below 10000). Ask for a new range.",
    )
    assert rng.status(100_000) == RangeStatus(
        0,
        True,
        True,
        "SSCC range 3 7613032 000000000-000099999 is exhausted: 0 of 100000 serials left. "
        "No SSCC can be allocated until a new range is configured.",
    )


def test_no_warning_configured_still_reports_exhaustion() -> None:
    rng = block(0, 9, warn_fraction=Decimal(0), warn_below=0)
    assert not rng.status(9).warn
    status = rng.status(10)
    assert (status.warn, status.exhausted) == (True, True)


def test_allocate_walks_the_range_then_stops() -> None:
    rng = block(7, 9, warn_below=0, warn_fraction=Decimal(0))
    first = rng.allocate(7)
    assert first is not None
    assert (first.serial, first.sscc, first.next_serial) == (7, rng.sscc(7), 8)
    assert first.status.remaining == 2
    last = rng.allocate(9)
    assert last is not None
    assert last.status.exhausted
    assert rng.allocate(10) is None


@pytest.mark.parametrize("counter", [6, 11])
def test_counter_outside_the_range_is_a_bug(counter: int) -> None:
    with pytest.raises(AllocationError) as caught:
        block(7, 9).remaining(counter)
    assert str(caught.value) == (
        f"Counter {counter} is outside SSCC range 3 7613032 000000007-000000009: expected 7 "
        "to 10 (one past the last serial when all are used)."
    )


def test_serial_outside_the_range_is_refused() -> None:
    with pytest.raises(AllocationError) as caught:
        block(7, 9).sscc(10)
    assert str(caught.value) == (
        "Serial 10 is outside SSCC range 3 7613032 000000007-000000009: expected 7 to 9."
    )


def test_serial_of_reads_back_only_this_ranges_ssccs() -> None:
    rng = block(100, 199)
    assert rng.serial_of(rng.sscc(150)) == 150
    assert rng.serial_of(block(0, 999).sscc(50)) is None  # same prefix, not this block
    assert rng.serial_of(SsccRange(PREFIX, 4, 0, 999).sscc(150)) is None
    assert rng.serial_of("376130320000001501") is None  # bad check digit
    assert rng.serial_of("3761303200000015") is None


def test_overlap_needs_shared_ssccs() -> None:
    a = SsccRange(PREFIX, 0, 0, 999)
    assert ranges_overlap(a, SsccRange(PREFIX, 0, 999, 1999))
    assert not ranges_overlap(a, SsccRange(PREFIX, 0, 1000, 1999))
    assert not ranges_overlap(a, SsccRange(PREFIX, 1, 0, 999))
    assert not ranges_overlap(a, SsccRange("7613033", 0, 0, 999))


def test_overlap_across_a_prefix_that_extends_another() -> None:
    # Serial 0_1234_5678 under 7613032 is serial 1234_5678 under 76130320.
    wide = SsccRange(PREFIX, 0, 1_000_000, 1_999_999)
    narrow = SsccRange("76130320", 0, 1_500_000, 1_500_000)
    assert ranges_overlap(wide, narrow)
    assert wide.sscc(1_500_000) == narrow.sscc(1_500_000)


def test_find_overlaps_names_both_owners_and_the_shared_ssccs() -> None:
    ranges = {
        "dock-2": SsccRange(PREFIX, 0, 500, 1999),
        "dock-1": SsccRange(PREFIX, 0, 0, 999),
        "dock-3": SsccRange(PREFIX, 0, 2000, 2999),
        "dock-4": SsccRange(PREFIX, 0, 2999, 2999),
    }
    assert [o.message for o in find_overlaps(ranges)] == [
        "SSCC ranges of 'dock-1' and 'dock-2' overlap: both would allocate the 500 SSCCs "
        "from 076130320000005009 to 076130320000009991.",
        "SSCC ranges of 'dock-3' and 'dock-4' overlap: both would allocate SSCC "
        "076130320000029999.",
    ]
    assert find_overlaps({"a": ranges["dock-1"], "b": ranges["dock-3"]}) == ()


# Prefixes that extend each other, so that small serial blocks really do collide.
PREFIXES = st.sampled_from(["7613032", "76130320", "761303200", "7613033", "5012345678"])


@st.composite
def ranges(draw: st.DrawFn, size: int = 1_000) -> SsccRange:
    prefix = draw(PREFIXES)
    first = draw(st.integers(0, size))
    last = draw(st.integers(first, first + 20))
    return SsccRange(prefix, draw(st.integers(0, 1)), first, last)


@given(
    prefix=st.from_regex(r"[1-9][0-9]{6,9}", fullmatch=True),
    extension=st.integers(0, 9),
    data=st.data(),
)
def test_every_sscc_is_valid_distinct_and_reads_back(
    prefix: str, extension: int, data: st.DataObject
) -> None:
    top = 10 ** (16 - len(prefix)) - 1
    rng = SsccRange(prefix, extension, 0, top)
    a = data.draw(st.integers(0, top))
    b = data.draw(st.integers(0, top))
    sscc = rng.sscc(a)
    assert len(sscc) == 18 and sscc.isdigit()
    parsed = Sscc.parse(sscc)  # raises on a wrong check digit
    assert parsed.value == sscc
    assert parsed.extension_digit == extension
    assert rng.serial_of(sscc) == a
    assert (rng.sscc(b) == sscc) == (a == b)


@given(ranges(), ranges())
def test_non_overlapping_ranges_never_share_an_sscc(a: SsccRange, b: SsccRange) -> None:
    from_a = {a.sscc(s) for s in range(a.first_serial, a.last_serial + 1)}
    from_b = {b.sscc(s) for s in range(b.first_serial, b.last_serial + 1)}
    shared = from_a & from_b
    assert ranges_overlap(a, b) == bool(shared)
    overlaps = find_overlaps({"a": a, "b": b})
    if shared:
        (overlap,) = overlaps
        assert overlap.count == len(shared)
        assert {overlap.shared_first, overlap.shared_last} <= shared
    else:
        assert overlaps == ()


# --- Lot templates ----------------------------------------------------------------------

DAY = dt.date(2026, 3, 7)


def test_template_renders_every_field() -> None:
    template = LotTemplate("{site}{station}-{yy}{mm}{dd}{doy}{seq:03}")
    assert template.render("HN", "D1", DAY, 5) == "HND1-260307066005"
    assert LotTemplate("{gtin}{seq}").render("", "", DAY, 7, "09506000134352") == (
        "095060001343527"
    )
    assert LotTemplate("{yyyy}-{seq}").render("", "", DAY, 12) == "2026-12"


def test_template_fields_and_day_scope() -> None:
    assert LotTemplate("{site}{yy}{doy}-{seq:04}").fields == {"site", "yy", "doy", "seq"}
    assert LotTemplate("{site}{yy}{doy}-{seq:04}").day_scoped
    assert LotTemplate("{yyyy}{mm}{dd}{seq}").day_scoped
    assert not LotTemplate("{yy}{mm}{seq}").day_scoped
    assert not LotTemplate("{doy}{seq}").day_scoped
    assert not LotTemplate("L{seq:06}").day_scoped


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "{sitecode}{seq}",
            "Unknown field {sitecode} in lot template '{sitecode}{seq}': expected one of "
            "{site}, {station}, {yy}, {yyyy}, {mm}, {dd}, {doy}, {seq}, {gtin}. "
            "Did you mean {site}?",
        ),
        (
            "{year}{seq}",
            "Unknown field {year} in lot template '{year}{seq}': expected one of "
            "{site}, {station}, {yy}, {yyyy}, {mm}, {dd}, {doy}, {seq}, {gtin}.",
        ),
        (
            "{}{seq}",
            "Unnamed field {} in lot template '{}{seq}': expected one of "
            "{site}, {station}, {yy}, {yyyy}, {mm}, {dd}, {doy}, {seq}, {gtin}.",
        ),
        (
            "{site}-{yy}",
            "Lot template '{site}-{yy}' has no {seq} field: every lot it made on one day "
            "would get the same number.",
        ),
        (
            "{site:>4}{seq}",
            "Invalid format '>4' for {site} in lot template '{site:>4}{seq}': only {seq} "
            "takes a format, a zero-padded width such as {seq:04}.",
        ),
        (
            "{seq:4}",
            "Invalid format '4' for {seq} in lot template '{seq:4}': expected a zero-padded "
            "width such as {seq:04}.",
        ),
        (
            "{seq!r}",
            "Invalid field {seq!r} in lot template '{seq!r}': conversions (!r, !s, !a) are "
            "not allowed.",
        ),
        ("{site}{seq", "Invalid lot template '{site}{seq': expected '}' before end of string."),
        (
            "{yyyy}{mm}{dd}{seq:06}{gtin}",
            "Lot template '{yyyy}{mm}{dd}{seq:06}{gtin}' makes '2028123100999909506000134352': "
            "expected 1 to 20 characters of the GS1 character set 82 (letters, digits and "
            "!\"%&'()*+,-./:;<=>?_), found 28 characters.",
        ),
        (
            "{seq} x",
            "Lot template '{seq} x' makes '9999 x': expected 1 to 20 characters of the GS1 "
            "character set 82 (letters, digits and !\"%&'()*+,-./:;<=>?_), found other "
            "characters.",
        ),
    ],
)
def test_bad_template_is_refused_at_construction(template: str, message: str) -> None:
    with pytest.raises(AllocationError) as caught:
        LotTemplate(template)
    assert str(caught.value) == message


def test_max_seq_must_be_positive() -> None:
    with pytest.raises(AllocationError) as caught:
        LotTemplate("{seq}", max_seq=0)
    assert str(caught.value) == "Invalid max_seq 0: expected a whole number, 1 or more."


def test_example_checks_the_stations_own_codes() -> None:
    template = LotTemplate("{site}{yy}{doy}-{seq:04}")
    assert template.example("HN", "dock-1") == "HN28366-9999"
    with pytest.raises(AllocationError) as caught:
        template.example("HANOI-NORTH-2", "dock-1")
    assert str(caught.value) == (
        "Lot template '{site}{yy}{doy}-{seq:04}' makes 'HANOI-NORTH-228366-9999': expected "
        "1 to 20 characters of the GS1 character set 82 (letters, digits and "
        "!\"%&'()*+,-./:;<=>?_), found 23 characters."
    )
    with pytest.raises(AllocationError, match="found other characters"):
        template.example("HN 1", "dock-1")


def test_render_refuses_a_counter_past_max_seq_and_a_missing_gtin() -> None:
    template = LotTemplate("{site}{yy}{doy}-{seq:04}")
    with pytest.raises(AllocationError) as caught:
        template.render("HN", "d", DAY, 10_000)
    assert str(caught.value) == (
        "Lot sequence 10000 is outside 0 to 9999 for lot template "
        "'{site}{yy}{doy}-{seq:04}': raise max_seq or change the template."
    )
    with pytest.raises(AllocationError) as caught:
        LotTemplate("{gtin}{seq}").render("HN", "d", DAY, 1)
    assert str(caught.value) == "Lot template '{gtin}{seq}' uses {gtin}, but no GTIN was given."


def test_is_gs1_text() -> None:
    assert is_gs1_text("A" * 20)
    assert not is_gs1_text("A" * 21)
    assert not is_gs1_text("")
    assert not is_gs1_text("Ä1")


@given(
    date=st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)),
    seqs=st.lists(st.integers(0, 9999), min_size=2, max_size=2, unique=True),
    site=st.from_regex(r"[A-Z0-9]{1,4}", fullmatch=True),
)
def test_rendered_lots_are_valid_and_distinct_per_day(
    date: dt.date, seqs: list[int], site: str
) -> None:
    template = LotTemplate("{site}{yy}{doy}-{seq:04}")
    first, second = (template.render(site, "d1", date, seq) for seq in seqs)
    assert is_gs1_text(first) and is_gs1_text(second)
    assert first != second
    assert len(first) == len(template.example(site, "d1"))


def test_every_field_is_documented_in_order() -> None:
    assert LOT_TEMPLATE_FIELDS == (
        "site",
        "station",
        "yy",
        "yyyy",
        "mm",
        "dd",
        "doy",
        "seq",
        "gtin",
    )
