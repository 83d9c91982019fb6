"""`llmos-robot demo --tour`: the simulated robot tours the house over ROS topics, no speech.

Brings up the `sim` node (MuJoCo, paced at `speed` x real time) and the `tour` node in one
process, lets the tour drive from place to place through /cmd_vel and /odom, records the true
path from /sim/ground_truth, and writes a PNG of the path over the map and a JSON report.
The spoken-command story (`llmos-robot demo`) is story.py.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import rclpy
from nav_msgs.msg import Odometry as OdometryMsg
from rclpy.executors import SingleThreadedExecutor
from rclpy.parameter import Parameter
from tqdm import tqdm

from llmos_robot.coverage.paths import path_length
from llmos_robot.ros.sim_node import SimNode
from llmos_robot.ros.tour_node import TourNode
from llmos_robot.world import default_world_path, load_world, rasterise
from llmos_robot.world.geometry import Vec2
from llmos_robot.world.render import render_map

SIM_TIME_LIMIT = 900.0  # s of simulated time before the demo gives up


def run_demo(world_path: Path | None, out: Path, speed: float) -> int:
    world = load_world(world_path or default_world_path())
    out.mkdir(parents=True, exist_ok=True)
    rclpy.init()
    sim = tour = recorder = None
    trail: list[Vec2] = []
    try:
        sim = SimNode(
            parameter_overrides=[
                Parameter("world", value=str(world.sdf_path)),
                Parameter("real_time_factor", value=float(speed)),
            ]
        )
        tour = TourNode(
            parameter_overrides=[
                Parameter("world", value=str(world.sdf_path)),
                Parameter("use_sim_time", value=True),
                Parameter("localisation", value="ground_truth"),  # as the embedded stack does (bringup.py)
            ]
        )
        recorder = rclpy.create_node("demo_recorder")
        recorder.create_subscription(
            OdometryMsg,
            "sim/ground_truth",
            lambda msg: trail.append((msg.pose.pose.position.x, msg.pose.pose.position.y)),
            10,
        )
        executor = SingleThreadedExecutor()
        for node in (sim, tour, recorder):
            executor.add_node(node)
        wall_start = time.monotonic()
        goals = len(tour.tour.goals)
        with tqdm(total=goals, desc="touring the house", unit="place") as bar:
            while not tour.tour.finished and sim.sim.time < SIM_TIME_LIMIT:
                executor.spin_once(timeout_sec=0.1)
                done = len(tour.tour.reached) + len(tour.tour.skipped)
                if done > bar.n:
                    bar.update(done - bar.n)
                    bar.set_postfix_str(f"sim {sim.sim.time:.0f} s")
        wall = time.monotonic() - wall_start
        final = sim.sim.true_pose()
        png = render_map(
            world,
            rasterise(world),
            out / "path.png",
            paths=[trail],
            robot=final,
            title=f"demo: {len(tour.tour.reached)}/{goals} places, {path_length(trail):.1f} m",
        )
        report = {
            "world": str(world.sdf_path),
            "reached": tour.tour.reached,
            "skipped": [{"place": p, "why": why} for p, why in tour.tour.skipped],
            "bumps": tour.tour.bumps,
            "path_length_m": round(path_length(trail), 2),
            "simulated_s": round(sim.sim.time, 1),
            "wall_s": round(wall, 1),
            "final_pose": {"x": round(final.x, 3), "y": round(final.y, 3), "yaw": round(final.yaw, 3)},
            "png": str(png),
        }
        (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
        print(json.dumps(report, indent=2))
        ok = tour.tour.finished and not tour.tour.skipped
        print("the robot toured the house" if ok else "the tour did not finish; see the report")
        return 0 if ok else 1
    finally:
        for node in (tour, recorder):
            if node is not None:
                node.destroy_node()
        if sim is not None:
            sim.shutdown()
            sim.destroy_node()
        rclpy.try_shutdown()
