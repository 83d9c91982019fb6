"""Shared, expensive speech fixtures (loaded once per test session) and signal helpers."""

from __future__ import annotations

import numpy as np
import pytest

from llmos_robot.speech.audio import WHISPER_RATE, Audio


def tone(seconds: float, frequency: float = 440.0, level: float = 0.3, rate: int = WHISPER_RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def silence(seconds: float, rate: int = WHISPER_RATE) -> np.ndarray:
    return np.zeros(int(seconds * rate), dtype=np.float32)


@pytest.fixture(scope="session")
def piper():
    from llmos_robot.speech.tts import PiperTts

    return PiperTts(variation=False)  # the same samples every run: transcripts must not vary by chance


@pytest.fixture(scope="session")
def tiny_stt():
    from llmos_robot.speech.stt import SttConfig, make_stt

    return make_stt(SttConfig(model="tiny.en"))


@pytest.fixture(scope="session")
def house_prompt() -> str:
    from llmos_robot.speech.stt import world_vocabulary_prompt
    from llmos_robot.world import default_world_path, load_world

    return world_vocabulary_prompt(load_world(default_world_path()))


@pytest.fixture(scope="session")
def spoken(piper):
    """text -> Piper speech resampled to 16 kHz (cached)."""
    from llmos_robot.speech.tts import speak_to_audio

    cache: dict[str, Audio] = {}

    def speak(text: str) -> Audio:
        if text not in cache:
            cache[text] = speak_to_audio(piper, text).at_rate(WHISPER_RATE)
        return cache[text]

    return speak
