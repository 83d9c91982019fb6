"""The guard: deterministic checks on every proposed syscall before anything moves.

It never trusts the model. It checks provenance (only the user's own words may instruct; text
from memory, vision or a tool is data), referents (the room or place exists, outside no-go
zones), policy (a room cleaned recently is politely refused, naming when, unless the user
insists) and a rate limit on motion. `stop` is always accepted.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from llmos_robot.errors import UnknownPlaceError, UnknownRoomError
from llmos_robot.kernel.ports import MemoryPort
from llmos_robot.kernel.syscalls import MAX_TEXT_CHARS, Syscall
from llmos_robot.world import World
from llmos_robot.world.geometry import point_in_polygon


class Channel(Enum):
    """Where a piece of text came from. Only USER may instruct the robot."""

    USER = "user"
    MEMORY = "memory"
    VISION = "vision"
    TOOL = "tool"
    ROBOT = "robot"


class Verdict(Enum):
    ACCEPTED = "accepted"
    NOT_FROM_USER = "not_from_user"
    UNKNOWN_REFERENT = "unknown_referent"
    RECENTLY_CLEANED = "recently_cleaned"
    NO_GO_ZONE = "no_go_zone"
    RATE_LIMITED = "rate_limited"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class GuardConfig:
    recent_clean_s: float = 7200.0  # a room cleaned less than this ago is refused unless the user insists
    motion_rate_limit: int = 10  # motion syscalls accepted per window, at most
    rate_window_s: float = 60.0


@dataclass(frozen=True)
class GuardDecision:
    syscall: Syscall  # with referents resolved to the world's names
    verdict: Verdict
    reason: str  # for logs and `plan --json`
    say: str = ""  # what the robot says when it refuses ('' when accepted)

    @property
    def accepted(self) -> bool:
        return self.verdict is Verdict.ACCEPTED


class Guard:
    def __init__(self, world: World, memory: MemoryPort, config: GuardConfig = GuardConfig()) -> None:
        self.world = world
        self.memory = memory
        self.config = config
        self._motion_times: deque[datetime] = deque()

    def check(self, syscall: Syscall, channel: Channel, now: datetime, insist: bool = False) -> GuardDecision:
        """Accept or refuse; a refusal carries a polite sentence. Does not record anything."""
        if channel is not Channel.USER and syscall.name != "none":
            return GuardDecision(
                syscall,
                Verdict.NOT_FROM_USER,
                f"{syscall} came from {channel.value} text, which is data, not an instruction",
                f"I only take instructions from you; what I read from {channel.value} is just information.",
            )
        if syscall.name == "stop":
            return GuardDecision(syscall, Verdict.ACCEPTED, "stop always wins")
        resolved = self._resolve(syscall)
        if isinstance(resolved, GuardDecision):
            return resolved
        syscall = resolved
        if syscall.name in ("say", "remember", "recall") and len(syscall.arg()) > MAX_TEXT_CHARS:
            return GuardDecision(
                syscall, Verdict.MALFORMED, "text too long", "That is too long for me; please say it shorter."
            )
        if syscall.name == "clean_room":
            refusal = self._recently_cleaned(syscall, now, insist)
            if refusal is not None:
                return refusal
        if syscall.is_motion and self._rate_limited(now):
            return GuardDecision(
                syscall,
                Verdict.RATE_LIMITED,
                f"more than {self.config.motion_rate_limit} motion requests in {self.config.rate_window_s:.0f} s",
                "That is a lot of requests at once; please give me a moment.",
            )
        return GuardDecision(syscall, Verdict.ACCEPTED, "checks passed" + (" (user insisted)" if insist else ""))

    def record_motion(self, now: datetime) -> None:
        """Count an executed motion syscall toward the rate limit."""
        self._motion_times.append(now)

    def _resolve(self, syscall: Syscall) -> Syscall | GuardDecision:
        try:
            if syscall.name == "clean_room":
                return replace(syscall, args={"room": self.world.room(syscall.arg()).name})
            if syscall.name in ("spot_clean", "go_to"):
                name = syscall.arg()
                try:
                    place = self.world.place(name)
                except UnknownPlaceError:
                    if syscall.name == "go_to":  # a room is a fine destination too
                        return replace(syscall, args={"place": self.world.room(name).name})
                    raise
                for zone in self.world.no_go_zones:
                    if point_in_polygon(place.pose.x, place.pose.y, list(zone.polygon)):
                        return GuardDecision(
                            syscall,
                            Verdict.NO_GO_ZONE,
                            f"{place.name} is in no-go zone {zone.name}",
                            f"I'm not allowed near the {place.label}; it is in a no-go zone.",
                        )
                return replace(syscall, args={"place": place.name})
        except (UnknownRoomError, UnknownPlaceError) as err:
            known = sorted([r.label for r in self.world.rooms.values()] + [p.label for p in self.world.places.values()])
            sentence = (
                str(err)
                if syscall.name != "go_to"
                else (f"I don't know a place called {syscall.arg()!r}; I can go to: {', '.join(known)}.")
            )
            return GuardDecision(syscall, Verdict.UNKNOWN_REFERENT, f"unknown referent {syscall.arg()!r}", sentence)
        return syscall

    def _recently_cleaned(self, syscall: Syscall, now: datetime, insist: bool) -> GuardDecision | None:
        room = self.world.room(syscall.arg())
        last = self.memory.last_cleaned(room.name)
        if last is None:
            return None
        age = (now - last.when).total_seconds()
        if age >= self.config.recent_clean_s or age < 0:
            return None
        when = describe_time(last.when, now)
        if insist:
            return None
        return GuardDecision(
            syscall,
            Verdict.RECENTLY_CLEANED,
            f"{room.name} was cleaned {age:.0f} s ago by {last.task}",
            f"I already cleaned the {room.label} {when}. If you want it cleaned again anyway, just say so.",
        )

    def _rate_limited(self, now: datetime) -> bool:
        window = timedelta(seconds=self.config.rate_window_s)
        while self._motion_times and now - self._motion_times[0] > window:
            self._motion_times.popleft()
        return len(self._motion_times) >= self.config.motion_rate_limit


def describe_time(when: datetime, now: datetime) -> str:
    """ "at 10:42, 3 minutes ago" (local clock time, how long before `now`)."""
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 60:
        ago = "just now" if seconds < 10 else f"{seconds} seconds ago"
    elif seconds < 3600:
        minutes = seconds // 60
        ago = f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    else:
        hours = seconds // 3600
        ago = f"{hours} hour{'s' if hours != 1 else ''} ago"
    return f"at {when.astimezone().strftime('%H:%M')}, {ago}"
