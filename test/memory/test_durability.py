"""Durability: killed writers, lost or damaged index files, damaged databases, schema upgrades."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from llmos_robot.errors import MemoryCorruptError, MemorySchemaError
from llmos_robot.memory import HashingEmbedder, MemoryStore
from llmos_robot.memory.database import DATABASE_FILE, MIGRATIONS, SCHEMA_VERSION, migrate
from llmos_robot.memory.index import INDEX_FILE, NOTE_FILE
from llmos_robot.memory.store import iter_records

WRITER = textwrap.dedent(
    """
    import sys
    from llmos_robot.memory import HashingEmbedder, MemoryStore
    store = MemoryStore(sys.argv[1], HashingEmbedder())
    i = 0
    while True:
        record = store.remember(f"note {i}: the robot wrote this", provenance="robot")
        print(record.id, i, flush=True)  # acknowledged: remember() has returned
        i += 1
    """
)


def test_a_writer_killed_mid_stream_loses_no_acknowledged_record(tmp_path):
    folder = tmp_path / "memory"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(folder)], stdout=subprocess.PIPE, text=True, env=os.environ.copy()
    )
    acknowledged: dict[str, str] = {}
    try:
        assert writer.stdout is not None
        deadline = time.monotonic() + 120
        while len(acknowledged) < 150 and time.monotonic() < deadline:
            line = writer.stdout.readline()
            if not line:
                break
            record_id, number = line.split()
            acknowledged[record_id] = f"note {number}: the robot wrote this"
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    assert len(acknowledged) >= 150, "the writer did not get going"
    assert not (folder / INDEX_FILE).exists()  # killed long before its first index save
    logs: list[str] = []
    with MemoryStore(folder, HashingEmbedder(), log=logs.append) as store:
        stored = {r.id: r.text for r in iter_records(store)}
        assert all(stored.get(record_id) == text for record_id, text in acknowledged.items())
        # The index was rebuilt from SQLite: the last acknowledged note is searchable.
        last_id = max(acknowledged, key=int)
        assert store.recall(acknowledged[last_id], k=1).records[0].text == acknowledged[last_id]
    assert any("rebuilding the search index" in line for line in logs)


def test_records_stored_after_the_last_index_save_are_added_back(tmp_path, house, clock):
    folder = tmp_path / "memory"
    store = MemoryStore(folder, HashingEmbedder(), world=house, clock=clock)
    store.save_index()
    store.remember("the spare batteries are in the kitchen drawer", provenance="user")
    store._db.close()  # a crash: no close(), so the index file lacks the last record
    logs: list[str] = []
    with MemoryStore(folder, HashingEmbedder(), clock=clock, log=logs.append) as reopened:
        assert reopened.recall("spare batteries", k=1).records[0].text.startswith("the spare batteries")
    assert any("lacked" in line for line in logs)


@pytest.mark.parametrize("damage", ["missing", "garbage", "truncated", "stale note"])
def test_a_missing_or_corrupt_index_is_rebuilt_from_sqlite_with_a_log_line(tmp_path, house, clock, damage):
    folder = tmp_path / "memory"
    with MemoryStore(folder, HashingEmbedder(), world=house, clock=clock) as store:
        fact = store.remember("the mop lives behind the bathroom door", provenance="user")
        count = store.count()
    index_file = folder / INDEX_FILE
    if damage == "missing":
        index_file.unlink()
    elif damage == "garbage":
        index_file.write_bytes(os.urandom(4096))
    elif damage == "truncated":
        index_file.write_bytes(index_file.read_bytes()[:1000])
    else:
        (folder / NOTE_FILE).write_text('{"dimension": 256, "embedder": "hashing-256", "size": 3, "max_id": 3}')
    logs: list[str] = []
    with MemoryStore(folder, HashingEmbedder(), clock=clock, log=logs.append) as store:
        assert store.count() == count
        assert store.recall("mop lives behind", k=1).records[0].id == fact.id
    assert any("rebuilding the search index" in line for line in logs)
    with MemoryStore(folder, HashingEmbedder(), clock=clock, log=logs.clear) as store:  # rebuilt file is good
        assert store.recall("mop", k=1).records[0].id == fact.id


@pytest.mark.parametrize("damage", ["garbage", "zeroed pages"])
def test_a_corrupt_database_is_a_clear_error_and_is_never_emptied(tmp_path, house, clock, damage):
    folder = tmp_path / "memory"
    with MemoryStore(folder, HashingEmbedder(), world=house, clock=clock) as store:
        for i in range(200):
            store.remember(f"fact number {i} about the house", provenance="user")
    database = folder / DATABASE_FILE
    data = bytearray(database.read_bytes())
    if damage == "garbage":
        data[:100] = os.urandom(100)  # the header: no longer an SQLite file
    else:
        data[4096 * 2 : 4096 * 6] = bytes(4096 * 4)  # b-tree pages wiped
    database.write_bytes(bytes(data))
    before = database.read_bytes()
    with pytest.raises(MemoryCorruptError, match=r"damaged.*not changed it"):
        MemoryStore(folder, HashingEmbedder(), world=house, clock=clock)
    assert database.read_bytes() == before


def test_an_old_database_is_migrated_and_keeps_its_records(tmp_path, clock):
    folder = tmp_path / "memory"
    folder.mkdir()
    connection = sqlite3.connect(folder / DATABASE_FILE, isolation_level=None)
    migrate(connection, folder / DATABASE_FILE, target=1)  # a file written by schema version 1
    vector = HashingEmbedder().embed(["the bins go out on tuesday"])[0].tobytes()
    connection.execute(
        "INSERT INTO records (kind, text, provenance, stamp, created, embedding) VALUES (?, ?, ?, ?, ?, ?)",
        ("fact", "the bins go out on tuesday", "user", clock.now, clock.now, vector),
    )
    connection.execute("INSERT INTO meta (key, value) VALUES ('embedder', 'hashing-256')")
    connection.close()
    with MemoryStore(folder, HashingEmbedder(), clock=clock) as store:
        assert store.recall("when do the bins go out", k=1).records[0].text == "the bins go out on tuesday"
        store.record_sighting("bin bag", room="")  # uses the column version 2 added
        assert store.last_seen("bin bag") is not None
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)


def test_a_database_from_a_newer_version_is_refused(tmp_path, house, clock):
    folder = tmp_path / "memory"
    MemoryStore(folder, HashingEmbedder(), world=house, clock=clock).close()
    connection = sqlite3.connect(folder / DATABASE_FILE)
    connection.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(MemorySchemaError, match="newer"):
        MemoryStore(folder, HashingEmbedder(), clock=clock)


def test_changing_the_embedder_re_embeds_every_record(tmp_path, house, clock):
    folder = tmp_path / "memory"
    with MemoryStore(folder, HashingEmbedder(256), world=house, clock=clock) as store:
        fact = store.remember("the dog sleeps in the kitchen", provenance="user")
    logs: list[str] = []
    with MemoryStore(folder, HashingEmbedder(64), clock=clock, log=logs.append) as store:
        assert store.recall("dog sleeps", k=1).records[0].id == fact.id
    assert any("re-embedding" in line for line in logs)
