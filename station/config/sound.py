"""The ``[sound]`` table: what each verdict sounds like (see `station.domain.sounds`)."""

from __future__ import annotations

from pathlib import Path

from station.config.reader import TableReader
from station.domain.findings import Verdict
from station.domain.sounds import DEFAULT_CUES, Cue, SoundSettings, parse_cue

VERDICT_KEYS = tuple(v.value for v in Verdict)
SOUND_KEYS = (*VERDICT_KEYS, "player")


def read_sound(reader: TableReader, value: object) -> SoundSettings:
    """The cues, each checked; sound files must exist and a player must be named for them."""
    table = reader.table(value, "sound", SOUND_KEYS)
    cues = dict(DEFAULT_CUES)
    for verdict in Verdict:
        if verdict.value not in table:
            continue
        where = f"sound.{verdict.value}"
        try:
            cue = parse_cue(reader.get(table, "sound", verdict.value, str))
        except ValueError as exc:
            raise reader.fail(where, str(exc)) from None
        if cue.file is not None:
            path = reader.path.parent / cue.file
            if not path.is_file():
                raise reader.fail(where, f"sound file {str(path)!r} does not exist")
            cue = Cue(0, str(path))
        cues[verdict] = cue
    player = reader.strings(table, "sound", "player")
    if any(c.file for c in cues.values()) and not player:
        raise reader.fail(
            "sound.player", 'sound files need a player command, e.g. player = ["aplay", "-q"]'
        )
    if player and not Path(player[0]).name:
        raise reader.fail("sound.player", f"expected a command, found {list(player)!r}")
    return SoundSettings(cues=cues, player=player)
