"""What a verdict sounds like, so a clerk who is not looking at the screen knows.

By default the terminal bell, a different number of times per verdict: an accepted
unit once, a hold twice, a refusal or an unreadable code three times, status
messages not at all. A site may instead play a sound file per verdict through a
player command (e.g. ``aplay -q``) on the dock PC's speaker.

>>> DEFAULT_CUES[Verdict.QUARANTINE]
Cue(bells=2, file=None)
>>> parse_cue("bell 3"), parse_cue("silent")
(Cue(bells=3, file=None), Cue(bells=0, file=None))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from station.domain.findings import Verdict

__all__ = ["DEFAULT_CUES", "Cue", "SoundSettings", "parse_cue"]

MAX_BELLS: Final = 5


@dataclass(frozen=True, slots=True)
class Cue:
    """One verdict's sound: the bell rung `bells` times, or a sound `file` played."""

    bells: int = 0
    file: str | None = None


DEFAULT_CUES: Final[Mapping[Verdict, Cue]] = {
    Verdict.ACCEPT: Cue(1),
    Verdict.QUARANTINE: Cue(2),
    Verdict.REJECT: Cue(3),
    Verdict.ERROR: Cue(3),
    Verdict.INFO: Cue(0),
}


@dataclass(frozen=True, slots=True)
class SoundSettings:
    """The ``[sound]`` table: a cue per verdict, and the player for sound files."""

    cues: Mapping[Verdict, Cue] = field(default_factory=lambda: dict(DEFAULT_CUES))
    player: tuple[str, ...] = ()
    """The command that plays a file (the file's path is added as its last argument)."""


def parse_cue(text: str) -> Cue:
    """``bell N`` (N from 0 to 5), ``silent``, or ``file PATH``; ValueError if neither."""
    words = text.strip().split(maxsplit=1)
    if words == ["silent"]:
        return Cue(0)
    if len(words) == 2 and words[0] == "bell" and words[1].isdigit():
        count = int(words[1])
        if count <= MAX_BELLS:
            return Cue(count)
        raise ValueError(f"at most {MAX_BELLS} bells, not {count}")
    if len(words) == 2 and words[0] == "file" and words[1].strip():
        return Cue(0, words[1].strip())
    raise ValueError(f"expected 'bell N', 'silent' or 'file PATH', found {text!r}")
