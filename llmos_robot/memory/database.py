"""The SQLite file behind the memory: opening it safely, its schema and the migrations.

SQLite (WAL journal) is the source of truth; the FAISS index is a cache rebuilt from it. A file
that is not a healthy database raises MemoryCorruptError and is never modified, let alone emptied.
`PRAGMA user_version` holds the schema version; MIGRATIONS take any older file to the current one,
each step in its own transaction.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from llmos_robot.errors import MemoryCorruptError, MemorySchemaError

DATABASE_FILE = "memory.sqlite"

# Version n is reached by running MIGRATIONS[n - 1]. Append; never edit a released step.
MIGRATIONS: list[str] = [
    # 1: records (with their embeddings), the house's rooms and places, cleanings, metadata.
    """
    CREATE TABLE records (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        room TEXT NOT NULL DEFAULT '',
        task TEXT NOT NULL DEFAULT '',
        provenance TEXT NOT NULL,
        stamp REAL NOT NULL,
        x REAL,
        y REAL,
        created REAL NOT NULL,
        embedding BLOB
    );
    CREATE INDEX records_stamp ON records (stamp);
    CREATE INDEX records_room_stamp ON records (room, stamp);
    CREATE INDEX records_kind_stamp ON records (kind, stamp);
    CREATE TABLE rooms (name TEXT PRIMARY KEY, label TEXT NOT NULL, polygon TEXT NOT NULL);
    CREATE TABLE places (
        name TEXT PRIMARY KEY, room TEXT NOT NULL, x REAL NOT NULL, y REAL NOT NULL, yaw REAL NOT NULL,
        aliases TEXT NOT NULL, description TEXT NOT NULL
    );
    CREATE TABLE cleanings (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        record_id INTEGER NOT NULL REFERENCES records (id),
        room TEXT NOT NULL,
        task TEXT NOT NULL,
        coverage REAL NOT NULL,
        stamp REAL NOT NULL
    );
    CREATE INDEX cleanings_room_stamp ON cleanings (room, stamp);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: sightings name what was seen, so "where did you last see my keys?" is an exact lookup.
    """
    ALTER TABLE records ADD COLUMN subject TEXT NOT NULL DEFAULT '';
    CREATE INDEX records_subject_stamp ON records (subject, stamp);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def open_database(path: Path, synchronous: str = "FULL") -> sqlite3.Connection:
    """Open (or create) the database at `path`, check it, and bring its schema up to date."""
    if synchronous not in ("FULL", "NORMAL", "EXTRA"):
        raise ValueError(f"synchronous must be FULL, NORMAL or EXTRA, got {synchronous!r}")
    exists = path.exists() and path.stat().st_size > 0
    try:
        connection = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as err:
        raise MemoryCorruptError(f"I can't open my memory database {path}: {err}.") from err
    try:
        if exists:
            _check_health(connection, path)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute(f"PRAGMA synchronous={synchronous}")
        connection.execute("PRAGMA foreign_keys=ON")
        migrate(connection, path)
    except BaseException:
        connection.close()
        raise
    return connection


def _check_health(connection: sqlite3.Connection, path: Path) -> None:
    advice = "I have not changed it. Restore it from a backup, or move it aside to start with an empty memory."
    try:
        rows = connection.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as err:
        raise MemoryCorruptError(f"My memory database {path} is damaged ({err}). {advice}") from err
    problems = [str(row[0]) for row in rows if row[0] != "ok"]
    if problems:
        raise MemoryCorruptError(f"My memory database {path} is damaged ({'; '.join(problems[:3])}). {advice}")


def schema_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def migrate(connection: sqlite3.Connection, path: Path, target: int = SCHEMA_VERSION) -> int:
    """Run the migrations from the file's version up to `target`; returns the version reached."""
    version = schema_version(connection)
    if version > SCHEMA_VERSION:
        raise MemorySchemaError(
            f"My memory database {path} has schema version {version}, newer than the {SCHEMA_VERSION} this "
            "llmos_robot understands; update llmos_robot to read it."
        )
    if version > 0 and not _has_table(connection, "records"):
        raise MemoryCorruptError(f"My memory database {path} claims schema version {version} but has no records.")
    if version == 0 and _has_table(connection, "records"):
        raise MemoryCorruptError(f"{path} has a records table but no schema version; I will not guess what it is.")
    while version < target:
        script = MIGRATIONS[version]
        statements = [s.strip() for s in script.split(";") if s.strip()]
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in statements:
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version={version + 1}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        version += 1
    return version


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    row = connection.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone()
    return row is not None
