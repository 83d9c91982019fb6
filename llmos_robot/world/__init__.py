"""The house: rooms, places and obstacles read from SDF + a room sidecar, and its occupancy grid."""

from llmos_robot.world.geometry import Pose2D
from llmos_robot.world.grid import FREE, OCCUPIED, UNKNOWN, OccupancyGrid, RasterConfig, rasterise
from llmos_robot.world.model import Place, Room, World, load_world
from llmos_robot.world.paths import default_world_path, share_dir

__all__ = [
    "FREE",
    "OCCUPIED",
    "UNKNOWN",
    "OccupancyGrid",
    "Place",
    "Pose2D",
    "RasterConfig",
    "Room",
    "World",
    "default_world_path",
    "load_world",
    "rasterise",
    "share_dir",
]
