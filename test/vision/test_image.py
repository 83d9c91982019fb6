"""Bad images get a clear ImageError, from files and from arrays alike."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from llmos_robot.errors import ImageError
from llmos_robot.vision import PinholeCamera, VisionConfig, VisionPipeline, check_image, load_image


def write_png(path, image):
    assert cv2.imwrite(str(path), image[:, :, ::-1])
    return path


def test_a_png_loads_as_rgb(tmp_path):
    image = np.zeros((24, 32, 3), np.uint8)
    image[..., 0] = 200  # red
    loaded = load_image(write_png(tmp_path / "red.png", image))
    assert loaded.shape == (24, 32, 3) and loaded[0, 0].tolist() == [200, 0, 0]


@pytest.mark.parametrize(
    "content,message",
    [(b"", "empty"), (b"not an image at all", "can decode"), (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "truncated")],
)
def test_unusable_files_are_refused_with_the_reason(tmp_path, content, message):
    path = tmp_path / "bad.png"
    path.write_bytes(content)
    with pytest.raises(ImageError, match=message):
        load_image(path)


def test_a_truncated_png_is_refused(tmp_path):
    good = write_png(tmp_path / "good.png", np.random.default_rng(0).integers(0, 255, (60, 80, 3), dtype=np.uint8))
    data = good.read_bytes()
    cut = tmp_path / "cut.png"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageError, match="truncated"):
        load_image(cut)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ImageError, match="no such file"):
        load_image(tmp_path / "nope.png")


@pytest.mark.parametrize(
    "array,message",
    [
        (np.zeros((0, 320, 3), np.uint8), "empty"),
        (np.zeros((240, 320), np.uint8), "colour image"),
        (np.zeros((240, 320, 4), np.uint8), "colour image"),
        (np.zeros((240, 320, 3), np.float32), "8-bit"),
        ("an image", "image array"),
    ],
)
def test_arrays_of_the_wrong_shape_or_type_are_refused(array, message):
    with pytest.raises(ImageError, match=message):
        check_image(array)


def test_the_pipeline_refuses_bad_frames_instead_of_crashing():
    camera = PinholeCamera.from_pose(320, 240, 1.085, 0.118, 0.2, 0.165)
    pipeline = VisionPipeline(VisionConfig(), camera)
    with pytest.raises(ImageError):
        pipeline.process(np.zeros((240, 320), np.uint8))


def test_other_image_sizes_are_resized_to_the_camera():
    camera = PinholeCamera.from_pose(320, 240, 1.085, 0.118, 0.2, 0.165)
    floor = np.full((480, 640, 3), (252, 240, 216), np.uint8)  # the kitchen floor, nothing on it
    result = VisionPipeline(VisionConfig(), camera).process(floor)
    assert not [d for d in result.detections if d.kind.value in ("dirt", "spill", "person")]
