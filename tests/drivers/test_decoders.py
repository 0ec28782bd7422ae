"""Image decoders on generated symbols (clean and degraded), on the real corpus, and decode_paths.

Symbols are written by zxing-cpp's writer (GS1 DataMatrix, GS1 QR with FNC1,
GS1-128, EAN/UPC, DataBar) and by segno (Digital Link QR); degraded frames come
from `tests.drivers.synthetic_labels`, which the benchmark (``bench/decode.py``)
uses too, so the benchmark and these tests share one definition of "a camera
frame"; `tests.drivers.blackbox_corpus` is their one definition of "a correct read".
"""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import cv2
import numpy as np
import pytest
import zxingcpp

import drivers.debounce
import drivers.decoders
import drivers.decoders.zxing
from drivers.decode_files import decode_paths, result_as_dict
from drivers.decoders import get_decoder, parse_formats, upce_as_upca
from drivers.decoders.pipeline import RETRY_MAX_PIXELS, DecodePipeline, as_grey
from drivers.decoders.zbar import zbar_available
from drivers.decoders.zxing import ZXING_FORMATS, ZxingDecoder
from station.domain.scanning.classify import classify
from station.domain.scanning.codes import Gs1Code, Gs1Form, InvalidCode
from station.errors import DeviceError
from station.ports import Decoded
from tests.drivers import blackbox_corpus, synthetic_labels

CORPUS = blackbox_corpus.CORPUS

needs_zbar = pytest.mark.skipif(
    not zbar_available(), reason="pyzbar needs the zbar system library (apt-get install libzbar0)"
)
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the shared corpus is not here ({CORPUS})"
)

GS1_CONTENT = "(01)09521234543213(10)ABC(17)271231(21)XYZ"
GS1_ELEMENT_STRING = "010952123454321310ABC\x1d1727123121XYZ"
DIGITAL_LINK = "https://id.gs1.org/01/09521234543213/10/ABC?17=271231"


def symbol(fmt: str, content: str, *, gs1: bool = False, module_px: int = 4) -> np.ndarray:
    """A symbol drawn at `module_px` pixels per module on a white margin."""
    grey = synthetic_labels.render_symbol(fmt, content, gs1=gs1)
    big = cv2.resize(
        grey,
        (grey.shape[1] * module_px, grey.shape[0] * module_px),
        interpolation=cv2.INTER_NEAREST,
    )
    return cv2.copyMakeBorder(big, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255)


def only(found: list[Decoded]) -> Decoded:
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------------------
# Clean symbols: text, symbology identifier, GS1 flag, classification


def test_gs1_qr_with_fnc1_gives_gs_and_q3() -> None:
    found = only(get_decoder().decode(symbol("QRCode", GS1_CONTENT, gs1=True)))
    assert found == Decoded(GS1_ELEMENT_STRING, "]Q3", "QRCode", gs1=True)
    code = classify(found.text, symbology=found.symbology)
    assert isinstance(code, Gs1Code)
    assert code.ais == (("01", "09521234543213"), ("10", "ABC"), ("17", "271231"), ("21", "XYZ"))


def test_digital_link_qr_written_by_segno() -> None:
    found = only(get_decoder().decode(symbol("segno", DIGITAL_LINK)))
    assert found == Decoded(DIGITAL_LINK, "]Q1", "QRCode", gs1=False)
    code = classify(found.text, symbology=found.symbology)
    assert isinstance(code, Gs1Code)
    assert code.form is Gs1Form.DIGITAL_LINK
    assert code.gtin == "09521234543213"


def test_gs1_datamatrix_is_d2() -> None:
    found = only(get_decoder().decode(symbol("DataMatrix", GS1_CONTENT, gs1=True)))
    assert found == Decoded(GS1_ELEMENT_STRING, "]d2", "DataMatrix", gs1=True)
    assert isinstance(classify(found.text, symbology=found.symbology), Gs1Code)


def test_plain_datamatrix_is_d1() -> None:
    found = only(get_decoder().decode(symbol("DataMatrix", "SEAL-0042")))
    assert (found.text, found.symbology, found.gs1) == ("SEAL-0042", "]d1", False)


def test_gs1_128_is_c1() -> None:
    content = "(00)395212345678901236(02)09521234543213(37)24"
    found = only(get_decoder().decode(symbol("Code128", content, gs1=True, module_px=2)))
    assert found == Decoded("0039521234567890123602095212345432133724", "]C1", "Code128", True)
    code = classify(found.text, symbology=found.symbology)
    assert isinstance(code, Gs1Code)
    assert code.sscc == "395212345678901236"


