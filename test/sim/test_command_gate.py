"""The velocity gate: what reaches the wheels, whatever is sent."""

import math

from llmos_robot.sim import CommandLimits, CommandStatus, VelocityCommandGate


def gate() -> VelocityCommandGate:
    return VelocityCommandGate(CommandLimits(max_linear=0.26, max_angular=1.82, timeout=0.5))


def test_a_normal_command_passes_unchanged():
    g = gate()
    verdict = g.submit(0.2, -0.5, now=1.0)
    assert verdict.status is CommandStatus.ACCEPTED
    assert g.current(1.1) == (0.2, -0.5)


def test_not_a_number_is_rejected_and_stops_the_wheels():
    g = gate()
    g.submit(0.2, 0.0, now=1.0)
    for bad in (math.nan, math.inf, -math.inf):
        verdict = g.submit(bad, 0.0, now=1.1)
        assert verdict.status is CommandStatus.REJECTED
        assert "not a number" in verdict.message
        assert g.current(1.1) == (0.0, 0.0)


def test_absurd_speeds_are_rejected_fast_ones_clamped():
    g = gate()
    assert g.submit(50.0, 0.0, now=0.0).status is CommandStatus.REJECTED
    assert g.current(0.0) == (0.0, 0.0)
    verdict = g.submit(0.5, -3.0, now=0.0)
    assert verdict.status is CommandStatus.CLAMPED
    assert g.current(0.1) == (0.26, -1.82)


def test_watchdog_stops_when_commands_stop_arriving():
    g = gate()
    g.submit(0.2, 0.0, now=10.0)
    assert g.current(10.49) == (0.2, 0.0)
    assert g.current(10.51) == (0.0, 0.0)
    assert g.timed_out(10.51)
