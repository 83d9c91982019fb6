"""The stack description that launch files and `llmos-robot up` share stays consistent."""

from __future__ import annotations

import importlib
import py_compile
import re
from pathlib import Path

import pytest
import yaml

from llmos_robot.bringup import STACKS, stack_parameters
from llmos_robot.ros.supervisor import node_command

REPO = Path(__file__).resolve().parents[1]
SPECS = {spec.name: spec for stack in STACKS.values() for spec in stack}


def console_scripts() -> dict[str, str]:
    text = (REPO / "setup.py").read_text()
    return dict(re.findall(r'"(\w+) = (llmos_robot[\w.]+):main"', text))


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_node_has_an_executable_a_main_and_a_parameter_file(name):
    spec = SPECS[name]
    assert console_scripts().get(name) == spec.module, f"setup.py NODES lacks '{name} = {spec.module}:main'"
    module = importlib.import_module(spec.module)
    assert callable(module.main)
    params = yaml.safe_load((REPO / "config" / spec.params_file).read_text())
    assert name in params, f"config/{spec.params_file} has no section for the node {name!r}"
    assert "ros__parameters" in params[name]


def test_supervisor_command_passes_parameters_and_remappings():
    spec = SPECS["sim"]
    command = node_command(spec, {**stack_parameters("embedded", spec), "real_time_factor": 0.0, "camera": False})
    assert command[1:3] == ["-m", spec.module]
    assert "--params-file" in command and command[command.index("--params-file") + 1].endswith("config/sim.yaml")
    assert "real_time_factor:=0.0" in command and "camera:=false" in command


@pytest.mark.parametrize("launch_file", sorted((REPO / "launch").glob("*.launch.py")), ids=lambda p: p.name)
def test_launch_files_are_valid_python(launch_file, tmp_path):
    py_compile.compile(str(launch_file), cfile=str(tmp_path / "out.pyc"), doraise=True)
    assert "generate_launch_description" in launch_file.read_text()


def test_gazebo_bridge_maps_the_turtlebot3_topics():
    bridge = yaml.safe_load((REPO / "config" / "gz_bridge.yaml").read_text())
    topics = {entry["ros_topic_name"]: entry for entry in bridge}
    for topic in ("clock", "cmd_vel", "odom", "scan", "imu", "camera/image_raw", "camera/camera_info"):
        assert topic in topics
    assert topics["cmd_vel"]["direction"] == "ROS_TO_GZ"
    assert topics["cmd_vel"]["ros_type_name"] == "geometry_msgs/msg/TwistStamped"


def test_embedded_stack_runs_on_sim_time_and_reads_the_true_pose():
    coverage = SPECS["coverage"]
    assert stack_parameters("embedded", coverage) == {"use_sim_time": True, "localisation": "ground_truth"}
    assert "use_sim_time" not in stack_parameters("embedded", SPECS["sim"])
    # Wall time, the localiser's pose, and a real base's wheel speed limit.
    assert stack_parameters("robot", coverage) == {"localisation": "map", "wheel_speed_limit": 0.26}


def test_off_the_embedded_simulator_a_localiser_runs_and_gazebo_gets_a_bumper():
    for stack in ("gazebo", "robot"):
        names = [spec.name for spec in STACKS[stack]]
        assert "localiser" in names and "sim" not in names
    assert "gz_bumper" in [spec.name for spec in STACKS["gazebo"]]
    assert "localiser" not in [spec.name for spec in STACKS["embedded"]]
