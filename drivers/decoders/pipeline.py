"""How the station prepares an image before and between decoder passes.

Measured on the ZXing black-box photos (``bench/decode.py``), not assumed:

1. Grey conversion once, with OpenCV, whatever came in (BGR, BGRA, grey, 16-bit):
   every pass and every back end then works on the same 8-bit luminance, and
   pyzbar's habit of keeping only the first (blue) channel of a colour image
   is avoided.
2. First pass on the grey image as it is.
3. Only if that found nothing: a second pass after CLAHE (contrast-limited
   adaptive histogram equalisation, clip 4, 8x8 tiles). Photos of labels under
   dock lighting are unevenly lit, glossy or low in contrast; equalising local
   contrast recovers about 3% more of the corpus (mostly UPC/EAN, QR and
   DataBar shots) and in that measurement read nothing wrong and nothing on
   the ``falsepositives`` images. Frames where the first pass succeeds pay
   nothing extra. Frames with no code pay a second pass, made cheaper by a
   back end that skips the rotated and inverted search (the first pass did
   that; the gain on the corpus is the same). The retry works on the image
   scaled down to at most `RETRY_MAX_PIXELS` (150,000, about 450x330) before
   CLAHE: the codes CLAHE recovers are ones that fill much of the picture, and on
   the corpus the scaled retry reads 30 images the first pass missed against 29
   at full size. An empty camera frame, where the retry always runs, then costs
   about 1.15x the bare decoder at 1920x1080 and 1.3x at 1280x720 instead of
   2.1x. A camera retries only every other empty frame (`retry_every`), so a
   stream of empty frames costs 1.1 to 1.2x the bare decoder (issue 13).
   ``retry=0`` on a camera URL drops the second pass where CPU is short.

Tried and left out, for the record: a 2x upscale retry (+0.6% more reads, but it
doubled the p95 time and misread an EAN-13 as a different valid EAN-13), a
blur or unsharp-mask retry (a third of CLAHE's gain), a global-histogram
binariser retry (fewer reads than CLAHE, slower), a half-size pre-pass (zxing
already searches downscaled copies itself).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from station.errors import DeviceError
from station.ports import Decoded, Decoder

__all__ = ["CLAHE_CLIP", "CLAHE_TILES", "RETRY_MAX_PIXELS", "DecodePipeline", "as_grey"]

CLAHE_CLIP = 4.0
CLAHE_TILES = 8
RETRY_MAX_PIXELS = 150_000
"""The CLAHE retry works on the image scaled down to at most this many pixels."""


def as_grey(image: Any) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """`image` as a C-contiguous 8-bit single-channel array.

    Accepts grey, BGR or BGRA arrays of 8 or 16 bits (or anything NumPy can turn
    into one); raises `DeviceError` for shapes that are not an image.
    """
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.dtype != np.uint8:
        if array.dtype == np.uint16:
            array = (array >> 8).astype(np.uint8)
        else:
            low, high = float(array.min()), float(array.max())
            scale = 255.0 / (high - low) if high > low else 0.0
            array = ((array - low) * scale).astype(np.uint8)
    if array.ndim == 3 and array.shape[2] == 3:
        array = cv2.cvtColor(array, cv2.COLOR_BGR2GRAY)
    elif array.ndim == 3 and array.shape[2] == 4:
        array = cv2.cvtColor(array, cv2.COLOR_BGRA2GRAY)
    if array.ndim != 2 or array.size == 0:
        raise DeviceError(f"Not an image: array of shape {array.shape!r}, expected HxW or HxWx3.")
    return np.ascontiguousarray(array)


class DecodePipeline:
    """A `station.ports.Decoder`: grey once, decode, CLAHE retry when nothing was found.

    `retry` decodes the equalised image; None means no second pass. It is
    usually the same back end as `backend` with its costlier searches off.
    """

    def __init__(
        self, backend: Decoder, *, retry: Decoder | None = None, retry_every: int = 1
    ) -> None:
        self.backend = backend
        self.name = backend.name
        self.retry = retry
        self.retry_every = max(retry_every, 1)
        """Retry one image in this many that gave nothing: 1 for files, 2 for a camera."""
        self._misses = 0

    def decode(self, image: Any) -> list[Decoded]:
        """The codes in `image`, from the first pass that finds any."""
        grey = as_grey(image)
        found = self.backend.decode(grey)
        if found or self.retry is None:
            return found
        # A camera sees the same label in many frames in a row: retrying every other
        # empty frame reads it one frame later and halves what empty frames cost.
        # (A race between camera threads on this count only shifts which frame.)
        self._misses += 1
        if self._misses % self.retry_every:
            return found
        height, width = grey.shape
        small: np.ndarray[Any, Any] = grey
        if height * width > RETRY_MAX_PIXELS:
            scale = (RETRY_MAX_PIXELS / (height * width)) ** 0.5
            size = (max(int(width * scale), 1), max(int(height * scale), 1))
            small = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
        # One CLAHE object per call: OpenCV's CLAHE keeps scratch buffers and one
        # pipeline may serve several camera threads.
        clahe = cv2.createCLAHE(clipLimit=CLAHE_CLIP, tileGridSize=(CLAHE_TILES, CLAHE_TILES))
        return self.retry.decode(clahe.apply(small))
