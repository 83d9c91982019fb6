"""The Gazebo bumper adapter explains itself where Gazebo's ROS messages are not installed."""

import importlib.util
from types import SimpleNamespace

import pytest

from llmos_robot.errors import RosPackageMissingError
from llmos_robot.ros.gz_bumper_node import GzBumperNode, contact_points

pytestmark = pytest.mark.ros


@pytest.mark.skipif(importlib.util.find_spec("ros_gz_interfaces") is not None, reason="Gazebo's messages are here")
def test_without_gazebo_messages_the_node_names_the_package_to_install(ros):
    with pytest.raises(RosPackageMissingError, match=r"ros_gz_interfaces.*apt install ros-jazzy-ros-gz-interfaces"):
        GzBumperNode(context=ros.context)


def test_every_contact_point_of_a_contacts_message_is_read():
    # The fields of ros_gz_interfaces/Contacts that the adapter reads: contacts[].positions[].x/y/z.
    point = lambda x, y: SimpleNamespace(x=x, y=y, z=0.05)  # noqa: E731
    msg = SimpleNamespace(
        contacts=[SimpleNamespace(positions=[point(1.0, 2.0), point(1.1, 2.0)]), SimpleNamespace(positions=[])]
    )
    assert contact_points(msg) == [(1.0, 2.0), (1.1, 2.0)]
    assert contact_points(SimpleNamespace(contacts=[])) == []
