"""Audio sources: a microphone through PortAudio, or a file played as chunks (simulation, tests)."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from llmos_robot.errors import AudioDeviceError
from llmos_robot.speech.audio import WHISPER_RATE, Audio, chunks


class Microphone:
    """The default (or named) input device at 16 kHz mono; iterate for chunks of `chunk_s`."""

    def __init__(self, device: str | int | None = None, chunk_s: float = 0.1) -> None:
        try:
            import sounddevice
        except OSError as err:  # libportaudio2 missing
            raise AudioDeviceError(f"PortAudio is not available ({err}); install libportaudio2.") from err
        self._sd: Any = sounddevice
        device = device if device not in ("", None) else None
        try:
            self._sd.query_devices(device, kind="input")
        except (ValueError, self._sd.PortAudioError) as err:
            raise AudioDeviceError(f"There is no microphone to listen to ({err}).") from err
        self._queue: queue.Queue[Audio] = queue.Queue()
        self._stream: Any = self._sd.InputStream(
            samplerate=WHISPER_RATE,
            channels=1,
            dtype="float32",
            device=device,
            blocksize=int(chunk_s * WHISPER_RATE),
            callback=self._captured,
        )
        self._closed = False

    def _captured(self, data: Any, frames: int, time_info: Any, status: Any) -> None:
        self._queue.put(Audio(np.array(data[:, 0], dtype=np.float32), WHISPER_RATE))

    def __iter__(self) -> Iterator[Audio]:
        self._stream.start()
        while not self._closed:
            try:
                yield self._queue.get(timeout=0.5)
            except queue.Empty:
                continue

    def close(self) -> None:
        self._closed = True
        self._stream.stop()
        self._stream.close()


def file_chunks(audio: Audio, chunk_s: float = 0.1, speed: float = 1.0) -> Iterator[Audio]:
    """`audio` cut into chunks, paced at `speed` x real time (0 = as fast as they are taken)."""
    started = time.monotonic()
    block = max(1, int(chunk_s * audio.sample_rate))
    for index, piece in enumerate(chunks(audio.samples, block)):
        if speed > 0:
            due = started + index * chunk_s / speed
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        yield Audio(piece, audio.sample_rate)


def with_trailing_silence(audio: Audio, seconds: float) -> Audio:
    """`audio` followed by `seconds` of silence, so a file's last utterance is seen to end."""
    silence = np.zeros(int(seconds * audio.sample_rate), dtype=np.float32)
    return Audio(np.concatenate([audio.samples, silence]), audio.sample_rate)
