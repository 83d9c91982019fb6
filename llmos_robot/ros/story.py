"""The spoken-command story on the embedded simulator, end to end over ROS: what `make demo` runs.

1. Brings up the embedded stack (llmos_robot.bringup: one process per node, as `llmos-robot up`).
2. Speaks to the robot: Piper synthesises the user's sentences and they are published on
   `audio/in` as 16 kHz PCM16 chunks in real time, as the microphone would publish them.
3. Listens like a person in the room: transcripts on `speech/transcript`, replies on `speech/say`
   (their audio on `audio/out`), the kernel's process table on `kernel/processes`, and the true
   path on `sim/ground_truth` for the picture.

The script is the seed scenario: "clean the kitchen"; the robot cleans it; "clean the kitchen"
again a minute later is politely refused with the time it was cleaned; "when did you last clean
the kitchen?" is answered from memory. Everything said and done goes to DIR/story.json, the
replies to DIR/replies.wav, the robot's path over the map to DIR/path.png, and its memory to
DIR/memory (emptied at the start, so every run begins in a house not yet cleaned).
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import rclpy
from llmos_interfaces.msg import AudioChunk, ProcessTable, Transcript
from llmos_interfaces.srv import LastCleaned
from nav_msgs.msg import Odometry as OdometryMsg
from rclpy.node import Node
from std_msgs.msg import String
from tqdm import tqdm

from llmos_robot.bringup import STACKS, stack_parameters
from llmos_robot.coverage.paths import path_length
from llmos_robot.ros.supervisor import node_command
from llmos_robot.world import World, default_world_path, load_world, rasterise
from llmos_robot.world.geometry import Vec2
from llmos_robot.world.render import render_map

CHUNK_SECONDS = 0.02  # 20 ms audio chunks, like a microphone driver
SPEECH_RATE = 16000


@dataclass(frozen=True)
class Line:
    """One thing the user says, and what has to happen before the story goes on."""

    text: str
    wait_for_task: bool = False  # wait until the task this starts has finished


SCRIPT = [
    Line("Robot, clean the kitchen.", wait_for_task=True),
    Line("Robot, clean the kitchen."),
    Line("Robot, when did you last clean the kitchen?"),
]


@dataclass
class Heard:
    transcripts: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    reply_audio: list[np.ndarray] = field(default_factory=list)
    reply_rate: int = 0
    processes: list[dict[str, Any]] = field(default_factory=list)
    trail: list[Vec2] = field(default_factory=list)


class Listener(Node):
    """The person in the room: speaks on audio/in, hears everything the robot says and does."""

    def __init__(self, heard: Heard) -> None:
        super().__init__("story_listener")
        self.heard = heard
        self.microphone = self.create_publisher(AudioChunk, "audio/in", 50)
        self.create_subscription(Transcript, "speech/transcript", lambda m: heard.transcripts.append(m.text), 10)
        self.create_subscription(String, "speech/say", lambda m: heard.replies.append(m.data), 10)
        self.create_subscription(AudioChunk, "audio/out", self._on_reply_audio, 100)
        self.create_subscription(ProcessTable, "kernel/processes", self._on_processes, 10)
        self.create_subscription(OdometryMsg, "sim/ground_truth", self._on_pose, 10)
        self._memory = self.create_client(LastCleaned, "memory/last_cleaned")

    def _on_reply_audio(self, msg: AudioChunk) -> None:
        self.heard.reply_audio.append(np.asarray(msg.samples, dtype=np.int16))
        self.heard.reply_rate = int(msg.sample_rate)

    def _on_processes(self, msg: ProcessTable) -> None:
        self.heard.processes = [
            {
                "pid": p.pid,
                "syscall": p.syscall,
                "args": p.args_json,
                "state": p.state,
                "progress": p.progress,
                "detail": p.detail,
            }
            for p in msg.processes
        ]

    def _on_pose(self, msg: OdometryMsg) -> None:
        self.heard.trail.append((msg.pose.pose.position.x, msg.pose.pose.position.y))

    def ready(self) -> bool:
        """True once the nodes that hear, think and speak are all there."""
        return (
            self.count_subscribers("audio/in") > 0
            and self.count_subscribers("speech/transcript") > 1  # the kernel and speech_out (for "stop")
            and self.count_publishers("speech/say") > 0
            and self.count_subscribers("speech/say") > 1  # speech_out and us
            and self.count_publishers("kernel/processes") > 0
            and self.count_publishers("sim/ground_truth") > 0
            and bool(self._memory.service_is_ready())
        )


def _spin_until(node: Node, condition: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        rclpy.spin_once(node, timeout_sec=step)
        if condition():
            return True
    return condition()


def _speak(node: Listener, samples: np.ndarray) -> None:
    """Publish PCM16 samples on audio/in in real time, as a microphone would."""
    per_chunk = int(SPEECH_RATE * CHUNK_SECONDS)
    silence = np.zeros(int(SPEECH_RATE * 0.6), dtype=np.int16)  # the pause that ends an utterance
    padded = np.concatenate([silence, samples, silence, silence])
    start = time.monotonic()
    for index in range(0, len(padded), per_chunk):
        msg = AudioChunk(sample_rate=SPEECH_RATE, samples=padded[index : index + per_chunk].tolist())
        msg.header.stamp = node.get_clock().now().to_msg()
        node.microphone.publish(msg)
        due = start + (index + per_chunk) / SPEECH_RATE
        while time.monotonic() < due:
            rclpy.spin_once(node, timeout_sec=max(0.0, due - time.monotonic()))


def _synthesise(lines: list[Line]) -> list[np.ndarray]:
    from llmos_robot.speech.audio import to_pcm16
    from llmos_robot.speech.tts import PiperTts, speak_to_audio

    tts = PiperTts()
    return [to_pcm16(speak_to_audio(tts, line.text).at_rate(SPEECH_RATE).samples) for line in lines]


def run_story(world_path: Path | None, out: Path, speed: float) -> int:
    world = load_world(world_path or default_world_path())
    out.mkdir(parents=True, exist_ok=True)
    voices = _synthesise(SCRIPT)
    # The story starts from a house the robot has not cleaned yet: a memory of its own, emptied.
    memory = out / "memory"
    shutil.rmtree(memory, ignore_errors=True)
    overrides: dict[str, dict[str, object]] = {
        "sim": {"real_time_factor": speed, "world": str(world.sdf_path)},
        "memory": {"db_dir": str(memory.resolve())},
    }
    processes = [
        subprocess.Popen(node_command(spec, {**stack_parameters("embedded", spec), **overrides.get(spec.name, {})}))
        for spec in STACKS["embedded"]
    ]
    heard = Heard()
    log: list[dict[str, Any]] = []
    signal.signal(signal.SIGTERM, _interrupt)  # stopped from outside: still end the robot's nodes
    rclpy.init()
    listener = Listener(heard)
    ok = False
    try:
        print("bringing up the robot ...")
        if not _spin_until(listener, listener.ready, timeout=180):
            raise RuntimeError("the robot's nodes did not come up within 3 minutes")
        for line, voice in zip(SCRIPT, voices, strict=True):
            log.append(_say_line(listener, heard, line, voice))
            if log[-1].get("error"):
                break
        else:
            ok = True
    except (RuntimeError, KeyboardInterrupt) as err:
        log.append({"error": str(err) or "interrupted"})
    finally:
        _write_outputs(world, out, heard, log)
        listener.destroy_node()
        rclpy.try_shutdown()
        for process in processes:
            process.send_signal(signal.SIGINT)  # as Ctrl-C and ros2 launch do: each node shuts down cleanly
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    print("the story ran to the end" if ok else "the story stopped early; see story.json")
    return 0 if ok else 1


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def _say_line(node: Listener, heard: Heard, line: Line, voice: np.ndarray) -> dict[str, Any]:
    transcripts, replies = len(heard.transcripts), len(heard.replies)
    tasks_before = {p["pid"] for p in heard.processes}
    print(f'\nyou:   "{line.text}"')
    started = time.monotonic()
    _speak(node, voice)
    entry: dict[str, Any] = {"said": line.text}
    if not _spin_until(node, lambda: len(heard.transcripts) > transcripts, timeout=30):
        return {**entry, "error": "the robot did not hear it (no transcript)"}
    entry["heard"] = heard.transcripts[transcripts]
    print(f'heard: "{entry["heard"]}"')
    if not _spin_until(node, lambda: len(heard.replies) > replies, timeout=90):
        return {**entry, "error": "the robot did not answer"}
    entry["reply_after_s"] = round(time.monotonic() - started, 2)
    _spin_until(node, lambda: False, timeout=2.0)  # a notice may come first: hear the whole answer
    entry["replies"] = heard.replies[replies:]
    for reply in entry["replies"]:
        print(f'robot: "{reply}"')
    entry["started_a_task"] = bool({p["pid"] for p in heard.processes} - tasks_before)
    if line.wait_for_task:
        replies = len(heard.replies)
        entry["task"] = _wait_for_task(node, heard)
        if entry["task"].get("state") != "done":
            entry["error"] = f"the task did not finish: {entry['task']}"
        _spin_until(node, lambda: False, timeout=2.0)
        entry["replies_when_done"] = heard.replies[replies:]
        for reply in entry["replies_when_done"]:
            print(f'robot: "{reply}"')
    return entry


def _wait_for_task(node: Listener, heard: Heard, timeout: float = 1200.0) -> dict[str, Any]:
    """Follow the newest motion process in the process table until it ends, with a progress bar."""
    deadline = time.monotonic() + timeout
    detail, drawn = None, 0.0
    with tqdm(total=100, desc="cleaning", unit="%") as bar:
        while time.monotonic() < deadline:
            rclpy.spin_once(node, timeout_sec=0.2)
            if not heard.processes:
                continue
            process = max(heard.processes, key=lambda p: p["pid"])
            # Redrawn when what it shows changes, else once a second (for the clock): every
            # message wakes this loop, and a redraw each time put ~700 kB of bars in a piped log.
            percent = int(process["progress"] * 100)
            if process["detail"] != detail or percent != bar.n or time.monotonic() - drawn >= 1.0:
                detail = process["detail"]
                bar.n = percent
                bar.set_postfix_str(detail)  # "planning", "cleaning", ...: why the bar stands still
                drawn = time.monotonic()
            if process["state"] in ("done", "failed", "cancelled"):
                return process
    return {"state": "timed out"}


def _write_outputs(world: World, out: Path, heard: Heard, log: list[dict[str, Any]]) -> None:
    import wave

    if heard.reply_audio:
        with wave.open(str(out / "replies.wav"), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(heard.reply_rate or SPEECH_RATE)
            wav.writeframes(np.concatenate(heard.reply_audio).astype("<i2").tobytes())
    if heard.trail:
        render_map(
            world,
            rasterise(world),
            out / "path.png",
            paths=[heard.trail],
            title=f"story: {path_length(heard.trail):.1f} m driven",
        )
    report = {"world": str(world.sdf_path), "script": log, "path_length_m": round(path_length(heard.trail), 2)}
    (out / "story.json").write_text(json.dumps(report, indent=2) + "\n")
