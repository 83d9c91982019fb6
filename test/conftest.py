"""Shared fixtures. ROS tests run on localhost only, in a domain of their own, logging to tmp."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
HOUSE = REPO / "worlds" / "house.sdf"

# Set before any rclpy import: no multicast off this machine, and no cross-talk between runs.
os.environ.setdefault("ROS_AUTOMATIC_DISCOVERY_RANGE", "LOCALHOST")
os.environ.setdefault("ROS_DOMAIN_ID", str(100 + os.getpid() % 100))
os.environ.setdefault("ROS_LOG_DIR", tempfile.mkdtemp(prefix="llmos-ros-log-"))
os.environ.setdefault("MUJOCO_GL", "egl")


@pytest.fixture(scope="session")
def house_path() -> Path:
    return HOUSE


@pytest.fixture(scope="session")
def house():
    from llmos_robot.world import load_world

    return load_world(HOUSE)


@pytest.fixture(scope="session")
def house_grid(house):
    from llmos_robot.world import rasterise

    return rasterise(house)
