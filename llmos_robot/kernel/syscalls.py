"""System calls: the only things the kernel can do, each typed and described for the model.

The model never emits code, only one `Syscall` as JSON. `proposal_schema` builds the JSON schema
that constrained decoding follows; room and place names are enums taken from the world, so the
model cannot even spell a room that does not exist. `parse_proposal` turns the model's JSON back
into a `Syscall`, raising SyscallError on anything malformed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from llmos_robot.errors import SyscallError

# Longest free text (say / recall / remember) the model may put in a syscall.
MAX_TEXT_CHARS = 200


@dataclass(frozen=True)
class SyscallSpec:
    name: str
    arg: str | None  # the one argument's name ("room", "place", "text") or None
    doc: str  # what the model reads
    motion: bool = False  # starts or changes motion: only the user may ask, the guard checks it


SPECS: dict[str, SyscallSpec] = {
    s.name: s
    for s in (
        SyscallSpec("clean_room", "room", "vacuum a whole room", motion=True),
        SyscallSpec("spot_clean", "place", "clean the floor around one place (a spill, a mess)", motion=True),
        SyscallSpec("go_to", "place", "drive to a place and wait there", motion=True),
        SyscallSpec("dock", None, "go back to the charger", motion=True),
        SyscallSpec("stop", None, "stop moving at once, cancel the task"),
        SyscallSpec("pause", None, "pause the current task"),
        SyscallSpec("resume", None, "resume the paused task", motion=True),
        SyscallSpec("status", None, "tell what the robot is doing"),
        SyscallSpec("about", None, "tell which language model and backend the robot runs"),
        SyscallSpec("recall", "text", "answer a question from memory"),
        SyscallSpec("remember", "text", "store a fact the user tells"),
        SyscallSpec("say", "text", "repeat a sentence the user asks the robot to say"),
        SyscallSpec("none", None, "small talk or anything that needs no action"),
    )
}
MOTION_SYSCALLS = frozenset(name for name, spec in SPECS.items() if spec.motion)


@dataclass(frozen=True)
class Syscall:
    """One proposed system call: a name from SPECS and its argument (if it takes one)."""

    name: str
    args: Mapping[str, str] = field(default_factory=dict)

    @property
    def spec(self) -> SyscallSpec:
        return SPECS[self.name]

    @property
    def is_motion(self) -> bool:
        return self.name in MOTION_SYSCALLS

    def arg(self) -> str:
        """The single argument's value ('' when the syscall takes none)."""
        spec = SPECS.get(self.name)
        return str(self.args.get(spec.arg, "")) if spec and spec.arg else ""

    def to_json(self) -> dict[str, Any]:
        return {"syscall": self.name, "args": dict(self.args)}

    def __str__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.args.items())
        return f"{self.name}({inner})"


def make(name: str, value: str = "") -> Syscall:
    """A syscall from its name and one argument value, checked against SPECS."""
    if name not in SPECS:
        raise SyscallError(f"There is no system call named {name!r}; known: {', '.join(SPECS)}.")
    spec = SPECS[name]
    if spec.arg is None:
        return Syscall(name)
    if not value.strip():
        raise SyscallError(f"{name} needs a {spec.arg}.")
    return Syscall(name, {spec.arg: value.strip()[:MAX_TEXT_CHARS]})


def proposal_schema(rooms: Iterable[str], places: Iterable[str]) -> dict[str, Any]:
    """The JSON schema the model's answer must follow: flat (small models handle it best) and
    without free text: the text of recall / remember / say is taken from the user's own words."""
    return {
        "type": "object",
        "properties": {
            "syscall": {"type": "string", "enum": list(SPECS)},
            "room": {"type": "string", "enum": ["", *rooms]},
            "place": {"type": "string", "enum": ["", *places]},
        },
        "required": ["syscall", "room", "place"],
    }


def parse_proposal(raw: str, utterance: str = "") -> Syscall:
    """The model's JSON answer as a Syscall (text arguments = `utterance`); SyscallError if invalid."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as err:
        raise SyscallError(f"The model's answer is not JSON: {raw[:80]!r}.") from err
    if not isinstance(data, dict) or not isinstance(data.get("syscall"), str):
        raise SyscallError("The model's answer names no syscall.")
    name = data["syscall"]
    spec = SPECS.get(name)
    if spec is None:
        raise SyscallError(f"There is no system call named {name!r}.")
    if spec.arg == "text":
        return make(name, utterance)
    value = data.get(spec.arg, "") if spec.arg else ""
    if not isinstance(value, str):
        raise SyscallError(f"{name}: {spec.arg} must be text.")
    return make(name, value)


def describe_for_model() -> str:
    """One line per syscall: the spec the model reads in its system prompt."""
    lines = []
    for spec in SPECS.values():
        arg = f"({spec.arg})" if spec.arg else "()"
        lines.append(f"- {spec.name}{arg}: {spec.doc}")
    return "\n".join(lines)
