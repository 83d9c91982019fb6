"""A second deterministic intent layer: nearest neighbour over syscall exemplars by meaning.

The grammar (`intents.py`) knows exact phrasings; this one catches paraphrases ("quit moving",
"the floor is gross") by comparing sentence embeddings (all-MiniLM-L6-v2, shipped by a package)
with a few generic exemplars per syscall. The argument still comes from the house's own words,
so it can only name rooms and places the user said. Below `threshold` it admits it does not know.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from llmos_robot.kernel.intents import Intent, Vocabulary, normalise
from llmos_robot.kernel.syscalls import make

if TYPE_CHECKING:
    from llmos_robot.world import World

# Generic phrasings; no room or place names (the argument comes from the vocabulary).
EXEMPLARS: dict[str, tuple[str, ...]] = {
    "clean_room": (
        "clean this room",
        "vacuum the floor in there",
        "that room is dirty",
        "the floor in there is disgusting",
        "someone made a mess of that room",
        "there is sand and dirt all over that room",
        "give that room a good clean",
    ),
    "spot_clean": (
        "there is a spill next to it",
        "something got knocked over beside it",
        "clean the little mess near that",
        "there are bits on the floor by it",
    ),
    "go_to": ("go over there", "come to that spot", "meet me there", "drive over to it", "wait over there"),
    "dock": ("go back to your charger", "time to charge your battery", "return to your base", "you are done, go home"),
    "stop": ("stop moving", "quit it right now", "stop what you are doing", "cut it out, freeze"),
    "pause": ("wait a moment", "hang on for a second", "hold still for now"),
    "resume": ("you can carry on now", "continue what you were doing", "go ahead and keep working"),
    "status": ("what are you doing right now", "are you still busy", "how is the job going", "what is happening"),
    "about": ("which language model are you", "what AI model runs you"),
    "recall": ("when did you last do that", "have you cleaned it recently", "where did you see my things"),
    "none": (
        "hello there",
        "how are you",
        "that is funny",
        "what can you do",
        "I am going to sleep",
        "nice weather today",
        "thank you very much",
    ),
}
MOTION_WITH_REFERENT = {"clean_room": "room", "spot_clean": "place", "go_to": "any"}


class SentenceEmbedder(Protocol):
    def embed(self, texts: Sequence[str]) -> Any:
        """One unit-length row per text (numpy float32)."""
        ...


class SemanticIntents:
    def __init__(self, embedder: SentenceEmbedder, vocabulary: Vocabulary, threshold: float = 0.55) -> None:
        self.embedder = embedder
        self.vocabulary = vocabulary
        self.threshold = threshold
        self._labels = [name for name, phrases in EXEMPLARS.items() for _ in phrases]
        self._vectors = np.asarray(embedder.embed([p for phrases in EXEMPLARS.values() for p in phrases]))

    def parse(self, utterance: str) -> Intent:
        text = normalise(utterance)
        if not text:
            return Intent(make("none"), False, "semantic: empty")
        # Compare meanings with the house's nouns masked, so "kitchen" does not pull toward a room.
        vector = np.asarray(self.embedder.embed([self.vocabulary.mask(text).replace("#", "it")]))[0]
        scores = self._vectors @ vector
        best = int(np.argmax(scores))
        name, score = self._labels[best], float(scores[best])
        if score < self.threshold:
            return Intent(make("none"), False, f"semantic: unsure ({name} {score:.2f})")
        rule = f"semantic: {name} {score:.2f}"
        if name not in MOTION_WITH_REFERENT:
            value = utterance.strip() if name == "recall" else ""
            return Intent(make(name, value), True, rule)
        room, place = self.vocabulary.find(text)
        wanted = MOTION_WITH_REFERENT[name]
        if name == "clean_room" and room is None and place is not None:
            name, wanted = "spot_clean", "place"
        referent = room if wanted == "room" else place if wanted == "place" else (place or room)
        if referent is None:
            return Intent(make("none"), False, f"{rule}, but no room or place named")
        return Intent(make(name, referent), True, rule)


def load_semantic(world: World, threads: int = 0) -> SemanticIntents:
    """The semantic layer with the shipped all-MiniLM-L6-v2 (via the memory part's embedder);
    ImportError when sentence-transformers / the model package are not installed."""
    from llmos_robot.memory import MiniLMEmbedder

    return SemanticIntents(MiniLMEmbedder(threads=threads), Vocabulary.from_world(world))
