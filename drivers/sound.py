"""Plays a verdict's cue: the terminal bell N times, or a sound file through a player.

The bell is the front end's (the TUI rings the terminal's); the rings are spaced so a
person hears them as separate beeps. A sound file is played by the configured player
command in the background (no shell; its output discarded), so a scan never waits for
a sound and a missing or broken player only costs the sound.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable

from station.domain.findings import Verdict
from station.domain.sounds import SoundSettings

RING_GAP_S = 0.18
"""Between two rings of one cue: far enough apart to count, close enough to belong."""


class SoundCues:
    """Sounds each verdict with the configured cue."""

    def __init__(
        self,
        settings: SoundSettings,
        bell: Callable[[], None],
        later: Callable[[float, Callable[[], None]], object],
    ) -> None:
        self.settings = settings
        self._bell = bell
        self._later = later
        self.failures = 0
        """Sound files the player could not be started for."""

    def play(self, verdict: Verdict) -> None:
        """Sound `verdict`; never raises."""
        cue = self.settings.cues.get(verdict)
        if cue is None:
            return
        if cue.file is not None:
            self._play_file(cue.file)
            return
        for ring in range(cue.bells):
            if ring == 0:
                self._bell()
            else:
                self._later(ring * RING_GAP_S, self._bell)

    def _play_file(self, path: str) -> None:
        try:
            subprocess.Popen(
                [*self.settings.player, path],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError:
            self.failures += 1
