"""End to end with the real all-MiniLM-L6-v2 model: questions find facts by meaning, not words."""

from __future__ import annotations

import pytest

from llmos_robot.memory import MemoryStore, MiniLMEmbedder, Provenance

FACTS = {
    "bleach": "The bleach is in the cleaning cupboard; it is for the bathroom tiles.",
    "polish": "Use the wood polish on the coffee table, never water.",
    "glass": "The glass cleaner spray is for the mirrors and the windows.",
    "bags": "Spare vacuum bags are kept in the hallway cupboard.",
    "cat": "The cat is not allowed in the bedroom.",
    "rug": "The rug in the living room must only be vacuumed on the low setting.",
}


@pytest.fixture(scope="module")
def minilm():
    return MiniLMEmbedder(threads=2)


@pytest.fixture
def store(tmp_path, house, minilm):
    with MemoryStore(tmp_path / "memory", minilm, world=house) as store:
        ids = {key: store.remember(text, provenance=Provenance.USER).id for key, text in FACTS.items()}
        store.record_cleaning("bathroom", "clean_room", 0.92)
        store.record_cleaning("kitchen", "clean_room", 0.88)
        yield store, ids


def test_what_do_i_use_on_the_bathroom_tiles_finds_the_bleach_fact(store):
    memory, ids = store
    result = memory.recall("what do I use on the bathroom tiles?", k=3)
    assert result.records[0].id == ids["bleach"]
    assert "bleach" in result.sentence


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("how should I clean the wooden table in the lounge?", "polish"),
        ("what goes on the mirror?", "glass"),
        ("where are the replacement bags for the hoover?", "bags"),
        ("can the kitty go into the room where we sleep?", "cat"),
    ],
)
def test_paraphrased_questions_find_their_fact(store, question, key):
    memory, ids = store
    assert memory.recall(question, k=1).records[0].id == ids[key]


def test_the_house_itself_is_searchable_by_meaning(store):
    memory, _ = store
    best = memory.recall("where does the robot charge?", kind="place", k=1).records[0]
    assert "docking station" in best.text and best.provenance is Provenance.WORLD
