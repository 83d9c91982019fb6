"""Vision <-> ROS messages: detections out, images in (with a clear error for bad ones)."""

from __future__ import annotations

import numpy as np
from llmos_interfaces.msg import Detection as DetectionMsg
from llmos_interfaces.msg import Detections as DetectionsMsg
from llmos_interfaces.msg import Interrupt as InterruptMsg
from llmos_interfaces.srv import Remember
from numpy.typing import NDArray
from sensor_msgs.msg import Image

from llmos_robot.errors import ImageError
from llmos_robot.ros.conversions import image_from_msg, time_to_msg
from llmos_robot.vision.types import Detection, DetectionKind, VisionResult


def detection_to_msg(detection: Detection) -> DetectionMsg:
    msg = DetectionMsg()
    msg.kind = detection.kind.value
    msg.label = detection.label
    msg.confidence = float(detection.confidence)
    msg.box_x, msg.box_y, msg.box_width, msg.box_height = (int(v) for v in detection.box)
    msg.has_position = detection.position is not None
    if detection.position is not None:
        msg.position.x, msg.position.y = (float(v) for v in detection.position)
    return msg


def detection_from_msg(msg: DetectionMsg, frame: str = "map") -> Detection:
    position = (float(msg.position.x), float(msg.position.y)) if msg.has_position else None
    return Detection(
        DetectionKind(msg.kind),
        float(msg.confidence),
        (int(msg.box_x), int(msg.box_y), int(msg.box_width), int(msg.box_height)),
        msg.label,
        position,
        frame,
    )


def detections_to_msg(result: VisionResult, stamp: float, frame_id: str) -> DetectionsMsg:
    msg = DetectionsMsg()
    msg.header.stamp = time_to_msg(stamp)
    msg.header.frame_id = frame_id
    msg.detections = [detection_to_msg(d) for d in result.detections]
    return msg


def vision_image_from_msg(msg: Image) -> NDArray[np.uint8]:
    """An rgb8 / bgr8 Image as RGB; ImageError (not ValueError) for any other encoding or a short buffer."""
    try:
        return image_from_msg(msg)
    except ValueError as err:
        raise ImageError(str(err)) from err


def person_interrupt_to_msg(active: bool, detail: str, stamp: float, source: str = "vision") -> InterruptMsg:
    msg = InterruptMsg()
    msg.header.stamp = time_to_msg(stamp)
    msg.kind = InterruptMsg.PERSON
    msg.active = active
    msg.source = source
    msg.detail = detail
    return msg


def sighting_to_request(text: str, room: str, position: tuple[float, float] | None) -> Remember.Request:
    """A memory/remember request for a sighting (provenance "vision": data, never an instruction)."""
    request = Remember.Request()
    request.text = text
    request.kind = "sighting"
    request.room = room
    request.provenance = "vision"
    request.has_position = position is not None
    if position is not None:
        request.x, request.y = (float(v) for v in position)
    return request
