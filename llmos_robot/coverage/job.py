"""A cleaning (or go-to) job: the state machine between a plan and the wheels.

Driven by `step(sense, now)` at the control rate, it returns the velocity command for that
instant. It follows the plan's sweeps with `RouteFollower` (the planner has already joined them
into one route where it could; anything else is reached by a straight line or A*), slows and
stops for lidar returns the map does not explain (and after a short wait puts them on the map
and re-plans around them), backs off after a bump, recovers when stuck, and pauses, resumes and
cancels on request. No ROS in here: the node and the CLI share it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum

import numpy as np
from numpy.typing import NDArray

from llmos_robot.coverage.config import DEFAULT_CONFIG, ROBOT_RADIUS, CoverageConfig
from llmos_robot.coverage.follower import RouteFollower, within_wheels
from llmos_robot.coverage.masks import without_repeats
from llmos_robot.coverage.obstacles import ObstacleSensor, distance_ahead
from llmos_robot.coverage.paths import NoPathError, _line_clear, path_length, plan_path
from llmos_robot.coverage.planner import CoveragePlan, CoveragePlanner
from llmos_robot.coverage.tracker import CoverageTracker
from llmos_robot.world.geometry import Pose2D, Vec2, wrap_angle


class Outcome(Enum):
    """How a job ended; the values match Clean.action's OUTCOME_* constants."""

    COMPLETED = 0
    CANCELLED = 1
    UNREACHABLE = 2
    UNKNOWN_ROOM = 3
    REFUSED = 4
    FAILED = 5


class Phase(Enum):
    TRANSIT = "driving to the next lane"
    SWEEP = "cleaning"
    BACKING_OFF = "backing off"
    WAITING = "waiting for the way to clear"
    PAUSED = "paused"
    FACING = "turning to face"
    DONE = "done"


@dataclass(frozen=True)
class Sense:
    """What the robot knows at one instant (scan may be None between scans)."""

    pose: Pose2D
    bumper: bool = False
    bumper_angle: float = 0.0
    scan_ranges: NDArray[np.floating] | None = None
    scan_angles: NDArray[np.floating] | None = None


@dataclass(frozen=True)
class Feedback:
    state: str
    coverage: float
    area_m2: float
    elapsed_s: float
    remaining_s: float


@dataclass(frozen=True)
class JobResult:
    outcome: Outcome
    sentence: str
    coverage: float = 0.0
    overlap: float = 0.0
    path_length_m: float = 0.0
    duration_s: float = 0.0
    collisions: int = 0
    notes: tuple[str, ...] = ()


@dataclass
class _Leg:
    points: list[Vec2]
    sweep: bool  # brush lanes (True) or the goal of a go-to (False)


@dataclass
class _Counters:
    path_length: float = 0.0
    collisions: int = 0
    recoveries: int = 0
    obstacles_added: int = 0
    notes: list[str] = field(default_factory=list)


