"""Speaking out loud: sentences go to an audio sink in short blocks, and can be cut at once.

`SpeechPlayer.say` synthesises sentence by sentence and writes each in blocks of `block_s`
seconds, checking between blocks whether it was cut (the user started talking or said stop).
Each block is also handed to `on_audio` (the node publishes it so a test can capture it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from llmos_robot.errors import AudioDeviceError
from llmos_robot.speech.audio import Audio, chunks
from llmos_robot.speech.tts import TextToSpeech


class AudioSink(Protocol):
    """Where speech is played; write blocks until the block is queued or played."""

    def write(self, audio: Audio) -> None: ...

    def stop(self) -> None: ...


class NullSink:
    """No speaker: audio is only published (simulation, tests, headless machines)."""

    def write(self, audio: Audio) -> None:
        """Discard."""

    def stop(self) -> None:
        """Nothing playing."""


class SoundDeviceSink:
    """The default output device through PortAudio (sounddevice)."""

    def __init__(self, device: str | int | None = None) -> None:
        try:
            import sounddevice
        except OSError as err:  # libportaudio2 missing
            raise AudioDeviceError(f"PortAudio is not available ({err}); install libportaudio2.") from err
        self._sd: Any = sounddevice
        self._device = device if device not in ("", None) else None
        try:
            self._sd.query_devices(self._device, kind="output")
        except (ValueError, self._sd.PortAudioError) as err:
            raise AudioDeviceError(f"There is no speaker to play on ({err}).") from err
        self._stream: Any = None
        self._rate = 0

    def write(self, audio: Audio) -> None:
        if self._stream is None or self._rate != audio.sample_rate:
            self.stop()
            self._stream = self._sd.OutputStream(
                samplerate=audio.sample_rate, channels=1, dtype="float32", device=self._device
            )
            self._stream.start()
            self._rate = audio.sample_rate
        try:
            self._stream.write(audio.samples.reshape(-1, 1))
        except self._sd.PortAudioError:
            self._stream = None  # cut from another thread while writing

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.abort()
            stream.close()


class SpeakStatus(str, Enum):
    SPOKEN = "spoken"
    CUT = "cut"  # interrupted by the user
    NOTHING = "nothing"  # empty text


@dataclass(frozen=True)
class SpeakResult:
    status: SpeakStatus
    seconds_spoken: float  # audio seconds that went out
    sentences: int

    @property
    def sentence(self) -> str:
        if self.status is SpeakStatus.CUT:
            return f"I stopped talking after {self.seconds_spoken:.1f} s because you spoke."
        if self.status is SpeakStatus.NOTHING:
            return "There was nothing to say."
        return f"I said {self.sentences} sentence(s) in {self.seconds_spoken:.1f} s."


class SpeechPlayer:
    """Says text through a sink; `cut()` from any thread stops it within one block."""

    def __init__(
        self,
        tts: TextToSpeech,
        sink: AudioSink,
        on_audio: Callable[[Audio], None] | None = None,
        block_s: float = 0.1,
    ) -> None:
        self._tts = tts
        self._sink = sink
        self._on_audio = on_audio
        self._block_s = block_s
        self._cut = threading.Event()

    def cut(self) -> None:
        """Stop speaking now (safe to call from another thread, or when silent)."""
        self._cut.set()
        self._sink.stop()

    def say(self, text: str) -> SpeakResult:
        self._cut.clear()
        spoken, sentences = 0.0, 0
        for sentence in self._tts.synthesize(text):
            sentences += 1
            block = max(1, int(self._block_s * sentence.sample_rate))
            for piece in chunks(sentence.samples, block):
                if self._cut.is_set():
                    return SpeakResult(SpeakStatus.CUT, spoken, sentences)
                audio = Audio(piece, sentence.sample_rate)
                if self._on_audio:
                    self._on_audio(audio)
                self._sink.write(audio)
                spoken += audio.duration
        if self._cut.is_set():
            return SpeakResult(SpeakStatus.CUT, spoken, sentences)
        return SpeakResult(SpeakStatus.SPOKEN if sentences else SpeakStatus.NOTHING, spoken, sentences)


def is_stop_command(text: str) -> bool:
    """True for "stop", "Stop!", "robot stop", "stop talking", "be quiet", "shut up"."""
    from llmos_robot.speech.listener import words

    said = words(text)
    return "stop" in said or "quiet" in said or said[:2] == ["shut", "up"] or said == ["enough"]
