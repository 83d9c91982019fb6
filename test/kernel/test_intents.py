"""The intent grammar and the syscall schema."""

from __future__ import annotations

import pytest

from llmos_robot.errors import SyscallError
from llmos_robot.kernel.intents import IntentParser, Vocabulary, insists, says_stop
from llmos_robot.kernel.syscalls import parse_proposal, proposal_schema


@pytest.fixture(scope="module")
def parser(house):  # type: ignore[no-untyped-def]
    return IntentParser(Vocabulary.from_world(house))


@pytest.mark.parametrize(
    ("utterance", "expected"),
    [
        ("the kitchen floor is filthy", "clean_room(room='kitchen')"),
        ("I spilled juice next to the couch", "spot_clean(place='sofa')"),
        ("park next to the cleaning cupboard", "go_to(place='cleaning_cupboard')"),  # "cleaning" is a name here
        ("go back to your dock", "dock()"),
        ("don't clean the bedroom", "none()"),
        ("remember that the keys are in the drawer", "remember(text='the keys are in the drawer')"),
        ("when did you last clean the hallway?", "recall(text='when did you last clean the hallway?')"),
        # Addressing the robot by name does not change the request.
        ("Robot, when did you last clean the kitchen?", "recall(text='Robot, when did you last clean the kitchen?')"),
        ("hey robot, clean the bathroom", "clean_room(room='bathroom')"),
    ],
)
def test_rules_understand_house_words(parser, utterance, expected):
    intent = parser.parse(utterance)
    assert intent.confident and str(intent.syscall) == expected


def test_rules_admit_when_they_do_not_know(parser):
    assert not parser.parse("the weekend plans are complicated").confident


def test_stop_and_insist_words():
    assert says_stop("Whoa, STOP!") and says_stop("please halt") and not says_stop("the bus stopover")
    assert insists("clean it anyway") and insists("I insist") and not insists("clean the kitchen")


def test_the_schema_allows_only_the_houses_rooms_and_parse_rejects_the_rest():
    schema = proposal_schema(["kitchen"], ["sofa"])
    assert schema["properties"]["room"]["enum"] == ["", "kitchen"]
    assert str(parse_proposal('{"syscall": "go_to", "room": "", "place": "sofa"}')) == "go_to(place='sofa')"
    for bad in ("not json", '{"syscall": "rm_rf"}', '{"syscall": "clean_room", "room": ""}', '{"syscall": 3}'):
        with pytest.raises(SyscallError):
            parse_proposal(bad)
