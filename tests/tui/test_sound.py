"""Accept, quarantine and error sound different: the bell a different number of times,
or a sound file played by the configured player (a real process)."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest

from drivers.sound import RING_GAP_S, SoundCues
from station.bootstrap import Station
from station.config import load_config
from station.domain.findings import Verdict
from station.domain.sounds import Cue, SoundSettings
from station.errors import ConfigError
from tests.tui.test_app import make_app, scan

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "station.example.toml"


async def test_each_verdict_rings_its_own_number_of_bells(station: Station) -> None:
    app = make_app(station)
    rings: list[float] = []
    app.bell = lambda: rings.append(asyncio.get_event_loop().time())  # type: ignore[method-assign]
    heard: dict[str, int] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        for text, verdict in (
            ("B-1001", "info"),
            ("BOL-778001", "info"),
            ("SL0041871", "accept"),
            ("SL9999999", "quarantine"),
            ("]C100006141412610010099", "error"),
        ):
            rings.clear()
            await scan(pilot, text)
            await asyncio.sleep(RING_GAP_S * 3 + 0.2)
            await pilot.pause()
            assert app.last is not None and app.last.outcome.verdict.value == verdict, text
            heard[verdict] = len(rings)
    assert heard == {"info": 0, "accept": 1, "quarantine": 2, "error": 3}


def test_a_sound_file_is_played_by_the_player_in_the_background(tmp_path: Path) -> None:
    marker = tmp_path / "played"
    player = (sys.executable, "-c", f"import sys; open({str(marker)!r}, 'a').write(sys.argv[1])")
    cues = SoundCues(
        SoundSettings(cues={Verdict.QUARANTINE: Cue(file="hold.wav")}, player=player),
        bell=lambda: pytest.fail("a file cue rings no bell"),
        later=lambda _delay, _call: None,
    )
    cues.play(Verdict.QUARANTINE)
    cues.play(Verdict.ACCEPT)  # no cue configured for it: silent
    for _ in range(200):  # the player runs in the background: wait for what it wrote
        if marker.exists() and marker.read_text():
            break
        time.sleep(0.05)
    assert marker.read_text() == "hold.wav"
    broken = SoundCues(
        SoundSettings(cues={Verdict.ERROR: Cue(file="x.wav")}, player=("/nonexistent/player",)),
        bell=lambda: None,
        later=lambda _delay, _call: None,
    )
    broken.play(Verdict.ERROR)  # never raises: the scan is what matters
    assert broken.failures == 1


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('accept = "bell 9"', "sound.accept: at most 5 bells, not 9"),
        ('error = "loud"', "expected 'bell N', 'silent' or 'file PATH'"),
        ('quarantine = "file nope.wav"', "does not exist"),
        ('accepted = "bell 1"', "did you mean 'accept'"),
    ],
)
def test_a_sound_setting_that_cannot_work_is_refused(
    tmp_path: Path, table: str, message: str
) -> None:
    path = tmp_path / "station.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + f"\n[sound]\n{table}\n")
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_sound_files_need_a_player(tmp_path: Path) -> None:
    (tmp_path / "hold.wav").write_bytes(b"RIFF")
    path = tmp_path / "station.toml"
    path.write_text(
        EXAMPLE.read_text(encoding="utf-8") + '\n[sound]\nquarantine = "file hold.wav"\n'
    )
    with pytest.raises(ConfigError, match="sound files need a player command"):
        load_config(path)
    path.write_text(
        EXAMPLE.read_text(encoding="utf-8")
        + '\n[sound]\nquarantine = "file hold.wav"\nplayer = ["aplay", "-q"]\n'
    )
    cue = load_config(path).sound.cues[Verdict.QUARANTINE]
    assert cue.file == str(tmp_path / "hold.wav")
