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
# Where no simulator of ours publishes /map, this node does (from the same world files).
MAP = NodeSpec("map", "llmos_robot.ros.map_node", "map.yaml")
# Where nothing knows the true pose, the localiser keeps odometry on the map with the lidar.
LOCALISER = NodeSpec("localiser", "llmos_robot.ros.localiser_node", "localiser.yaml")
# gz-sim reports contacts, not a bumper state: this adapter publishes /bumper from them.
GZ_BUMPER = NodeSpec("gz_bumper", "llmos_robot.ros.gz_bumper_node", "gz_bumper.yaml")

# Nodes that run on top of whichever robot (simulated or real) provides the TurtleBot3 topics.
# Later parts (speech, kernel, memory, coverage, vision) join this list.
APPLICATION: list[NodeSpec] = [
    NodeSpec("coverage", "llmos_robot.ros.coverage_node", "coverage.yaml"),
    NodeSpec("memory", "llmos_robot.ros.memory_node", "memory.yaml"),
    NodeSpec("kernel", "llmos_robot.ros.kernel_node", "kernel.yaml"),
    NodeSpec("speech_in", "llmos_robot.ros.speech_in_node", "speech.yaml"),
    NodeSpec("speech_out", "llmos_robot.ros.speech_out_node", "speech.yaml"),
    NodeSpec("vision", "llmos_robot.ros.vision_node", "vision.yaml"),
]

STACKS: dict[str, list[NodeSpec]] = {
    "embedded": [SIM, *APPLICATION],  # MuJoCo sim in-process: any machine
    "gazebo": [MAP, LOCALISER, GZ_BUMPER, *APPLICATION],  # gz-sim provides the robot through ros_gz_bridge
    "robot": [MAP, LOCALISER, *APPLICATION],  # a real TurtleBot3-class base provides the topics
}

REAL_WHEEL_SPEED = 0.26  # m/s, each wheel of a TurtleBot3-class base (its linear limit)

# Nodes that place what they do on the map and take a `localisation` parameter: in the embedded
# simulator they read its true pose; elsewhere the localiser's.
LOCALISED = ("coverage", "vision", "gz_bumper")


def stack_parameters(stack: str, spec: NodeSpec) -> dict[str, object]:
    """The parameters a node gets in `stack` on top of its parameter file."""
    parameters = dict(spec.parameters)
    if stack in ("embedded", "gazebo") and spec.name != "sim":
        parameters["use_sim_time"] = True  # the simulator's /clock is the time
    if spec.name in LOCALISED:
        parameters["localisation"] = "ground_truth" if stack == "embedded" else "map"
    if stack == "robot" and spec.name == "coverage":
        # The simulators limit the body's speed and turn rate apart; a real TurtleBot3's wheels
        # top out near 0.26 m/s each, so bends must slow down to keep the outer wheel within it.
        parameters["wheel_speed_limit"] = REAL_WHEEL_SPEED
    return parameters