def test_plain_code128_is_c0() -> None:
    found = only(get_decoder().decode(symbol("Code128", "BOL-77812", module_px=2)))
    assert (found.text, found.symbology, found.gs1) == ("BOL-77812", "]C0", False)


def test_ean13() -> None:
    found = only(get_decoder().decode(symbol("EAN13", "5901234123457", module_px=3)))
    assert found == Decoded("5901234123457", "]E0", "EAN13", gs1=False)
    code = classify(found.text, symbology=found.symbology)
    assert isinstance(code, Gs1Code) and code.gtin == "05901234123457"


def test_upca_is_given_as_its_12_digits() -> None:
    image = symbol("UPCA", "036602301467", module_px=3)
    found = only(get_decoder().decode(image))
    assert found == Decoded("036602301467", "]E0", "UPCA", gs1=False)
    code = classify(found.text, symbology=found.symbology)
    assert isinstance(code, Gs1Code) and code.gtin == "00036602301467"
    thirteen = only(get_decoder(upca_12=False).decode(image))
    assert (thirteen.text, thirteen.format) == ("0036602301467", "EAN13")


def test_upce_is_expanded_to_its_gtin_12() -> None:
    found = only(get_decoder().decode(symbol("UPCE", "01234565", module_px=3)))
    assert found == Decoded("012345000065", "]E0", "UPCE", gs1=False)
    assert upce_as_upca("01234565") == "012345000065"
    assert upce_as_upca("12345670") == "123456000070"  # number system 1, last digit 6-9 rule
    assert upce_as_upca("0123450") is None


def test_databar_is_e0_gs1() -> None:
    found = only(get_decoder().decode(symbol("DataBar", "(01)09521234543213", module_px=3)))
    assert found == Decoded("0109521234543213", "]e0", "DataBarOmni", gs1=True)


def test_formats_restrict_what_is_read() -> None:
    image = symbol("DataMatrix", GS1_CONTENT, gs1=True)
    assert get_decoder("zxing", frozenset({"qr", "code128"})).decode(image) == []
    assert only(get_decoder("zxing", frozenset({"datamatrix"})).decode(image)).symbology == "]d2"


def test_every_station_symbology_maps_to_zxing() -> None:
    assert set(ZXING_FORMATS) == set(drivers.decoders.SYMBOLOGIES)


def test_parse_formats_names_and_aliases() -> None:
    assert parse_formats("QR, gs1-128 ,UPC-A,,databar_expanded") == frozenset(
        {"qr", "code128", "upca", "databar-expanded"}
    )
    assert parse_formats(["datamatrix"]) == frozenset({"datamatrix"})
    assert parse_formats(None) is None
    assert parse_formats("all") is None


def test_parse_formats_unknown_name_message() -> None:
    with pytest.raises(DeviceError) as caught:
        parse_formats("qr,datamatirx")
    known = ", ".join(drivers.decoders.SYMBOLOGIES)
    assert str(caught.value) == (
        f"Unknown symbology 'datamatirx': expected one of {known}; did you mean 'datamatrix'?"
    )


def test_unknown_decoder_name_message() -> None:
    with pytest.raises(DeviceError) as caught:
        get_decoder("zbarcode")
    assert str(caught.value) == "Unknown decoder 'zbarcode': expected one of zxing, zbar."


# ---------------------------------------------------------------------------
# Degraded: blur, noise, perspective, rotation, on a cluttered scene


@pytest.mark.parametrize("kind", synthetic_labels.LABELS, ids=lambda kind: kind.name)
@pytest.mark.parametrize("seed", range(4))
def test_generated_camera_frames(kind: Any, seed: int) -> None:
    frame = synthetic_labels.synthetic_frame(kind, (640, 480), np.random.default_rng(seed))
    found = only(get_decoder().decode(frame))
    assert (found.text, found.symbology) == (kind.expected, kind.symbology)


def _label_scene(kind: Any) -> np.ndarray:
    label = synthetic_labels.render_label(synthetic_labels.symbol_matrix(kind), 5, ["LOT AB12C"])
    scene = np.full((480, 640, 3), 140, np.uint8)
    top, left = (480 - label.shape[0]) // 2, (640 - label.shape[1]) // 2
    scene[top : top + label.shape[0], left : left + label.shape[1]] = label[:, :, None]
    return scene


def _blur(image: np.ndarray, sigma: float = 1.6) -> np.ndarray:
    return cv2.GaussianBlur(image, (0, 0), sigma)


def _noise(image: np.ndarray) -> np.ndarray:
    noise = np.random.default_rng(3).normal(0, 18, image.shape)
    return np.clip(image + noise, 0, 255).astype(np.uint8)


