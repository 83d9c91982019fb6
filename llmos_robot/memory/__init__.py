"""The robot's memory (its file system): facts, episodes, sightings and the house, searchable by
meaning, time, room and place. SQLite (WAL) is the source of truth; a FAISS index of
all-MiniLM-L6-v2 embeddings is a cache rebuilt from it. Pure: no ROS.

The API (the kernel calls it in-process; the `memory` node wraps the same calls)::

    from llmos_robot.memory import MemoryStore, MiniLMEmbedder, Provenance
    store = MemoryStore("~/.local/share/llmos_robot/memory", MiniLMEmbedder(), world=load_world(path))

    store.remember("the bleach is in the cleaning cupboard", provenance=Provenance.USER,
                   kind="fact", room="hallway")          -> MemoryRecord (durable when it returns)
    store.recall("what do I use on the bathroom tiles?", room=None, kind=None, provenance=None,
                 since=None, until=None, near=None, radius=1.0, k=5)
                                                      -> RecallResult(status, records (best first,
                                                         .score = cosine), sentence)
    store.record_cleaning("kitchen", "clean_room", 0.93, when=None)  -> MemoryRecord (an episode)
    store.last_cleaned("kitchen")                      -> LastCleaned(status CLEANED | NEVER, stamp,
                                                         task, coverage, sentence) - exact, by time
    store.record_sighting("keys", position=(8.1, 6.5)) -> MemoryRecord (room found from the position)
    store.last_seen("my keys")                         -> MemoryRecord | None
    store.subscribe(callback)                          -> callback(record) after every store
    store.room_names(), store.room_at(x, y), store.count(), store.get(id), store.close()

Times (`when`, `since`, `until`) are epoch seconds, datetimes or ISO 8601 text (no zone = local).

Provenance: every record says where it came from: USER (a person said it), ROBOT (its own log),
VISION (the camera saw it), WORLD (imported from the world files). `record.provenance.may_instruct`
is true only for USER: text from any other source is data to quote, never an instruction to follow.

Errors (llmos_robot.errors, each with a sentence to say): MemoryInputError (empty, too long, not
UTF-8, a time in the future, bad kind/provenance/position), UnknownRoomError (says which rooms
exist), MemoryCorruptError (damaged database: left untouched), MemorySchemaError (written by a newer
version), EmbedderUnavailableError (model packages missing).

Durability: each remember is one SQLite transaction with synchronous=FULL, so an acknowledged
record survives a killed process or a power cut. The index file is written atomically every
`index_save_interval` records and on close; on start, records it lacks are re-added from SQLite, and
a missing, unreadable or mismatched index file is rebuilt from the embeddings stored in SQLite
(logged). `PRAGMA user_version` carries the schema version; `database.MIGRATIONS` upgrades old files.
"""

from llmos_robot.memory.config import MemoryConfig
from llmos_robot.memory.embedder import Embedder, HashingEmbedder, MiniLMEmbedder, make_embedder
from llmos_robot.memory.records import (
    CleanedStatus,
    LastCleaned,
    MemoryRecord,
    Provenance,
    RecallResult,
    RecallStatus,
)
from llmos_robot.memory.store import MemoryStore, NewRecord

__all__ = [
    "CleanedStatus",
    "Embedder",
    "HashingEmbedder",
    "LastCleaned",
    "MemoryConfig",
    "MemoryRecord",
    "MemoryStore",
    "MiniLMEmbedder",
    "NewRecord",
    "Provenance",
    "RecallResult",
    "RecallStatus",
    "make_embedder",
]
