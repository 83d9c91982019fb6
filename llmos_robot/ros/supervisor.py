"""`llmos-robot up`: run a stack's nodes (llmos_robot.bringup) one process each, restarting the dead.

This stands in for `ros2 launch` where the launch package is not installable; both read the same
node list, parameter files and remappings from llmos_robot.bringup.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass

from llmos_robot.bringup import STACKS, NodeSpec, stack_parameters
from llmos_robot.world import share_dir

RESTART_DELAY = 2.0  # s before restarting a node that died
MAX_RESTARTS = 5  # per node, then the stack gives up on it


@dataclass
class _Running:
    spec: NodeSpec
    process: subprocess.Popen[bytes]
    restarts: int = 0


def node_command(spec: NodeSpec, parameters: dict[str, object]) -> list[str]:
    """The command line that runs one node with its parameter file, `parameters` on top, and remappings."""
    command = [
        sys.executable,
        "-m",
        spec.module,
        "--ros-args",
        "--params-file",
        str(share_dir() / "config" / spec.params_file),
    ]
    for key, value in parameters.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        command += ["-p", f"{key}:={text}"]
    for source, target in spec.remappings:
        command += ["-r", f"{source}:={target}"]
    return command


def run_stack(stack: str, overrides: dict[str, dict[str, object]]) -> int:
    specs = STACKS[stack]
    if not specs:
        print(f"the {stack} stack has no nodes of ours yet (the robot's own drivers provide the topics)")
        return 0
    parameters = {s.name: {**stack_parameters(stack, s), **overrides.get(s.name, {})} for s in specs}
    running = [_Running(s, subprocess.Popen(node_command(s, parameters[s.name]))) for s in specs]
    print(f"started {', '.join(r.spec.name for r in running)}; Ctrl-C stops them")
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping:
            time.sleep(0.5)
            for entry in running:
                code = entry.process.poll()
                if code is None:
                    continue
                if entry.restarts >= MAX_RESTARTS:
                    print(f"{entry.spec.name} keeps dying (exit {code}); giving up on it")
                    stopping = True
                    break
                print(f"{entry.spec.name} exited with {code}; restarting in {RESTART_DELAY:.0f} s")
                time.sleep(RESTART_DELAY)
                entry.process = subprocess.Popen(node_command(entry.spec, parameters[entry.spec.name]))
                entry.restarts += 1
    except KeyboardInterrupt:
        pass
    for entry in running:
        if entry.process.poll() is None:
            entry.process.send_signal(signal.SIGINT)
    for entry in running:
        try:
            entry.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            entry.process.kill()
    return 0
