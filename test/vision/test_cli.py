"""`llmos-robot see` on image files, and `llmos-robot bench vision` on a few rendered frames."""

from __future__ import annotations

import json

import cv2
import pytest

from llmos_robot.cli import main

from .conftest import VIEWS

pytestmark = pytest.mark.sim


def test_see_reports_the_marker_on_the_map_as_json(house_camera, tmp_path, capsys):
    pose = VIEWS["bleach"]
    path = tmp_path / "frame.png"
    cv2.imwrite(str(path), house_camera.look(pose)[:, :, ::-1])
    out = tmp_path / "annotated.png"
    code = main(["see", str(path), "--json", "--pose", str(pose.x), str(pose.y), str(pose.yaw), "--out", str(out)])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["frame"] == "map"
    markers = [d for d in report["detections"] if d["kind"] == "marker"]
    assert [(m["label"], m["marker_id"]) for m in markers] == [("bleach", 1)]
    assert markers[0]["position"] == pytest.approx([2.3, 0.2], abs=0.1)
    assert cv2.imread(str(out)).shape == (240, 320, 3)


def test_see_speaks_a_summary_without_json(house_camera, tmp_path, capsys):
    path = tmp_path / "frame.png"
    cv2.imwrite(str(path), house_camera.look(VIEWS["dirt_kitchen"])[:, :, ::-1])
    assert main(["see", str(path)]) == 0
    assert "dirt" in capsys.readouterr().out.splitlines()[0]


def test_see_explains_a_broken_file(tmp_path, capsys):
    path = tmp_path / "broken.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert main(["see", str(path)]) == 2
    assert "truncated" in capsys.readouterr().err


def test_bench_vision_scores_rendered_frames_against_the_goals():
    from llmos_robot.bench import run

    report = run("vision", frames=30, seed=1)
    assert report["frames"] >= 30
    assert set(report["goals_met"]) == set(report["goals"])
    assert report["latency_ms"]["total"]["p50"] > 0
    assert report["classes"]["dirt"]["visible_within_2m"] > 0
    assert report["clean_floor"]["frames"] >= 10
