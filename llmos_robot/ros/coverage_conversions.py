"""Conversions between the coverage core and its ROS messages (Clean / GoTo actions, cleaned grid)."""

from __future__ import annotations

import numpy as np
from llmos_interfaces.action import Clean, GoTo
from nav_msgs.msg import OccupancyGrid as OccupancyGridMsg
from numpy.typing import NDArray

from llmos_robot.coverage.job import Feedback, JobResult, Outcome
from llmos_robot.coverage.session import CleanRequest
from llmos_robot.ros.conversions import time_to_msg
from llmos_robot.world.geometry import Pose2D
from llmos_robot.world.grid import OccupancyGrid

# GoTo's outcome codes differ from Clean's: map the core's outcomes onto them.
_GO_TO_OUTCOME = {
    Outcome.COMPLETED: GoTo.Result.OUTCOME_ARRIVED,
    Outcome.CANCELLED: GoTo.Result.OUTCOME_CANCELLED,
    Outcome.UNREACHABLE: GoTo.Result.OUTCOME_UNREACHABLE,
    Outcome.UNKNOWN_ROOM: GoTo.Result.OUTCOME_UNKNOWN_PLACE,
    Outcome.REFUSED: GoTo.Result.OUTCOME_FAILED,
    Outcome.FAILED: GoTo.Result.OUTCOME_FAILED,
}


def clean_request_from_goal(goal: Clean.Goal) -> CleanRequest:
    return CleanRequest(str(goal.room), float(goal.spot_x), float(goal.spot_y), float(goal.spot_radius))


def clean_result_to_msg(result: JobResult) -> Clean.Result:
    return Clean.Result(
        outcome=result.outcome.value,
        coverage=float(result.coverage),
        overlap=float(result.overlap),
        path_length_m=float(result.path_length_m),
        duration_s=float(result.duration_s),
        collisions=int(result.collisions),
        sentence=result.sentence,
    )


def clean_result_from_msg(msg: Clean.Result) -> JobResult:
    return JobResult(
        Outcome(int(msg.outcome)),
        str(msg.sentence),
        float(msg.coverage),
        float(msg.overlap),
        float(msg.path_length_m),
        float(msg.duration_s),
        int(msg.collisions),
    )


def clean_feedback_to_msg(feedback: Feedback) -> Clean.Feedback:
    return Clean.Feedback(
        state=feedback.state,
        coverage=float(feedback.coverage),
        area_m2=float(feedback.area_m2),
        elapsed_s=float(feedback.elapsed_s),
        remaining_s=float(feedback.remaining_s),
    )


def go_to_goal_from_msg(goal: GoTo.Goal) -> tuple[str, Pose2D]:
    return str(goal.place), Pose2D(float(goal.x), float(goal.y), float(goal.yaw))


def go_to_result_to_msg(result: JobResult) -> GoTo.Result:
    return GoTo.Result(
        outcome=_GO_TO_OUTCOME[result.outcome],
        path_length_m=float(result.path_length_m),
        duration_s=float(result.duration_s),
        sentence=result.sentence,
    )


def go_to_feedback_to_msg(distance_remaining: float, elapsed: float) -> GoTo.Feedback:
    return GoTo.Feedback(distance_remaining_m=float(distance_remaining), elapsed_s=float(elapsed))


def cleaned_grid_to_msg(
    grid: OccupancyGrid, passes: NDArray[np.integer], reachable: NDArray[np.bool_], stamp: float, frame_id: str = "map"
) -> OccupancyGridMsg:
    """The cleaned cells on the map's grid: -1 not to be cleaned, 0 still dirty, 50 once, 100 twice or more."""
    values = np.full(grid.shape, -1, dtype=np.int8)
    values[reachable] = 0
    values[passes == 1] = 50
    values[passes >= 2] = 100
    msg = OccupancyGridMsg()
    msg.header.stamp = time_to_msg(stamp)
    msg.header.frame_id = frame_id
    msg.info.map_load_time = msg.header.stamp
    msg.info.resolution = float(grid.resolution)
    msg.info.width = grid.shape[1]
    msg.info.height = grid.shape[0]
    msg.info.origin.position.x = float(grid.origin[0])
    msg.info.origin.position.y = float(grid.origin[1])
    msg.info.origin.orientation.w = 1.0
    msg.data = values.flatten().tolist()
    return msg


def cleaned_passes_from_msg(msg: OccupancyGridMsg) -> NDArray[np.int8]:
    """The grid values back as a (rows, cols) array: -1, 0, 50 or 100."""
    return np.asarray(msg.data, dtype=np.int8).reshape(msg.info.height, msg.info.width)
