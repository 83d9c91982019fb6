"""End to end in the embedded MuJoCo simulator: a real clean, an unmapped box, the CLI's report."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from llmos_robot.cli import main as cli_main
from llmos_robot.coverage.job import Outcome, go_to_job
from llmos_robot.coverage.planner import CoveragePlanner
from llmos_robot.coverage.simrun import SimRunConfig, run_job, spawn_in_room
from llmos_robot.sim import SimConfig, Simulator
from llmos_robot.world import rasterise
from llmos_robot.world.geometry import Pose2D, Transform
from llmos_robot.world.sdf import Shape, ShapeKind

pytestmark = pytest.mark.sim


def test_cli_cleans_the_smallest_room_and_writes_report_and_heatmap(house, tmp_path, capsys):
    smallest = min(house.rooms.values(), key=lambda room: room.area).name
    start = spawn_in_room(house, smallest)
    report, png = tmp_path / "report.json", tmp_path / "heat.png"
    code = cli_main(
        ["clean", "--room", smallest, "--start", str(start.x), str(start.y), "0",
         "--report", str(report), "--png", str(png)]
    )  # fmt: skip
    assert code == 0
    data = json.loads(report.read_text())
    assert {"room", "coverage", "overlap", "path_length_m", "duration_s", "collisions", "outcome"} <= set(data)
    assert data["room"] == smallest and data["outcome"] == "completed"
    assert data["coverage"] >= 0.95
    assert data["collisions"] == 0
    assert 0 < data["duration_s"] < 5 * data["lower_bound_s"]
    assert png.stat().st_size > 1000
    assert "clean" in capsys.readouterr().out


def test_cli_unknown_room_lists_the_rooms(capsys):
    assert cli_main(["clean", "--room", "garage"]) == 1
    out = capsys.readouterr().out
    assert "garage" in out and "kitchen" in out and "living room" in out


def test_robot_stops_for_and_drives_around_a_box_that_is_not_on_the_map(house):
    box = Shape("surprise_box", ShapeKind.BOX, (0.4, 0.4, 0.3), Transform.from_pose(5.0, 5.0, 0.15, 0, 0, 0))
    real_house = dataclasses.replace(house, obstacles=[*house.obstacles, box])  # the map does not have it
    grid = rasterise(house)
    planner = CoveragePlanner(grid)
    start, goal = Pose2D(5.0, 6.5, -math.pi / 2), Pose2D(5.0, 3.0, -math.pi / 2)
    closest = []
    with Simulator(real_house, SimConfig(camera=False), spawn=start) as sim:
        job = go_to_job(planner, goal, "the hall's south end", sim.true_pose(), sim.time)

        def watch(_job, _now):
            pose = sim.true_pose()
            closest.append(max(abs(pose.x - 5.0), abs(pose.y - 5.0)) - 0.2)

        result = run_job(sim, job, run=SimRunConfig(time_limit=120.0, progress_every=0.1), progress=watch)
        end = sim.true_pose()
    assert result.outcome is Outcome.COMPLETED
    assert result.collisions == 0
    assert min(closest) > 0.17 - 0.01  # the body never reached the box (square distance, conservative)
    assert planner.extra_obstacles.any()
    assert end.distance_to(goal) < 0.1
