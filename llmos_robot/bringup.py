"""The node set of each stack, described once.

`launch/*.launch.py` (on a ROS install) and `llmos-robot up` (anywhere, since the `launch`
package is not installable from PyPI) both read this list, so the two bring-ups cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class NodeSpec:
    name: str  # node name and `ros2 run llmos_robot <name>` executable
    module: str  # Python module whose main() runs the node
    params_file: str  # under config/
    remappings: tuple[tuple[str, str], ...] = ()
    parameters: dict[str, object] = field(default_factory=dict)


# The embedded simulator stands in for the robot's drivers; Gazebo or the real base replace it.
SIM = NodeSpec("sim", "llmos_robot.ros.sim_node", "sim.yaml")

# Nodes that run on top of whichever robot (simulated or real) provides the TurtleBot3 topics.
# Later parts (speech, kernel, memory, coverage, vision) join this list.
APPLICATION: list[NodeSpec] = []

STACKS: dict[str, list[NodeSpec]] = {
    "embedded": [SIM, *APPLICATION],  # MuJoCo sim in-process: any machine
    "gazebo": list(APPLICATION),  # gz-sim provides the robot through ros_gz_bridge
    "robot": list(APPLICATION),  # a real TurtleBot3-class base provides the topics
}
