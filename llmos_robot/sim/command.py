"""The gate every velocity command passes before it can reach the wheels.

Motion safety lives here, not in whoever sends the command: values that are not finite
or wildly out of range are rejected, fast ones are clamped to the base's limits, and a
command older than the timeout counts as "stop" (the watchdog).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum


class CommandStatus(Enum):
    ACCEPTED = "accepted"
    CLAMPED = "clamped"
    REJECTED = "rejected"


@dataclass(frozen=True)
class CommandVerdict:
    status: CommandStatus
    linear: float
    angular: float
    message: str = ""


@dataclass(frozen=True)
class CommandLimits:
    max_linear: float = 0.26  # m/s, TurtleBot3 waffle
    max_angular: float = 1.82  # rad/s
    absurd_factor: float = 10.0  # beyond this many times the limit a command is nonsense: reject it
    timeout: float = 0.5  # seconds without a command before the wheels stop


class VelocityCommandGate:
    """Validates, clamps and times out twist commands; `current(now)` is what the wheels get."""

    def __init__(self, limits: CommandLimits = CommandLimits()) -> None:
        self.limits = limits
        self._linear = 0.0
        self._angular = 0.0
        self._stamp: float | None = None

    def submit(self, linear: float, angular: float, now: float) -> CommandVerdict:
        limits = self.limits
        if not (math.isfinite(linear) and math.isfinite(angular)):
            self.stop()
            return CommandVerdict(
                CommandStatus.REJECTED,
                0.0,
                0.0,
                f"rejected a command that is not a number ({linear}, {angular}); stopping",
            )
        if (
            abs(linear) > limits.absurd_factor * limits.max_linear
            or abs(angular) > limits.absurd_factor * limits.max_angular
        ):
            self.stop()
            return CommandVerdict(
                CommandStatus.REJECTED,
                0.0,
                0.0,
                f"rejected an absurd command ({linear:.3g} m/s, {angular:.3g} rad/s); stopping",
            )
        clamped_linear = max(-limits.max_linear, min(limits.max_linear, linear))
        clamped_angular = max(-limits.max_angular, min(limits.max_angular, angular))
        self._linear, self._angular, self._stamp = clamped_linear, clamped_angular, now
        if (clamped_linear, clamped_angular) != (linear, angular):
            return CommandVerdict(
                CommandStatus.CLAMPED,
                clamped_linear,
                clamped_angular,
                f"clamped ({linear:.3g}, {angular:.3g}) to the limits "
                f"({clamped_linear:.3g} m/s, {clamped_angular:.3g} rad/s)",
            )
        return CommandVerdict(CommandStatus.ACCEPTED, linear, angular)

    def stop(self) -> None:
        self._linear = self._angular = 0.0
        self._stamp = None

    def current(self, now: float) -> tuple[float, float]:
        """The command in force at `now`: zero once the last one is older than the timeout."""
        if self._stamp is None or now - self._stamp > self.limits.timeout or now < self._stamp:
            return (0.0, 0.0)
        return (self._linear, self._angular)

    def timed_out(self, now: float) -> bool:
        return self._stamp is not None and now - self._stamp > self.limits.timeout
