"""The listening loop and the speaking loop with fake engines (same Protocols as the real ones)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from llmos_robot.speech.audio import WHISPER_RATE, Audio
from llmos_robot.speech.listener import Heard, SpeechListener
from llmos_robot.speech.playback import NullSink, SpeakStatus, SpeechPlayer
from llmos_robot.speech.stt import HeardStatus, SpeechToText, TranscriptResult
from llmos_robot.speech.tts import TextToSpeech
from llmos_robot.speech.vad import EnergyVad, SegmenterConfig, SpeechStarted, UtteranceSegmenter

from .conftest import silence, tone


class ScriptedStt:
    """Answers each utterance with the next scripted line; records the prompts it got."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = list(lines)
        self.prompts: list[str] = []

    @property
    def name(self) -> str:
        return "scripted"

    def transcribe(self, audio: Audio, prompt: str = "") -> TranscriptResult:
        self.prompts.append(prompt)
        return TranscriptResult(self.lines.pop(0), 0.9, HeardStatus.HEARD, self.name, 0.0)


class ToneVoice:
    """One second of tone per sentence (sentences split on '.')."""

    sample_rate = 22050

    def synthesize(self, text: str) -> Iterator[Audio]:
        for _ in [s for s in text.split(".") if s.strip()]:
            yield Audio(tone(1.0, rate=self.sample_rate), self.sample_rate)


def _listener(stt: SpeechToText, wake: str = "") -> SpeechListener:
    return SpeechListener(UtteranceSegmenter(EnergyVad(0.01), SegmenterConfig()), stt, "Go to the sofa.", wake)


def test_listener_reports_speech_start_then_one_transcript_per_utterance_at_any_input_rate():
    stt = ScriptedStt(["clean the kitchen", "go to the sofa"])
    listener = _listener(stt)
    rate = 44100  # a microphone's rate: resampled inside
    stream = np.concatenate([silence(0.3, rate), tone(0.8, rate=rate), silence(1.0, rate), tone(0.8, rate=rate)])
    events = []
    for start in range(0, len(stream), 4410):
        events += listener.feed(Audio(stream[start : start + 4410], rate), start_time=100.0 if start == 0 else None)
    events += listener.flush()
    assert [type(e) for e in events] == [SpeechStarted, Heard, SpeechStarted, Heard]
    heard = [e for e in events if isinstance(e, Heard)]
    assert [h.result.text for h in heard] == ["clean the kitchen", "go to the sofa"]
    assert heard[0].speech_start >= 100.0  # on the stream's clock (message stamps)
    assert stt.prompts == ["Go to the sofa.", "Go to the sofa."]


def test_wake_phrase_filters_and_is_removed():
    listener = _listener(ScriptedStt(["Robot, clean the kitchen.", "what a mess"]), wake="robot")
    stream = np.concatenate([tone(0.5), silence(1.0), tone(0.5), silence(1.0)])
    heard = [e for e in listener.feed(Audio(stream, WHISPER_RATE)) if isinstance(e, Heard)]
    assert [(h.result.status, h.result.text) for h in heard] == [
        (HeardStatus.HEARD, "clean the kitchen."),
        (HeardStatus.NO_WAKE_PHRASE, "what a mess"),
    ]


def test_player_speaks_every_sentence_in_blocks():
    blocks: list[Audio] = []
    voice: TextToSpeech = ToneVoice()
    result = SpeechPlayer(voice, NullSink(), blocks.append, block_s=0.1).say("One. Two.")
    assert result.status is SpeakStatus.SPOKEN and result.sentences == 2
    assert sum(b.duration for b in blocks) == pytest.approx(result.seconds_spoken) == pytest.approx(2.0)
    assert max(b.duration for b in blocks) <= 0.1 + 1e-9


def test_cut_stops_speech_within_one_block():
    blocks: list[Audio] = []

    def on_audio(audio: Audio) -> None:
        blocks.append(audio)
        if len(blocks) == 3:
            player.cut()  # the user started talking

    player = SpeechPlayer(ToneVoice(), NullSink(), on_audio, block_s=0.1)
    result = player.say("One. Two. Three.")
    assert result.status is SpeakStatus.CUT
    assert len(blocks) == 3 and result.seconds_spoken < 0.35
    assert "stopped" in result.sentence
    # The next request is spoken again.
    assert player.say("Four.").status is SpeakStatus.SPOKEN


def test_empty_text_says_nothing():
    assert SpeechPlayer(ToneVoice(), NullSink()).say("  ").status is SpeakStatus.NOTHING
