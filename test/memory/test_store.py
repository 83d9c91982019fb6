"""The memory store's behaviour through its API, with the deterministic hashing embedder."""

from __future__ import annotations

import math

import pytest

from llmos_robot.errors import MemoryInputError, UnknownRoomError
from llmos_robot.memory import CleanedStatus, MemoryConfig, NewRecord, Provenance, RecallStatus

HOUR = 3600.0


def test_first_start_imports_the_house_as_world_records(store):
    assert store.room_names() == ["bathroom", "bedroom", "hallway", "kitchen", "living_room"]
    places = store.recall(kind="place", k=50).records
    assert len(places) == 15
    assert all(r.provenance is Provenance.WORLD and not r.provenance.may_instruct for r in places)
    cupboard = store.recall("cleaning cupboard hallway", kind="place", k=1).records[0]
    assert cupboard.room == "hallway" and cupboard.position == (5.0, 6.9)


def test_seeding_happens_once(open_store, store):
    count = store.count()
    store.close()
    assert open_store().count() == count


def test_remembered_fact_is_found_by_its_words_with_provenance(store):
    record = store.remember("the bleach is in the cleaning cupboard", provenance="user", room="the Hallway")
    assert record.room == "hallway" and record.provenance is Provenance.USER and record.provenance.may_instruct
    result = store.recall("where is the bleach?")
    assert result.status is RecallStatus.FOUND
    assert result.records[0].id == record.id
    assert result.records[0].score > result.records[1].score
    assert "bleach" in result.sentence


def test_last_cleaned_is_exact_after_several_cleanings_of_several_rooms(store, clock):
    # Cleanings are logged out of order: the answer is the latest by time, not the last inserted.
    plan = [
        ("kitchen", "clean_room", 0.91, clock.now - 30 * HOUR),
        ("bathroom", "clean_room", 0.85, clock.now - 20 * HOUR),
        ("kitchen", "spot_clean", 0.40, clock.now - 2 * HOUR),
        ("bedroom", "clean_room", 0.97, clock.now - 5 * HOUR),
        ("kitchen", "clean_room", 0.88, clock.now - 10 * HOUR),
        ("bathroom", "clean_room", 0.93, clock.now - 1 * HOUR),
    ]
    for room, task, coverage, when in plan:
        store.record_cleaning(room, task, coverage, when)
    kitchen = store.last_cleaned("Kitchen")
    assert kitchen.status is CleanedStatus.CLEANED
    assert (kitchen.stamp, kitchen.task, kitchen.coverage) == (clock.now - 2 * HOUR, "spot_clean", 0.40)
    assert "kitchen" in kitchen.sentence and "2 hours ago" in kitchen.sentence and "spot_clean" in kitchen.sentence
    assert store.last_cleaned("bathroom").stamp == clock.now - 1 * HOUR
    assert store.last_cleaned("bedroom").coverage == pytest.approx(0.97)
    living = store.last_cleaned("living room")
    assert living.status is CleanedStatus.NEVER and living.stamp is None and "living room" in living.sentence
    # Each cleaning is also an episode the robot can recall by room.
    episodes = store.recall(room="kitchen", kind="episode", k=10).records
    assert [r.task for r in episodes] == ["spot_clean", "clean_room", "clean_room"]
    assert all(r.provenance is Provenance.ROBOT for r in episodes)


def test_recall_filters_by_time_window_room_and_distance(store, clock):
    store.remember("a cup was left on the table", provenance="robot", room="kitchen", when=clock.now - 48 * HOUR)
    recent = store.remember("a cup was left on the counter", provenance="robot", room="kitchen", when=clock.now - HOUR)
    store.remember("a cup was left on the bed", provenance="robot", room="bedroom", when=clock.now - HOUR)
    found = store.recall("cup left", since=clock.now - 24 * HOUR, room="kitchen", kind="fact").records
    assert [r.id for r in found] == [recent.id]
    older = store.recall("cup left", until=clock.now - 24 * HOUR).records
    assert [r.text for r in older] == ["a cup was left on the table"]
    near_sofa = store.recall("", near=(8.0, 6.5), radius=0.5, k=10).records
    assert [r.text.split(" (")[0] for r in near_sofa] == ["The sofa"]
    assert all(math.hypot(r.position[0] - 8.0, r.position[1] - 6.5) <= 0.5 for r in near_sofa)


def test_recall_without_query_lists_most_recent_first(store, clock):
    for i in range(3):
        clock.advance(60)
        store.remember(f"note number {i}", provenance="user", kind="note")
    assert [r.text for r in store.recall(kind="note").records] == ["note number 2", "note number 1", "note number 0"]


