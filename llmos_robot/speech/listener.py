"""The listening loop, without ROS: audio chunks in, heard utterances out.

`SpeechListener` resamples each chunk to 16 kHz, segments the stream into utterances (vad.py),
transcribes each one with the vocabulary prompt and applies the optional wake phrase. The node
and `llmos-robot listen` both drive it; tests drive it with arrays.

Two things make it answer sooner and hear whole requests:

- Speculative transcription. When speech pauses (`PossibleEnd`, ~0.1 s of silence) the
  utterance so far is transcribed on a worker thread while the segmenter waits out the rest of
  the end-of-utterance silence. If the silence lasts, that transcript is the result (no second
  decode); if speech resumes, it is dropped and the final utterance, which covers both parts, is
  transcribed. Only final transcripts are ever returned.
- The robot's name said alone. "Robot." with a pause before the request (a person's pause, or
  Piper's comma) would be an utterance of its own. An utterance that is only the name or the wake
  phrase (or ends in it after a word or two: "hey robot") is held for `wait_after_name_s` and
  joined with what follows: "Robot, when did you last clean the kitchen?".
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

from llmos_robot.speech.audio import WHISPER_RATE, Audio
from llmos_robot.speech.microphone import file_chunks
from llmos_robot.speech.stt import HeardStatus, SpeechToText, TranscriptResult
from llmos_robot.speech.vad import (
    PossibleEnd,
    SegmenterConfig,
    SpeechStarted,
    Utterance,
    UtteranceSegmenter,
    VoiceActivityDetector,
)

# "Hey robot", "okay then robot": at most this many words before the name and it is still only
# someone getting the robot's attention; "clean the kitchen, robot" is a whole request.
WORDS_BEFORE_NAME = 2


@dataclass(frozen=True)
class Heard:
    """One utterance and what was understood."""

    result: TranscriptResult
    speech_start: float  # stream clock, s
    speech_end: float
    latency: float  # wall seconds from the end of speech (last voiced frame) to this result


@dataclass
class SpeculationCounts:
    """How the speculative transcriptions went (for the benchmark and logs)."""

    started: int = 0  # decodes begun at a pause
    used: int = 0  # ...whose transcript became the result (the silence lasted)
    dropped: int = 0  # ...thrown away because speech resumed


@dataclass(frozen=True)
class _Guess:
    start: float
    end: float
    transcript: Future[TranscriptResult]


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


def only_addresses(text: str, names: list[str]) -> bool:
    """True when `text` is one of `names` alone, or ends in it after at most WORDS_BEFORE_NAME
    words ("Robot.", "Hey robot!"): the speaker has more to say."""
    spoken = words(text)
    for name in names:
        wanted = words(name)
        if wanted and spoken[-len(wanted) :] == wanted and len(spoken) - len(wanted) <= WORDS_BEFORE_NAME:
            return True
    return False


def join_address(address: str, request: str) -> str:
    """ "Robot." + "When did you last clean?" -> "Robot, when did you last clean?" """
    head = address.strip().rstrip(".!?,;:")
    request = request.strip()
    if request and not re.match(r"I\b", request):
        request = request[0].lower() + request[1:]
    return f"{head}, {request}"


def _joined(address: Heard, request: Heard) -> Heard:
    first, second = address.result, request.result
    result = replace(
        second,
        text=join_address(first.text, second.text),
        confidence=min(first.confidence, second.confidence),
        seconds=first.seconds + second.seconds,
    )
    return Heard(result, address.speech_start, request.speech_end, request.latency)


class SpeechListener:
    """Segments a stream and transcribes each utterance (speculatively, at each pause)."""

    def __init__(
        self,
        segmenter: UtteranceSegmenter,
        stt: SpeechToText,
        prompt: str = "",
        wake_phrase: str = "",
        name: str = "",
        wait_after_name_s: float = 1.5,
    ) -> None:
        """`name`: what the robot is called ("robot"; "" = none); an utterance that is only the
        name or the wake phrase waits `wait_after_name_s` of stream time for the rest."""
        self._segmenter = segmenter
        self._stt = stt
        self.prompt = prompt
        self.wake_phrase = wake_phrase
        self._names = [n for n in (wake_phrase, name) if words(n)]
        self._wait_after_name_s = wait_after_name_s
        self._decoder: ThreadPoolExecutor | None = None
        self._decoder_lock = threading.Lock()
        self._guess: _Guess | None = None
        self._held: Heard | None = None
        self._held_end_audio_s = 0.0  # the held name's end, in seconds of audio taken
        self.speculation = SpeculationCounts()

    @property
    def in_speech(self) -> bool:
        return self._segmenter.in_speech

    @property
    def waiting_for_more(self) -> bool:
        """True while the name said alone is held for the request that follows."""
        return self._held is not None

    def feed(self, audio: Audio, start_time: float | None = None) -> list[SpeechStarted | Heard]:
        """Add a chunk (any rate); returns speech starts and finished, transcribed utterances."""
        samples = audio.at_rate(WHISPER_RATE).samples
        out: list[SpeechStarted | Heard] = []
        for event in self._segmenter.feed(samples, start_time):
            if isinstance(event, SpeechStarted):
                out.append(event)
            elif isinstance(event, PossibleEnd):
                self._speculate(event.utterance)
            else:
                out.extend(self._finished(event))
        if self._held is not None and not self.in_speech and self._silence_since_held() >= self._wait_after_name_s:
            out.append(self._release())
        return out

    def flush(self) -> list[Heard]:
        """End of the stream: transcribe the utterance still open; release a held name."""
        out = [heard for utterance in self._segmenter.flush() for heard in self._finished(utterance)]
        if self._held is not None:
            out.append(self._release())
        return out

    def close(self) -> None:
        """Stop the speculative decoding thread (a decode in progress finishes)."""
        with self._decoder_lock:
            if self._decoder is not None:
                self._decoder.shutdown(wait=False, cancel_futures=True)
                self._decoder = None

    def _speculate(self, utterance: Utterance) -> None:
        self._drop_guess()
        with self._decoder_lock:
            if self._decoder is None:
                self._decoder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="speculative-stt")
            future = self._decoder.submit(self._stt.transcribe, utterance.audio, self.prompt)
        self._guess = _Guess(utterance.start, utterance.end, future)
        self.speculation.started += 1

    def _drop_guess(self) -> None:
        if self._guess is not None:
            self._guess.transcript.cancel()  # not started yet: never runs; running: its result is ignored
            self.speculation.dropped += 1
            self._guess = None

    def _finished(self, utterance: Utterance) -> list[Heard]:
        # The end was decided `ended_at - end` seconds of audio after the last voiced frame.
        speech_ended_wall = time.perf_counter() - (utterance.ended_at - utterance.end)
        guess = self._guess
        if guess is not None and (guess.start, guess.end) == (utterance.start, utterance.end):
            self._guess = None
            result = guess.transcript.result()  # the silence lasted: the speculative transcript stands
            self.speculation.used += 1
        else:
            self._drop_guess()
            result = self._stt.transcribe(utterance.audio, self.prompt)
        heard = Heard(result, utterance.start, utterance.end, time.perf_counter() - speech_ended_wall)
        return self._addressed(heard, self._segmenter.audio_taken_s - (utterance.ended_at - utterance.end))

    def _silence_since_held(self) -> float:
        return self._segmenter.audio_taken_s - self._held_end_audio_s

    def _addressed(self, heard: Heard, end_audio_s: float) -> list[Heard]:
        """Hold the name said alone; join it with the request that follows; apply the wake phrase."""
        out: list[Heard] = []
        if self._held is not None:
            if heard.result.status is HeardStatus.HEARD:
                heard = _joined(self._held, heard)
                self._held = None
            else:  # a cough after the name: the name goes out alone
                out.append(self._release())
        if heard.result.status is HeardStatus.HEARD and only_addresses(heard.result.text, self._names):
            self._held, self._held_end_audio_s = heard, end_audio_s
            return out
        return [*out, self._wake_filtered(heard)]

    def _release(self) -> Heard:
        assert self._held is not None
        heard, self._held = self._held, None
        return self._wake_filtered(heard)

    def _wake_filtered(self, heard: Heard) -> Heard:
        result = heard.result
        if result.status is HeardStatus.HEARD and self.wake_phrase:
            rest = strip_wake_phrase(result.text, self.wake_phrase)
            if rest is None:
                result = replace(result, status=HeardStatus.NO_WAKE_PHRASE)
            elif words(rest):  # the name alone stays as it was said: the robot was called
                result = replace(result, text=rest)
        return replace(heard, result=result)


def transcribe_clip(audio: Audio, stt: SpeechToText, vad: VoiceActivityDetector, prompt: str = "") -> TranscriptResult:
    """A whole recording: its utterances (found by `vad`) transcribed and joined.

    Silence and noise without voice activity give an empty NOTHING result without decoding, so
    Whisper has no chance to hallucinate words into them.
    """
    # Not speculative: the file is read faster than real time, so there is no silence to hide a decode in.
    listener = SpeechListener(
        UtteranceSegmenter(vad, SegmenterConfig(end_silence_s=0.5, speculate_after_s=0.0)), stt, prompt
    )
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
