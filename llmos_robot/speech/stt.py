"""Speech to text: openai-whisper and faster-whisper behind one Protocol.

An engine turns a clip (any rate; resampled to 16 kHz) into a `TranscriptResult`. Decoding is
greedy and English; an initial prompt naming the house's rooms and places biases Whisper toward
the robot's vocabulary. Non-speech annotations Whisper emits on noise ("[BLANK_AUDIO]",
"(static)") and segments it judges to be no speech are dropped, so silence gives an empty result.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

import numpy as np

from llmos_robot.errors import SpeechModelError
from llmos_robot.speech.audio import WHISPER_RATE, Audio, rms
from llmos_robot.speech.models import Engine, ctranslate2_model_dir, openai_checkpoint


class HeardStatus(str, Enum):
    HEARD = "heard"  # words came back
    NOTHING = "nothing"  # silence, noise, or only non-speech annotations
    NO_WAKE_PHRASE = "no_wake_phrase"  # words, but not addressed to the robot


@dataclass(frozen=True)
class TranscriptResult:
    """What an engine heard in one clip."""

    text: str
    confidence: float  # 0..1, from the decoder's mean token log-probability and its no-speech estimate
    status: HeardStatus
    engine: str  # e.g. "faster-whisper tiny.en"
    seconds: float  # time spent decoding

    @property
    def sentence(self) -> str:
        """What the robot can say about it."""
        if self.status is HeardStatus.HEARD:
            return f"I heard: {self.text}"
        if self.status is HeardStatus.NO_WAKE_PHRASE:
            return "I heard speech, but it was not addressed to me."
        return "I didn't hear any words."


@dataclass(frozen=True)
class SttConfig:
    """How to decode (the node's parameters and the CLI flags fill this)."""

    engine: Engine = Engine.FASTER_WHISPER
    model: str = "tiny.en"  # "tiny.en", "base", or a path (CTranslate2 dir / openai-whisper .pt)
    threads: int = 2
    compute_type: str = "int8"  # faster-whisper: int8 | float32
    beam_size: int = 1  # 1 = greedy (fastest)
    no_speech_threshold: float = 0.6  # drop a segment whose no-speech probability is above this...
    log_prob_threshold: float = -1.0  # ...and whose mean token log-probability is below this
    silence_rms: float = 0.002  # clips quieter than this are not decoded at all


class SpeechToText(Protocol):
    """A Whisper-like engine."""

    @property
    def name(self) -> str: ...

    def transcribe(self, audio: Audio, prompt: str = "") -> TranscriptResult: ...


@dataclass(frozen=True)
class _Segment:
    text: str
    avg_logprob: float
    no_speech_prob: float


_ANNOTATION = re.compile(r"\[[^\]]*\]|\([^)]*\)|\*[^*]*\*|♪+")


def clean_text(text: str) -> str:
    """Drop non-speech annotations and collapse whitespace."""
    return " ".join(_ANNOTATION.sub(" ", text).split())


def _result(segments: Iterable[_Segment], config: SttConfig, name: str, started: float) -> TranscriptResult:
    kept = [
        s
        for s in segments
        if not (s.no_speech_prob > config.no_speech_threshold and s.avg_logprob < config.log_prob_threshold)
    ]
    text = clean_text(" ".join(s.text for s in kept))
    seconds = time.perf_counter() - started
    if not text or not any(ch.isalnum() for ch in text):
        return TranscriptResult("", 0.0, HeardStatus.NOTHING, name, seconds)
    confidence = float(np.mean([math.exp(s.avg_logprob) * (1.0 - s.no_speech_prob) for s in kept]))
    return TranscriptResult(text, max(0.0, min(1.0, confidence)), HeardStatus.HEARD, name, seconds)


def _silent(audio: Audio, config: SttConfig, name: str) -> TranscriptResult | None:
    if audio.duration < 0.1 or rms(audio.samples) < config.silence_rms:
        return TranscriptResult("", 0.0, HeardStatus.NOTHING, name, 0.0)
    return None


def _model_label(model: str) -> str:
    return model if "/" not in model else model.rstrip("/").rsplit("/", 1)[-1]


class FasterWhisperStt:
    """faster-whisper (CTranslate2) on a shipped or user model directory."""

    def __init__(self, config: SttConfig) -> None:
        from faster_whisper import WhisperModel

        self._config = config
        directory = ctranslate2_model_dir(config.model)
        try:
            self._model = WhisperModel(
                str(directory), device="cpu", compute_type=config.compute_type, cpu_threads=config.threads
            )
        except (RuntimeError, ValueError, OSError) as err:
            raise SpeechModelError(f"faster-whisper could not load {directory}: {err}") from err
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"{Engine.FASTER_WHISPER.value} {_model_label(self._config.model)}"

    def transcribe(self, audio: Audio, prompt: str = "") -> TranscriptResult:
        silent = _silent(audio, self._config, self.name)
        if silent:
            return silent
        started = time.perf_counter()
        samples = audio.at_rate(WHISPER_RATE).samples
        with self._lock:
            segments, _ = self._model.transcribe(
                samples,
                language="en",
                beam_size=self._config.beam_size,
                temperature=0.0,
                condition_on_previous_text=False,
                initial_prompt=prompt or None,
                without_timestamps=True,
                no_speech_threshold=self._config.no_speech_threshold,
                log_prob_threshold=self._config.log_prob_threshold,
            )
            found = [_Segment(s.text, s.avg_logprob, s.no_speech_prob) for s in segments]
        return _result(found, self._config, self.name, started)


class OpenAIWhisperStt:
    """openai-whisper (PyTorch) on the `.pt` converted at install time, or a user's `.pt`."""

    def __init__(self, config: SttConfig) -> None:
        import torch
        import whisper

        self._config = config
        checkpoint = openai_checkpoint(config.model)
        torch.set_num_threads(config.threads)
        try:
            self._model: Any = whisper.load_model(str(checkpoint), device="cpu")
        except (RuntimeError, KeyError, OSError, ValueError) as err:
            raise SpeechModelError(f"openai-whisper could not load {checkpoint}: {err}") from err
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"{Engine.OPENAI_WHISPER.value} {_model_label(self._config.model)}"

    def transcribe(self, audio: Audio, prompt: str = "") -> TranscriptResult:
        import whisper

        silent = _silent(audio, self._config, self.name)
        if silent:
            return silent
        started = time.perf_counter()
        samples = audio.at_rate(WHISPER_RATE).samples
        with self._lock:
            output = whisper.transcribe(
                self._model,
                samples,
                language="en",
                temperature=0.0,
                beam_size=self._config.beam_size if self._config.beam_size > 1 else None,
                condition_on_previous_text=False,
                initial_prompt=prompt or None,
                without_timestamps=True,
                no_speech_threshold=self._config.no_speech_threshold,
                logprob_threshold=self._config.log_prob_threshold,
                fp16=False,
                verbose=None,
            )
        found = [_Segment(s["text"], s["avg_logprob"], s["no_speech_prob"]) for s in output["segments"]]
        return _result(found, self._config, self.name, started)


def make_stt(config: SttConfig) -> SpeechToText:
    """The engine `config.engine` with `config.model` (raises SpeechModelError when unavailable)."""
    if config.engine is Engine.OPENAI_WHISPER:
        return OpenAIWhisperStt(config)
    return FasterWhisperStt(config)


def vocabulary_prompt(rooms: Sequence[str], places: Sequence[str] = ()) -> str:
    """An initial prompt naming the house's rooms and places, phrased the way a user talks to the robot.

    A plain sentence biases Whisper without teaching it a list format (a "Places:" header made
    tiny.en hear "Please" as "Place").
    """
    parts = []
    if rooms:
        parts.append("Please clean the " + _listing(rooms) + ".")
    if places:
        parts.append("Go to the " + _listing(places) + ".")
    return " ".join(parts)


def _listing(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", the ".join(names[:-1]) + " or the " + names[-1]


def world_vocabulary_prompt(world: Any) -> str:
    """`vocabulary_prompt` for a `llmos_robot.world.World`."""
    return vocabulary_prompt(
        sorted(room.label for room in world.rooms.values()),
        sorted(place.label for place in world.places.values()),
    )
