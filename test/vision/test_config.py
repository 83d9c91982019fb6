"""Parameters as ROS carries them become a checked VisionConfig; bad values get a clear error."""

from __future__ import annotations

import pytest

from llmos_robot.errors import VisionError
from llmos_robot.vision import VisionConfig
from llmos_robot.vision.config import parse_colours, parse_marker_names


def test_flat_colour_lists_become_triples():
    assert parse_colours([1, 2, 3, 4, 5, 6], "floor_colours") == ((1, 2, 3), (4, 5, 6))
    with pytest.raises(VisionError, match="triples"):
        parse_colours([1, 2, 3, 4], "floor_colours")


def test_marker_names_are_id_colon_name():
    assert parse_marker_names(["0:docking_station", "7: glass cleaner", ""]) == {
        0: "docking_station",
        7: "glass cleaner",
    }
    for bad in ("bleach", "x:bleach", "3:"):
        with pytest.raises(VisionError, match="ID:name"):
            parse_marker_names([bad])


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"floor_colours": ()}, "floor_colours is empty"),
        ({"dirt_colours": ((300, 0, 0),)}, "RGB triple"),
        ({"analysis_scale": 0.0}, "analysis_scale"),
        ({"leg_width": (0.3, 0.1)}, "min < max"),
    ],
)
def test_bad_settings_are_refused(overrides, message):
    with pytest.raises(VisionError, match=message):
        VisionConfig(**overrides)


def test_an_unknown_marker_dictionary_is_named():
    from llmos_robot.vision.markers import MarkerDetector

    with pytest.raises(VisionError, match="DICT_9X9"):
        MarkerDetector(VisionConfig(marker_dictionary="DICT_9X9"))
