"""Label preview before printing: the same QR matrix and text the printer will get.

The terminal cannot show the bitmap, so the QR is drawn with half-block characters
from the very matrix the renderers use (scannable from the screen with a phone), next
to the label's text lines. Enter queues the label on the default printer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from labels.model import Label
from station.domain.printable import printable

if TYPE_CHECKING:
    # numpy and the QR encoder load when a preview is shown, not with the app.
    from labels.matrix import QrMatrix


def qr_text(matrix: QrMatrix) -> str:
    """The QR as half blocks: two module rows per text line, quiet zone included."""
    quiet = matrix.quiet_zone
    size = matrix.size_with_quiet_zone

    def dark(row: int, col: int) -> bool:
        r, c = row - quiet, col - quiet
        return 0 <= r < matrix.size and 0 <= c < matrix.size and matrix.rows[r][c]

    lines = []
    for row in range(0, size, 2):
        chars = []
        for col in range(size):
            top, bottom = dark(row, col), dark(row + 1, col)
            # Drawn black on white by the screen's CSS, whatever the terminal's colours.
            chars.append(
                {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}[
                    (top, bottom)
                ]
            )
        lines.append("".join(chars))
    return "\n".join(lines)


class LabelPreviewScreen(ModalScreen[bool]):
    """Shows a label; Enter to queue it for printing, Escape to close."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "print", "Print"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, label: Label, lot_id: str) -> None:
        super().__init__()
        self.label = label
        self.lot_id = lot_id

    def compose(self) -> ComposeResult:
        text = Text()
        text.append(f"{printable(self.label.title)}\n", style="bold")
        for field in self.label.fields:
            text.append(f"{printable(field.text, 60)}\n")
        text.append(f"\n{printable(self.label.qr_payload)}\n", style="dim")
        text.append(
            f"{self.label.size.width_mm:g} x {self.label.size.height_mm:g} mm\n\n"
            "Enter: print   Esc: close",
            style="dim",
        )
        with Vertical(id="preview"), Horizontal():
            from labels.matrix import qr_matrix  # noqa: PLC0415 - see the import above

            yield Static(qr_text(qr_matrix(self.label.qr_payload)), id="preview-qr")
            yield Static(text, id="preview-text")

    def action_print(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
