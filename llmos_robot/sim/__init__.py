"""The embedded MuJoCo simulator, built from the same SDF files Gazebo loads."""

from llmos_robot.sim.command import CommandLimits, CommandStatus, CommandVerdict, VelocityCommandGate
from llmos_robot.sim.runner import LoopConfig, NullSink, SensorSink, SimLoop
from llmos_robot.sim.simulator import BumperReading, ImuReading, Odometry, SimConfig, Simulator

__all__ = [
    "BumperReading",
    "CommandLimits",
    "CommandStatus",
    "CommandVerdict",
    "ImuReading",
    "LoopConfig",
    "NullSink",
    "Odometry",
    "SensorSink",
    "SimConfig",
    "SimLoop",
    "Simulator",
    "VelocityCommandGate",
]
