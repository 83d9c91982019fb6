"""Read and check images before any detector sees them: bad input gets a clear ImageError."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from llmos_robot.errors import ImageError

MAX_SIDE = 8192  # pixels: larger images are refused rather than exhausting memory on a Pi


def check_image(image: object) -> NDArray[np.uint8]:
    """The image if it is an (H, W, 3) uint8 RGB array with H, W > 0; ImageError otherwise."""
    if not isinstance(image, np.ndarray):
        raise ImageError(f"expected an image array, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise ImageError(f"expected 8-bit pixels (uint8), got {image.dtype}")
    if image.ndim != 3 or image.shape[2] != 3:
        raise ImageError(f"expected a colour image of shape (height, width, 3), got {image.shape}")
    if image.shape[0] == 0 or image.shape[1] == 0:
        raise ImageError(f"the image is empty ({image.shape[1]}x{image.shape[0]} pixels)")
    if max(image.shape[:2]) > MAX_SIDE:
        raise ImageError(f"the image is too large ({image.shape[1]}x{image.shape[0]}; at most {MAX_SIDE} a side)")
    return image


def load_image(path: Path | str) -> NDArray[np.uint8]:
    """An image file (PNG, JPEG, ...) as an RGB array; ImageError for a missing, empty, truncated or
    undecodable file."""
    path = Path(path)
    if not path.is_file():
        raise ImageError(f"{path}: no such file")
    data = path.read_bytes()
    if not data:
        raise ImageError(f"{path}: the file is empty")
    if data.startswith(b"\x89PNG") and not data.rstrip(b"\x00").endswith(b"IEND\xaeB`\x82"):
        raise ImageError(f"{path}: the PNG file is truncated (no IEND chunk)")
    if data.startswith(b"\xff\xd8") and b"\xff\xd9" not in data[-64:]:
        raise ImageError(f"{path}: the JPEG file is truncated (no end-of-image marker)")
    decoded = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
    if decoded is None:
        raise ImageError(f"{path}: not an image OpenCV can decode (PNG, JPEG, BMP, ...)")
    return check_image(np.ascontiguousarray(decoded[:, :, ::-1]))
