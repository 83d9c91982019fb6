"""The `map` node: publishes the world's occupancy grid where no simulator of ours does.

Publishes:
  /map   nav_msgs/OccupancyGrid   the house map from the world files, transient local (latched)
Parameters: world (path; default the package's house), resolution (m per cell), frame_id.

In the embedded stack the `sim` node publishes /map itself; in Gazebo and on the real robot this
node does, from the same world files the rest of the stack reads.
"""

from __future__ import annotations

from pathlib import Path

from nav_msgs.msg import OccupancyGrid as OccupancyGridMsg
from rclpy.node import Node
from rclpy.qos import DurabilityPolicy, QoSProfile, ReliabilityPolicy

from llmos_robot.ros import conversions as conv
from llmos_robot.ros.node_main import run_node
from llmos_robot.world import RasterConfig, default_world_path, load_world, rasterise


class MapNode(Node):
    def __init__(self, **kwargs: object) -> None:
        super().__init__("map", **kwargs)  # type: ignore[arg-type]
        world_path = str(self.declare_parameter("world", "").value) or str(default_world_path())
        resolution = float(self.declare_parameter("resolution", 0.05).value)
        frame_id = str(self.declare_parameter("frame_id", "map").value)
        world = load_world(Path(world_path))
        grid = rasterise(world, RasterConfig(resolution=resolution))
        latched = QoSProfile(
            depth=1, durability=DurabilityPolicy.TRANSIENT_LOCAL, reliability=ReliabilityPolicy.RELIABLE
        )
        self._publisher = self.create_publisher(OccupancyGridMsg, "map", latched)
        stamp = self.get_clock().now().nanoseconds * 1e-9
        self._publisher.publish(conv.grid_to_msg(grid, stamp, frame_id))
        rows, cols = grid.shape
        self.get_logger().info(f"published the map of {world.name}: {cols}x{rows} cells at {resolution} m")


def main(args: list[str] | None = None) -> None:
    run_node("map", MapNode, args)


if __name__ == "__main__":
    main()
