"""Messages device threads and the sync worker post to the app."""

from __future__ import annotations

from textual.message import Message

from station.ports import DeviceStatus


class DeviceStatusChanged(Message):
    """A device's state changed; a newer status of the same device replaces a queued one."""

    def __init__(self, status: DeviceStatus) -> None:
        super().__init__()
        self.status = status

    def can_replace(self, message: Message) -> bool:
        return (
            isinstance(message, DeviceStatusChanged) and message.status.device == self.status.device
        )


class SitePulled(Message):
    """The sync worker pulled site data that changed (one line per change)."""

    def __init__(self, lines: tuple[str, ...]) -> None:
        super().__init__()
        self.lines = lines
