"""Bring up our nodes on a real TurtleBot3-class robot: `ros2 launch llmos_robot robot.launch.py`.

The base's own drivers (e.g. turtlebot3_bringup) provide /cmd_vel, /odom, /scan, /imu and the
camera; this starts the application nodes of llmos_robot.bringup (stack "robot") on wall time.
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
    nodes = [
        Node(
            package="llmos_robot",
            executable=spec.name,
            name=spec.name,
            parameters=[
                os.path.join(share, "config", spec.params_file),
                {**stack_parameters("robot", spec), "world": world},
            ],
            remappings=list(spec.remappings),
            output="screen",
            respawn=True,
            respawn_delay=2.0,
        )
        for spec in STACKS["robot"]
    ]
    return LaunchDescription(
        [
            DeclareLaunchArgument(
                "world",
                default_value=os.path.join(share, "worlds", "house.sdf"),
                description="Your home in the world format: .sdf geometry + .yaml rooms and places",
            ),
            *nodes,
        ]
    )
