"""The listening loop, without ROS: audio chunks in, heard utterances out.

`SpeechListener` resamples each chunk to 16 kHz, segments the stream into utterances (vad.py),
transcribes each one with the vocabulary prompt and applies the optional wake phrase. The node
and `llmos-robot listen` both drive it; tests drive it with arrays.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace

from llmos_robot.speech.audio import WHISPER_RATE, Audio
from llmos_robot.speech.microphone import file_chunks
from llmos_robot.speech.stt import HeardStatus, SpeechToText, TranscriptResult
from llmos_robot.speech.vad import (
    SegmenterConfig,
    SpeechStarted,
    Utterance,
    UtteranceSegmenter,
    VoiceActivityDetector,
)


@dataclass(frozen=True)
class Heard:
    """One utterance and what was understood."""

    result: TranscriptResult
    speech_start: float  # stream clock, s
    speech_end: float
    latency: float  # wall seconds from the end of speech (last voiced frame) to this result


def words(text: str) -> list[str]:
    """Lower-case words without punctuation ("Robot, stop!" -> ["robot", "stop"])."""
    return re.findall(r"[a-z0-9']+", text.lower())


def strip_wake_phrase(text: str, wake_phrase: str) -> str | None:
    """The text after the wake phrase, or None when the phrase is not in it."""
    wake = words(wake_phrase)
    if not wake:
        return text
    spoken = re.findall(r"[A-Za-z0-9']+|[^A-Za-z0-9'\s]+", text)
    lowered = [w.lower() for w in spoken]
    for i in range(len(lowered) - len(wake) + 1):
        if lowered[i : i + len(wake)] == wake:
            rest = [w for w in spoken[i + len(wake) :]]
            while rest and not re.match(r"[A-Za-z0-9']", rest[0]):
                rest.pop(0)
            return _join(rest)
    return None


def _join(tokens: list[str]) -> str:
    text = ""
    for token in tokens:
        text += token if (not text or not token[0].isalnum()) else " " + token
    return text


class SpeechListener:
    """Segments a stream and transcribes each utterance."""

    def __init__(
        self,
        segmenter: UtteranceSegmenter,
        stt: SpeechToText,
        prompt: str = "",
        wake_phrase: str = "",
    ) -> None:
        self._segmenter = segmenter
        self._stt = stt
        self.prompt = prompt
        self.wake_phrase = wake_phrase

    @property
    def in_speech(self) -> bool:
        return self._segmenter.in_speech

    def feed(self, audio: Audio, start_time: float | None = None) -> list[SpeechStarted | Heard]:
        """Add a chunk (any rate); returns speech starts and finished, transcribed utterances."""
        samples = audio.at_rate(WHISPER_RATE).samples
        return [self._handle(event) for event in self._segmenter.feed(samples, start_time)]

    def flush(self) -> list[Heard]:
        """End of the stream: transcribe the utterance still open."""
        return [self._handle(u) for u in self._segmenter.flush()]  # type: ignore[misc]

    def _handle(self, event: SpeechStarted | Utterance) -> SpeechStarted | Heard:
        if isinstance(event, SpeechStarted):
            return event
        # The end was decided `ended_at - end` seconds of audio after the last voiced frame.
        return self._transcribe(event, time.perf_counter() - (event.ended_at - event.end))

    def _transcribe(self, utterance: Utterance, speech_ended_wall: float) -> Heard:
        result = self._stt.transcribe(utterance.audio, self.prompt)
        if result.status is HeardStatus.HEARD and self.wake_phrase:
            rest = strip_wake_phrase(result.text, self.wake_phrase)
            result = replace(result, status=HeardStatus.NO_WAKE_PHRASE) if rest is None else replace(result, text=rest)
        latency = time.perf_counter() - speech_ended_wall
        return Heard(result, utterance.start, utterance.end, latency)


def transcribe_clip(audio: Audio, stt: SpeechToText, vad: VoiceActivityDetector, prompt: str = "") -> TranscriptResult:
    """A whole recording: its utterances (found by `vad`) transcribed and joined.

    Silence and noise without voice activity give an empty NOTHING result without decoding, so
    Whisper has no chance to hallucinate words into them.
    """
    listener = SpeechListener(UtteranceSegmenter(vad, SegmenterConfig(end_silence_s=0.5)), stt, prompt)
    heard: list[Heard] = []
    for chunk in file_chunks(audio, chunk_s=1.0, speed=0):
        heard.extend(event for event in listener.feed(chunk) if isinstance(event, Heard))
    heard.extend(listener.flush())
    spoken = [h.result for h in heard if h.result.status is HeardStatus.HEARD]
    if not spoken:
        return TranscriptResult("", 0.0, HeardStatus.NOTHING, stt.name, sum(h.result.seconds for h in heard))
    return TranscriptResult(
        " ".join(r.text for r in spoken),
        min(r.confidence for r in spoken),
        HeardStatus.HEARD,
        stt.name,
        sum(r.seconds for r in spoken),
    )