def _perspective(image: np.ndarray) -> np.ndarray:
    h, w = image.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[60, 30], [w - 20, 0], [w - 70, h - 10], [10, h - 50]])
    return cv2.warpPerspective(image, cv2.getPerspectiveTransform(src, dst), (w, h))


def _rotate(angle: float) -> Any:
    def rotate(image: np.ndarray) -> np.ndarray:
        h, w = image.shape[:2]
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 0.8)
        return cv2.warpAffine(image, matrix, (w, h), borderValue=(140, 140, 140))

    return rotate


DISTORTIONS = {
    "blur": _blur,
    "noise": _noise,
    "perspective": _perspective,
    "rotate-37": _rotate(37),
    "rotate-90": _rotate(90),
    "rotate-180": _rotate(180),
    # Together they shrink the modules to about 3 px, so a lighter blur.
    "all": lambda image: _noise(_blur(_perspective(_rotate(-23)(image)), 0.9)),
}


@pytest.mark.parametrize("distortion", DISTORTIONS, ids=str)
@pytest.mark.parametrize("kind", synthetic_labels.LABELS, ids=lambda kind: kind.name)
def test_distortions(kind: Any, distortion: str) -> None:
    image = DISTORTIONS[distortion](_label_scene(kind))
    found = only(get_decoder().decode(image))
    assert (found.text, found.symbology) == (kind.expected, kind.symbology)


def test_empty_scenes_give_nothing() -> None:
    decoder = get_decoder()
    rng = np.random.default_rng(11)
    for _ in range(4):
        assert decoder.decode(synthetic_labels.synthetic_frame(None, (640, 480), rng)) == []


# ---------------------------------------------------------------------------
# The pipeline


class RecordingDecoder:
    """A back end that finds nothing, or `answer` on grey images it has not seen before."""

    name = "recording"

    def __init__(self, answers: list[list[Decoded]]) -> None:
        self.answers = answers
        self.images: list[np.ndarray] = []

    def decode(self, image: Any) -> list[Decoded]:
        self.images.append(image)
        return self.answers.pop(0)


def test_pipeline_retries_on_an_equalised_image_only_when_nothing_was_found() -> None:
    image = np.random.default_rng(1).integers(90, 110, (60, 80, 3), dtype=np.uint8)
    code = Decoded("X", "]Q1", "QRCode")
    first, second = RecordingDecoder([[]]), RecordingDecoder([[code]])
    assert DecodePipeline(first, retry=second).decode(image) == [code]
    assert first.images[0].shape == (60, 80)  # grey once, before any pass
    equalised = second.images[0]
    assert equalised.shape == (60, 80)
    assert np.ptp(equalised) > np.ptp(first.images[0])  # contrast raised

    hit, unused = RecordingDecoder([[code]]), RecordingDecoder([])
    assert DecodePipeline(hit, retry=unused).decode(image) == [code]
    assert unused.images == []
    assert DecodePipeline(RecordingDecoder([[]]), retry=None).decode(image) == []


def test_the_retry_on_a_large_frame_works_on_a_scaled_down_image() -> None:
    # An empty 1280x720 frame pays for the retry every time: it runs on at most
    # RETRY_MAX_PIXELS so that the frame costs about what the first pass costs.
    frame = np.random.default_rng(2).integers(0, 255, (720, 1280, 3), dtype=np.uint8)
    first, second = RecordingDecoder([[]]), RecordingDecoder([[]])
    assert DecodePipeline(first, retry=second).decode(frame) == []
    assert first.images[0].shape == (720, 1280)
    height, width = second.images[0].shape
    assert height * width <= RETRY_MAX_PIXELS
    assert abs(width / height - 1280 / 720) < 0.02


def test_a_camera_pipeline_retries_every_other_empty_frame() -> None:
    frame = np.random.default_rng(3).integers(0, 255, (48, 64), dtype=np.uint8)
    first = RecordingDecoder([[] for _ in range(4)])
    second = RecordingDecoder([[] for _ in range(2)])
    pipeline = DecodePipeline(first, retry=second, retry_every=2)
    for _ in range(4):
        assert pipeline.decode(frame) == []
    assert (len(first.images), len(second.images)) == (4, 2)


@pytest.mark.parametrize(
    ("image", "shape"),
    [
        (np.zeros((4, 6), np.uint8), (4, 6)),
        (np.zeros((4, 6, 1), np.uint8), (4, 6)),
        (np.zeros((4, 6, 3), np.uint8), (4, 6)),
        (np.zeros((4, 6, 4), np.uint8), (4, 6)),
        (np.full((4, 6), 65535, np.uint16), (4, 6)),
        (np.linspace(0, 1, 24).reshape(4, 6), (4, 6)),
    ],
)
def test_as_grey_shapes(image: np.ndarray, shape: tuple[int, int]) -> None:
    grey = as_grey(image)
    assert grey.shape == shape
    assert grey.dtype == np.uint8
    assert grey.flags["C_CONTIGUOUS"]


