"""Bring up the robot in Gazebo (gz-sim Harmonic): `ros2 launch llmos_robot gazebo.launch.py`.

Starts gz-sim with the house, spawns llmos_bot at the spawn pose from the world's room
description, bridges the TurtleBot3 topics with ros_gz_bridge (config/gz_bridge.yaml), then
starts our application nodes (llmos_robot.bringup, stack "gazebo") on simulated time.
"""

import os

from ament_index_python.packages import get_package_share_directory
from launch import LaunchContext, LaunchDescription
from launch.actions import (
    AppendEnvironmentVariable,
    DeclareLaunchArgument,
    IncludeLaunchDescription,
    OpaqueFunction,
)
from launch.launch_description_sources import PythonLaunchDescriptionSource
from launch.substitutions import LaunchConfiguration
from launch_ros.actions import Node

from llmos_robot.bringup import STACKS, stack_parameters
from llmos_robot.world import load_world


def _spawn_and_nodes(context: LaunchContext) -> list:
    share = get_package_share_directory("llmos_robot")
    world_path = LaunchConfiguration("world").perform(context)
    world = load_world(world_path)  # fails here, with a clear sentence, on a bad world
    spawn = world.spawn
    actions = [
        Node(
            package="ros_gz_sim",
            executable="create",
            arguments=[
                "-name",
                "llmos_bot",
                "-file",
                str(world.robot_model_path),
                "-x",
                str(spawn.x),
                "-y",
                str(spawn.y),
                "-z",
                "0.01",
                "-Y",
                str(spawn.yaw),
            ],
            output="screen",
        ),
    ]
    for spec in STACKS["gazebo"]:
        actions.append(
            Node(
                package="llmos_robot",
                executable=spec.name,
                name=spec.name,
                parameters=[
                    os.path.join(share, "config", spec.params_file),
                    {**stack_parameters("gazebo", spec), "world": world_path},
                ],
                remappings=list(spec.remappings),
                output="screen",
                respawn=True,
                respawn_delay=2.0,
            )
        )
    return actions


def generate_launch_description() -> LaunchDescription:
    share = get_package_share_directory("llmos_robot")
    ros_gz_sim = get_package_share_directory("ros_gz_sim")
    world = LaunchConfiguration("world")
    return LaunchDescription(
        [
            DeclareLaunchArgument(
                "world",
                default_value=os.path.join(share, "worlds", "house.sdf"),
                description="World .sdf with its room description (.yaml) beside it",
            ),
            DeclareLaunchArgument(
                "gui", default_value="true", choices=["true", "false"], description="Show the Gazebo window"
            ),
            # model:// URIs of the robot resolve from the package's worlds/models.
            AppendEnvironmentVariable("GZ_SIM_RESOURCE_PATH", os.path.join(share, "worlds", "models")),
            IncludeLaunchDescription(
                PythonLaunchDescriptionSource(os.path.join(ros_gz_sim, "launch", "gz_sim.launch.py")),
                launch_arguments={"gz_args": ["-r ", world], "on_exit_shutdown": "true"}.items(),
            ),
            Node(
                package="ros_gz_bridge",
                executable="parameter_bridge",
                parameters=[{"config_file": os.path.join(share, "config", "gz_bridge.yaml"), "use_sim_time": True}],
                output="screen",
            ),
            OpaqueFunction(function=_spawn_and_nodes),
        ]
    )
