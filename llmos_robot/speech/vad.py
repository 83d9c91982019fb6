"""Voice activity and end of utterance on a stream of 16 kHz audio.

A `VoiceActivityDetector` scores fixed frames (512 samples = 32 ms); `UtteranceSegmenter` turns
the scores into utterances: speech starts after `min_speech_s` of voiced frames, ends after
`end_silence_s` of unvoiced ones, keeps `pre_roll_s` of audio from before the start (so the first
syllable is not lost) and cuts anything longer than `max_utterance_s`. After `speculate_after_s`
of silence it also reports a `PossibleEnd` (the utterance so far), so a listener can start
transcribing before the end is certain; if speech resumes, the final `Utterance` comes later and
covers both parts. Silero VAD (the ONNX model that ships inside faster-whisper) is the detector;
an energy threshold is the fallback.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from llmos_robot.errors import SpeechModelError
from llmos_robot.speech.audio import WHISPER_RATE, Audio, FloatAudio, rms

FRAME_SAMPLES = 512  # Silero's frame at 16 kHz (32 ms); the energy detector uses the same


class VoiceActivityDetector(Protocol):
    """Scores one frame of FRAME_SAMPLES samples at 16 kHz: probability of speech, 0..1."""

    def speech_probability(self, frame: FloatAudio) -> float: ...

    def reset(self) -> None: ...


class EnergyVad:
    """Speech when the frame's RMS level is above a fixed threshold (the fallback detector)."""

    def __init__(self, threshold_rms: float = 0.01) -> None:
        self.threshold_rms = threshold_rms

    def speech_probability(self, frame: FloatAudio) -> float:
        return 1.0 if rms(frame) >= self.threshold_rms else 0.0

    def reset(self) -> None:
        """Stateless."""


class SileroVad:
    """Silero VAD v6 (ONNX, shipped in faster-whisper), streamed with its recurrent state kept."""

    CONTEXT = 64  # samples of the previous frame the model sees

    def __init__(self, model_path: Path | None = None) -> None:
        try:
            import onnxruntime
            from faster_whisper.utils import get_assets_path
        except ImportError as err:
            raise SpeechModelError("Silero VAD needs faster-whisper and onnxruntime; run `make setup`.") from err
        path = model_path or Path(get_assets_path()) / "silero_vad_v6.onnx"
        if not path.is_file():
            raise SpeechModelError(f"The Silero VAD model is missing at {path}.")
        options = onnxruntime.SessionOptions()
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = 1
        options.log_severity_level = 4
        self._session: Any = onnxruntime.InferenceSession(
            str(path), providers=["CPUExecutionProvider"], sess_options=options
        )
        self.reset()

    def reset(self) -> None:
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(self.CONTEXT, dtype=np.float32)

    def speech_probability(self, frame: FloatAudio) -> float:
        frame = np.asarray(frame, dtype=np.float32)
        if len(frame) < FRAME_SAMPLES:
            frame = np.pad(frame, (0, FRAME_SAMPLES - len(frame)))
        batch = np.concatenate([self._context, frame[:FRAME_SAMPLES]])[None, :]
        output, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        self._context = frame[FRAME_SAMPLES - self.CONTEXT : FRAME_SAMPLES].copy()
        return float(np.asarray(output).reshape(-1)[0])


def make_vad(kind: str, energy_threshold_rms: float = 0.01) -> VoiceActivityDetector:
    """ "silero" (falls back to energy when the model cannot load) or "energy"."""
    if kind == "silero":
        try:
            return SileroVad()
        except SpeechModelError:
            return EnergyVad(energy_threshold_rms)
    if kind == "energy":
        return EnergyVad(energy_threshold_rms)
    raise ValueError(f"Unknown voice activity detector {kind!r}; use 'silero' or 'energy'.")


@dataclass(frozen=True)
class SegmenterConfig:
    """End-of-utterance timing."""

    threshold: float = 0.5  # speech probability above which a frame is voiced
    min_speech_s: float = 0.1  # voiced time before an utterance starts
    end_silence_s: float = 0.35  # unvoiced time that ends an utterance
    pre_roll_s: float = 0.3  # audio kept from before the start
    max_utterance_s: float = 15.0  # an utterance is cut here even if speech goes on
    speculate_after_s: float = 0.1  # unvoiced time that reports a PossibleEnd (0 = never)


