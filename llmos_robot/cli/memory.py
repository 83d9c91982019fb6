"""`llmos-robot memory --db DIR remember|recall|last-cleaned|cleaned`: the memory store from a shell.

What is typed here counts as said by the user (provenance "user"); `cleaned` logs a cleaning as the
robot would. Output is a sentence, or JSON with --json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import Any

from llmos_robot.cli._common import add_world_argument, world_from
from llmos_robot.memory import MemoryRecord, MemoryStore, Provenance, make_embedder
from llmos_robot.memory.timeutil import iso

DEFAULT_DB = Path("~/.local/share/llmos_robot/memory")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    memory = subparsers.add_parser("memory", help="remember and recall facts, episodes and cleanings")
    memory.add_argument("--db", type=Path, default=DEFAULT_DB, help=f"memory folder (default {DEFAULT_DB})")
    memory.add_argument(
        "--embedder", choices=["minilm", "hashing"], default="minilm", help="sentence embedder (default minilm)"
    )
    add_world_argument(memory)
    actions = memory.add_subparsers(dest="memory_command", metavar="ACTION", required=True)

    remember = actions.add_parser("remember", help="store a fact (as said by the user)")
    remember.add_argument("text")
    remember.add_argument("--room", default="", help="the room it is about")
    remember.add_argument("--kind", default="fact", help="fact (default), episode, sighting, ...")
    remember.add_argument("--json", action="store_true", help="print the stored record as JSON")
    remember.set_defaults(handler=_remember)

    recall = actions.add_parser("recall", help="search by meaning (and room / time)")
    recall.add_argument("query", help='what to look for; "" lists the most recent')
    recall.add_argument("--room", default=None)
    recall.add_argument("--kind", default=None)
    recall.add_argument("--since", default=None, help="ISO time, e.g. 2026-11-29T08:00 (local) or ...Z (UTC)")
    recall.add_argument("-k", type=int, default=None, help="how many records (default 5)")
    recall.add_argument("--json", action="store_true")
    recall.set_defaults(handler=_recall)

    last = actions.add_parser("last-cleaned", help="when a room was last cleaned, exactly")
    last.add_argument("room")
    last.add_argument("--json", action="store_true")
    last.set_defaults(handler=_last_cleaned)

    cleaned = actions.add_parser("cleaned", help="log that a room was cleaned (as the robot does)")
    cleaned.add_argument("room")
    cleaned.add_argument("--task", default="clean_room")
    cleaned.add_argument("--coverage", type=float, default=1.0, help="fraction of the floor covered, 0..1")
    cleaned.add_argument("--when", default=None, help="ISO time (default now)")
    cleaned.set_defaults(handler=_cleaned)


def _open(args: argparse.Namespace) -> MemoryStore:
    return MemoryStore(args.db, make_embedder(args.embedder), world=world_from(args))


def _record_json(record: MemoryRecord) -> dict[str, Any]:
    data = dataclasses.asdict(record)
    data["provenance"] = record.provenance.value
    data["time"] = iso(record.stamp)
    data["position"] = list(record.position) if record.position else None
    return data


def _remember(args: argparse.Namespace) -> int:
    with _open(args) as store:
        record = store.remember(args.text, provenance=Provenance.USER, kind=args.kind, room=args.room)
    print(json.dumps(_record_json(record), indent=2) if args.json else f"remembered #{record.id}: {record.text}")
    return 0


def _recall(args: argparse.Namespace) -> int:
    with _open(args) as store:
        result = store.recall(args.query, room=args.room, kind=args.kind, since=args.since, k=args.k)
    if args.json:
        out = {"status": result.status.value, "sentence": result.sentence}
        print(json.dumps({**out, "records": [_record_json(r) for r in result.records]}, indent=2))
        return 0
    print(result.sentence)
    for r in result.records:
        where = f" [{r.room}]" if r.room else ""
        print(f"  {r.score:5.2f}  {iso(r.stamp)}  {r.kind}/{r.provenance.value}{where}  {r.text}")
    return 0


def _last_cleaned(args: argparse.Namespace) -> int:
    with _open(args) as store:
        result = store.last_cleaned(args.room)
    if args.json:
        data = dataclasses.asdict(result)
        data["status"] = result.status.value
        data["time"] = iso(result.stamp) if result.stamp is not None else None
        print(json.dumps(data, indent=2))
    else:
        print(result.sentence)
    return 0


def _cleaned(args: argparse.Namespace) -> int:
    with _open(args) as store:
        record = store.record_cleaning(args.room, args.task, args.coverage, when=args.when)
    print(f"remembered #{record.id}: {record.text}")
    return 0
