"""The body of every node's main(): init, spin until Ctrl-C or shutdown, explain bad set-up, clean up."""

from __future__ import annotations

import sys
from collections.abc import Callable

import rclpy
from rclpy.executors import ExternalShutdownException, MultiThreadedExecutor, SingleThreadedExecutor
from rclpy.node import Node

from llmos_robot.errors import LlmosError


def run_node(name: str, make_node: Callable[[], Node], args: list[str] | None = None, threads: int = 1) -> None:
    """Run one node. A node with a `shutdown()` method gets it called (threads, devices) before it is destroyed.

    `threads` > 1 spins a MultiThreadedExecutor, for nodes whose callbacks wait on other callbacks
    (action clients, service calls from a callback group).
    """
    rclpy.init(args=args)
    node = None
    try:
        node = make_node()
        executor = MultiThreadedExecutor(num_threads=threads) if threads > 1 else SingleThreadedExecutor()
        executor.add_node(node)
        executor.spin()
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    except RuntimeError:
        # Stopped (Ctrl-C, the launcher) while a message was being taken: rclpy raises from inside
        # the wait set as the context goes away. Only that is quiet; anything while running is not.
        if rclpy.ok():
            raise
    except LlmosError as err:  # a bad world file, a missing model: one sentence, exit 1
        print(f"{name}: {err}", file=sys.stderr)
        raise SystemExit(1) from err
    finally:
        if node is not None:
            shutdown = getattr(node, "shutdown", None)
            if callable(shutdown):
                shutdown()
            node.destroy_node()
        rclpy.try_shutdown()
