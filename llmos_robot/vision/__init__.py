"""Camera perception: dirt and spills on the floor, ArUco markers, people's legs, unmapped obstacles.

Pure OpenCV 4.x and numpy (no rclpy): `VisionPipeline.process(image, pose)` returns typed
detections with a confidence, an image box and, from the camera intrinsics and the robot pose, a
position on the map. `llmos_robot.ros.vision_node` wraps it; `llmos-robot see IMAGE.png` runs it on a file.
"""

from llmos_robot.vision.camera import PinholeCamera
from llmos_robot.vision.config import VisionConfig
from llmos_robot.vision.image import check_image, load_image
from llmos_robot.vision.pipeline import VisionPipeline, annotate
from llmos_robot.vision.types import Detection, DetectionKind, VisionResult

__all__ = [
    "Detection",
    "DetectionKind",
    "PinholeCamera",
    "VisionConfig",
    "VisionPipeline",
    "VisionResult",
    "annotate",
    "check_image",
    "load_image",
]