class DriveJob:
    """Drive legs in order (sweeps of a coverage plan, or one goal) with all the safety around it."""

    def __init__(
        self,
        planner: CoveragePlanner,
        legs: list[_Leg],
        label: str,
        now: float,
        config: CoverageConfig = DEFAULT_CONFIG,
        tracker: CoverageTracker | None = None,
        final_yaw: float | None = None,
    ) -> None:
        self.planner = planner
        self.grid = planner.grid
        self.config = config
        self.label = label
        self.tracker = tracker
        self.final_yaw = final_yaw
        self.legs = legs
        self.counters = _Counters()
        self.obstacles = ObstacleSensor(planner.grid, config.map_match_distance)
        self.phase = Phase.TRANSIT
        self.result: JobResult | None = None
        self._started = now
        self._paused_total = 0.0
        self._paused_at: float | None = None
        self._resume_phase = Phase.TRANSIT
        self._swept_yet = False  # before the first sweep, a transit is the way to the room
        self._follower: RouteFollower | None = None
        self._last_pose: Pose2D | None = None
        self._last_command = (0.0, 0.0)
        self._last_time = now
        self._back_off_until = 0.0
        self._blocked_since: float | None = None
        self._unmapped = np.zeros((0, 2))
        self._bumper_was = False
        self._stuck_anchor: tuple[float, Pose2D] | None = None
        self._stuck_on: Vec2 | None = None  # the point it was driving to when it last got stuck

    # ------------------------------------------------------------------ requests

    @property
    def finished(self) -> bool:
        return self.result is not None

    @property
    def paused(self) -> bool:
        return self.phase is Phase.PAUSED

    def pause(self, now: float) -> None:
        if not self.finished and self.phase is not Phase.PAUSED:
            self._resume_phase = self.phase if self.phase is not Phase.BACKING_OFF else Phase.TRANSIT
            if self.phase is Phase.SWEEP and self._follower is not None and not self._follower.done:
                # A sweep is a whole cell: resume where it was left, not at the next one.
                self.legs.insert(0, _Leg(self._follower.points[self._follower.index :], True))
            self.phase = Phase.PAUSED
            self._paused_at = now
            self._last_command = (0.0, 0.0)

    def resume(self, now: float) -> None:
        if self.phase is Phase.PAUSED:
            self._paused_total += now - (self._paused_at or now)
            self._paused_at = None
            self.phase = Phase.TRANSIT
            self._follower = None  # re-plan from wherever we are
            self._stuck_anchor = None

    def cancel(self, now: float, why: str = "cancelled") -> JobResult:
        """Stop now; the result carries the partial figures."""
        if self.result is None:
            self._finish(Outcome.CANCELLED, now, f"I stopped {self.label}: {why}.")
        assert self.result is not None
        return self.result

    def elapsed(self, now: float) -> float:
        paused = self._paused_total + (now - self._paused_at if self._paused_at is not None else 0.0)
        return max(0.0, now - self._started - paused)

    def feedback(self, now: float, pose: Pose2D | None = None) -> Feedback:
        tracker = self.tracker
        remaining = sum(path_length(leg.points) for leg in self.legs) / self.config.cruise_speed + 2.0 * len(self.legs)
        if self._follower is not None and pose is not None:
            remaining += self._follower.remaining_length(pose) / self.config.cruise_speed
        return Feedback(
            state="paused" if self.paused else ("done" if self.finished else self._state_word()),
            coverage=tracker.cleaned_fraction if tracker else 0.0,
            area_m2=tracker.cleaned_area if tracker else 0.0,
            elapsed_s=self.elapsed(now),
            remaining_s=0.0 if self.finished else remaining,
        )

    def distance_remaining(self, pose: Pose2D) -> float:
        """Metres still to drive along the planned legs (straight lines between them)."""
        total = self._follower.remaining_length(pose) if self._follower is not None else 0.0
        here = self._follower.points[-1] if self._follower is not None and self._follower.points else (pose.x, pose.y)
        for leg in self.legs:
            total += math.dist(here, leg.points[0]) + path_length(leg.points)
            here = leg.points[-1]
        return total

    def _state_word(self) -> str:
        if self.tracker is None:
            return "driving"
        if self.phase is Phase.TRANSIT and not self._swept_yet:
            return "driving to the start"
        return "cleaning" if self.phase is Phase.SWEEP else self.phase.value

    # ------------------------------------------------------------------ control

    def step(self, sense: Sense, now: float) -> tuple[float, float]:
        """The velocity command for this instant ((0, 0) once finished or paused)."""
        if self.result is not None:
            return (0.0, 0.0)
        pose = sense.pose
        self._account(pose)
        if sense.scan_ranges is not None and sense.scan_angles is not None:
            self._unmapped = self.obstacles.unmapped_points(pose, sense.scan_ranges, sense.scan_angles)
        if self.phase is Phase.PAUSED:
            self._bumper_was = sense.bumper
            return (0.0, 0.0)
        if sense.bumper and not self._bumper_was:
            self._on_bump(pose, sense.bumper_angle, now)
        self._bumper_was = sense.bumper
        if self.result is not None:
            return (0.0, 0.0)
        if self.phase is Phase.BACKING_OFF:
            if now < self._back_off_until:
                return self._limit((-self.config.back_off_speed, 0.0), now)
            self.phase = Phase.TRANSIT
            self._follower = None
        wanted = self._drive(pose, now)
        if self.result is not None:
            return (0.0, 0.0)
        wanted = self._respect_obstacles(pose, wanted, now)
        self._check_stuck(pose, wanted, now)
        return self._limit(wanted, now)

    def _account(self, pose: Pose2D) -> None:
        if self._last_pose is not None:
            self.counters.path_length += pose.distance_to(self._last_pose)
        self._last_pose = pose
        if self.tracker is not None:
            self.tracker.update(pose)

    def _drive(self, pose: Pose2D, now: float) -> tuple[float, float]:
        cfg = self.config
        for _ in range(len(self.legs) + 2):
            if self._follower is not None and not self._follower.done:
                return self._follower.command(pose)
            if self.phase is Phase.TRANSIT and self._follower is not None and self.legs:
                # Arrived at the start of the next leg: sweep it.
                leg = self.legs.pop(0)
                self.phase = Phase.SWEEP
                self._swept_yet = True
                self._follower = self._make_follower(leg.points, cfg.cruise_speed)
                continue
            if self.phase is Phase.FACING:
                assert self.final_yaw is not None
                error = wrap_angle(self.final_yaw - pose.yaw)
                if abs(error) < 0.05:
                    break
                turn = max(-cfg.max_angular, min(cfg.max_angular, 3.0 * error))
                return (0.0, turn if abs(turn) > 0.25 else math.copysign(0.25, turn))
            if not self.legs:
                if self.final_yaw is not None:
                    self.phase = Phase.FACING
                    continue
                break
            transit = self._transit_to(pose, self.legs[0].points[0])
            if transit is None:
                skipped = self.legs.pop(0)
                self.counters.notes.append(
                    f"skipped a stretch at ({skipped.points[0][0]:.2f}, {skipped.points[0][1]:.2f})"
                )
                self._follower = None
                if not self.legs and self.tracker is None:
                    self._finish(Outcome.UNREACHABLE, now, f"I can't find a way {self.label}.")
                    return (0.0, 0.0)
                continue
            self.phase = Phase.TRANSIT
            self._follower = self._make_follower(transit, cfg.transit_speed)
        self._complete(now)
        return (0.0, 0.0)

    def _transit_to(self, pose: Pose2D, goal: Vec2) -> list[Vec2] | None:
        here = (pose.x, pose.y)
        a, b = self.grid.cell_of(*here), self.grid.cell_of(*goal)
        free = self.planner.traversable
        if math.dist(here, goal) < self.config.corner_tolerance:
            return [goal]
        if self.grid.inside(*a) and self.grid.inside(*b) and free[a] and _line_clear(free, a, b):
            return [goal]
        try:
            return plan_path(self.grid, free, here, goal)[1:]
        except NoPathError:
            return None

    def _make_follower(self, points: list[Vec2], speed: float) -> RouteFollower:
        cfg = self.config
        return RouteFollower(
            points,
            speed,
            cfg.max_angular,
            cfg.lookahead,
            cfg.turn_in_place_above,
            cfg.corner_tolerance,
            cfg.linear_acceleration,
            cfg.angular_acceleration,
            cfg.wheel_speed_limit,
            cfg.wheel_separation,
            cfg.rotate_until,
        )

    def _respect_obstacles(self, pose: Pose2D, wanted: tuple[float, float], now: float) -> tuple[float, float]:
        cfg = self.config
        linear, angular = wanted
        if linear <= 0.0:
            self._blocked_since = None
            return wanted
        ahead = distance_ahead(pose, self._unmapped, ROBOT_RADIUS + 0.03)
        if ahead >= cfg.obstacle_slow_distance:
            self._blocked_since = None
            if self.phase is Phase.WAITING:
                self.phase = Phase.SWEEP if self._follower is not None else Phase.TRANSIT
            return wanted
        if ahead > cfg.obstacle_stop_distance:
            self._blocked_since = None
            scale = (ahead - cfg.obstacle_stop_distance) / (cfg.obstacle_slow_distance - cfg.obstacle_stop_distance)
            return (linear * max(0.3, scale), angular * max(0.3, scale))
        # Blocked: stand still; after a while put the obstacle on the map and plan around it.
        if self._blocked_since is None:
            self._blocked_since = now
        if now - self._blocked_since >= cfg.obstacle_wait:
            self._blocked_since = None
            self._add_obstacle(self.obstacles.cells_of(self._unmapped), pose)
        return (0.0, 0.0)

    def _add_obstacle(self, cells: NDArray[np.bool_], pose: Pose2D) -> None:
        if not cells.any():
            return
        self.counters.obstacles_added += 1
        self.planner.add_obstacles(cells)
        self.obstacles.add_to_map(cells)
        if self.tracker is not None:
            self.tracker.exclude(self.planner.extra_obstacles)
        free = self.planner.traversable
        pending: list[_Leg] = []
        if self.phase is Phase.SWEEP and self._follower is not None:
            pending.append(_Leg(self._follower.points[self._follower.index :], True))
        self.legs = [piece for leg in pending + self.legs for piece in self._split_where_blocked(leg, free)]
        self.phase = Phase.TRANSIT
        self._follower = None

    def _split_where_blocked(self, leg: _Leg, free: NDArray[np.bool_]) -> list[_Leg]:
        """The parts of a leg that are still drivable, as separate legs."""
        pieces: list[list[Vec2]] = []
        piece: list[Vec2] = []
        for point in leg.points:
            if not self._point_free(point, free):
                if piece:
                    pieces.append(piece)
                piece = []
                continue
            if piece and not _line_clear(free, self.grid.cell_of(*piece[-1]), self.grid.cell_of(*point)):
                pieces.append(piece)
                piece = []
            piece.append(point)
        if piece:
            pieces.append(piece)
        return [_Leg(without_repeats(p, 1e-6), leg.sweep) for p in pieces if p]

    def _point_free(self, point: Vec2, free: NDArray[np.bool_]) -> bool:
        cell = self.grid.cell_of(*point)
        return self.grid.inside(*cell) and bool(free[cell])

    def _on_bump(self, pose: Pose2D, angle: float, now: float) -> None:
        cfg = self.config
        self.counters.collisions += 1
        self.counters.recoveries += 1
        self.counters.notes.append(f"bumped into something at ({pose.x:.2f}, {pose.y:.2f}) while {self.phase.value}")
        if self.counters.recoveries > cfg.max_recoveries:
            self._finish(Outcome.FAILED, now, f"I gave up {self.label}: I kept bumping into things.")
            return
        heading = pose.yaw + angle
        contact = np.array(
            [[pose.x + (ROBOT_RADIUS + 0.03) * math.cos(heading), pose.y + (ROBOT_RADIUS + 0.03) * math.sin(heading)]]
        )
        self._add_obstacle(self.obstacles.cells_of(contact), pose)
        self.phase = Phase.BACKING_OFF
        self._back_off_until = now + cfg.back_off_time
        self._follower = None
        self._stuck_anchor = None

    def _check_stuck(self, pose: Pose2D, wanted: tuple[float, float], now: float) -> None:
        cfg = self.config
        if abs(wanted[0]) < 0.03:
            self._stuck_anchor = None
            return
        if self._stuck_anchor is None or pose.distance_to(self._stuck_anchor[1]) > cfg.stuck_progress:
            self._stuck_anchor = (now, pose)
            return
        if now - self._stuck_anchor[0] > cfg.stuck_time:
            self.counters.recoveries += 1
            self.counters.notes.append(f"got stuck at ({pose.x:.2f}, {pose.y:.2f}) and backed off")
            if self.counters.recoveries > cfg.max_recoveries:
                self._finish(Outcome.FAILED, now, f"I gave up {self.label}: I got stuck.")
                return
            if self.phase is Phase.SWEEP and self._follower is not None and not self._follower.done:
                # Try the point it could not reach once more; stuck on the way to it again, give it
                # up, but never the rest of the sweep (a whole room, once sweeps are joined into one).
                target = self._follower.points[self._follower.index]
                retry = target != self._stuck_on
                self._stuck_on = target
                rest = self._follower.points[self._follower.index + (0 if retry else 1) :]
                if rest:
                    self.legs.insert(0, _Leg(rest, True))
            self._follower = None
            self.phase = Phase.BACKING_OFF
            self._back_off_until = now + cfg.back_off_time
            self._stuck_anchor = None

    def _limit(self, wanted: tuple[float, float], now: float) -> tuple[float, float]:
        """Acceleration limits relative to the last command."""
        cfg = self.config
        dt = max(1e-3, min(0.2, now - self._last_time))
        self._last_time = now
        last_v, last_w = self._last_command
        v = last_v + max(-cfg.linear_acceleration * dt, min(cfg.linear_acceleration * dt, wanted[0] - last_v))
        w = last_w + max(-cfg.angular_acceleration * dt, min(cfg.angular_acceleration * dt, wanted[1] - last_w))
        if wanted[0] == 0.0 and abs(v) < cfg.linear_acceleration * dt:
            v = 0.0
        # Ramping the two apart (turning slows as driving speeds up) can ask one wheel for more.
        v, w = within_wheels(v, w, cfg.wheel_speed_limit, cfg.wheel_separation)
        self._last_command = (v, w)
        return (v, w)

    def _complete(self, now: float) -> None:
        if self.tracker is None:
            self._finish(Outcome.COMPLETED, now, f"I arrived {self.label}.")
            return
        self._finish(
            Outcome.COMPLETED,
            now,
            f"I finished {self.label}: {self.tracker.cleaned_fraction:.0%} of the floor I can reach is clean "
            f"({self.tracker.cleaned_area:.1f} square metres) in {_say_duration(self.elapsed(now))}.",
        )

    def _finish(self, outcome: Outcome, now: float, sentence: str) -> None:
        tracker = self.tracker
        if outcome is not Outcome.COMPLETED and tracker is not None:
            sentence += f" I had cleaned {tracker.cleaned_fraction:.0%} of it."
        self.phase = Phase.DONE
        self._follower = None
        self._last_command = (0.0, 0.0)
        self.result = JobResult(
            outcome=outcome,
            sentence=sentence,
            coverage=tracker.cleaned_fraction if tracker else 0.0,
            overlap=tracker.overlap_fraction if tracker else 0.0,
            path_length_m=self.counters.path_length,
            duration_s=self.elapsed(now),
            collisions=self.counters.collisions,
            notes=tuple(self.counters.notes),
        )