def test_as_grey_rejects_non_images() -> None:
    with pytest.raises(DeviceError, match=r"Not an image: array of shape \(5,\)"):
        as_grey(np.zeros(5, np.uint8))


def test_zxing_back_end_refuses_unknown_formats() -> None:
    with pytest.raises(DeviceError, match="zxing cannot read 'telepen'"):
        ZxingDecoder(frozenset({"telepen"}))


def test_zxing_hri_mode_is_not_what_the_station_uses() -> None:
    # Why TextMode.Plain: the library default gives the bracketed form.
    image = symbol("DataMatrix", GS1_CONTENT, gs1=True)
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [GS1_CONTENT]


# ---------------------------------------------------------------------------
# ZBar


@needs_zbar
def test_zbar_gs1_qr_and_gs1_128() -> None:
    decoder = get_decoder("zbar")
    qr = only(decoder.decode(symbol("QRCode", GS1_CONTENT, gs1=True)))
    assert qr == Decoded(GS1_ELEMENT_STRING, "]Q3", "QRCode", gs1=True)
    content = "(01)09521234543213(10)ABC(21)7"
    c128 = only(decoder.decode(symbol("Code128", content, gs1=True, module_px=2)))
    assert c128 == Decoded("010952123454321310ABC\x1d217", "]C1", "CODE128", gs1=True)
    plain = only(decoder.decode(symbol("QRCode", "hello")))
    assert (plain.symbology, plain.gs1) == ("]Q1", False)


@needs_zbar
def test_zbar_retail_codes_normalised_like_zxing() -> None:
    decoder = get_decoder("zbar")
    assert only(decoder.decode(symbol("UPCA", "036602301467", module_px=3))) == Decoded(
        "036602301467", "]E0", "UPCA"
    )
    assert only(decoder.decode(symbol("EAN13", "5901234123457", module_px=3))) == Decoded(
        "5901234123457", "]E0", "EAN13"
    )
    upce = get_decoder("zbar", frozenset({"upce"})).decode(symbol("UPCE", "01234565", module_px=3))
    assert only(upce) == Decoded("012345000065", "]E0", "UPCE")
    databar = only(decoder.decode(symbol("DataBar", "(01)09521234543213", module_px=3)))
    assert databar == Decoded("0109521234543213", "]e0", "DataBar", gs1=True)


@needs_zbar
def test_zbar_generated_qr_frames() -> None:
    decoder = get_decoder("zbar")
    for kind in synthetic_labels.LABELS[1:]:  # the QR ones
        frame = synthetic_labels.synthetic_frame(kind, (640, 480), np.random.default_rng(2))
        assert only(decoder.decode(frame)).text == kind.expected


@needs_zbar
def test_zbar_refuses_datamatrix() -> None:
    with pytest.raises(DeviceError) as caught:
        get_decoder("zbar", frozenset({"qr", "datamatrix"}))
    assert str(caught.value).startswith("zbar cannot read 'datamatrix': it reads qr, code128,")
    assert str(caught.value).endswith("; use decoder=zxing.")


# ---------------------------------------------------------------------------
# The real photos


def _corpus_sample(per_folder: int = 6) -> list[Any]:
    by_folder: dict[str, list[Any]] = {}
    for image in blackbox_corpus.load_corpus(CORPUS):
        by_folder.setdefault(image.folder, []).append(image)
    return [image for images in by_folder.values() for image in images[:per_folder]]


@needs_corpus
def test_corpus_sample_station_reads_at_least_what_the_bare_call_reads() -> None:
    station = get_decoder()
    station_hits = bare_hits = 0
    lost: list[str] = []
    for image in _corpus_sample():
        if image.expected is None:
            continue
        pixels = cv2.imread(str(image.path), cv2.IMREAD_COLOR)
        ours = any(blackbox_corpus.matches(image.expected, d.text) for d in station.decode(pixels))
        bare = any(
            blackbox_corpus.matches(image.expected, b.text) for b in zxingcpp.read_barcodes(pixels)
        )
        station_hits += ours
        bare_hits += bare
        if bare and not ours:
            lost.append(f"{image.folder}/{image.path.name}")
    assert lost == []
    assert station_hits >= bare_hits


