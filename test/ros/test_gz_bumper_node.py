"""The Gazebo bumper adapter explains itself where Gazebo's ROS messages are not installed."""

import importlib.util

import pytest

from llmos_robot.errors import RosPackageMissingError
from llmos_robot.ros.gz_bumper_node import GzBumperNode

pytestmark = pytest.mark.ros


@pytest.mark.skipif(importlib.util.find_spec("ros_gz_interfaces") is not None, reason="Gazebo's messages are here")
def test_without_gazebo_messages_the_node_names_the_package_to_install(ros):
    with pytest.raises(RosPackageMissingError, match=r"ros_gz_interfaces.*apt install ros-jazzy-ros-gz-interfaces"):
        GzBumperNode(context=ros.context)
