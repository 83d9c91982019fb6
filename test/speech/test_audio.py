"""Audio plumbing: resampling, PCM16, reading files with clear errors."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from llmos_robot.errors import AudioFileError
from llmos_robot.speech.audio import Audio, from_pcm16, read_wav, resample, to_pcm16, write_wav

from .conftest import tone


def _dominant_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])


def test_piper_rate_speech_resampled_to_whisper_rate_keeps_pitch_and_length():
    source = tone(1.0, 440.0, rate=22050)
    out = resample(source, 22050, 16000)
    assert len(out) == 16000
    assert _dominant_frequency(out, 16000) == pytest.approx(440.0, abs=2.0)


def test_downsampling_removes_energy_that_would_fold_back():
    # 10 kHz cannot exist at 16 kHz; without the low-pass it would alias to 6 kHz at full level.
    out = resample(tone(1.0, 10000.0, rate=22050), 22050, 16000)
    assert np.sqrt(np.mean(out**2)) < 0.05 * 0.3


def test_pcm16_round_trip_and_clipping():
    samples = np.array([0.0, 0.5, -0.5, 2.0, -2.0], dtype=np.float32)
    pcm = to_pcm16(samples)
    assert pcm.tolist()[3:] == [32767, -32767]
    assert from_pcm16(pcm)[:3] == pytest.approx([0.0, 0.5, -0.5], abs=1e-4)


def test_wav_round_trip_at_its_own_rate(tmp_path):
    path = write_wav(tmp_path / "a" / "tone.wav", Audio(tone(0.5, rate=8000), 8000))
    audio = read_wav(path)
    assert audio.sample_rate == 8000
    assert audio.duration == pytest.approx(0.5)


def test_stereo_file_is_mixed_to_mono(tmp_path):
    left = tone(0.2)
    soundfile.write(tmp_path / "stereo.wav", np.stack([left, -left], axis=1), 16000)
    assert np.abs(read_wav(tmp_path / "stereo.wav").samples).max() < 1e-3


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no audio file"), (b"", "empty"), (b"this is not audio at all" * 10, "not an audio file")],
)
def test_bad_files_raise_a_clear_error(tmp_path, content, message):
    path = tmp_path / "input.wav"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(AudioFileError, match=message):
        read_wav(path)


def test_wav_header_without_samples_is_a_clear_error(tmp_path):
    soundfile.write(tmp_path / "none.wav", np.zeros(0, dtype=np.float32), 16000)
    with pytest.raises(AudioFileError, match="no samples"):
        read_wav(tmp_path / "none.wav")
