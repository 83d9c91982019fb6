"""End of utterance: the segmenter on synthetic signals (energy VAD) and the real Silero model."""

from __future__ import annotations

import numpy as np
import pytest

from llmos_robot.speech.audio import WHISPER_RATE
from llmos_robot.speech.vad import EnergyVad, SegmenterConfig, SileroVad, SpeechStarted, Utterance, UtteranceSegmenter

from .conftest import silence, tone


def _run(segmenter: UtteranceSegmenter, samples: np.ndarray, chunk: int = 1600) -> list:
    events = []
    for start in range(0, len(samples), chunk):
        events += segmenter.feed(samples[start : start + chunk])
    return events + segmenter.flush()


def test_two_bursts_separated_by_silence_are_two_utterances_with_their_times():
    stream = np.concatenate([silence(0.5), tone(1.0), silence(1.0), tone(0.6), silence(1.0)])
    events = _run(UtteranceSegmenter(EnergyVad(0.01), SegmenterConfig(end_silence_s=0.4)), stream)
    utterances = [e for e in events if isinstance(e, Utterance)]
    assert len([e for e in events if isinstance(e, SpeechStarted)]) == 2
    assert [round(u.start, 1) for u in utterances] == [0.5, 2.5]
    assert [round(u.end, 1) for u in utterances] == [1.5, 3.1]
    # The end is decided after the configured silence, and the audio includes the pre-roll.
    assert utterances[0].ended_at - utterances[0].end == pytest.approx(0.4, abs=0.04)
    assert utterances[0].audio.duration == pytest.approx(1.0 + 0.3 + 0.4, abs=0.07)


def test_a_short_click_is_not_speech():
    stream = np.concatenate([silence(0.5), tone(0.05), silence(1.0)])
    assert _run(UtteranceSegmenter(EnergyVad(0.01), SegmenterConfig(min_speech_s=0.1)), stream) == []


def test_a_pause_shorter_than_the_end_silence_keeps_one_utterance():
    stream = np.concatenate([tone(0.5), silence(0.2), tone(0.5), silence(1.0)])
    events = _run(UtteranceSegmenter(EnergyVad(0.01), SegmenterConfig(end_silence_s=0.4)), stream)
    assert len([e for e in events if isinstance(e, Utterance)]) == 1


def test_endless_speech_is_cut_at_the_maximum_length():
    events = _run(UtteranceSegmenter(EnergyVad(0.01), SegmenterConfig(max_utterance_s=2.0)), tone(5.0))
    durations = [e.end - e.start for e in events if isinstance(e, Utterance)]
    assert len(durations) == 3 and max(durations) <= 2.05


def test_stream_still_speaking_at_the_end_is_flushed():
    segmenter = UtteranceSegmenter(EnergyVad(0.01))
    segmenter.feed(tone(1.0))
    assert segmenter.in_speech
    assert len(segmenter.flush()) == 1 and not segmenter.in_speech


def test_silero_hears_speech_but_not_silence_or_white_noise(spoken):
    vad = SileroVad()
    noise = np.random.default_rng(1).normal(0, 0.2, WHISPER_RATE * 2).clip(-1, 1).astype(np.float32)
    for not_speech in (silence(2.0), noise):
        assert [e for e in _run(UtteranceSegmenter(vad), not_speech) if isinstance(e, Utterance)] == []
        vad.reset()
    speech = np.concatenate([silence(0.5), spoken("Clean the kitchen.").samples, silence(1.0)])
    utterances = [e for e in _run(UtteranceSegmenter(vad), speech) if isinstance(e, Utterance)]
    assert len(utterances) == 1 and utterances[0].start == pytest.approx(0.5, abs=0.25)
