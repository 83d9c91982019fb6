"""Visit a list of goals one after another: plan with A*, follow with pure pursuit, back off on a bump.

Pure logic driven by `step(pose, bumper_pressed, now)`, so the ROS tour node and tests share it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from llmos_robot.coverage.follower import FollowerConfig, PurePursuit
from llmos_robot.coverage.paths import NoPathError, inflate, plan_path
from llmos_robot.world.geometry import Pose2D, Vec2
from llmos_robot.world.grid import OccupancyGrid


class TourState(Enum):
    DRIVING = "driving"
    BACKING_OFF = "backing off"
    DONE = "done"


@dataclass(frozen=True)
class TourConfig:
    clearance: float = 0.25  # m: robot radius plus margin, obstacles are grown by this to plan
    back_off_speed: float = -0.08  # m/s after a bump
    back_off_time: float = 1.0  # s
    follower: FollowerConfig = field(default_factory=FollowerConfig)


@dataclass(frozen=True)
class Goal:
    name: str
    point: Vec2


class Tour:
    def __init__(self, grid: OccupancyGrid, goals: list[Goal], config: TourConfig = TourConfig()) -> None:
        self.grid = grid
        self.goals = goals
        self.config = config
        self.free = inflate(grid, config.clearance)
        self.index = 0
        self.reached: list[str] = []
        self.skipped: list[tuple[str, str]] = []  # (goal, why)
        self.bumps = 0
        self.state = TourState.DRIVING if goals else TourState.DONE
        self._follower: PurePursuit | None = None
        self._back_off_until = 0.0

    @property
    def finished(self) -> bool:
        return self.state is TourState.DONE

    @property
    def current(self) -> Goal | None:
        return self.goals[self.index] if self.index < len(self.goals) else None

    def step(self, pose: Pose2D, bumper_pressed: bool, now: float) -> tuple[float, float]:
        """The velocity command for this instant."""
        if self.state is TourState.DONE:
            return (0.0, 0.0)
        if bumper_pressed and self.state is TourState.DRIVING:
            self.bumps += 1
            self.state = TourState.BACKING_OFF
            self._back_off_until = now + self.config.back_off_time
        if self.state is TourState.BACKING_OFF:
            if now < self._back_off_until:
                return (self.config.back_off_speed, 0.0)
            self.state = TourState.DRIVING
            self._follower = None  # re-plan from where the bump left us
        goal = self.current
        assert goal is not None
        if self._follower is None:
            try:
                path = plan_path(self.grid, self.free, (pose.x, pose.y), goal.point)
            except NoPathError as err:
                self.skipped.append((goal.name, str(err)))
                return self._next()
            self._follower = PurePursuit(path, self.config.follower)
        command = self._follower.command(pose)
        if self._follower.done:
            self.reached.append(goal.name)
            return self._next()
        return command

    def _next(self) -> tuple[float, float]:
        self.index += 1
        self._follower = None
        if self.index >= len(self.goals):
            self.state = TourState.DONE
        return (0.0, 0.0)
