"""Text to speech with Piper, sentence by sentence so speaking can start after the first one."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from llmos_robot.errors import SpeechModelError
from llmos_robot.speech.audio import Audio
from llmos_robot.speech.models import piper_voice_paths


class TextToSpeech(Protocol):
    """A voice: text in, one Audio per sentence out (lazily)."""

    @property
    def sample_rate(self) -> int: ...

    def synthesize(self, text: str) -> Iterator[Audio]: ...


class PiperTts:
    """The shipped Piper voice (en_US-joe-medium, 22050 Hz) or a user's .onnx voice."""

    def __init__(
        self,
        model_path: Path | None = None,
        config_path: Path | None = None,
        variation: bool = True,
        length_scale: float | None = None,
    ) -> None:
        """`variation=False` removes the voice's random noise: the same text gives the same samples
        (tests that must repeat); otherwise each rendition differs slightly, as speech does.
        `length_scale` > 1 speaks more slowly (longer sounds and pauses); None = the voice's own."""
        from piper import PiperVoice, SynthesisConfig

        noise = {} if variation else {"noise_scale": 0.0, "noise_w_scale": 0.0}
        self._syn_config = SynthesisConfig(length_scale=length_scale, **noise)  # type: ignore[arg-type]
        if model_path is None:
            model_path, config_path = piper_voice_paths()
        if not Path(model_path).is_file():
            raise SpeechModelError(f"There is no Piper voice at {model_path}.")
        try:
            self._voice: Any = PiperVoice.load(model_path, config_path=config_path)
        except (OSError, ValueError, RuntimeError) as err:
            raise SpeechModelError(f"Piper could not load the voice {model_path}: {err}") from err
        self._lock = threading.Lock()

    @property
    def sample_rate(self) -> int:
        return int(self._voice.config.sample_rate)

    def synthesize(self, text: str) -> Iterator[Audio]:
        """One Audio per sentence; nothing for empty text."""
        if not text.strip():
            return
        with self._lock:
            for chunk in self._voice.synthesize(text, syn_config=self._syn_config):
                yield Audio(np.asarray(chunk.audio_float_array, dtype=np.float32), int(chunk.sample_rate))


def speak_to_audio(tts: TextToSpeech, text: str) -> Audio:
    """The whole utterance as one clip (for files and tests)."""
    pieces = [audio.samples for audio in tts.synthesize(text)]
    samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    return Audio(samples.astype(np.float32), tts.sample_rate)
