"""The ZXing black-box photos in ``../shared/corpus/blackbox`` and what each must read as.

One expected text per image in ``<name>.txt`` (UTF-8) or ``<name>.bin``
(ISO-8859-1); the ``falsepositives*`` folders must give nothing. The decoder
tests and the decode benchmark (``bench/decode.py``) read the corpus, and judge
a read, through this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "blackbox"
UNUSABLE_FOLDERS = frozenset({"ean13-5", "upca-6"})
"""Blurred sets the ZXing project itself expects to fail."""
SKIPPED_FOLDERS = frozenset({"pdf417-4"})
"""One PDF417 symbol spread over several images: no per-image expected text."""


@dataclass(frozen=True, slots=True)
class CorpusImage:
    """One black-box photo and the text it should give (None: it must give nothing)."""

    folder: str
    path: Path
    expected: str | None

    @property
    def group(self) -> str:
        """Symbology group of the folder: ``qrcode-2`` -> ``qrcode``."""
        return self.folder.rsplit("-", 1)[0] if self.folder[-1].isdigit() else self.folder

    @property
    def usable(self) -> bool:
        """Whether the image counts in the "usable" total."""
        return self.expected is not None and self.folder not in UNUSABLE_FOLDERS


def expected_text(image: Path) -> str | None:
    """The expected text next to `image`: ``.txt`` as UTF-8, ``.bin`` as ISO-8859-1."""
    text_file, bin_file = image.with_suffix(".txt"), image.with_suffix(".bin")
    if text_file.exists():
        return text_file.read_bytes().decode("utf-8")  # bytes: keep CR LF as written
    if bin_file.exists():
        return bin_file.read_bytes().decode("iso-8859-1")
    return None


def load_corpus(root: Path = CORPUS) -> list[CorpusImage]:
    """Every image of the black-box corpus with its expectation, in a stable order."""
    images: list[CorpusImage] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name in SKIPPED_FOLDERS:
            continue
        false_positives = folder.name.startswith("falsepositives")
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif", ".bmp"):
                continue
            expected = None if false_positives else expected_text(path)
            if expected is None and not false_positives:
                continue
            images.append(CorpusImage(folder.name, path, expected))
    return images


def _strip_gs1_marks(text: str) -> str:
    return text.replace("(", "").replace(")", "").replace("\x1d", "")


def matches(expected: str, text: str) -> bool:
    """Whether decoded `text` is the `expected` content, up to representation.

    Equal, or equal after one of: UPC-A given as 13 digits with a leading 0;
    GS1 content as bracketed HRI vs element string (parentheses and GS ignored
    on both sides); DataBar's GTIN-14 alone vs prefixed by AI 01.

    >>> matches("(01)09521234543213(10)AB", "010952123454321310AB")
    True
    >>> matches("036602301467", "0036602301467")
    True
    >>> matches("04412345678909", "(01)04412345678909")
    True
    >>> matches("9780345348036", "0706375348036")
    False
    """
    if text == expected:
        return True
    if len(text) == 13 and text[0] == "0" and text[1:] == expected:
        return True
    if len(expected) == 13 and expected[0] == "0" and expected[1:] == text:
        return True
    bare_text, bare_expected = _strip_gs1_marks(text), _strip_gs1_marks(expected)
    if bare_text == bare_expected:
        return True
    return len(bare_expected) == 14 and bare_text == "01" + bare_expected
