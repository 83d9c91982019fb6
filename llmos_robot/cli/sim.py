"""`llmos-robot sim | drive | up`: run the simulator as a ROS node, drive it, or bring up a stack."""

from __future__ import annotations

import argparse
import math

from tqdm import tqdm

from llmos_robot.cli._common import add_world_argument, world_from
from llmos_robot.errors import CommandRejectedError
from llmos_robot.sim import CommandStatus, LoopConfig, NullSink, SimConfig, SimLoop, Simulator, VelocityCommandGate
from llmos_robot.sim.command import CommandLimits


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sim = subparsers.add_parser("sim", help="run the embedded simulator as the ROS node `sim`")
    add_world_argument(sim)
    sim.add_argument("--realtime", action="store_true", help="pace to the wall clock (default: as fast as possible)")
    sim.add_argument("--seed", type=int, default=0, help="seed of the sensor noise")
    sim.add_argument("--no-camera", action="store_true", help="do not render camera images (saves most of the CPU)")
    sim.set_defaults(handler=_sim)

    drive = subparsers.add_parser("drive", help="drive the embedded simulator with a fixed twist and print the pose")
    add_world_argument(drive)
    drive.add_argument("--linear", type=float, default=0.2, help="m/s forward (default 0.2)")
    drive.add_argument("--angular", type=float, default=0.0, help="rad/s counter-clockwise (default 0)")
    drive.add_argument("--seconds", type=float, default=5.0, help="simulated seconds to drive (default 5)")
    drive.add_argument("--seed", type=int, default=0)
    drive.set_defaults(handler=_drive)

    up = subparsers.add_parser("up", help="start a stack's nodes, one process each, restarted if one dies")
    up.add_argument("--stack", choices=["embedded", "gazebo", "robot"], default="embedded")
    add_world_argument(up)
    up.add_argument("--realtime", action="store_true", help="pace the embedded simulator to the wall clock")
    up.set_defaults(handler=_up)


def _sim(args: argparse.Namespace) -> int:
    from llmos_robot.ros import sim_node

    world = world_from(args)  # fail here, with the CLI's error format, if the world is bad
    parameters = {
        "world": str(world.sdf_path),
        "real_time_factor": 1.0 if args.realtime else 0.0,
        "seed": args.seed,
        "camera": not args.no_camera,
    }
    sim_node.main(["--ros-args", *[arg for k, v in parameters.items() for arg in ("-p", f"{k}:={_ros_value(v)}")]])
    return 0


def _ros_value(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _drive(args: argparse.Namespace) -> int:
    world = world_from(args)
    if not math.isfinite(args.seconds) or args.seconds < 0:
        raise CommandRejectedError(f"--seconds must be a positive number, got {args.seconds}")
    with Simulator(world, SimConfig(seed=args.seed, camera=False)) as sim:
        drive = sim.robot.drive
        gate = VelocityCommandGate(CommandLimits(drive.max_linear, drive.max_angular, timeout=math.inf))
        verdict = gate.submit(args.linear, args.angular, sim.time)
        if verdict.status is CommandStatus.REJECTED:
            raise CommandRejectedError(verdict.message)
        if verdict.status is CommandStatus.CLAMPED:
            print(f"note: {verdict.message}")
        loop = SimLoop(sim, NullSink(), gate, LoopConfig(camera=False))
        steps = max(1, round(args.seconds / loop.config.chunk))
        for _ in tqdm(range(steps), desc="driving", unit="tick", leave=False):
            loop.tick()
        odom = sim.odometry().pose
        truth = sim.true_pose()
        room = world.room_at(truth.x, truth.y)
        print(f"after {sim.time:.2f} s at ({args.linear:.3g} m/s, {args.angular:.3g} rad/s):")
        print(f"  odometry      x={odom.x:+.3f} y={odom.y:+.3f} yaw={math.degrees(odom.yaw):+.1f} deg (from the start)")
        print(
            f"  ground truth  x={truth.x:+.3f} y={truth.y:+.3f} yaw={math.degrees(truth.yaw):+.1f} deg "
            f"(map frame, {room.label if room else 'outside every room'})"
        )
        if sim.bumper().pressed:
            print("  the bumper is pressed: the robot ran into something")
    return 0


def _up(args: argparse.Namespace) -> int:
    from llmos_robot.ros.supervisor import run_stack

    overrides: dict[str, dict[str, object]] = {"sim": {"real_time_factor": 1.0 if args.realtime else 0.0}}
    if args.world is not None:
        overrides["sim"]["world"] = str(world_from(args).sdf_path)
    return run_stack(args.stack, overrides)