def clean_job(
    planner: CoveragePlanner, plan: CoveragePlan, now: float, config: CoverageConfig = DEFAULT_CONFIG
) -> DriveJob:
    """A job that sweeps `plan` and tracks the cleaned floor."""
    tracker = CoverageTracker(planner.grid, plan.reachable.copy(), config.brush_radius)
    label = "the spot" if plan.name == "spot" else f"cleaning the {plan.name.replace('_', ' ')}"
    legs = [_Leg(list(sweep), True) for sweep in plan.sweeps]
    return DriveJob(planner, legs, label, now, config, tracker)


def go_to_job(
    planner: CoveragePlanner,
    goal: Pose2D,
    label: str,
    pose: Pose2D,
    now: float,
    config: CoverageConfig = DEFAULT_CONFIG,
) -> DriveJob:
    """A job that drives to `goal` and turns to its yaw. RoomUnreachableError if there is no way."""
    from llmos_robot.coverage.planner import start_cell
    from llmos_robot.errors import RoomUnreachableError

    start_cell(planner.grid, planner.traversable, pose)  # refuses a pose outside the map
    try:
        plan_path(planner.grid, planner.traversable, (pose.x, pose.y), (goal.x, goal.y))
    except NoPathError as err:
        raise RoomUnreachableError(f"I can't find a way to {label}: {err}") from err
    return DriveJob(planner, [_Leg([(goal.x, goal.y)], False)], f"at {label}", now, config, None, goal.yaw)


def _say_duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    if minutes == 0:
        return f"{secs} seconds"
    return f"{minutes} minute{'s' if minutes != 1 else ''} {secs} seconds"