@needs_corpus
def test_corpus_false_positive_folders_give_nothing() -> None:
    station = get_decoder()
    read = []
    for image in blackbox_corpus.load_corpus(CORPUS):
        if image.expected is None:
            found = station.decode(cv2.imread(str(image.path), cv2.IMREAD_COLOR))
            if found:
                read.append((image.path.name, found))
    assert read == []


@needs_corpus
def test_corpus_gs1_photos_arrive_as_element_strings() -> None:
    photo = CORPUS / "rssexpanded-1" / "1.png"  # expected "(11)100224(17)110224(3102)000100"
    found = only(get_decoder().decode(cv2.imread(str(photo))))
    assert found == Decoded("11100224171102243102000100", "]e0", "DataBarExp", gs1=True)


# ---------------------------------------------------------------------------
# decode_paths


def test_decode_paths_images_video_and_errors(tmp_path: Path) -> None:
    dm = tmp_path / "a-dm.png"
    cv2.imwrite(str(dm), symbol("DataMatrix", GS1_CONTENT, gs1=True))
    bad_check = tmp_path / "b-ean.png"
    cv2.imwrite(str(bad_check), symbol("Code128", "5901234123458", module_px=2))
    transparent = tmp_path / "c-transparent.png"
    qr = symbol("segno", DIGITAL_LINK)
    rgba = np.zeros((*qr.shape, 4), np.uint8)
    rgba[:, :, 3] = 255 - qr  # black modules, transparent paper
    cv2.imwrite(str(transparent), rgba)
    video = tmp_path / "d-clip.mp4"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"mp4v"), 10, (640, 480))
    rng = np.random.default_rng(5)
    for kind in (synthetic_labels.LABELS[0],) * 6 + (None,) * 3 + (synthetic_labels.LABELS[2],) * 6:
        writer.write(synthetic_labels.synthetic_frame(kind, (640, 480), rng))
    writer.release()
    garbage = tmp_path / "e-garbage.png"
    garbage.write_bytes(b"not an image at all")

    results = decode_paths(
        [tmp_path / "a-dm.png", bad_check, transparent, video, garbage, tmp_path / "none.png"],
        every_nth=2,
    )
    by_name = {result.path.name: result for result in results}

    [dm_code] = by_name["a-dm.png"].codes
    assert (dm_code.text, dm_code.symbology, dm_code.kind) == (GS1_ELEMENT_STRING, "]d2", "Gs1Code")
    assert dm_code.display == "010952123454321310ABC<GS>1727123121XYZ"

    [ean_like] = by_name["b-ean.png"].codes
    assert isinstance(ean_like.code, InvalidCode)  # a GTIN-13 with a wrong check digit

    [link] = by_name["c-transparent.png"].codes
    assert (link.text, link.kind) == (DIGITAL_LINK, "Gs1Code")

    clip = by_name["d-clip.mp4"]
    assert clip.kind == "video"
    assert clip.frames == 8  # frames 0, 2, ..., 14
    assert [code.text for code in clip.codes] == [
        synthetic_labels.LABELS[0].expected,
        synthetic_labels.LABELS[2].expected,
    ]
    assert clip.codes[0].frame == 0
    assert clip.codes[1].frame in (10, 12)
    assert all(code.frames >= 2 for code in clip.codes)

    assert by_name["e-garbage.png"].kind == "unreadable"
    assert by_name["none.png"].error == f"{str(tmp_path / 'none.png')!r}: no such file."

    data = result_as_dict(by_name["a-dm.png"])
    encoded = json.dumps(data, ensure_ascii=True)
    assert json.loads(encoded)["codes"][0]["text"] == GS1_ELEMENT_STRING
    assert data["codes"][0]["ais"][0] == {"ai": "01", "value": "09521234543213"}
    assert data["codes"][0]["form"] == "element-string"
    assert data["size"] == [by_name["a-dm.png"].width, by_name["a-dm.png"].height]


def test_decode_paths_expands_folders_and_checks_arguments(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "1.png"), symbol("QRCode", "hello"))
    (tmp_path / "notes.txt").write_text("not a frame")
    [result] = decode_paths([tmp_path], formats="qr")
    assert [code.text for code in result.codes] == ["hello"]
    with pytest.raises(DeviceError, match="Unknown symbology 'qrr'"):
        decode_paths([tmp_path], formats="qrr")
    with pytest.raises(DeviceError, match="every_nth=0"):
        decode_paths([tmp_path], every_nth=0)


# ---------------------------------------------------------------------------
# Docstrings


@pytest.mark.parametrize(
    "module", [drivers.decoders, drivers.decoders.zxing, drivers.debounce, blackbox_corpus], ids=str
)
def test_module_doctests(module: ModuleType) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
