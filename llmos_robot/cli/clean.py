"""`llmos-robot clean`: clean a room (or a spot) in the embedded simulator, headless, and report."""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

from tqdm import tqdm

from llmos_robot.cli._common import add_world_argument, world_from, write_json
from llmos_robot.coverage.config import CoverageConfig
from llmos_robot.coverage.heatmap import render_heatmap
from llmos_robot.coverage.job import DriveJob, Outcome
from llmos_robot.coverage.session import CleanRequest
from llmos_robot.coverage.simrun import SimRunConfig, clean_in_sim
from llmos_robot.errors import CommandRejectedError
from llmos_robot.world import rasterise
from llmos_robot.world.geometry import Pose2D


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    clean = subparsers.add_parser("clean", help="clean a room or a spot in the embedded simulator and report")
    target = clean.add_mutually_exclusive_group(required=True)
    target.add_argument("--room", help="room name as the world defines it, e.g. kitchen or 'living room'")
    target.add_argument("--spot", nargs=3, type=float, metavar=("X", "Y", "RADIUS"), help="a disc on the floor, m")
    add_world_argument(clean)
    clean.add_argument("--start", nargs=3, type=float, metavar=("X", "Y", "YAW"), help="start pose (default: spawn)")
    clean.add_argument("--report", type=Path, default=None, help="write the report JSON here")
    clean.add_argument("--png", type=Path, default=None, help="write the coverage heatmap PNG here")
    clean.add_argument(
        "--localisation",
        choices=["ground_truth", "odometry"],
        default="ground_truth",
        help="pose from the simulator's truth (default) or dead-reckoned odometry",
    )
    clean.add_argument("--time-limit", type=float, default=1800.0, help="simulated seconds before giving up")
    clean.set_defaults(handler=_clean)


def _clean(args: argparse.Namespace) -> int:
    world = world_from(args)
    if args.spot is not None and not all(math.isfinite(v) for v in args.spot):
        raise CommandRejectedError(f"--spot needs three numbers, got {args.spot}")
    request = (
        CleanRequest(room=args.room)
        if args.room is not None
        else CleanRequest(spot_x=args.spot[0], spot_y=args.spot[1], spot_radius=args.spot[2])
    )
    spawn = Pose2D(*args.start) if args.start else None
    config = CoverageConfig()
    bar = tqdm(total=100, desc=f"cleaning {args.room or 'the spot'}", unit="%", leave=False)
    drawn = 0.0

    def progress(job: DriveJob, now: float) -> None:
        # Called every simulated second, many times a second of wall time: redrawn twice a second
        # at most (a bedroom's run, piped, was 258 redraws).
        nonlocal drawn
        assert job.tracker is not None
        bar.n = round(job.tracker.cleaned_fraction * 100)
        bar.set_postfix_str(job.feedback(now).state, refresh=False)
        if time.monotonic() - drawn >= 0.5:
            bar.refresh()
            drawn = time.monotonic()

    cleaned = clean_in_sim(world, request, spawn, config, SimRunConfig(time_limit=args.time_limit), progress=progress)
    bar.close()
    result = cleaned.result
    report = {
        "room": cleaned.plan_name,
        "world": str(world.sdf_path),
        "outcome": result.outcome.name.lower(),
        "coverage": round(result.coverage, 4),
        "overlap": round(result.overlap, 4),
        "path_length_m": round(result.path_length_m, 2),
        "duration_s": round(result.duration_s, 1),
        "collisions": result.collisions,
        "reachable_area_m2": round(cleaned.reachable_area_m2, 2),
        "lower_bound_s": round(cleaned.lower_bound_s(config.cruise_speed), 1),
        "sentence": result.sentence,
        "notes": list(result.notes),
    }
    print(result.sentence)
    for key in ("coverage", "overlap", "path_length_m", "duration_s", "collisions"):
        print(f"  {key:14} {report[key]}")
    if args.report:
        print(f"wrote {write_json(args.report, report)}")
    if args.png and cleaned.job is not None and cleaned.job.tracker is not None:
        grid = rasterise(world)
        mask = grid.room_mask(world.room(args.room).name) if args.room else None
        title = f"{cleaned.plan_name}: {result.coverage:.1%} covered, {result.overlap:.1%} overlap"
        print(f"wrote {render_heatmap(grid, cleaned.job.tracker, args.png, mask, cleaned.path, title)}")
    return 0 if result.outcome is Outcome.COMPLETED else 1
