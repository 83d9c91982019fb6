"""The `coverage` node: cleans a room or a spot, and drives to places (the dock), as ROS actions.

Action servers:
  ~/clean    llmos_interfaces/action/Clean   a room by name or a spot (x, y, radius); feedback
                                             coverage / area / elapsed / estimate; cancel stops at once
  ~/go_to    llmos_interfaces/action/GoTo    a named place ("dock" = the docking station) or a pose
Services:
  ~/pause    std_srvs/Trigger   hold still, keep the job
  ~/resume   std_srvs/Trigger   carry on (re-plans from where the robot is)
Subscribes:
  /odom               nav_msgs/Odometry          pose by dead reckoning from the world's spawn pose
  /localised_pose     nav_msgs/Odometry          instead of /odom when `localisation` is map (the localiser)
  /sim/ground_truth   nav_msgs/Odometry          instead of /odom when `localisation` is ground_truth
  /scan               sensor_msgs/LaserScan      obstacles the map does not show: slow, stop, plan around
  /bumper             llmos_interfaces/Bumper    a bump: back off and re-plan
  /interrupts         llmos_interfaces/Interrupt PERSON pauses until cleared, ESTOP cancels, BUMPER = a bump
Publishes:
  /cmd_vel            geometry_msgs/TwistStamped (or Twist, see `cmd_vel_stamped`)
  /coverage/cleaned   nav_msgs/OccupancyGrid     -1 not to clean, 0 dirty, 50 cleaned once, 100 more often
Parameters (config/coverage.yaml): world, localisation ("odometry" | "map" | "ground_truth"), cmd_vel_stamped,
  cleaned_rate (Hz), heatmap_dir ("" = no PNG), map_frame, and every field of CoverageConfig
  (brush_radius, lane_overlap, clearance, cruise_speed, ...).

The control step runs on each pose message (throttled to `control_rate` in the node's clock, so
it keeps pace with a simulator running faster than real time). With "odometry" the pose drifts
with wheel slip; "map" reads the localiser's pose; in simulation "ground_truth" reads the true pose.

One goal at a time: a goal that arrives while another is planning or running is refused, and so
is one while the emergency stop is on. A room is planned on a worker thread (a few seconds), so
pose and interrupt callbacks go on meanwhile and a cancel is answered at once.
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import rclpy
from geometry_msgs.msg import Twist, TwistStamped
from llmos_interfaces.action import Clean, GoTo
from llmos_interfaces.msg import Bumper, Interrupt
from nav_msgs.msg import OccupancyGrid as OccupancyGridMsg
from nav_msgs.msg import Odometry as OdometryMsg
from numpy.typing import NDArray
from rclpy.action import ActionServer, CancelResponse, GoalResponse
from rclpy.action.server import ServerGoalHandle
from rclpy.callback_groups import ReentrantCallbackGroup
from rclpy.node import Node
from sensor_msgs.msg import LaserScan
from std_srvs.srv import Trigger

from llmos_robot.coverage.config import CoverageConfig
from llmos_robot.coverage.heatmap import render_heatmap
from llmos_robot.coverage.job import DriveJob, Feedback, JobResult, Outcome, Sense, clean_job
from llmos_robot.coverage.planner import CoveragePlanner
from llmos_robot.coverage.session import plan_clean, start_go_to
from llmos_robot.ros import conversions as conv
from llmos_robot.ros import coverage_conversions as cconv
from llmos_robot.ros.node_main import run_node
from llmos_robot.ros.pose_source import checked_localisation, pose_reader
from llmos_robot.world import default_world_path, load_world, rasterise
from llmos_robot.world.geometry import Pose2D

FEEDBACK_PERIOD = 0.5  # wall s between action feedback messages
POLL_PERIOD = 0.05  # wall s: how often an action checks for cancel (well inside the 0.5 s promise)
CANCELLED_BEFORE_START = JobResult(Outcome.CANCELLED, "I stopped before I started: the job was cancelled.")


@dataclasses.dataclass(frozen=True)
class CoverageNodeConfig:
    world: Path
    localisation: str
    cmd_vel_stamped: bool
    cleaned_rate: float
    heatmap_dir: str
    map_frame: str
    coverage: CoverageConfig


class CoverageNode(Node):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__("coverage", **kwargs)
        self.config = self._read_parameters()
        self.world = load_world(self.config.world)
        self.grid = rasterise(self.world)
        self._lock = threading.RLock()
        self._job: DriveJob | None = None
        self._busy = False  # a goal is accepted and not yet answered (planning or running)
        # Set (without the lock) by whatever stops the robot: every command is zero until the job
        # resumes or a new one starts. A stop must not wait for the lock, which a control step
        # holds, and a control step under way must not send the robot off again after the stop.
        self._halted = False
        # One worker plans; a plan abandoned by a cancel finishes there and is dropped.
        self._planning = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coverage-plan")
        self._pose: Pose2D | None = None
        self._scan: tuple[NDArray[np.float32], NDArray[np.float64]] | None = None
        self._bumper = (False, 0.0)
        self._interrupt_bump = False
        self._held_by: set[int] = set()
        self._last_control = -1e9
        self._last_pose_stamp = -math.inf
        self._last_cleaned = -1e9
        group = ReentrantCallbackGroup()
        self._cmd = self.create_publisher(TwistStamped if self.config.cmd_vel_stamped else Twist, "cmd_vel", 10)
        self._cleaned = self.create_publisher(OccupancyGridMsg, "coverage/cleaned", 1)
        pose_topic, self._read_pose = pose_reader(self.config.localisation, self.world.spawn)
        # Depth 1 for the pose and the scan: steering wants the newest; a queue would only back up
        # on a busy executor and have the robot steer by where it was.
        self.create_subscription(OdometryMsg, pose_topic, self._on_pose, 1, callback_group=group)
        self.create_subscription(LaserScan, "scan", self._on_scan, 1, callback_group=group)
        self.create_subscription(Bumper, "bumper", self._on_bumper, 10, callback_group=group)
        self.create_subscription(Interrupt, "interrupts", self._on_interrupt, 10, callback_group=group)
        self.create_service(Trigger, "~/pause", self._on_pause, callback_group=group)
        self.create_service(Trigger, "~/resume", self._on_resume, callback_group=group)
        self._clean_server = ActionServer(
            self,
            Clean,
            "~/clean",
            self._execute_clean,
            goal_callback=self._accept_goal,
            cancel_callback=self._on_cancel,
            callback_group=group,
        )
        self._go_to_server = ActionServer(
            self,
            GoTo,
            "~/go_to",
            self._execute_go_to,
            goal_callback=self._accept_goal,
            cancel_callback=self._on_cancel,
            callback_group=group,
        )
        self.get_logger().info(
            f"ready to clean {', '.join(r.label for r in self.world.rooms.values())} "
            f"(localisation: {self.config.localisation})"
        )

    def _read_parameters(self) -> CoverageNodeConfig:
        declare = self.declare_parameter
        world = str(declare("world", "").value) or str(default_world_path())
        localisation = checked_localisation(str(declare("localisation", "odometry").value))
        defaults = CoverageConfig()
        values: dict[str, Any] = {}
        for f in dataclasses.fields(CoverageConfig):
            default = getattr(defaults, f.name)
            values[f.name] = type(default)(declare(f.name, default).value)
        coverage = CoverageConfig(**values)
        return CoverageNodeConfig(
            world=Path(world),
            localisation=localisation,
            cmd_vel_stamped=bool(declare("cmd_vel_stamped", True).value),
            cleaned_rate=float(declare("cleaned_rate", 1.0).value),
            heatmap_dir=str(declare("heatmap_dir", "").value),
            map_frame=str(declare("map_frame", "map").value),
            coverage=coverage,
        )

    # ------------------------------------------------------------------ sensors

    def _now(self) -> float:
        return float(self.get_clock().now().nanoseconds * 1e-9)

    def _on_pose(self, msg: OdometryMsg) -> None:
        pose = self._read_pose(msg)
        stamp = conv.time_from_msg(msg.header.stamp)
        # Pose callbacks run on several threads: throttle under the lock, and never act on a pose
        # older than one already handled. A pose that finds the lock taken (a control step under
        # way) is dropped, not queued: the next is milliseconds away, and waiting callbacks would
        # tie up the executor's threads, which a stop request needs.
        if not self._lock.acquire(blocking=False):
            return
        try:
            if stamp < self._last_pose_stamp:
                return
            self._last_pose_stamp = stamp
            self._pose = pose
            now = self._now()
            if now - self._last_control < 0.9 / self.config.coverage.control_rate and now >= self._last_control:
                return
            self._last_control = now
            self._control(pose, now)
        finally:
            self._lock.release()

    def _on_scan(self, msg: LaserScan) -> None:
        self._scan = conv.scan_from_msg(msg)

    def _on_bumper(self, msg: Bumper) -> None:
        self._bumper = (bool(msg.pressed), float(msg.contact_angle))

    def _on_interrupt(self, msg: Interrupt) -> None:
        now = self._now()
        if msg.active and msg.kind in (Interrupt.PERSON, Interrupt.ESTOP):
            self._halt()
        with self._lock:
            if msg.kind == Interrupt.BUMPER:
                self._interrupt_bump = bool(msg.active)
                return
            if msg.kind not in (Interrupt.PERSON, Interrupt.ESTOP):
                return
            if msg.active:
                self._held_by.add(msg.kind)
            else:
                self._held_by.discard(msg.kind)
            job = self._job
            if job is None or job.finished:
                return
            if msg.kind == Interrupt.ESTOP and msg.active:
                job.cancel(now, f"emergency stop ({msg.detail or msg.source})")
                self._stop()
            elif msg.active:
                job.pause(now)
                self._stop()
                self.get_logger().info(f"paused: {msg.detail or 'a person is in the way'}")
            elif not self._held_by and job.paused:
                self._resume(job, now)

    # ------------------------------------------------------------------ control

    def _control(self, pose: Pose2D, now: float) -> None:
        with self._lock:
            job = self._job
            if job is None or job.finished:
                return
            scan = self._scan
            self._scan = None
            pressed = self._bumper[0] or self._interrupt_bump
            sense = Sense(pose, pressed, self._bumper[1], *(scan if scan else (None, None)))
            linear, angular = job.step(sense, now)
            if job.finished:
                linear = angular = 0.0
            self._publish(linear, angular, now)
            if job.tracker is not None and now - self._last_cleaned >= 1.0 / max(self.config.cleaned_rate, 1e-3):
                self._last_cleaned = now
                self._publish_cleaned(job, now)

    def _publish(self, linear: float, angular: float, now: float) -> None:
        if self._halted:
            linear = angular = 0.0
        msg = conv.twist_to_msg(linear, angular, now)
        self._cmd.publish(msg if self.config.cmd_vel_stamped else msg.twist)

    def _stop(self) -> None:
        self._publish(0.0, 0.0, self._now())

    def _halt(self) -> None:
        """Stop now and send nothing but zero until the job resumes or a new one starts."""
        self._halted = True
        self._stop()

    def _resume(self, job: DriveJob, now: float) -> None:
        """Carry on with a paused job, and let its commands through again (call under the lock)."""
        job.resume(now)
        self._halted = False

    def _publish_cleaned(self, job: DriveJob, now: float) -> None:
        assert job.tracker is not None
        tracker = job.tracker
        self._cleaned.publish(
            cconv.cleaned_grid_to_msg(
                self.grid, tracker.passes_on_map(), tracker.reachable_on_map(), now, self.config.map_frame
            )
        )

    # ------------------------------------------------------------------ services

    def _on_cancel(self, _goal_handle: ServerGoalHandle) -> CancelResponse:
        """Stop at once, in the callback that receives the request: the action's own loop only
        notices it at its next poll, and the promise is to stop within 0.5 s."""
        self._halt()
        with self._lock:
            job = self._job
            if job is not None and not job.finished:
                job.cancel(self._now())
                self._stop()
        return CancelResponse.ACCEPT

    def _on_pause(self, request: Trigger.Request, response: Trigger.Response) -> Trigger.Response:
        job = self._job
        if job is not None and not job.finished:
            self._halt()  # before the lock
        with self._lock:
            job = self._job
            if job is None or job.finished:
                response.success, response.message = False, "Nothing to pause: I'm not doing anything."
                return response
            job.pause(self._now())
            self._stop()
        response.success, response.message = True, "Paused."
        return response

    def _on_resume(self, request: Trigger.Request, response: Trigger.Response) -> Trigger.Response:
        with self._lock:
            job = self._job
            if job is None or job.finished or not job.paused:
                response.success, response.message = False, "Nothing to resume: I'm not paused."
                return response
            if self._held_by:
                response.success, response.message = False, "I can't resume while an interrupt is active."
                return response
            self._resume(job, self._now())
        response.success, response.message = True, "Resuming."
        return response

    # ------------------------------------------------------------------ actions

    def _accept_goal(self, goal: object) -> GoalResponse:
        """Accept a goal only when idle, and reserve the robot for it (released when it is answered)."""
        with self._lock:
            if self._busy:
                self.get_logger().warning("refused a new goal: a job is already running (cancel it first)")
                return GoalResponse.REJECT
            if Interrupt.ESTOP in self._held_by:
                self.get_logger().warning("refused a new goal: the emergency stop is on")
                return GoalResponse.REJECT
            self._busy = True
        return GoalResponse.ACCEPT

    def _wait_for_pose(self, timeout: float = 5.0) -> Pose2D | None:
        deadline = time.monotonic() + timeout
        while self._pose is None and time.monotonic() < deadline:
            time.sleep(POLL_PERIOD)
        return self._pose

    def _execute_clean(self, goal_handle: ServerGoalHandle) -> Clean.Result:
        return self._then_free(self._clean, goal_handle)

    def _clean(self, goal_handle: ServerGoalHandle) -> Clean.Result:
        request = cconv.clean_request_from_goal(goal_handle.request)
        pose = self._wait_for_pose()
        if pose is None:
            goal_handle.abort()
            return cconv.clean_result_to_msg(JobResult(Outcome.REFUSED, "I don't know where I am (no pose yet)."))
        # Planning a room takes a few seconds: say so rather than sit at 0% "cleaning".
        goal_handle.publish_feedback(cconv.clean_feedback_to_msg(Feedback("planning", 0.0, 0.0, 0.0, 0.0)))
        planner = CoveragePlanner(self.grid, self.config.coverage)
        plan = self._planned(goal_handle, lambda: plan_clean(self.world, planner, request, pose))
        # The job starts (and its clock runs) once the plan is ready.
        job = plan if isinstance(plan, JobResult) else clean_job(planner, plan, self._now(), planner.config)
        started = self._started(goal_handle, job)
        if isinstance(started, JobResult):
            self.get_logger().info(started.sentence)
            _not_started(goal_handle)
            return cconv.clean_result_to_msg(started)
        result = self._run(
            goal_handle,
            started,
            lambda: goal_handle.publish_feedback(
                cconv.clean_feedback_to_msg(started.feedback(self._now(), self._pose))
            ),
        )
        if self.config.heatmap_dir and started.tracker is not None:
            name = request.room.strip().replace(" ", "_") or "spot"
            out = Path(self.config.heatmap_dir) / f"coverage-{name}-{int(time.time())}.png"
            render_heatmap(self.grid, started.tracker, out, title=result.sentence[:90])
            self.get_logger().info(f"wrote {out}")
        return cconv.clean_result_to_msg(result)

    def _execute_go_to(self, goal_handle: ServerGoalHandle) -> GoTo.Result:
        return self._then_free(self._go_to, goal_handle)

    def _go_to(self, goal_handle: ServerGoalHandle) -> GoTo.Result:
        place, goal = cconv.go_to_goal_from_msg(goal_handle.request)
        pose = self._wait_for_pose()
        if pose is None:
            goal_handle.abort()
            return cconv.go_to_result_to_msg(JobResult(Outcome.REFUSED, "I don't know where I am (no pose yet)."))
        planner = CoveragePlanner(self.grid, self.config.coverage)
        job = self._planned(goal_handle, lambda: start_go_to(self.world, planner, place, goal, pose, self._now()))
        started = self._started(goal_handle, job)
        if isinstance(started, JobResult):
            _not_started(goal_handle)
            return cconv.go_to_result_to_msg(started)

        def feedback() -> None:
            now = self._now()
            remaining = started.distance_remaining(self._pose) if self._pose else 0.0
            goal_handle.publish_feedback(cconv.go_to_feedback_to_msg(remaining, started.elapsed(now)))

        return cconv.go_to_result_to_msg(self._run(goal_handle, started, feedback))

    def _then_free(self, execute: Callable[[ServerGoalHandle], Any], goal_handle: ServerGoalHandle) -> Any:
        """`execute(goal_handle)`; the robot is free for the next goal once it has answered."""
        try:
            return execute(goal_handle)
        finally:
            with self._lock:
                self._busy = False

    def _planned(self, goal_handle: ServerGoalHandle, plan: Callable[[], Any]) -> Any:
        """`plan()` run on the planning worker, without holding the node's lock; a JobResult saying
        so if the goal is cancelled first (the plan is then dropped when it is ready)."""
        future = self._planning.submit(plan)
        while not future.done():
            if goal_handle.is_cancel_requested or not rclpy.ok(context=self.context):
                return CANCELLED_BEFORE_START
            time.sleep(POLL_PERIOD)
        return future.result()

    def _started(self, goal_handle: ServerGoalHandle, job: DriveJob | JobResult) -> DriveJob | JobResult:
        """`job`, now the one the pose callbacks drive, unless the goal was cancelled or the
        emergency stop went on meanwhile; a person in the way holds it paused."""
        if not isinstance(job, DriveJob):
            return job
        with self._lock:
            if goal_handle.is_cancel_requested:
                return CANCELLED_BEFORE_START
            if Interrupt.ESTOP in self._held_by:
                return JobResult(Outcome.CANCELLED, "I didn't start: the emergency stop is on.")
            if self._held_by:
                job.pause(self._now())
            self._halted = bool(self._held_by)
            self._job = job
        return job

    def _run(self, goal_handle: ServerGoalHandle, job: DriveJob, feedback: Any) -> JobResult:
        """Wait for the job (driven by pose messages), relaying cancel requests and feedback."""
        last_feedback = 0.0
        while not job.finished:
            if goal_handle.is_cancel_requested or not rclpy.ok(context=self.context):
                with self._lock:
                    job.cancel(self._now())
                    self._stop()
                break
            if time.monotonic() - last_feedback >= FEEDBACK_PERIOD:
                last_feedback = time.monotonic()
                feedback()
            time.sleep(POLL_PERIOD)
        assert job.result is not None
        result = job.result
        self._stop()
        if job.tracker is not None:
            self._publish_cleaned(job, self._now())
        if goal_handle.is_cancel_requested:
            goal_handle.canceled()
        elif result.outcome is Outcome.COMPLETED:
            goal_handle.succeed()
        else:
            goal_handle.abort()
        self.get_logger().info(result.sentence)
        return result

    def shutdown(self) -> None:
        """Drop plans not yet started (called before the node is destroyed)."""
        self._planning.shutdown(wait=False, cancel_futures=True)


def _not_started(goal_handle: ServerGoalHandle) -> None:
    """End a goal whose job never started: cancelled if that was asked, else aborted."""
    if goal_handle.is_cancel_requested:
        goal_handle.canceled()
    else:
        goal_handle.abort()


def main(args: list[str] | None = None) -> None:
    run_node("coverage", CoverageNode, args, threads=3)


if __name__ == "__main__":
    main()
