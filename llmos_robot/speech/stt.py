"""Speech to text: openai-whisper and faster-whisper behind one Protocol.

An engine turns a clip (any rate; resampled to 16 kHz) into a `TranscriptResult`. Decoding is
greedy and English; an initial prompt naming the house's rooms and places biases Whisper toward
the robot's vocabulary. Non-speech annotations Whisper emits on noise ("[BLANK_AUDIO]",
"(static)") and segments it judges to be no speech are dropped, so silence gives an empty result.

Speed: Whisper's encoder always sees a 30 s window (the clip padded), and on this CPU that
encoder is most of the decoding time. Both engines here encode a shorter window instead
(`SttConfig.window_s`, the clip plus padding); because the model was trained on 30 s windows it
can then run away ("clean the kitchen, clean the kitchen, ..."), so a transcript that repeats
itself or uses more tokens than the speech could hold is decoded again with the full window.
"""

from __future__ import annotations

import copy
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Protocol

import numpy as np

from llmos_robot.errors import SpeechModelError
from llmos_robot.speech.audio import WHISPER_RATE, Audio, FloatAudio, rms
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
    # s of (padded) audio the encoder sees; 30 = Whisper's own window. Shorter is faster; a
    # runaway transcript is decoded again at 30.
    window_s: float = 15.0


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


FULL_WINDOW_S = 30.0  # Whisper's trained input length
WINDOW_MARGIN_S = 1.0  # padding kept after the speech in a shortened window
# Silence put before a clip in a shortened window: without it a word right at the start is easier
# to mishear ("Clean the kitchen" -> "Plane the kitchen"); the 30 s window does not need it.
WINDOW_LEAD_S = 0.3
MAX_TOKENS_PER_S = 8.0  # more tokens than this per second of audio means the decoder ran away
MIN_TOKEN_BUDGET = 12


def runs_away(text: str, max_repeats: int = 3) -> bool:
    """True when some phrase of 1-6 words repeats `max_repeats` times in a row ("the bathroom,
    the bathroom, the bathroom"): Whisper's failure mode on a shortened window."""
    spoken = re.findall(r"[a-z0-9']+", text.lower())
    for size in range(1, 7):
        for start in range(len(spoken) - size * max_repeats + 1):
            phrase = spoken[start : start + size]
            if all(spoken[start + k * size : start + (k + 1) * size] == phrase for k in range(1, max_repeats)):
                return True
    return False


def _model_label(model: str) -> str:
    return model if "/" not in model else model.rstrip("/").rsplit("/", 1)[-1]


class _WindowedWhisper:
    """What both engines share: a short encoder window first, the full 30 s one when the clip is
    long or the short window's transcript runs away; one decode at a time per model."""

    ENGINE: Engine

    def __init__(self, config: SttConfig) -> None:
        self._config = config
        self.runaways = 0  # short-window decodes that ran away and were done again at 30 s
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"{self.ENGINE.value} {_model_label(self._config.model)}"

    def transcribe(self, audio: Audio, prompt: str = "") -> TranscriptResult:
        silent = _silent(audio, self._config, self.name)
        if silent:
            return silent
        started = time.perf_counter()
        samples = audio.at_rate(WHISPER_RATE).samples
        window_s = _window_for(self._config.window_s, samples)
        with self._lock:
            found = None
            if window_s < FULL_WINDOW_S:
                found = self._decode_window(samples, prompt, window_s)
                self.runaways += found is None
            if found is None:  # a long clip, or the short window ran away
                found = self._decode_full(samples, prompt)
        return _result(found, self._config, self.name, started)

    def _decode_full(self, samples: FloatAudio, prompt: str) -> list[_Segment]:
        raise NotImplementedError

    def _decode_window(self, samples: FloatAudio, prompt: str, window_s: float) -> list[_Segment] | None:
        raise NotImplementedError


