"""The `kernel` node: what the user said -> a checked syscall -> the coverage actions and memory.

Subscribes:
  speech/transcript   llmos_interfaces/Transcript  what was said; `source` "microphone"/"file"/"text"
                                                   is the user, anything else ("vision", ...) is data
  interrupts          llmos_interfaces/Interrupt   ESTOP / BATTERY_LOW preempt the task, PERSON pauses it
Publishes:
  speech/say          std_msgs/String              what the robot says
  kernel/processes    llmos_interfaces/ProcessTable the process table (on change and at `table_rate`)
Action clients:
  coverage/clean      llmos_interfaces/action/Clean  clean_room (room) and spot_clean (spot at a place)
  coverage/go_to      llmos_interfaces/action/GoTo   go_to (place) and dock (place "dock")
Service clients:
  coverage/pause, coverage/resume   std_srvs/Trigger
  memory/last_cleaned, memory/recall, memory/remember   llmos_interfaces/srv/*; while the memory node
      is absent the kernel keeps its own episodes in RAM, so the "cleaned recently" policy holds.
Parameters (config/kernel.yaml): world, backend, ollama_host, ollama_model, ollama_timeout_s,
  ollama_retries, model_path, context_tokens, threads, mode, semantic, recent_clean_s, motion_rate_limit,
  rate_window_s, budget_tokens, table_rate, service_timeout_s, spot_radius, the action/service names.

Decisions run on a worker thread (a model answer takes ~0.1-0.3 s, the model loads in seconds), so
no executor callback blocks on the model; "stop" in a transcript cancels the motion goal directly
in the callback, before the kernel even sees it.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from llmos_interfaces.action import Clean, GoTo
from llmos_interfaces.msg import Interrupt, ProcessTable, Transcript
from llmos_interfaces.srv import LastCleaned, Recall, Remember
from rclpy.action import ActionClient
from rclpy.callback_groups import ReentrantCallbackGroup
from rclpy.node import Node
from rclpy.task import Future
from std_msgs.msg import String
from std_srvs.srv import Trigger

from llmos_robot.errors import LlmosError
from llmos_robot.kernel import Channel, Kernel, KernelConfig, Mode, MotionOutcome, MotionResult
from llmos_robot.kernel.context import ContextConfig
from llmos_robot.kernel.factory import BackendSettings, make_backends
from llmos_robot.kernel.guard import GuardConfig
from llmos_robot.kernel.intents import says_stop
from llmos_robot.kernel.kernel import DEFAULT_SEMANTIC
from llmos_robot.kernel.local import FileMemory
from llmos_robot.kernel.ports import CleanedRecord, DoneCallback, MemoryItem, ProgressCallback
from llmos_robot.kernel.semantic import load_semantic
from llmos_robot.ros import kernel_conversions as kconv
from llmos_robot.ros.node_main import run_node
from llmos_robot.world import World, default_world_path, load_world


@dataclasses.dataclass(frozen=True)
class KernelNodeConfig:
    world: Path
    backends: BackendSettings
    kernel: KernelConfig
    semantic: bool  # load the embedding intent layer (all-MiniLM-L6-v2) at start
    table_rate: float  # Hz
    service_timeout_s: float
    spot_radius: float  # m
    clean_action: str
    go_to_action: str
    pause_service: str
    resume_service: str


def _wait(future: Future, timeout: float) -> Any:
    """The future's result, or None after `timeout` s (the executor thread completes it)."""
    done = threading.Event()
    future.add_done_callback(lambda _: done.set())
    if not done.wait(timeout):
        return None
    return future.result()


class RosMemory:
    """MemoryPort over the memory node's services, with a local record of the kernel's own episodes."""

    def __init__(self, node: Node, timeout_s: float, group: ReentrantCallbackGroup) -> None:
        self.timeout_s = timeout_s
        self.local = FileMemory()
        self._last = node.create_client(LastCleaned, "memory/last_cleaned", callback_group=group)
        self._recall = node.create_client(Recall, "memory/recall", callback_group=group)
        self._remember = node.create_client(Remember, "memory/remember", callback_group=group)

    def last_cleaned(self, room: str) -> CleanedRecord | None:
        mine = self.local.last_cleaned(room)
        if self._last.service_is_ready():
            response = _wait(self._last.call_async(LastCleaned.Request(room=room)), self.timeout_s)
            theirs = kconv.cleaned_from_response(room, response) if response is not None else None
            if theirs is not None and (mine is None or theirs.when > mine.when):
                return theirs
        return mine

    def recall(self, question: str, k: int = 3) -> list[MemoryItem]:
        if not self._recall.service_is_ready():
            return self.local.recall(question, k)
        response = _wait(self._recall.call_async(Recall.Request(query=question, k=k)), self.timeout_s)
        if response is None or not response.ok:
            return self.local.recall(question, k)
        return [kconv.memory_item_from_msg(r) for r in response.records]

    def remember(
        self,
        text: str,
        *,
        kind: str = "fact",
        room: str = "",
        task: str = "",
        provenance: str = "user",
        coverage: float | None = None,
    ) -> None:
        self.local.remember(text, kind=kind, room=room, task=task, provenance=provenance, coverage=coverage)
        if self._remember.service_is_ready():
            request = Remember.Request(
                text=text,
                kind=kind,
                room=room,
                task=task,
                provenance=provenance,
                coverage=-1.0 if coverage is None else float(coverage),
            )
            self._remember.call_async(request)  # durable on the memory node's side; no need to wait


