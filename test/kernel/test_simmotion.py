"""End to end on the embedded simulator: the kernel drives real coverage jobs in MuJoCo."""

from __future__ import annotations

import time

import pytest

from llmos_robot.kernel import Kernel, ProcessState

pytestmark = pytest.mark.sim


def _wait_idle(kernel: Kernel, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while kernel.processes.running() is not None and time.monotonic() < deadline:
        time.sleep(0.05)


def test_the_kernel_drives_the_simulated_robot_and_stop_cancels_a_clean(house, memory, clock, spoken):
    from llmos_robot.kernel.simmotion import SimMotion

    motion = SimMotion(house)
    try:
        kernel = Kernel(house, memory, motion, [], clock=clock, speak=spoken.append)
        start = motion.sim.true_pose()
        kernel.handle("go to the cleaning cupboard")
        _wait_idle(kernel)
        assert kernel.processes.snapshot()[-1].state is ProcessState.DONE
        assert spoken[-1] == "I arrived at the cleaning cupboard."
        target = house.places["cleaning_cupboard"].pose
        end = motion.sim.true_pose()
        assert abs(end.x - target.x) + abs(end.y - target.y) < 0.3 and (end.x, end.y) != (start.x, start.y)

        kernel.handle("clean the hallway")
        deadline = time.monotonic() + 30
        while kernel.processes.running().progress < 0.02 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "cleaning the hallway" in kernel.handle("what are you doing?").say
        kernel.handle("stop")
        process = kernel.processes.snapshot()[-1]
        assert process.state is ProcessState.CANCELLED and 0.0 < process.progress < 1.0
        assert memory.last_cleaned("hallway") is None  # a cancelled clean is not an episode of cleaning
    finally:
        motion.close()