class FasterWhisperStt(_WindowedWhisper):
    """faster-whisper (CTranslate2) on a shipped or user model directory."""

    ENGINE = Engine.FASTER_WHISPER

    def __init__(self, config: SttConfig) -> None:
        from faster_whisper import WhisperModel

        super().__init__(config)
        directory = ctranslate2_model_dir(config.model)
        try:
            self._model = WhisperModel(
                str(directory), device="cpu", compute_type=config.compute_type, cpu_threads=config.threads
            )
        except (RuntimeError, ValueError, OSError) as err:
            raise SpeechModelError(f"faster-whisper could not load {directory}: {err}") from err
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        self._tokenizer = Tokenizer(
            self._model.hf_tokenizer, self._model.model.is_multilingual, task="transcribe", language="en"
        )
        self._suppressed = get_suppressed_tokens(self._tokenizer, [-1])
        self._frames_per_second = WHISPER_RATE / self._model.feature_extractor.hop_length

    def _decode_full(self, samples: FloatAudio, prompt: str) -> list[_Segment]:
        """faster-whisper's own transcribe(): 30 s windows, longer clips in several."""
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
        return [_Segment(s.text, s.avg_logprob, s.no_speech_prob) for s in segments]

    def _decode_window(self, samples: FloatAudio, prompt: str, window_s: float) -> list[_Segment] | None:
        """One greedy/beam decode of a clip padded to `window_s` (not 30 s); None when it ran away."""
        lead = np.zeros(round(WINDOW_LEAD_S * WHISPER_RATE), dtype=np.float32)
        features = self._model.feature_extractor(np.concatenate([lead, samples]))
        frames = round(window_s * self._frames_per_second)
        window = np.zeros((features.shape[0], frames), dtype=np.float32)
        used = min(frames, features.shape[1])
        window[:, :used] = features[:, :used]
        encoded = self._model.encode(window)
        previous = self._tokenizer.encode(" " + prompt.strip()) if prompt.strip() else []
        tokens_in = self._model.get_prompt(self._tokenizer, previous, without_timestamps=True)
        budget = min(_token_budget(samples), self._model.max_length - len(tokens_in))
        output = self._model.model.generate(
            encoded,
            [tokens_in],
            max_length=len(tokens_in) + budget,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppressed,
            beam_size=self._config.beam_size,
        )[0]
        tokens = output.sequences_ids[0]
        text = self._tokenizer.decode(tokens).strip()
        if len(tokens) >= budget or runs_away(text):
            return None
        avg_logprob = output.scores[0] * len(tokens) / (len(tokens) + 1)
        return [_Segment(text, avg_logprob, output.no_speech_prob)]

    def profile(self, audio: Audio, prompt: str = "", repeats: int = 5) -> dict[str, float]:
        """Median seconds of each decoding stage for `audio` (for the benchmark's profile)."""
        samples = audio.at_rate(WHISPER_RATE).samples
        lead = np.zeros(round(WINDOW_LEAD_S * WHISPER_RATE), dtype=np.float32)
        features = self._model.feature_extractor(np.concatenate([lead, samples]))
        tokens_in = self._model.get_prompt(
            self._tokenizer, self._tokenizer.encode(" " + prompt), without_timestamps=True
        )

        def window(seconds: float) -> np.ndarray:
            padded = np.zeros((features.shape[0], round(seconds * self._frames_per_second)), dtype=np.float32)
            used = min(padded.shape[1], features.shape[1])
            padded[:, :used] = features[:, :used]
            return padded

        def median_s(job: Callable[[], object]) -> float:
            job()
            times = []
            for _ in range(repeats):
                begun = time.perf_counter()
                job()
                times.append(time.perf_counter() - begun)
            return round(float(np.median(times)), 4)

        encoded = self._model.encode(window(self._config.window_s))
        with self._lock:
            return {
                "feature_extraction_s": median_s(lambda: self._model.feature_extractor(samples)),
                "encoder_30s_window_s": median_s(lambda: self._model.encode(window(FULL_WINDOW_S))),
                "encoder_short_window_s": median_s(lambda: self._model.encode(window(self._config.window_s))),
                "decoder_s": median_s(lambda: self._model.model.generate(encoded, [tokens_in], beam_size=1)),
                "transcribe_30s_window_s": median_s(lambda: self._decode_full(samples, prompt)),
                "transcribe_short_window_s": median_s(
                    lambda: self._decode_window(samples, prompt, self._config.window_s)
                ),
            }


