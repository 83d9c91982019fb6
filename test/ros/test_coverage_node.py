"""The coverage node over real ROS 2: actions, services and topics against the sim node."""

from __future__ import annotations

import math
import threading
import time

import pytest
from llmos_interfaces.action import Clean, GoTo
from nav_msgs.msg import OccupancyGrid
from rclpy.action import ActionClient
from rclpy.parameter import Parameter
from std_srvs.srv import Trigger

from llmos_robot.coverage.planner import CoveragePlanner
from llmos_robot.ros.coverage_node import CoverageNode
from llmos_robot.ros.sim_node import SimNode

pytestmark = [pytest.mark.ros, pytest.mark.sim]


def start(ros, speed=2.0, command_timeout=0.5):
    sim = ros.add(
        SimNode(
            context=ros.context,
            parameter_overrides=[
                Parameter("real_time_factor", value=speed),
                Parameter("camera", value=False),
                Parameter("command_timeout", value=command_timeout),
            ],
        )
    )
    coverage = ros.add(
        CoverageNode(
            context=ros.context,
            parameter_overrides=[
                Parameter("localisation", value="ground_truth"),
                Parameter("use_sim_time", value=True),
                Parameter("cleaned_rate", value=2.0),
            ],
        )
    )
    return sim, coverage


def wait_future(ros, future, timeout=60.0):
    assert ros.wait_for(future.done, timeout=timeout), "no answer in time"
    return future.result()


def send(ros, client, goal, feedback=None):
    assert client.wait_for_server(timeout_sec=10.0)
    handle = wait_future(ros, client.send_goal_async(goal, feedback_callback=feedback))
    assert handle.accepted
    return handle


def watch_for_stop(sim, settle=0.3):
    """Start watching the wheels' command from now; returns `seconds_to_stop()`: how long, in the
    robot's (simulated) time from now, until the command went to zero and stayed zero for
    `settle` s (inf if it did not).

    The watch runs on its own thread from before the request is sent, so it times the robot, not
    how long the answer takes to reach the test: a test machine too busy to deliver messages
    promptly also delays the answer, and simulated time does not depend on the machine's load."""
    since = sim.sim.time
    stopped_at = []

    def watch():
        zero_since = None
        deadline = time.monotonic() + 15.0
        while time.monotonic() < deadline:
            now = sim.sim.time
            if sim.gate.current(now) != (0.0, 0.0):
                zero_since = None
            elif zero_since is None:
                zero_since = now
            elif now - zero_since >= settle:
                stopped_at.append(zero_since)
                return
            time.sleep(0.002)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()

    def seconds_to_stop():
        watcher.join(timeout=20.0)
        return stopped_at[0] - since if stopped_at else math.inf

    return seconds_to_stop


def test_go_to_the_dock_arrives_and_faces_it(ros):
    sim, _ = start(ros)
    client = ActionClient(ros.node("dock_client"), GoTo, "/coverage/go_to")
    handle = send(ros, client, GoTo.Goal(place="dock"))
    result = wait_future(ros, handle.get_result_async(), timeout=90.0).result
    assert result.outcome == GoTo.Result.OUTCOME_ARRIVED, result.sentence
    dock = sim.sim.world.dock
    pose = sim.sim.true_pose()
    assert pose.distance_to(dock) < 0.1
    assert abs(pose.yaw - dock.yaw) < 0.15
    assert result.path_length_m > 0.3


def test_unknown_room_is_refused_with_the_room_list_and_the_robot_stays(ros):
    sim, _ = start(ros)
    client = ActionClient(ros.node("bad_client"), Clean, "/coverage/clean")
    handle = send(ros, client, Clean.Goal(room="garage"))
    result = wait_future(ros, handle.get_result_async()).result
    assert result.outcome == Clean.Result.OUTCOME_UNKNOWN_ROOM
    assert "kitchen" in result.sentence and "garage" in result.sentence
    assert sim.sim.true_pose().distance_to(sim.sim.spawn) < 0.02


def test_spot_clean_publishes_progress_pauses_resumes_and_cancels_at_once(ros):
    # In real time: a stop crosses three callbacks of the one executor all these nodes share in a
    # test, which a faster-than-real-time simulation would hold to a tighter wall-clock budget.
    sim, _ = start(ros, speed=1.0)
    client_node = ros.node("spot_client")
    grids, feedback = [], []
    client_node.create_subscription(OccupancyGrid, "/coverage/cleaned", grids.append, 10)
    pause = client_node.create_client(Trigger, "/coverage/pause")
    resume = client_node.create_client(Trigger, "/coverage/resume")
    client = ActionClient(client_node, Clean, "/coverage/clean")
    goal = Clean.Goal(room="", spot_x=5.0, spot_y=5.0, spot_radius=0.6)
    handle = send(ros, client, goal, feedback=lambda msg: feedback.append(msg.feedback))

    assert ros.wait_for(lambda: feedback and feedback[-1].coverage > 0.1, timeout=60)
    assert feedback[0].state == "planning"  # before the plan is made, not 0% "cleaning"
    assert feedback[-1].state in ("driving to the start", "cleaning", "driving to the next lane")
    assert feedback[-1].remaining_s > 0
    assert ros.wait_for(lambda: grids and 50 in grids[-1].data)
    assert grids[-1].info.width * grids[-1].info.height == len(grids[-1].data)

    assert pause.wait_for_service(timeout_sec=5.0)
    seconds_to_stop = watch_for_stop(sim)
    assert wait_future(ros, pause.call_async(Trigger.Request())).success
    assert seconds_to_stop() <= 0.5
    held = sim.sim.true_pose()
    time.sleep(1.0)
    assert sim.sim.true_pose().distance_to(held) < 0.03
    assert wait_future(ros, resume.call_async(Trigger.Request())).success
    assert ros.wait_for(lambda: sim.sim.true_pose().distance_to(held) > 0.05, timeout=20)

    seconds_to_stop = watch_for_stop(sim)
    wait_future(ros, handle.cancel_goal_async())
    assert seconds_to_stop() <= 0.5
    result = wait_future(ros, handle.get_result_async()).result
    assert result.outcome == Clean.Result.OUTCOME_CANCELLED
    assert 0.0 < result.coverage < 1.0
    assert result.duration_s > 0 and result.path_length_m > 0
    assert "stopped" in result.sentence


