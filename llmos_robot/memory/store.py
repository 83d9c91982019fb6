"""MemoryStore: remember and recall records by meaning, time, room and place; exact last-cleaned.

See the package docstring (`llmos_robot.memory`) for the API the kernel calls.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

from llmos_robot.errors import MemoryCorruptError, MemoryInputError, UnknownRoomError
from llmos_robot.memory.config import MemoryConfig
from llmos_robot.memory.database import DATABASE_FILE, open_database
from llmos_robot.memory.embedder import Embedder, Vectors
from llmos_robot.memory.index import IndexFileError, VectorIndex
from llmos_robot.memory.records import (
    CleanedStatus,
    LastCleaned,
    MemoryRecord,
    Provenance,
    RecallResult,
    RecallStatus,
)
from llmos_robot.memory.timeutil import ago, parse_time, spoken_when
from llmos_robot.world.geometry import point_in_polygon
from llmos_robot.world.model import World

Clock = Callable[[], float]
Log = Callable[[str], None]
Listener = Callable[[MemoryRecord], None]
TimeLike = float | int | str | datetime

_KIND = re.compile(r"^[a-z][a-z_]{0,31}$")
_ROOM = re.compile(r"^[a-z0-9_]{1,64}$")
_COLUMNS = "id, kind, text, room, task, provenance, stamp, x, y, subject"
_BATCH = 2000  # rows read from SQLite per step when (re)building the index


@dataclass(frozen=True)
class NewRecord:
    """A record to store (validated by the store). `when` None = now."""

    text: str | bytes
    provenance: Provenance | str
    kind: str = "fact"
    room: str = ""
    task: str = ""
    position: tuple[float, float] | None = None
    when: TimeLike | None = None
    subject: str = ""


@dataclass(frozen=True)
class _Row:
    kind: str
    text: str
    room: str
    task: str
    provenance: Provenance
    stamp: float
    position: tuple[float, float] | None
    subject: str


@dataclass(frozen=True)
class _Filters:
    room: str | None = None
    kind: str | None = None
    provenance: Provenance | None = None
    since: float | None = None
    until: float | None = None
    near: tuple[float, float] | None = None
    radius: float = 0.0

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.room, self.kind, self.provenance, self.since, self.until, self.near))


class MemoryStore:
    """The robot's memory in one folder: `memory.sqlite` (truth) + `index.faiss` (search cache).

    Thread-safe: one lock serialises calls. Several processes may open the same folder; each
    sees the others' records at its next call (the index catches up from SQLite).
    """

    def __init__(
        self,
        folder: Path | str,
        embedder: Embedder,
        *,
        world: World | None = None,
        config: MemoryConfig | None = None,
        clock: Clock = time.time,
        log: Log | None = None,
    ) -> None:
        self.folder = Path(folder).expanduser()
        self.config = config or MemoryConfig()
        self._embedder = embedder
        self._clock = clock
        # Rebuilds and imports are worth a line; without a logger of the caller's, Python's warnings go to stderr.
        self._log: Log = log or logging.getLogger("llmos_robot.memory").warning
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._unsaved = 0
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise MemoryCorruptError(f"I can't create my memory folder {self.folder}: {err}.") from err
        self._db = open_database(self.folder / DATABASE_FILE, self.config.synchronous)
        faiss.omp_set_num_threads(max(1, self.config.search_threads))
        try:
            self._adopt_embedder()
            self._index = self._open_index()
            if world is not None and self._meta("world") is None:
                self.seed_world(world)
        except BaseException:
            self._db.close()
            raise

    # -- the API ------------------------------------------------------------------------------

    def remember(
        self,
        text: str | bytes,
        *,
        provenance: Provenance | str,
        kind: str = "fact",
        room: str = "",
        task: str = "",
        position: tuple[float, float] | None = None,
        when: TimeLike | None = None,
        subject: str = "",
    ) -> MemoryRecord:
        """Store one record; it is durable (committed to disk) when this returns."""
        new = NewRecord(text, provenance, kind, room, task, position, when, subject)
        return self.import_records([new])[0]

    def import_records(self, records: Sequence[NewRecord], vectors: Vectors | None = None) -> list[MemoryRecord]:
        """Store many records in one transaction (all or none). `vectors`: their embeddings, if
        already computed with this store's embedder (one unit-length row per record)."""
        rows = [self._validate(record) for record in records]
        if vectors is None:
            vectors = self._embedder.embed([row.text for row in rows])
        elif vectors.shape != (len(rows), self._embedder.dimension):
            raise MemoryInputError(f"Expected {len(rows)} vectors of {self._embedder.dimension} numbers.")
        with self._lock:
            ids = self._commit(rows, vectors)
        return self._announce(ids)

    def record_cleaning(
        self,
        room: str,
        task: str,
        coverage: float,
        when: TimeLike | None = None,
        *,
        provenance: Provenance | str = Provenance.ROBOT,
    ) -> MemoryRecord:
        """Note that `room` was cleaned by `task`, covering `coverage` (0..1) of its floor, at `when`."""
        if not isinstance(coverage, int | float) or not 0.0 <= float(coverage) <= 1.0:
            raise MemoryInputError(f"Coverage must be a fraction between 0 and 1, got {coverage!r}.")
        task = self._short(task, "task")
        if not task:
            raise MemoryInputError("Say which task did the cleaning (e.g. clean_room).")
        key = self._room_key(room)
        label = key.replace("_", " ")
        text = f"I cleaned the {label} ({task}, {round(float(coverage) * 100)}% of the floor covered)."
        row = self._validate(NewRecord(text, provenance, "episode", key, task, None, when))
        vectors = self._embedder.embed([row.text])
        with self._lock:
            ids = self._commit([row], vectors, cleaning=(key, task, float(coverage)))
        return self._announce(ids)[0]

    def last_cleaned(self, room: str) -> LastCleaned:
        """Exactly when `room` was last cleaned and by which task (the latest by time, not by insertion)."""
        key = self._room_key(room)
        label = key.replace("_", " ")
        with self._lock:
            row = self._db.execute(
                "SELECT stamp, task, coverage, record_id FROM cleanings WHERE room = ? "
                "ORDER BY stamp DESC, id DESC LIMIT 1",
                (key,),
            ).fetchone()
        if row is None:
            return LastCleaned(CleanedStatus.NEVER, key, f"I have no record of cleaning the {label}.")
        stamp, task, coverage, record_id = float(row[0]), str(row[1]), float(row[2]), str(row[3])
        now = self._clock()
        sentence = (
            f"I last cleaned the {label} {spoken_when(stamp, now)}, {ago(now - stamp)} "
            f"({task}, {round(coverage * 100)}% covered)."
        )
        return LastCleaned(CleanedStatus.CLEANED, key, sentence, stamp, task, coverage, record_id)

    def record_sighting(
        self,
        subject: str,
        *,
        room: str = "",
        position: tuple[float, float] | None = None,
        when: TimeLike | None = None,
        provenance: Provenance | str = Provenance.VISION,
        text: str = "",
    ) -> MemoryRecord:
        """Note that `subject` (e.g. "keys") was seen; the room follows from `position` when not given."""
        name = self._subject(subject)
        if not room and position is not None:
            room = self.room_at(*self._position(position)) or ""
        key = self._room_key(room) if room else ""
        where = f" in the {key.replace('_', ' ')}" if key else ""
        if position is not None:
            where += f" at ({position[0]:.1f}, {position[1]:.1f})"
        return self.remember(
            text or f"I saw the {name}{where}.",
            provenance=provenance,
            kind="sighting",
            room=key,
            position=position,
            when=when,
            subject=name,
        )

    def last_seen(self, subject: str) -> MemoryRecord | None:
        """The latest sighting of `subject`, or None if it was never seen."""
        name = self._subject(subject)
        with self._lock:
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM records WHERE subject = ? ORDER BY stamp DESC, id DESC LIMIT 1", (name,)
            ).fetchone()
        return None if row is None else _record(row)

    def recall(
        self,
        query: str | bytes = "",
        *,
        room: str | None = None,
        kind: str | None = None,
        provenance: Provenance | str | None = None,
        since: TimeLike | None = None,
        until: TimeLike | None = None,
        near: tuple[float, float] | None = None,
        radius: float = 1.0,
        k: int | None = None,
    ) -> RecallResult:
        """Records by meaning (`query`, best first, with scores), filtered by room, kind, provenance,
        time window and distance from `near`; with no query, the most recent first."""
        filters = self._filters(room, kind, provenance, since, until, near, radius)
        count = self._k(k)
        text = self._clean_text(query, allow_empty=True)
        if not text:
            with self._lock:
                records = self._recent(filters, count)
            return self._result(records, filters)
        vector = self._embedder.embed([text])[0]
        return self._result(self._search(vector, filters, count), filters)

    def recall_by_vector(self, vector: Vectors, *, k: int | None = None, **filters: Any) -> RecallResult:
        """`recall` with a query already embedded by this store's embedder (benchmarks, batch use)."""
        checked = self._filters(**filters)
        return self._result(self._search(vector, checked, self._k(k)), checked)

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(record)` after every record is stored (from the storing thread)."""
        self._listeners.append(listener)

    def room_names(self) -> list[str]:
        with self._lock:
            return [str(r[0]) for r in self._db.execute("SELECT name FROM rooms ORDER BY name")]

    def room_at(self, x: float, y: float) -> str | None:
        with self._lock:
            rooms = self._db.execute("SELECT name, polygon FROM rooms ORDER BY name").fetchall()
        for name, polygon in rooms:
            if point_in_polygon(x, y, [tuple(p) for p in json.loads(polygon)]):
                return str(name)
        return None

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM records").fetchone()[0])

    def get(self, record_id: str) -> MemoryRecord | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM records WHERE id = ?", (int(record_id),)).fetchone()
        return None if row is None else _record(row)

    def seed_world(self, world: World) -> None:
        """Import the house's rooms and places (provenance "world"); done once, on first start."""
        rooms = list(world.rooms.values())
        places = list(world.places.values())
        rows = [
            _Row(
                "room",
                f"The {r.label} is a room of the house, {r.area:.0f} square metres.",
                r.name,
                "",
                Provenance.WORLD,
                self._clock(),
                r.centroid,
                "",
            )
            for r in rooms
        ]
        for p in places:
            also = f" (also called {', '.join(p.aliases)})" if p.aliases else ""
            about = f": {p.description}" if p.description else ""
            text = f"The {p.label}{also} is in the {p.room.replace('_', ' ')}{about}."
            rows.append(_Row("place", text, p.room, "", Provenance.WORLD, self._clock(), (p.pose.x, p.pose.y), p.label))
        vectors = self._embedder.embed([row.text for row in rows])
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for r in rooms:
                    self._db.execute(
                        "INSERT OR REPLACE INTO rooms (name, label, polygon) VALUES (?, ?, ?)",
                        (r.name, r.label, json.dumps([list(p) for p in r.polygon])),
                    )
                for p in places:
                    self._db.execute(
                        "INSERT OR REPLACE INTO places (name, room, x, y, yaw, aliases, description) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (p.name, p.room, p.pose.x, p.pose.y, p.pose.yaw, json.dumps(list(p.aliases)), p.description),
                    )
                self._insert_rows(rows, vectors)
                self._set_meta("world", world.name)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._catch_up()
        self._log(f"memory: imported {len(rooms)} rooms and {len(places)} places from world {world.name!r}")

    def save_index(self) -> None:
        with self._lock:
            self._catch_up()
            self._index.save(self.folder)
            self._unsaved = 0

    def close(self) -> None:
        with self._lock:
            if self._unsaved:
                self.save_index()
            self._db.close()

    def __enter__(self) -> MemoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------------

    def _commit(self, rows: list[_Row], vectors: Vectors, cleaning: tuple[str, str, float] | None = None) -> list[int]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            ids = self._insert_rows(rows, vectors)
            if cleaning is not None:
                room, task, coverage = cleaning
                self._db.execute(
                    "INSERT INTO cleanings (record_id, room, task, coverage, stamp) VALUES (?, ?, ?, ?, ?)",
                    (ids[0], room, task, coverage, rows[0].stamp),
                )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._catch_up()
        self._unsaved += len(ids)
        if self._unsaved >= self.config.index_save_interval:
            self._index.save(self.folder)
            self._unsaved = 0
        return ids

    def _insert_rows(self, rows: list[_Row], vectors: Vectors) -> list[int]:
        now = self._clock()
        ids = []
        for row, vector in zip(rows, vectors, strict=True):
            x, y = row.position if row.position is not None else (None, None)
            cursor = self._db.execute(
                "INSERT INTO records (kind, text, room, task, provenance, stamp, x, y, created, embedding, subject) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    row.kind,
                    row.text,
                    row.room,
                    row.task,
                    row.provenance.value,
                    row.stamp,
                    x,
                    y,
                    now,
                    np.asarray(vector, dtype=np.float32).tobytes(),
                    row.subject,
                ),
            )
            ids.append(int(cursor.lastrowid or 0))
        return ids

    def _announce(self, ids: list[int]) -> list[MemoryRecord]:
        with self._lock:
            records = self._fetch(ids)
        for record in records:
            for listener in self._listeners:
                listener(record)
        return records

    # -- the index ----------------------------------------------------------------------------

    def _adopt_embedder(self) -> None:
        """Record which embedder made the stored vectors; re-embed everything if it changed."""
        stored = self._meta("embedder")
        name = self._embedder.name
        if stored == name:
            return
        total = int(self._db.execute("SELECT count(*) FROM records").fetchone()[0])
        if stored is not None and total:
            self._log(f"memory: the embedder changed from {stored} to {name}; re-embedding {total} records")
            last = 0
            while True:
                rows = self._db.execute(
                    "SELECT id, text FROM records WHERE id > ? ORDER BY id LIMIT ?", (last, _BATCH)
                ).fetchall()
                if not rows:
                    break
                vectors = self._embedder.embed([str(r[1]) for r in rows])
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany(
                    "UPDATE records SET embedding = ? WHERE id = ?",
                    [(v.tobytes(), int(r[0])) for r, v in zip(rows, vectors, strict=True)],
                )
                self._db.execute("COMMIT")
                last = int(rows[-1][0])
        self._set_meta("embedder", name)

    def _open_index(self) -> VectorIndex:
        dimension, name = self._embedder.dimension, self._embedder.name
        total = int(self._db.execute("SELECT count(*) FROM records").fetchone()[0])
        try:
            index = VectorIndex.load(self.folder, dimension, name)
            indexed = int(self._db.execute("SELECT count(*) FROM records WHERE id <= ?", (index.max_id,)).fetchone()[0])
            if indexed != index.size:
                raise IndexFileError(f"it holds {index.size} records where the database has {indexed}")
        except IndexFileError as err:
            if total:
                self._log(f"memory: rebuilding the search index from the database ({err})")
            index = VectorIndex(dimension, name)
        self._index = index
        self._user_facts = self._load_user_facts(index.max_id)
        before = index.size
        self._catch_up()
        added = index.size - before
        if added and before:
            self._log(f"memory: added {added} records that the index file lacked (stored after its last save)")
        if added:
            index.save(self.folder)
        return index

    def _load_user_facts(self, up_to: int) -> VectorIndex:
        """A small second index of what people told the robot (kind fact, provenance user), so those
        facts are always among the candidates, however many near-duplicate logs outrank them."""
        facts = VectorIndex(self._embedder.dimension, self._embedder.name)
        rows = self._db.execute(
            "SELECT id, embedding FROM records WHERE kind = 'fact' AND provenance = 'user' AND id <= ?", (up_to,)
        ).fetchall()
        if rows:
            facts.add((int(r[0]) for r in rows), self._vectors(rows))
        return facts

    def _vectors(self, rows: Sequence[Sequence[Any]]) -> Vectors:
        blob = b"".join(r[1] for r in rows)
        return np.frombuffer(blob, dtype=np.float32).reshape(len(rows), self._embedder.dimension)

    def _catch_up(self) -> None:
        """Add to the index every record committed (by any process) since it was last updated."""
        latest = self._db.execute("SELECT max(id) FROM records").fetchone()[0]
        if latest is None or int(latest) <= self._index.max_id:
            return
        last = self._index.max_id
        while True:
            rows = self._db.execute(
                "SELECT id, embedding, kind, provenance FROM records WHERE id > ? ORDER BY id LIMIT ?", (last, _BATCH)
            ).fetchall()
            if not rows:
                return
            self._index.add((int(r[0]) for r in rows), self._vectors(rows))
            facts = [r for r in rows if r[2] == "fact" and r[3] == Provenance.USER.value]
            if facts:
                self._user_facts.add((int(r[0]) for r in facts), self._vectors(facts))
            last = int(rows[-1][0])

    # -- reading ------------------------------------------------------------------------------

    def _search(self, vector: NDArray[np.float32], filters: _Filters, k: int) -> list[MemoryRecord]:
        with self._lock:
            self._catch_up()
            allowed = self._allowed_ids(filters) if filters.any else None
            bonus = self.config.user_fact_bonus
            hits = self._index.search(vector, k, allowed)
            if bonus:  # the best user facts compete too, however far down the main ranking they are
                seen = {h.record_id for h in hits}
                hits += [h for h in self._user_facts.search(vector, k, allowed) if h.record_id not in seen]
            records = {r.id: r for r in self._fetch([h.record_id for h in hits])}
        scored = [
            _with_score(record, h.score + (bonus if _is_user_fact(record) else 0.0))
            for h in hits
            if (record := records.get(str(h.record_id))) is not None
        ]
        return sorted(scored, key=lambda r: -r.score)[:k]

    def _allowed_ids(self, filters: _Filters) -> NDArray[np.int64]:
        where, params = _where(filters)
        if filters.near is None:
            ids = [int(r[0]) for r in self._db.execute(f"SELECT id FROM records WHERE {where}", params)]
            return np.array(ids, dtype=np.int64)
        rows = self._db.execute(f"SELECT id, x, y FROM records WHERE {where}", params).fetchall()
        nx, ny = filters.near
        close = [int(i) for i, x, y in rows if math.hypot(x - nx, y - ny) <= filters.radius]
        return np.array(close, dtype=np.int64)

    def _recent(self, filters: _Filters, k: int) -> list[MemoryRecord]:
        where, params = _where(filters)
        records = []
        query = f"SELECT {_COLUMNS} FROM records WHERE {where} ORDER BY stamp DESC, id DESC"
        for row in self._db.execute(query, params):
            record = _record(row)
            if filters.near is not None and not _within(record, filters):
                continue
            records.append(record)
            if len(records) >= k:
                break
        return records

    def _fetch(self, ids: Sequence[int]) -> list[MemoryRecord]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM records WHERE id IN ({marks})", list(ids)).fetchall()
        by_id = {int(row[0]): _record(row) for row in rows}
        return [by_id[i] for i in ids if i in by_id]

    def _result(self, records: list[MemoryRecord], filters: _Filters) -> RecallResult:
        if not records:
            scope = f" about the {filters.room.replace('_', ' ')}" if filters.room else ""
            return RecallResult(RecallStatus.NOTHING, [], f"I don't remember anything{scope} that matches.")
        best = records[0]
        source = "" if best.provenance is Provenance.USER else f" ({best.provenance.value} memory)"
        more = f" and {len(records) - 1} more" if len(records) > 1 else ""
        return RecallResult(RecallStatus.FOUND, records, f"I remember: {best.text}{source}{more}.")

    # -- validation ---------------------------------------------------------------------------

    def _validate(self, new: NewRecord) -> _Row:
        text = self._clean_text(new.text, allow_empty=False)
        kind = new.kind or "fact"
        if not _KIND.match(kind):
            raise MemoryInputError(f"A memory's kind is one lower-case word like 'fact' or 'episode', not {kind!r}.")
        return _Row(
            kind=kind,
            text=text,
            room=self._room_key(new.room) if new.room else "",
            task=self._short(new.task, "task"),
            provenance=_provenance(new.provenance),
            stamp=self._when(new.when),
            position=self._position(new.position) if new.position is not None else None,
            subject=self._subject(new.subject) if new.subject else "",
        )

    def _clean_text(self, text: str | bytes, allow_empty: bool) -> str:
        if isinstance(text, bytes):
            try:
                text = text.decode("utf-8")
            except UnicodeDecodeError as err:
                raise MemoryInputError(f"The text is not valid UTF-8 (bad byte at position {err.start}).") from err
        if not isinstance(text, str):
            raise MemoryInputError(f"The text must be a string, not {type(text).__name__}.")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as err:  # lone surrogates: undecodable bytes smuggled in through argv
            raise MemoryInputError(f"The text is not valid UTF-8 (bad character at position {err.start}).") from err
        if "\x00" in text:
            raise MemoryInputError("The text contains a NUL character.")
        text = " ".join(text.split())
        if not text and not allow_empty:
            raise MemoryInputError("There is nothing to remember: the text is empty.")
        if len(text) > self.config.max_text_chars:
            raise MemoryInputError(
                f"That text is too long to remember: {len(text)} characters, at most {self.config.max_text_chars}."
            )
        return text

    def _room_key(self, room: str) -> str:
        key = " ".join(str(room).split()).lower().replace(" ", "_")
        if key.startswith("the_"):
            key = key[4:]
        with self._lock:
            known = self.room_names()
        if known and key not in known:
            raise UnknownRoomError(room, [name.replace("_", " ") for name in known])
        if not _ROOM.match(key):
            raise MemoryInputError(f"{room!r} is not a usable room name (letters, digits and spaces only).")
        return key

    def _when(self, when: TimeLike | None) -> float:
        now = self._clock()
        if when is None:
            return now
        if isinstance(when, str):
            stamp = parse_time(when)
        elif isinstance(when, datetime):
            stamp = (when if when.tzinfo else when.astimezone()).timestamp()
        elif isinstance(when, int | float) and not isinstance(when, bool):
            stamp = float(when)
        else:
            raise MemoryInputError(f"A time must be seconds since the epoch, a datetime or ISO text, not {when!r}.")
        if not math.isfinite(stamp) or stamp < 0:
            raise MemoryInputError(f"{when!r} is not a usable time.")
        if stamp > now + self.config.future_tolerance_s:
            raise MemoryInputError(
                f"That time is {stamp - now:.0f} s in the future: I only remember what has already happened."
            )
        return stamp

    def _position(self, position: tuple[float, float]) -> tuple[float, float]:
        try:
            x, y = float(position[0]), float(position[1])
        except (TypeError, ValueError, IndexError) as err:
            raise MemoryInputError(f"A position is two numbers (x, y) in metres, not {position!r}.") from err
        if not (math.isfinite(x) and math.isfinite(y)):
            raise MemoryInputError(f"A position must be finite, got ({x}, {y}).")
        return (x, y)

    def _short(self, value: str, what: str) -> str:
        value = " ".join(str(value).split())
        if len(value) > 64:
            raise MemoryInputError(f"The {what} name is too long ({len(value)} characters, at most 64).")
        return value

    def _subject(self, subject: str) -> str:
        words = " ".join(str(subject).split()).lower().split(" ")
        while words and words[0] in ("the", "my", "a", "an", "our", "your"):
            words = words[1:]
        name = " ".join(words)
        if not name:
            raise MemoryInputError("Say what was seen (e.g. 'keys').")
        return self._short(name, "object")

    def _k(self, k: int | None) -> int:
        if k is None or k == 0:
            return self.config.default_k
        if not isinstance(k, int) or k < 0:
            raise MemoryInputError(f"How many memories to return must be a positive number, not {k!r}.")
        return min(k, self.config.max_k)

    def _filters(
        self,
        room: str | None = None,
        kind: str | None = None,
        provenance: Provenance | str | None = None,
        since: TimeLike | None = None,
        until: TimeLike | None = None,
        near: tuple[float, float] | None = None,
        radius: float = 1.0,
    ) -> _Filters:
        if near is not None and not (math.isfinite(radius) and radius > 0):
            raise MemoryInputError(f"The search radius must be a positive number of metres, not {radius!r}.")
        if kind and not _KIND.match(kind):
            raise MemoryInputError(f"A memory's kind is one lower-case word like 'fact' or 'episode', not {kind!r}.")
        return _Filters(
            room=self._room_key(room) if room else None,
            kind=kind or None,
            provenance=_provenance(provenance) if provenance else None,
            since=self._when(since) if since not in (None, "") else None,
            until=self._when(until) if until not in (None, "") else None,
            near=self._position(near) if near is not None else None,
            radius=float(radius),
        )

    # -- metadata -----------------------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


def _provenance(value: Provenance | str) -> Provenance:
    if isinstance(value, Provenance):
        return value
    try:
        return Provenance(str(value).strip().lower())
    except ValueError:
        names = ", ".join(p.value for p in Provenance)
        raise MemoryInputError(f"Say who a memory came from: one of {names} (got {value!r}).") from None


def _where(filters: _Filters) -> tuple[str, list[Any]]:
    clauses: list[str] = ["1=1"]
    params: list[Any] = []
    if filters.room is not None:
        clauses.append("room = ?")
        params.append(filters.room)
    if filters.kind is not None:
        clauses.append("kind = ?")
        params.append(filters.kind)
    if filters.provenance is not None:
        clauses.append("provenance = ?")
        params.append(filters.provenance.value)
    if filters.since is not None:
        clauses.append("stamp >= ?")
        params.append(filters.since)
    if filters.until is not None:
        clauses.append("stamp <= ?")
        params.append(filters.until)
    if filters.near is not None:
        (nx, ny), r = filters.near, filters.radius
        clauses.append("x BETWEEN ? AND ? AND y BETWEEN ? AND ?")
        params += [nx - r, nx + r, ny - r, ny + r]
    return " AND ".join(clauses), params


def _within(record: MemoryRecord, filters: _Filters) -> bool:
    if filters.near is None:
        return True
    if record.position is None:
        return False
    return math.hypot(record.position[0] - filters.near[0], record.position[1] - filters.near[1]) <= filters.radius


def _record(row: Sequence[Any]) -> MemoryRecord:
    record_id, kind, text, room, task, provenance, stamp, x, y, subject = row
    try:
        source = Provenance(provenance)
    except ValueError:
        source = Provenance.ROBOT  # never USER: an unreadable provenance is treated as data
    position = (float(x), float(y)) if x is not None and y is not None else None
    return MemoryRecord(
        str(record_id), str(kind), str(text), source, float(stamp), str(room), str(task), position, str(subject)
    )


def _is_user_fact(record: MemoryRecord) -> bool:
    return record.kind == "fact" and record.provenance is Provenance.USER


def _with_score(record: MemoryRecord, score: float) -> MemoryRecord:
    return replace(record, score=score)


def iter_records(store: MemoryStore) -> Iterator[MemoryRecord]:
    """Every record, oldest id first (for export and tests)."""
    last = 0
    while True:
        with store._lock:
            rows = store._db.execute(
                f"SELECT {_COLUMNS} FROM records WHERE id > ? ORDER BY id LIMIT ?", (last, _BATCH)
            ).fetchall()
        if not rows:
            return
        for row in rows:
            yield _record(row)
        last = int(rows[-1][0])
