"""Device URLs: how a station config names a scanner, camera or printer.

``serial:///dev/ttyACM0?baud=9600&suffix=CR``, ``camera://0``,
``camera:file:///videos/dock.mp4``, ``zpl+tcp://10.0.0.7:9100``, ``cups://LABELS``,
``dir:///var/labels``. The scheme picks the driver module; the rest is the driver's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from urllib.parse import parse_qsl, urlsplit

from station.errors import DeviceError

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class DeviceURL:
    """A parsed device URL."""

    text: str
    """The URL as configured; also the device's id on screen and in events."""
    scheme: str
    host: str = ""
    port: int | None = None
    path: str = ""
    params: dict[str, str] = field(default_factory=dict)
    inner: str | None = None
    """For nested forms such as ``camera:file:///x.mp4``: the URL after ``camera:``."""

    def param(self, name: str, default: str) -> str:
        """A query parameter, or `default`."""
        return self.params.get(name, default)

    def int_param(self, name: str, default: int) -> int:
        """A whole-number query parameter; a bad value is a `DeviceError` naming it."""
        return self._converted(name, default, int, "is not a whole number")

    def float_param(self, name: str, default: float) -> float:
        """A numeric query parameter; a bad value is a `DeviceError` naming it."""
        return self._converted(name, default, float, "is not a number")

    def flag_param(self, name: str, *, default: bool) -> bool:
        """A ``0``/``1`` (or ``false``/``true``, ``no``/``yes``, ``off``/``on``) parameter."""
        return self._converted(name, default, _flag, "expected 0 or 1", sep=": ")

    def _converted(
        self,
        name: str,
        default: _T,
        convert: Callable[[str], _T],
        expected: str,
        *,
        sep: str = " ",
    ) -> _T:
        raw = self.params.get(name)
        if raw is None:
            return default
        try:
            return convert(raw)
        except ValueError:
            raise DeviceError(f"{self.text}: {name}={raw!r}{sep}{expected}") from None


def _flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


def parse_device_url(text: str) -> DeviceURL:
    """Parse `text`; raise `DeviceError` with the URL in the message when it is malformed."""
    text = text.strip()
    if text == "wedge":
        return DeviceURL(text=text, scheme="wedge")
    scheme, sep, rest = text.partition(":")
    if not sep or not scheme:
        raise DeviceError(
            f"{text!r}: not a device URL (expected scheme:..., e.g. serial:///dev/ttyACM0)"
        )
    scheme = scheme.lower()
    if not rest.startswith("//"):
        # Nested form: camera:file:///x.mp4, camera:rtsp://host/stream, camera:dir:///frames
        return DeviceURL(text=text, scheme=scheme, inner=rest)
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise DeviceError(f"{text!r}: malformed device URL: {exc}") from None
    return DeviceURL(
        text=text,
        scheme=scheme,
        host=parts.hostname or "",
        port=port,
        path=parts.path,
        params=dict(parse_qsl(parts.query)),
    )
