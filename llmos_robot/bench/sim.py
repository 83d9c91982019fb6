"""`llmos-robot bench sim`: how much faster than real time the embedded simulator runs.

Each configuration drives the same tour of the house for the same simulated time and reports
the real-time factor (simulated s per wall s) and CPU-seconds per simulated second (all threads
of the process, which includes Mesa's software-rendering threads).
"""

from __future__ import annotations

import time
from typing import Any

from tqdm import tqdm

from llmos_robot.coverage.tour import Goal, Tour
from llmos_robot.sim import LoopConfig, NullSink, SimConfig, SimLoop, Simulator, VelocityCommandGate
from llmos_robot.world import World, default_world_path, load_world, rasterise

GOAL_REAL_TIME_FACTOR = 5.0  # with lidar at 10 Hz and the 320x240 camera at 15 Hz


def _measure(world: World, seconds: float, camera: bool, sensors: bool, label: str) -> dict[str, Any]:
    grid = rasterise(world)
    tour = Tour(grid, [Goal(p.name, (p.pose.x, p.pose.y)) for p in world.places.values()])
    with Simulator(world, SimConfig(camera=camera)) as sim:
        gate = VelocityCommandGate()
        loop = SimLoop(sim, NullSink(), gate, LoopConfig(camera=camera, sensors=sensors))
        if camera:
            sim.render()  # the first frame allocates the renderer; keep it out of the timing
        wall0, cpu0, sim0 = time.perf_counter(), time.process_time(), sim.time
        ticks = round(seconds / loop.config.chunk)
        for i in tqdm(range(ticks), desc=label, unit="tick", leave=False):
            if i % 5 == 0:
                gate.submit(*tour.step(sim.true_pose(), sim.bumper().pressed, sim.time), sim.time)
            loop.tick()
        wall, cpu, simulated = time.perf_counter() - wall0, time.process_time() - cpu0, sim.time - sim0
    return {
        "simulated_s": round(simulated, 3),
        "wall_s": round(wall, 3),
        "real_time_factor": round(simulated / wall, 2),
        "cpu_s_per_sim_s": round(cpu / simulated, 4),
    }


def _measure_node(world: World, seconds: float) -> dict[str, Any]:
    """The `sim` ROS node unpaced, publishing every topic, for `seconds` of wall time."""
    import rclpy
    from rclpy.executors import SingleThreadedExecutor
    from rclpy.parameter import Parameter

    from llmos_robot.ros.sim_node import SimNode

    context = rclpy.Context()
    rclpy.init(context=context)
    node = SimNode(
        context=context,
        parameter_overrides=[
            Parameter("world", value=str(world.sdf_path)),
            Parameter("real_time_factor", value=0.0),
        ],
    )
    executor = SingleThreadedExecutor(context=context)
    executor.add_node(node)
    wall0, cpu0, sim0 = time.perf_counter(), time.process_time(), node.sim.time
    while time.perf_counter() - wall0 < seconds:
        executor.spin_once(timeout_sec=0.05)
    wall, cpu, simulated = time.perf_counter() - wall0, time.process_time() - cpu0, node.sim.time - sim0
    node.shutdown()
    node.destroy_node()
    rclpy.shutdown(context=context)
    return {
        "simulated_s": round(simulated, 3),
        "wall_s": round(wall, 3),
        "real_time_factor": round(simulated / wall, 2),
        "cpu_s_per_sim_s": round(cpu / simulated, 4),
    }


def run(seconds: float | None = None, world: str | None = None) -> dict[str, Any]:
    loaded = load_world(world or default_world_path())
    duration = seconds or 30.0
    configurations = {
        "full (lidar 10 Hz, camera 320x240 15 Hz, imu 100 Hz, odom 30 Hz)": (True, True),
        "no camera": (False, True),
        "physics only": (False, False),
    }
    results = {
        name: _measure(loaded, duration, camera, sensors, name.split(" (")[0])
        for name, (camera, sensors) in configurations.items()
    }
    # The same sensors through the ROS node, converted and published (the robot standing still).
    results["ros node: full sensors published, standing still"] = _measure_node(loaded, duration / 5)
    full = next(iter(results.values()))
    return {
        "world": str(loaded.sdf_path),
        "configurations": results,
        "goal": {"real_time_factor_at_least": GOAL_REAL_TIME_FACTOR},
        "met": full["real_time_factor"] >= GOAL_REAL_TIME_FACTOR,
    }