@dataclass(frozen=True)
class Utterance:
    """One stretch of speech; times in seconds on the stream's clock."""

    audio: Audio
    start: float  # first voiced frame
    end: float  # last voiced frame's end
    ended_at: float  # stream time when the end was decided (end + the silence waited for)


@dataclass(frozen=True)
class PossibleEnd:
    """Speech paused: the utterance so far, which ends here unless speech resumes."""

    utterance: Utterance


@dataclass(frozen=True)
class SpeechStarted:
    """The user started talking (for barge-in)."""

    at: float


class UtteranceSegmenter:
    """Feed 16 kHz audio in any chunk size; get SpeechStarted and Utterance events back."""

    def __init__(self, vad: VoiceActivityDetector, config: SegmenterConfig = SegmenterConfig()) -> None:
        self._vad = vad
        self._config = config
        self._frame_s = FRAME_SAMPLES / WHISPER_RATE
        self._speculate_frames = max(1, round(config.speculate_after_s / self._frame_s))
        self._pending = np.zeros(0, dtype=np.float32)
        # Frames from before the start: the pre-roll plus the voiced frames that confirm the start.
        keep = round(config.pre_roll_s / self._frame_s) + math.ceil(config.min_speech_s / self._frame_s)
        self._pre_roll: deque[FloatAudio] = deque(maxlen=max(1, keep))
        self._clock = 0.0  # stream time of the next frame
        self._frames_taken = 0
        self._started = False
        self._frames: list[FloatAudio] = []
        self._voiced_run = 0
        self._silent_run = 0
        self._start = 0.0
        self._last_voiced_end = 0.0

    @property
    def in_speech(self) -> bool:
        return self._started

    @property
    def audio_taken_s(self) -> float:
        """Seconds of audio taken since the start (counted, never re-anchored to stamps)."""
        return self._frames_taken * self._frame_s

    def reset(self) -> None:
        self.__init__(self._vad, self._config)  # type: ignore[misc]
        self._vad.reset()

    def feed(
        self, samples: FloatAudio, start_time: float | None = None
    ) -> list[SpeechStarted | PossibleEnd | Utterance]:
        """Add 16 kHz samples; `start_time` re-anchors the stream clock (e.g. a message stamp)."""
        if start_time is not None and not self._started and len(self._pending) == 0:
            self._clock = start_time
        self._pending = np.concatenate([self._pending, np.asarray(samples, dtype=np.float32)])
        events: list[SpeechStarted | PossibleEnd | Utterance] = []
        while len(self._pending) >= FRAME_SAMPLES:
            frame, self._pending = self._pending[:FRAME_SAMPLES], self._pending[FRAME_SAMPLES:]
            events.extend(self._frame(frame))
        return events

    def flush(self) -> list[Utterance]:
        """End of stream: an utterance in progress ends here."""
        if not self._started:
            return []
        return [self._finish()]

    def _frame(self, frame: FloatAudio) -> list[SpeechStarted | PossibleEnd | Utterance]:
        config = self._config
        events: list[SpeechStarted | PossibleEnd | Utterance] = []
        voiced = self._vad.speech_probability(frame) >= config.threshold
        frame_start = self._clock
        self._clock += self._frame_s
        self._frames_taken += 1
        if not self._started:
            self._pre_roll.append(frame)
            self._voiced_run = self._voiced_run + 1 if voiced else 0
            if self._voiced_run * self._frame_s >= config.min_speech_s:
                self._started = True
                self._frames = list(self._pre_roll)
                self._start = frame_start - (self._voiced_run - 1) * self._frame_s
                self._last_voiced_end = self._clock
                self._silent_run = 0
                events.append(SpeechStarted(self._start))
            return events
        self._frames.append(frame)
        if voiced:
            self._silent_run = 0
            self._last_voiced_end = self._clock
        else:
            self._silent_run += 1
        too_long = self._clock - self._start >= config.max_utterance_s
        if self._silent_run * self._frame_s >= config.end_silence_s or too_long:
            events.append(self._finish())
        elif config.speculate_after_s > 0 and self._silent_run == self._speculate_frames:
            events.append(PossibleEnd(self._so_far()))
        return events

    def _so_far(self) -> Utterance:
        return Utterance(
            Audio(np.concatenate(self._frames), WHISPER_RATE), self._start, self._last_voiced_end, self._clock
        )

    def _finish(self) -> Utterance:
        utterance = self._so_far()
        self._started = False
        self._frames = []
        self._voiced_run = 0
        self._silent_run = 0
        self._pre_roll.clear()
        return utterance