def test_recall_with_no_match_says_so(store):
    result = store.recall("anything", room="bedroom", kind="fact")
    assert result.status is RecallStatus.NOTHING and result.records == []
    assert "bedroom" in result.sentence


def test_sighting_gets_its_room_from_the_position_and_last_seen_is_latest(store, clock):
    store.record_sighting("keys", position=(1.0, 5.0), when=clock.now - HOUR)
    latest = store.record_sighting("my keys", position=(8.5, 6.0))
    seen = store.last_seen("the keys")
    assert seen is not None and seen.id == latest.id and seen.room == "living_room"
    assert seen.provenance is Provenance.VISION
    assert store.last_seen("umbrella") is None


def test_every_stored_record_is_announced(store):
    heard = []
    store.subscribe(heard.append)
    store.remember("the vacuum bags are in the hallway", provenance="user")
    store.record_cleaning("kitchen", "clean_room", 0.9)
    assert [r.kind for r in heard] == ["fact", "episode"]


def test_import_is_all_or_nothing(store):
    before = store.count()
    with pytest.raises(MemoryInputError):
        store.import_records([NewRecord("fine", "user"), NewRecord("", "user")])
    assert store.count() == before


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("x" * 1_000_000, "too long"),
        (b"caf\xc3", "UTF-8"),
        ("caf" + b"\xff".decode("utf-8", "surrogateescape"), "UTF-8"),  # what argv holds for a bad byte
    ],
)
def test_bad_text_gets_a_clear_error(store, text, words):
    before = store.count()
    with pytest.raises(MemoryInputError, match=words):
        store.remember(text, provenance="user")
    assert store.count() == before


def test_unknown_room_error_names_the_rooms(store):
    with pytest.raises(UnknownRoomError, match=r"garage.*bathroom, bedroom, hallway, kitchen, living room"):
        store.remember("the bike is here", provenance="user", room="garage")
    with pytest.raises(UnknownRoomError):
        store.last_cleaned("garage")
    with pytest.raises(UnknownRoomError):
        store.recall("bike", room="garage")


def test_a_time_in_the_future_is_refused(store, clock):
    with pytest.raises(MemoryInputError, match="future"):
        store.record_cleaning("kitchen", "clean_room", 0.9, when=clock.now + 3 * HOUR)
    with pytest.raises(MemoryInputError, match="future"):
        store.remember("tomorrow's news", provenance="user", when="2099-01-01T00:00:00Z")
    store.remember("clocks differ a little", provenance="robot", when=clock.now + 10)  # within tolerance


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"provenance": "someone"}, "user, robot, vision, world"),
        ({"provenance": "user", "kind": "Not A Kind"}, "kind"),
        ({"provenance": "user", "position": (float("nan"), 1.0)}, "finite"),
        ({"provenance": "user", "when": "yesterday-ish"}, "ISO 8601"),
    ],
)
def test_bad_fields_get_clear_errors(store, arguments, words):
    with pytest.raises(MemoryInputError, match=words):
        store.remember("a valid text", **arguments)


def test_bad_recall_and_cleaning_arguments(store):
    with pytest.raises(MemoryInputError, match="fraction"):
        store.record_cleaning("kitchen", "clean_room", 93)
    with pytest.raises(MemoryInputError, match="radius"):
        store.recall("x", near=(1.0, 1.0), radius=-1.0)
    with pytest.raises(MemoryInputError, match="positive"):
        store.recall("x", k=-3)
    with pytest.raises(MemoryInputError, match="too long"):
        store.recall("y" * 5000)


def test_limits_come_from_the_config(open_store):
    store = open_store(config=MemoryConfig(max_text_chars=10, default_k=2))
    with pytest.raises(MemoryInputError, match="at most 10"):
        store.remember("eleven char", provenance="user")
    assert len(store.recall("room").records) == 2


def test_what_a_person_said_outranks_the_robots_similar_log(open_store):
    store = open_store()
    log = store.remember("the mop is in the hallway cupboard", provenance="robot", kind="episode")
    told = store.remember("the mop is kept in the hallway cupboard", provenance="user")
    assert store.recall("where is the mop in the hallway cupboard", k=1).records[0].id == told.id
    store.close()
    plain = open_store(config=MemoryConfig(user_fact_bonus=0.0))
    assert plain.recall("where is the mop in the hallway cupboard", k=1).records[0].id == log.id
