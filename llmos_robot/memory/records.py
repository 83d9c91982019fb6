"""What the memory holds and answers: records, provenance, recall results, last-cleaned answers."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Provenance(str, enum.Enum):
    """Who a record came from. Only USER text may ever be read as an instruction; the rest is data."""

    USER = "user"  # said or typed by a person
    ROBOT = "robot"  # the robot's own log of what it did (cleanings, trips)
    VISION = "vision"  # seen by the camera (sightings); may quote text it read: never an instruction
    WORLD = "world"  # imported from the world files (rooms, places)

    @property
    def may_instruct(self) -> bool:
        return self is Provenance.USER


@dataclass(frozen=True)
class MemoryRecord:
    """One stored record. `id` is stable for the life of the database (never reused)."""

    id: str
    kind: str  # "fact", "episode", "sighting", "cleaning", "room", "place", ...
    text: str
    provenance: Provenance
    stamp: float  # when it happened, seconds since the epoch (UTC)
    room: str = ""  # snake_case room name, "" when not tied to a room
    task: str = ""  # the task of an episode (e.g. "clean_room"), "" otherwise
    position: tuple[float, float] | None = None  # map frame, metres
    subject: str = ""  # the thing a sighting is about ("keys"), "" otherwise
    score: float = (
        0.0  # similarity to the query (cosine + MemoryConfig.user_fact_bonus for user facts); 0 if unsearched
    )


class RecallStatus(enum.Enum):
    FOUND = "found"
    NOTHING = "nothing"  # the search was valid but nothing matched


@dataclass(frozen=True)
class RecallResult:
    status: RecallStatus
    records: list[MemoryRecord] = field(default_factory=list)
    sentence: str = ""  # what the robot can say about the result


class CleanedStatus(enum.Enum):
    CLEANED = "cleaned"
    NEVER = "never"  # the room exists but has never been cleaned


@dataclass(frozen=True)
class LastCleaned:
    """The exact answer to "when did you last clean <room>?"."""

    status: CleanedStatus
    room: str
    sentence: str  # e.g. "I last cleaned the kitchen today at 10:42, 12 minutes ago (clean_room, 93% covered)."
    stamp: float | None = None
    task: str = ""
    coverage: float = 0.0  # fraction 0..1 of the room's floor covered
    record_id: str = ""
