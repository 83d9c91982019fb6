"""`llmos-robot plan` and `llmos-robot chat`: talk to the planner kernel from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from llmos_robot.cli._common import add_world_argument, world_from
from llmos_robot.errors import LlmosError
from llmos_robot.kernel import Kernel, KernelConfig, Mode
from llmos_robot.kernel.factory import BACKEND_CHOICES, BackendSettings, make_backends
from llmos_robot.kernel.kernel import DEFAULT_SEMANTIC
from llmos_robot.kernel.local import TimedMotion
from llmos_robot.kernel.memory_adapter import open_memory
from llmos_robot.kernel.ports import MotionPort
from llmos_robot.kernel.semantic import load_semantic

if TYPE_CHECKING:
    from llmos_robot.kernel.simmotion import SimMotion


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    plan = subparsers.add_parser(
        "plan", help="show the syscall the kernel would issue for an utterance (nothing moves)"
    )
    plan.add_argument("utterance", help='what the user says, e.g. "clean the kitchen"')
    plan.add_argument("--json", action="store_true", help="print the decision as JSON")
    _common(plan)
    plan.set_defaults(handler=_plan)

    chat = subparsers.add_parser("chat", help="an interactive text session with the robot on the embedded simulator")
    _common(chat)
    chat.add_argument(
        "--motion",
        choices=("sim", "timed"),
        default="sim",
        help="sim: tasks drive the MuJoCo simulator in-process (default); timed: tasks just take time",
    )
    chat.add_argument("--speedup", type=float, default=60.0, help="timed motion: how much faster than real time")
    chat.set_defaults(handler=_chat)


def _common(parser: argparse.ArgumentParser) -> None:
    add_world_argument(parser)
    parser.add_argument("--memory", type=Path, default=None, help="memory directory (default: nothing remembered)")
    parser.add_argument("--backend", choices=BACKEND_CHOICES, default="llama.cpp", help="language model backend")
    parser.add_argument(
        "--mode",
        choices=[m.value for m in Mode],
        default=Mode.COMBINED.value,
        help="who decides: rules then model (combined, default), model only, rules only",
    )
    parser.add_argument(
        "--semantic",
        action=argparse.BooleanOptionalAction,
        default=DEFAULT_SEMANTIC,
        help="add the embedding intent layer (all-MiniLM-L6-v2; loading torch takes a few seconds)",
    )
    parser.add_argument("--ollama-host", default=BackendSettings.ollama_host)
    parser.add_argument("--ollama-model", default=BackendSettings.ollama_model)


def _kernel(
    args: argparse.Namespace, motion: MotionPort | None = None, speak: Callable[[str], None] | None = None
) -> tuple[Kernel, list[str]]:
    world = world_from(args)
    settings = BackendSettings(backend=args.backend, ollama_host=args.ollama_host, ollama_model=args.ollama_model)
    backends, problems = make_backends(settings)
    memory, where = open_memory(args.memory, world)
    notes = [*problems, where]
    semantic = None
    if args.semantic:
        try:
            semantic = load_semantic(world)
        except (ImportError, LlmosError) as err:
            notes.append(f"the semantic intent layer is off: {err}")
    config = KernelConfig(mode=Mode(args.mode))
    kernel = Kernel(world, memory, motion, backends, config, speak=speak, semantic=semantic)
    return kernel, notes


def _plan(args: argparse.Namespace) -> int:
    kernel, problems = _kernel(args)
    decision = kernel.decide(args.utterance)
    if args.json:
        print(json.dumps({**decision.to_json(), "backend": kernel.describe_backend(), "notes": problems}, indent=2))
    else:
        for note in problems:
            print(f"note: {note}", file=sys.stderr)
        print(f"syscall:  {decision.syscall}")
        print(f"args:     {json.dumps(dict(decision.syscall.args))}")
        print(f"accepted: {decision.accepted} ({decision.verdict.value})")
        print(f"reason:   {decision.reason}")
        print(f"source:   {decision.source} ({decision.latency_s * 1000:.0f} ms)")
        print(f"say:      {decision.say}")
    return 0


def _chat(args: argparse.Namespace) -> int:
    world = world_from(args)
    motion: TimedMotion | SimMotion
    if args.motion == "sim":
        from llmos_robot.kernel.simmotion import SimMotion

        motion = SimMotion(world)
    else:
        motion = TimedMotion(world, speedup=args.speedup)
    kernel, problems = _kernel(args, motion, speak=lambda text: print(f"\nrobot: {text}\nyou> ", end="", flush=True))
    for note in problems:
        print(f"note: {note}")
    print(f"robot: {kernel.probe()}")
    print(
        f"(type what you would say; Ctrl-D or 'quit' ends; tasks run on a pretend clock, {args.speedup:g}x real time)"
    )
    while True:
        try:
            line = input("you> ").strip()
        except EOFError:
            print()
            break
        if line.lower() in ("quit", "exit"):
            break
        if line:
            print(f"robot: {kernel.handle(line).say}")
    motion.stop()
    if isinstance(motion, TimedMotion):
        return 0
    motion.close()
    return 0