def test_a_pause_stops_the_wheels_at_once_even_while_a_control_step_holds_the_node(ros):
    # The simulator's watchdog would stop the wheels by itself 0.5 s after the last command; give
    # it 5 s here, so only the node's own stop can pass.
    sim, coverage = start(ros, speed=1.0, command_timeout=5.0)
    client_node = ros.node("pause_client")
    pause = client_node.create_client(Trigger, "/coverage/pause")
    client = ActionClient(client_node, Clean, "/coverage/clean")
    feedback = []
    goal = Clean.Goal(room="", spot_x=5.0, spot_y=5.0, spot_radius=0.6)
    handle = send(ros, client, goal, feedback=lambda msg: feedback.append(msg.feedback))
    assert ros.wait_for(lambda: feedback and feedback[-1].coverage > 0.05, timeout=60)
    assert pause.wait_for_service(timeout_sec=5.0)

    seconds_to_stop = watch_for_stop(sim)
    with coverage._lock:  # as a control step does (on a busy machine it can take a while)
        answer = pause.call_async(Trigger.Request())
        took = seconds_to_stop()
    assert took <= 0.5
    assert wait_future(ros, answer).success
    wait_future(ros, handle.cancel_goal_async())
    assert wait_future(ros, handle.get_result_async()).result.outcome == Clean.Result.OUTCOME_CANCELLED


def test_while_it_plans_the_node_refuses_a_second_goal_keeps_its_pose_and_answers_a_cancel(ros, monkeypatch):
    # A plan that takes as long as the test wants: until `release` is set.
    release = threading.Event()
    plan_spot = CoveragePlanner.plan_spot

    def held(self, *args, **kwargs):
        release.wait(60.0)
        return plan_spot(self, *args, **kwargs)

    monkeypatch.setattr(CoveragePlanner, "plan_spot", held)
    sim, coverage = start(ros)
    client = ActionClient(ros.node("planning_client"), Clean, "/coverage/clean")
    goal = Clean.Goal(room="", spot_x=5.0, spot_y=5.0, spot_radius=0.4)
    feedback = []
    try:
        handle = send(ros, client, goal, feedback=lambda msg: feedback.append(msg.feedback))
        assert ros.wait_for(lambda: feedback and feedback[0].state == "planning", timeout=10)

        assert not wait_future(ros, client.send_goal_async(goal)).accepted  # one job at a time
        heard = coverage._last_pose_stamp  # the pose callbacks carry on while it plans
        assert ros.wait_for(lambda: coverage._last_pose_stamp > heard + 0.5, timeout=10)

        wait_future(ros, handle.cancel_goal_async())
        result = wait_future(ros, handle.get_result_async(), timeout=10).result
        assert not release.is_set()  # answered while the plan was still being made
        assert result.outcome == Clean.Result.OUTCOME_CANCELLED
        assert "before I started" in result.sentence
        assert sim.sim.true_pose().distance_to(sim.sim.spawn) < 0.02

        again = send(ros, client, goal)  # free for the next goal (asserts it is accepted)
    finally:
        release.set()
    wait_future(ros, again.cancel_goal_async())
    assert wait_future(ros, again.get_result_async(), timeout=30).result.outcome == Clean.Result.OUTCOME_CANCELLED


def test_conversions_round_trip_results_and_encode_the_cleaned_grid(house_grid):
    import numpy as np

    from llmos_robot.coverage.job import JobResult, Outcome
    from llmos_robot.ros import coverage_conversions as cconv

    result = JobResult(Outcome.FAILED, "I got stuck.", 0.5, 0.1, 12.0, 60.0, 2)
    back = cconv.clean_result_from_msg(cconv.clean_result_to_msg(result))
    assert back.outcome is Outcome.FAILED and back.sentence == "I got stuck." and back.collisions == 2
    assert back.coverage == pytest.approx(0.5) and back.duration_s == pytest.approx(60.0)
    assert cconv.go_to_result_to_msg(JobResult(Outcome.UNKNOWN_ROOM, "?")).outcome == GoTo.Result.OUTCOME_UNKNOWN_PLACE
    assert cconv.go_to_result_to_msg(JobResult(Outcome.COMPLETED, "ok")).outcome == GoTo.Result.OUTCOME_ARRIVED
    request = cconv.clean_request_from_goal(Clean.Goal(room="", spot_x=1.0, spot_y=2.0, spot_radius=0.5))
    assert request.is_spot and (request.spot_x, request.spot_y, request.spot_radius) == (1.0, 2.0, 0.5)

    passes = np.zeros(house_grid.shape, dtype=np.int32)
    reachable = np.zeros(house_grid.shape, dtype=bool)
    reachable[10:20, 10:20] = True
    passes[10, 10], passes[11, 11] = 1, 3
    msg = cconv.cleaned_grid_to_msg(house_grid, passes, reachable, 12.5)
    values = cconv.cleaned_passes_from_msg(msg)
    assert values[10, 10] == 50 and values[11, 11] == 100 and values[12, 12] == 0 and values[0, 0] == -1
    assert msg.info.origin.position.x == pytest.approx(house_grid.origin[0])
