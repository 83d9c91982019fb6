"""Audio as the speech part handles it: mono float32 in [-1, 1] with its sample rate.

Whisper listens at 16 kHz, Piper speaks at 22050 Hz, ROS carries PCM16 chunks: this module
converts between them, reads and writes WAV files with clear errors, and cuts audio into chunks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from llmos_robot.errors import AudioFileError

WHISPER_RATE = 16000  # Hz: what the STT engines and the VAD expect
FloatAudio = NDArray[np.float32]


@dataclass(frozen=True)
class Audio:
    """Mono samples (float32, -1..1) at `sample_rate` Hz."""

    samples: FloatAudio
    sample_rate: int

    @property
    def duration(self) -> float:
        """Length in seconds."""
        return len(self.samples) / self.sample_rate if self.sample_rate else 0.0

    def at_rate(self, sample_rate: int) -> Audio:
        """The same sound resampled to `sample_rate`."""
        return Audio(resample(self.samples, self.sample_rate, sample_rate), sample_rate)


def resample(samples: NDArray[np.floating], from_rate: int, to_rate: int) -> FloatAudio:
    """Band-limited resampling by linear interpolation after a short low-pass when downsampling.

    Good enough for speech (Piper 22050 Hz -> Whisper 16 kHz): the energy above 8 kHz that would
    fold back is removed by a windowed-sinc filter first.
    """
    samples = np.asarray(samples, dtype=np.float32)
    if from_rate <= 0 or to_rate <= 0:
        raise AudioFileError(f"A sample rate must be positive (got {from_rate} Hz -> {to_rate} Hz).")
    if from_rate == to_rate or len(samples) == 0:
        return samples.copy()
    if to_rate < from_rate:
        samples = _low_pass(samples, cutoff=0.5 * to_rate / from_rate)
    ratio = Fraction(to_rate, from_rate)
    count = int(len(samples) * ratio)
    positions = np.arange(count, dtype=np.float64) * (from_rate / to_rate)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


def _low_pass(samples: FloatAudio, cutoff: float, taps: int = 63) -> FloatAudio:
    """Windowed-sinc FIR low-pass; cutoff as a fraction of the sample rate (0..0.5)."""
    n = np.arange(taps) - (taps - 1) / 2
    kernel = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(taps)
    kernel /= kernel.sum()
    return np.convolve(samples, kernel, mode="same").astype(np.float32)


def to_pcm16(samples: NDArray[np.floating]) -> NDArray[np.int16]:
    """Float samples -> PCM16, clipped to the representable range."""
    clipped = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0)
    return np.round(clipped * 32767.0).astype(np.int16)


def from_pcm16(samples: NDArray[np.integer] | list[int]) -> FloatAudio:
    """PCM16 -> float samples in [-1, 1]."""
    return np.asarray(samples, dtype=np.float32) / 32768.0


def read_wav(path: Path) -> Audio:
    """Read an audio file (WAV, FLAC, OGG...) as mono float32; stereo is averaged.

    Raises AudioFileError for a missing, empty or non-audio file, never a library traceback.
    """
    import soundfile

    path = Path(path)
    if not path.is_file():
        raise AudioFileError(f"There is no audio file at {path}.")
    if path.stat().st_size == 0:
        raise AudioFileError(f"The audio file {path} is empty.")
    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, soundfile.LibsndfileError, ValueError) as err:
        raise AudioFileError(f"{path} is not an audio file I can read ({err}).") from err
    if data.shape[0] == 0:
        raise AudioFileError(f"The audio file {path} holds no samples.")
    return Audio(data.mean(axis=1).astype(np.float32), int(rate))


def write_wav(path: Path, audio: Audio) -> Path:
    """Write mono PCM16 WAV; creates the parent folder."""
    import soundfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), to_pcm16(audio.samples), audio.sample_rate, subtype="PCM_16")
    return path


def chunks(samples: FloatAudio, chunk_samples: int) -> Iterator[FloatAudio]:
    """Consecutive pieces of `chunk_samples` (the last one may be shorter)."""
    for start in range(0, len(samples), chunk_samples):
        yield samples[start : start + chunk_samples]


def rms(samples: FloatAudio) -> float:
    """Root-mean-square level (0 for no samples)."""
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if len(samples) else 0.0
