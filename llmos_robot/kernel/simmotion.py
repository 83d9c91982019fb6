"""A MotionPort on the embedded MuJoCo simulator, in-process: `llmos-robot chat` when no stack runs.

Each task is a coverage job (llmos_robot.coverage) ticked against one persistent simulator on a
background thread, as fast as the CPU allows; the robot stays where the last task left it.
Pause, resume and stop reach the job from inside its own control step, so only that thread
touches the simulator.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from llmos_robot.coverage.config import CoverageConfig
from llmos_robot.coverage.job import DriveJob, JobResult, Outcome, Sense
from llmos_robot.coverage.planner import CoveragePlanner
from llmos_robot.coverage.session import CleanRequest, start_clean, start_go_to
from llmos_robot.coverage.simrun import SimRunConfig, robot_pose, run_job
from llmos_robot.kernel.ports import DoneCallback, MotionOutcome, MotionResult, ProgressCallback
from llmos_robot.sim import SimConfig, Simulator
from llmos_robot.world import World, rasterise
from llmos_robot.world.geometry import Pose2D

_OUTCOMES = {Outcome.COMPLETED: MotionOutcome.COMPLETED, Outcome.CANCELLED: MotionOutcome.CANCELLED}
PAUSED_SLEEP_S = 0.01  # wall s per control step while paused (the loop would spin otherwise)


class SimMotion:
    def __init__(self, world: World, config: CoverageConfig | None = None, spot_radius: float = 0.6) -> None:
        self.world = world
        self.config = config or CoverageConfig()
        self.spot_radius = spot_radius
        self.sim = Simulator(world, SimConfig(camera=False))
        self.planner = CoveragePlanner(rasterise(world), self.config)
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._paused = threading.Event()

    def clean_room(self, room: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        request = CleanRequest(room=room)
        self._launch(
            lambda pose, now: start_clean(self.world, self.planner, request, pose, now, self.config),
            on_progress,
            on_done,
        )

    def spot_clean(self, place: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        pose = self.world.place(place).pose
        request = CleanRequest(spot_x=pose.x, spot_y=pose.y, spot_radius=self.spot_radius)
        self._launch(
            lambda start, now: start_clean(self.world, self.planner, request, start, now, self.config),
            on_progress,
            on_done,
        )

    def go_to(self, place: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        if place in self.world.rooms:
            x, y = self.world.rooms[place].centroid
            goal, name = Pose2D(x, y, 0.0), ""
        else:
            goal, name = self.world.place(place).pose, place
        self._launch(
            lambda pose, now: start_go_to(self.world, self.planner, name, goal, pose, now), on_progress, on_done
        )

    def dock(self, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        self._launch(
            lambda pose, now: start_go_to(self.world, self.planner, "dock", self.world.dock, pose, now),
            on_progress,
            on_done,
        )

    def pause(self) -> None:
        self._paused.set()

    def resume(self) -> None:
        self._paused.clear()

    def stop(self) -> None:
        """Cancel the running job and wait until its thread has reported."""
        thread = self._thread
        if thread is not None and thread.is_alive():
            self._cancel.set()
            thread.join()
        self._thread = None

    def close(self) -> None:
        self.stop()
        self.sim.close()

    def _launch(
        self,
        make: Callable[[Pose2D, float], DriveJob | JobResult],
        on_progress: ProgressCallback,
        on_done: DoneCallback,
    ) -> None:
        self.stop()
        self._cancel.clear()
        self._paused.clear()
        started = make(robot_pose(self.sim, "ground_truth"), self.sim.time)
        if isinstance(started, JobResult):
            on_done(MotionResult(MotionOutcome.REFUSED, started.sentence))
            return
        job = started

        def control(sense: Sense, now: float) -> tuple[float, float]:
            if self._cancel.is_set():
                job.cancel(now, "you asked me to stop")
                return (0.0, 0.0)
            if self._paused.is_set() != job.paused:
                (job.pause if self._paused.is_set() else job.resume)(now)
            if job.paused:
                time.sleep(PAUSED_SLEEP_S)
            return job.step(sense, now)

        def progress(running: DriveJob, now: float) -> None:
            feedback = running.feedback(now)
            on_progress(feedback.coverage, feedback.state)

        def work() -> None:
            result = run_job(self.sim, job, self.config, SimRunConfig(), progress, control)
            on_done(MotionResult(_OUTCOMES.get(result.outcome, MotionOutcome.FAILED), result.sentence, result.coverage))

        self._thread = threading.Thread(target=work, daemon=True, name="sim-motion")
        self._thread.start()
