"""`llmos-robot bench NAME`: run a benchmark and write its JSON report."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from llmos_robot.bench import BENCHMARKS, run
from llmos_robot.cli._common import write_json


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    bench = subparsers.add_parser("bench", help="measure speed and quality targets; writes a JSON report")
    bench.add_argument("name", choices=sorted(BENCHMARKS), help="what to measure")
    bench.add_argument("--out", type=Path, default=None, help="report file (default out/bench-NAME.json)")
    bench.add_argument(
        "--seconds", type=float, default=None, help="simulated seconds per configuration, where it applies"
    )
    bench.set_defaults(handler=_bench)


def _bench(args: argparse.Namespace) -> int:
    report = run(args.name, seconds=args.seconds)
    out = args.out or Path("out") / f"bench-{args.name}.json"
    write_json(out, report)
    print(json.dumps(report, indent=2))
    print(f"wrote {out}")
    return 0
