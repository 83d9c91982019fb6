"""Words: WER, the wake phrase, stop commands, the vocabulary prompt, transcript cleaning."""

from __future__ import annotations

import pytest

from llmos_robot.speech.listener import strip_wake_phrase
from llmos_robot.speech.playback import is_stop_command
from llmos_robot.speech.stt import clean_text, vocabulary_prompt
from llmos_robot.speech.wer import word_error_rate, word_errors


def test_word_errors_count_substitutions_insertions_and_deletions():
    assert word_errors("Clean the kitchen.", "clean the kitchen") == (0, 3)
    assert word_errors("clean the kitchen", "clean a kitchen now") == (2, 3)
    assert word_errors("go to the living room", "go to living room") == (1, 5)
    assert word_error_rate([("stop", "stop"), ("clean the bed", "")]) == pytest.approx(3 / 4)


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("Robot, clean the kitchen.", "clean the kitchen."),
        ("hey robot go to the sofa", "go to the sofa"),
        ("Clean the kitchen.", None),
        ("ROBOT!", ""),
    ],
)
def test_wake_phrase(text, rest):
    assert strip_wake_phrase(text, "robot") == rest


def test_empty_wake_phrase_accepts_everything():
    assert strip_wake_phrase("clean", "") == "clean"


@pytest.mark.parametrize("text", ["Stop!", "robot, stop talking", "Be quiet.", "shut up"])
def test_stop_commands(text):
    assert is_stop_command(text)


@pytest.mark.parametrize("text", ["Clean the kitchen", "keep going"])
def test_not_stop_commands(text):
    assert not is_stop_command(text)


def test_vocabulary_prompt_names_rooms_and_places_in_a_sentence():
    prompt = vocabulary_prompt(["kitchen", "living room"], ["sofa"])
    assert prompt == "Please clean the kitchen or the living room. Go to the sofa."
    assert vocabulary_prompt([]) == ""


def test_non_speech_annotations_are_dropped():
    assert clean_text(" [BLANK_AUDIO] (static) Clean the ♪ kitchen *cough*") == "Clean the kitchen"


def test_a_transcript_that_repeats_itself_has_run_away():
    from llmos_robot.speech.stt import runs_away

    assert runs_away("Clean the kitchen, clean the kitchen, clean the kitchen, clean the")
    assert runs_away("Clean the bathroom, the bathroom, the bathroom, the bathroom")
    assert not runs_away("Clean the kitchen and then clean the hallway.")
    assert not runs_away("Stop, stop.")  # said twice is speech; three times and more is the failure
