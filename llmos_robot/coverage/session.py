"""Turn a request ("clean the kitchen", "clean this spot", "go to the dock") into a job or a refusal.

Bad input never raises out of here: an unknown room, a spot or pose outside the map, or a room
the robot cannot get into becomes a `JobResult` with the matching outcome and a sentence the
robot can say, and the robot stays put.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from llmos_robot.coverage.config import CoverageConfig
from llmos_robot.coverage.job import DriveJob, JobResult, Outcome, clean_job, go_to_job
from llmos_robot.coverage.planner import CoveragePlan, CoveragePlanner
from llmos_robot.errors import PoseOutsideMapError, RoomUnreachableError, UnknownPlaceError, UnknownRoomError
from llmos_robot.world.geometry import Pose2D
from llmos_robot.world.model import World


@dataclass(frozen=True)
class CleanRequest:
    """A room by name, or (when `room` is empty) a spot: a disc at (spot_x, spot_y)."""

    room: str = ""
    spot_x: float = 0.0
    spot_y: float = 0.0
    spot_radius: float = 0.0

    @property
    def is_spot(self) -> bool:
        return not self.room.strip()


def plan_clean(world: World, planner: CoveragePlanner, request: CleanRequest, pose: Pose2D) -> CoveragePlan | JobResult:
    """The coverage plan for a request, or the refusal explaining why there is none."""
    if not all(math.isfinite(v) for v in (pose.x, pose.y, pose.yaw)):
        return JobResult(Outcome.REFUSED, "I don't know where I am, so I can't plan a route.")
    try:
        if request.is_spot:
            if not (math.isfinite(request.spot_radius) and 0.0 < request.spot_radius <= 3.0):
                return JobResult(
                    Outcome.REFUSED, f"A spot needs a radius between 0 and 3 metres, not {request.spot_radius}."
                )
            return planner.plan_spot((request.spot_x, request.spot_y), request.spot_radius, pose)
        room = world.room(request.room)
        return planner.plan_room(room.name, pose)
    except UnknownRoomError as err:
        return JobResult(Outcome.UNKNOWN_ROOM, str(err))
    except PoseOutsideMapError as err:
        return JobResult(Outcome.REFUSED, str(err))
    except RoomUnreachableError as err:
        return JobResult(Outcome.UNREACHABLE, f"{err}, so I stayed where I am.")


def start_clean(
    world: World,
    planner: CoveragePlanner,
    request: CleanRequest,
    pose: Pose2D,
    now: float,
    config: CoverageConfig | None = None,
) -> DriveJob | JobResult:
    plan = plan_clean(world, planner, request, pose)
    if isinstance(plan, JobResult):
        return plan
    return clean_job(planner, plan, now, config or planner.config)


def start_go_to(
    world: World,
    planner: CoveragePlanner,
    place: str,
    goal: Pose2D,
    pose: Pose2D,
    now: float,
) -> DriveJob | JobResult:
    """Drive to a named place (e.g. "dock"), or to `goal` when `place` is empty."""
    label = "the goal"
    try:
        if place.strip():
            if place.strip().lower() in ("dock", "the dock"):
                goal, label = world.dock, "the dock"
            else:
                found = world.place(place)
                goal, label = found.pose, f"the {found.label}"
        if not all(math.isfinite(v) for v in (goal.x, goal.y, goal.yaw, pose.x, pose.y)):
            return JobResult(Outcome.REFUSED, "That goal is not a number I can drive to.")
        cell = planner.grid.cell_of(goal.x, goal.y)
        if not planner.grid.inside(*cell) or planner.grid.room_ids[cell] < 0:
            raise PoseOutsideMapError(goal.x, goal.y)
        return go_to_job(planner, goal, label, pose, now)
    except UnknownPlaceError as err:
        return JobResult(Outcome.UNKNOWN_ROOM, str(err))
    except PoseOutsideMapError as err:
        return JobResult(Outcome.REFUSED, str(err))
    except RoomUnreachableError as err:
        return JobResult(Outcome.UNREACHABLE, f"{err}, so I stayed where I am.")
