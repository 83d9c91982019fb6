"""The planner kernel: LLM backends, syscalls, the guard, the process table and the context window.

The model proposes one syscall as schema-constrained JSON; deterministic code (intent rules, the
guard) disposes. Pure: no rclpy; memory and motion come in through the Protocols in `ports`.
"""

from llmos_robot.kernel.guard import Channel, Guard, GuardConfig, GuardDecision, Verdict
from llmos_robot.kernel.kernel import Decision, Kernel, KernelConfig, Mode
from llmos_robot.kernel.ports import CleanedRecord, MemoryItem, MemoryPort, MotionOutcome, MotionPort, MotionResult
from llmos_robot.kernel.processes import Process, ProcessState, ProcessTable
from llmos_robot.kernel.syscalls import SPECS, Syscall

__all__ = [
    "SPECS",
    "Channel",
    "CleanedRecord",
    "Decision",
    "Guard",
    "GuardConfig",
    "GuardDecision",
    "Kernel",
    "KernelConfig",
    "MemoryItem",
    "MemoryPort",
    "Mode",
    "MotionOutcome",
    "MotionPort",
    "MotionResult",
    "Process",
    "ProcessState",
    "ProcessTable",
    "Syscall",
    "Verdict",
]
