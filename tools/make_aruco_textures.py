"""Write the ArUco marker textures the house world uses (reproducible: same ids, same pixels).

    .venv/bin/python tools/make_aruco_textures.py

Each PNG is the marker of DICT_4X4_50 with a one-cell white quiet zone (8 x 8 cells), 8 pixels per
cell, so 64 x 64 pixels: small enough to commit, sharp enough for the 320x240 camera at 2 m.
The ids match `marker_id` of the objects in worlds/house.yaml.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

DICTIONARY = cv2.aruco.DICT_4X4_50
MARKER_IDS = (0, 1, 2, 3)
CELLS = 6  # 4x4 data cells plus the black border
QUIET_CELLS = 1
PIXELS_PER_CELL = 8
OUT = Path(__file__).resolve().parents[1] / "worlds" / "models" / "aruco_markers" / "materials" / "textures"


def marker_texture(marker_id: int) -> np.ndarray:
    dictionary = cv2.aruco.getPredefinedDictionary(DICTIONARY)
    marker = cv2.aruco.generateImageMarker(dictionary, marker_id, CELLS * PIXELS_PER_CELL)
    border = QUIET_CELLS * PIXELS_PER_CELL
    return cv2.copyMakeBorder(marker, border, border, border, border, cv2.BORDER_CONSTANT, value=255)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for marker_id in MARKER_IDS:
        path = OUT / f"aruco_4x4_50_id{marker_id}.png"
        cv2.imwrite(str(path), marker_texture(marker_id), [cv2.IMWRITE_PNG_COMPRESSION, 9])
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
