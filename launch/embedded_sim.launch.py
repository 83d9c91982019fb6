"""Bring up the robot on the embedded MuJoCo simulator: `ros2 launch llmos_robot embedded_sim.launch.py`.

The node list comes from llmos_robot.bringup (the same list `llmos-robot up` starts).
"""

import os

from ament_index_python.packages import get_package_share_directory
from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

from llmos_robot.bringup import STACKS, stack_parameters


def generate_launch_description() -> LaunchDescription:
    share = get_package_share_directory("llmos_robot")
    world = LaunchConfiguration("world")
    real_time_factor = LaunchConfiguration("real_time_factor")
    arguments = [
        DeclareLaunchArgument(
            "world",
            default_value=os.path.join(share, "worlds", "house.sdf"),
            description="World .sdf with its room description (.yaml) beside it",
        ),
        DeclareLaunchArgument(
            "real_time_factor",
            default_value="1.0",
            description="Simulated seconds per wall second (0 = as fast as possible)",
        ),
    ]
    nodes = []
    for spec in STACKS["embedded"]:
        overrides: dict[str, object] = {**stack_parameters("embedded", spec), "world": world}
        if spec.name == "sim":
            overrides["real_time_factor"] = real_time_factor
        nodes.append(
            Node(
                package="llmos_robot",
                executable=spec.name,
                name=spec.name,
                parameters=[os.path.join(share, "config", spec.params_file), overrides],
                remappings=list(spec.remappings),
                output="screen",
                respawn=True,
                respawn_delay=2.0,
            )
        )
    return LaunchDescription([*arguments, *nodes])