class OpenAIWhisperStt(_WindowedWhisper):
    """openai-whisper (PyTorch) on the `.pt` converted at install time, or a user's `.pt`."""

    ENGINE = Engine.OPENAI_WHISPER

    def __init__(self, config: SttConfig) -> None:
        import torch
        import whisper

        super().__init__(config)
        checkpoint = openai_checkpoint(config.model)
        torch.set_num_threads(config.threads)
        try:
            self._model: Any = whisper.load_model(str(checkpoint), device="cpu")
        except (RuntimeError, KeyError, OSError, ValueError) as err:
            raise SpeechModelError(f"openai-whisper could not load {checkpoint}: {err}") from err

    def _decode_full(self, samples: FloatAudio, prompt: str) -> list[_Segment]:
        """openai-whisper's own transcribe(): 30 s windows, longer clips in several."""
        import whisper

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
        return [_Segment(s["text"], s["avg_logprob"], s["no_speech_prob"]) for s in output["segments"]]

    def _decode_window(self, samples: FloatAudio, prompt: str, window_s: float) -> list[_Segment] | None:
        """One decode of a clip padded to `window_s` (not 30 s); None when it ran away.

        The encoder is run here on the short window (its fixed positional embedding cut to the
        window's length); the decoder gets those features through a view of the model whose
        audio context is that length, so whisper.decode() takes them as already encoded.
        """
        import torch
        import whisper

        lead = np.zeros(round(WINDOW_LEAD_S * WHISPER_RATE), dtype=np.float32)
        padded = np.zeros(round(window_s * WHISPER_RATE), dtype=np.float32)
        clip = np.concatenate([lead, samples])[: len(padded)]
        padded[: len(clip)] = clip
        encoder = self._model.encoder
        with torch.no_grad():
            mel = whisper.log_mel_spectrogram(torch.from_numpy(padded), n_mels=self._model.dims.n_mels)[None]
            x = torch.nn.functional.gelu(encoder.conv1(mel))
            x = torch.nn.functional.gelu(encoder.conv2(x)).permute(0, 2, 1)
            x = x + encoder.positional_embedding[: x.shape[1]]
            for block in encoder.blocks:
                x = block(x)
            features = encoder.ln_post(x)
        view = copy.copy(self._model)
        view.dims = replace(self._model.dims, n_audio_ctx=features.shape[1])
        budget = _token_budget(samples)
        options = whisper.DecodingOptions(
            language="en",
            temperature=0.0,
            sample_len=budget,
            beam_size=self._config.beam_size if self._config.beam_size > 1 else None,
            prompt=prompt or None,
            without_timestamps=True,
            fp16=False,
        )
        result = whisper.decode(view, features, options)[0]
        if len(result.tokens) >= budget or runs_away(result.text):
            return None
        return [_Segment(result.text, result.avg_logprob, result.no_speech_prob)]


def _window_for(window_s: float, samples: FloatAudio) -> float:
    """The encoder window for a clip: `window_s`, or longer when the clip (with its lead and
    margin) does not fit."""
    seconds = max(window_s, len(samples) / WHISPER_RATE + WINDOW_LEAD_S + WINDOW_MARGIN_S)
    return math.ceil(seconds * 50) / 50  # whole pairs of 10 ms frames: the encoder halves them


def _token_budget(samples: FloatAudio) -> int:
    """Most tokens a clip's speech could need; a decode that uses them all has run away."""
    return max(MIN_TOKEN_BUDGET, math.ceil(MAX_TOKENS_PER_S * len(samples) / WHISPER_RATE))


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
