"""Benchmarks behind `llmos-robot bench NAME`: each returns a JSON-able report.

Targets are compared as ratios within one run (machines here are shared and noisy); the
report states each goal next to what was measured.
"""

from __future__ import annotations

import importlib
import platform
import time
from collections.abc import Callable
from typing import Any

# name -> "module:function"; the function takes (seconds: float | None) and returns a report dict.
BENCHMARKS = {
    "sim": "llmos_robot.bench.sim:run",
    "memory": "llmos_robot.bench.memory:run",
    "speech": "llmos_robot.bench.speech:run",
    "vision": "llmos_robot.bench.vision:run",
    "kernel": "llmos_robot.bench.kernel:run",
    "coverage": "llmos_robot.bench.coverage:run",
    "localisation": "llmos_robot.bench.localisation:run",
}


def run(name: str, **options: Any) -> dict[str, Any]:
    module, function = BENCHMARKS[name].split(":")
    bench: Callable[..., dict[str, Any]] = getattr(importlib.import_module(module), function)
    started = time.time()
    report = bench(**options)
    return {
        "benchmark": name,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "machine": {"cpus": _cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        **report,
    }


def _cpu_count() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
