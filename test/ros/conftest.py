"""rclpy fixtures: a fresh context per test, its own executor thread, torn down afterwards."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

rclpy = pytest.importorskip("rclpy", reason="rclpy comes with `make setup`")
from rclpy.context import Context  # noqa: E402
from rclpy.executors import MultiThreadedExecutor  # noqa: E402


class RosHarness:
    """Nodes added here spin in a background executor until the test ends."""

    def __init__(self) -> None:
        self.context = Context()
        rclpy.init(context=self.context)
        # Enough threads that one busy node (a controller, a model) cannot starve the simulator's
        # /cmd_vel subscription: the tests time motion in wall-clock terms.
        self.executor = MultiThreadedExecutor(num_threads=4, context=self.context)
        self.nodes: list = []
        self._thread = threading.Thread(target=self._spin, daemon=True)
        self._stop = threading.Event()
        self._thread.start()

    def _spin(self) -> None:
        while not self._stop.is_set() and self.context.ok():
            self.executor.spin_once(timeout_sec=0.05)

    def add(self, node):
        self.nodes.append(node)
        self.executor.add_node(node)
        return node

    def node(self, name: str):
        return self.add(rclpy.create_node(name, context=self.context))

    @staticmethod
    def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.02)
        return condition()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for node in self.nodes:
            if hasattr(node, "shutdown"):
                node.shutdown()
            self.executor.remove_node(node)
            node.destroy_node()
        self.executor.shutdown()
        rclpy.shutdown(context=self.context)


@pytest.fixture
def ros() -> Iterator[RosHarness]:
    harness = RosHarness()
    try:
        yield harness
    finally:
        harness.close()