class RosMotion:
    """MotionPort over the coverage node's actions and services. Returns at once."""

    def __init__(self, node: Node, world: World, config: KernelNodeConfig, group: ReentrantCallbackGroup) -> None:
        self.world = world
        self.config = config
        self._logger = node.get_logger()
        self._clean = ActionClient(node, Clean, config.clean_action, callback_group=group)
        self._go_to = ActionClient(node, GoTo, config.go_to_action, callback_group=group)
        self._pause = node.create_client(Trigger, config.pause_service, callback_group=group)
        self._resume = node.create_client(Trigger, config.resume_service, callback_group=group)
        self._lock = threading.Lock()
        self._goal: Any = None  # the active ClientGoalHandle
        self._generation = 0

    def clean_room(self, room: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        self._send(self._clean, Clean.Goal(room=room), on_progress, on_done, clean=True)

    def spot_clean(self, place: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        pose = self.world.place(place).pose
        goal = Clean.Goal(room="", spot_x=pose.x, spot_y=pose.y, spot_radius=self.config.spot_radius)
        self._send(self._clean, goal, on_progress, on_done, clean=True)

    def go_to(self, place: str, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        if place in self.world.rooms:
            x, y = self.world.rooms[place].centroid
            self._send(self._go_to, GoTo.Goal(place="", x=x, y=y), on_progress, on_done, clean=False)
        else:
            self._send(self._go_to, GoTo.Goal(place=place), on_progress, on_done, clean=False)

    def dock(self, on_progress: ProgressCallback, on_done: DoneCallback) -> None:
        self._send(self._go_to, GoTo.Goal(place="dock"), on_progress, on_done, clean=False)

    def pause(self) -> None:
        if self._pause.service_is_ready():
            self._pause.call_async(Trigger.Request())

    def resume(self) -> None:
        if self._resume.service_is_ready():
            self._resume.call_async(Trigger.Request())

    def stop(self) -> None:
        with self._lock:
            goal, self._goal = self._goal, None
            self._generation += 1
        if goal is not None:
            goal.cancel_goal_async()

    def _send(
        self, client: ActionClient, goal: Any, on_progress: ProgressCallback, on_done: DoneCallback, clean: bool
    ) -> None:
        if not client.server_is_ready():
            on_done(MotionResult(MotionOutcome.FAILED, "My motion controller is not running, so I can't move."))
            return
        with self._lock:
            self._generation += 1
            generation = self._generation

        def feedback(msg: Any) -> None:
            fb = msg.feedback
            if clean:
                on_progress(float(fb.coverage), str(fb.state))
            else:
                on_progress(0.0, f"{fb.distance_remaining_m:.1f} m to go")

        def accepted(future: Future) -> None:
            handle = future.result()
            if handle is None or not handle.accepted:
                on_done(MotionResult(MotionOutcome.REFUSED, "My motion controller refused the task."))
                return
            with self._lock:
                if generation != self._generation:  # stopped before the goal was accepted
                    handle.cancel_goal_async()
                    return
                self._goal = handle
            handle.get_result_async().add_done_callback(finished)

        def finished(future: Future) -> None:
            result = future.result().result
            with self._lock:
                if generation == self._generation:
                    self._goal = None
            outcome = {0: MotionOutcome.COMPLETED, 1: MotionOutcome.CANCELLED}.get(
                int(result.outcome), MotionOutcome.FAILED
            )
            on_done(MotionResult(outcome, str(result.sentence), float(getattr(result, "coverage", 0.0))))

        client.send_goal_async(goal, feedback_callback=feedback).add_done_callback(accepted)


class KernelNode(Node):
    def __init__(self, backends: list[Any] | None = None, **kwargs: Any) -> None:
        """`backends` overrides the configured ones (tests inject scripted backends)."""
        super().__init__("kernel", **kwargs)
        self.config = self._read_parameters()
        self.world = load_world(self.config.world)
        group = ReentrantCallbackGroup()
        self._say = self.create_publisher(String, "speech/say", 10)
        self._table = self.create_publisher(ProcessTable, "kernel/processes", 10)
        problems: list[str] = []
        if backends is None:
            backends, problems = make_backends(self.config.backends)
        for problem in problems:
            self.get_logger().warning(problem)
        self.memory = RosMemory(self, self.config.service_timeout_s, group)
        self.motion = RosMotion(self, self.world, self.config, group)
        self.kernel = Kernel(self.world, self.memory, self.motion, backends, self.config.kernel, speak=self.say)
        self._inbox: queue.Queue[tuple[str, Channel] | None] = queue.Queue()
        self._worker = threading.Thread(target=self._work, daemon=True)
        self.create_subscription(Transcript, "speech/transcript", self._on_transcript, 10, callback_group=group)
        self.create_subscription(Interrupt, "interrupts", self._on_interrupt, 10, callback_group=group)
        self.create_timer(1.0 / self.config.table_rate, self.publish_table, callback_group=group)
        self._worker.start()
        self._inbox.put(("", Channel.ROBOT))  # probe the backends off the executor; announces the result

    def _read_parameters(self) -> KernelNodeConfig:
        declare = self.declare_parameter
        defaults = BackendSettings()
        backends = BackendSettings(
            **{
                f.name: type(getattr(defaults, f.name))(declare(f.name, getattr(defaults, f.name)).value)
                for f in dataclasses.fields(BackendSettings)
            }
        )
        mode = str(declare("mode", KernelConfig().mode.value).value)
        if mode not in {m.value for m in Mode}:
            raise ValueError(f"mode must be one of {', '.join(m.value for m in Mode)}, got {mode!r}")
        guard = GuardConfig(
            recent_clean_s=float(declare("recent_clean_s", GuardConfig.recent_clean_s).value),
            motion_rate_limit=int(declare("motion_rate_limit", GuardConfig.motion_rate_limit).value),
            rate_window_s=float(declare("rate_window_s", GuardConfig.rate_window_s).value),
        )
        budget = int(declare("budget_tokens", ContextConfig.budget_tokens).value)
        return KernelNodeConfig(
            world=Path(str(declare("world", "").value) or str(default_world_path())),
            backends=backends,
            kernel=KernelConfig(mode=Mode(mode), guard=guard, context=ContextConfig(budget_tokens=budget)),
            semantic=bool(declare("semantic", DEFAULT_SEMANTIC).value),
            table_rate=float(declare("table_rate", 1.0).value),
            service_timeout_s=float(declare("service_timeout_s", 2.0).value),
            spot_radius=float(declare("spot_radius", 0.6).value),
            clean_action=str(declare("clean_action", "coverage/clean").value),
            go_to_action=str(declare("go_to_action", "coverage/go_to").value),
            pause_service=str(declare("pause_service", "coverage/pause").value),
            resume_service=str(declare("resume_service", "coverage/resume").value),
        )

    def say(self, text: str) -> None:
        if text:
            self._say.publish(String(data=text))
            self.get_logger().info(f"say: {text}")
        self.publish_table()

    def publish_table(self) -> None:
        self._table.publish(kconv.process_table_to_msg(self.kernel.processes.snapshot(), datetime.now(timezone.utc)))

    def _on_transcript(self, msg: Transcript) -> None:
        channel = kconv.channel_from_source(msg.source)
        if channel is Channel.USER and says_stop(msg.text):
            self.motion.stop()  # the wheels first; the kernel records it on the worker
        self._inbox.put((str(msg.text), channel))

    def _on_interrupt(self, msg: Interrupt) -> None:
        kind, active, detail = kconv.interrupt_from_msg(msg)
        self.kernel.interrupt(kind, detail, active)
        self.publish_table()

    def _work(self) -> None:
        while True:
            item = self._inbox.get()
            if item is None:
                return
            text, channel = item
            try:
                if not text:
                    self._start_up()
                    continue
                decision = self.kernel.handle(text, channel)
                self.get_logger().info(
                    f"{text!r} -> {decision.syscall} {decision.verdict.value} ({decision.source}, "
                    f"{decision.latency_s * 1000:.0f} ms)"
                )
                if channel is Channel.USER:
                    self.say(decision.say)
            except LlmosError as err:
                self.say(str(err))

    def _start_up(self) -> None:
        """Off the executor: load the semantic layer, then ask the backends who answers."""
        if self.config.semantic:
            try:
                self.kernel.semantic = load_semantic(self.world)
            except (ImportError, LlmosError) as err:
                self.get_logger().warning(f"the semantic intent layer is off: {err}")
        self.say(self.kernel.probe())

    def shutdown(self) -> None:
        self._inbox.put(None)
        self._worker.join(timeout=5)


def main(args: list[str] | None = None) -> None:
    run_node("kernel", KernelNode, args, threads=3)


if __name__ == "__main__":
    main()
