"""Speech messages <-> speech core types (audio chunks, transcripts)."""

from __future__ import annotations

import numpy as np
from llmos_interfaces.msg import AudioChunk, Transcript

from llmos_robot.errors import AudioFileError
from llmos_robot.ros.conversions import time_from_msg, time_to_msg
from llmos_robot.speech.audio import Audio, from_pcm16, to_pcm16
from llmos_robot.speech.listener import Heard


def audio_chunk_to_msg(audio: Audio, stamp: float, frame_id: str = "") -> AudioChunk:
    """Mono PCM16 chunk; `stamp` = time of its first sample."""
    msg = AudioChunk()
    msg.header.stamp = time_to_msg(stamp)
    msg.header.frame_id = frame_id
    msg.sample_rate = int(audio.sample_rate)
    msg.samples = to_pcm16(audio.samples).tolist()
    return msg


def audio_from_chunk_msg(msg: AudioChunk) -> tuple[Audio, float]:
    """The chunk's audio and the time of its first sample; AudioFileError on a zero sample rate."""
    if msg.sample_rate <= 0:
        raise AudioFileError(f"An audio chunk with sample rate {msg.sample_rate} Hz cannot be used.")
    samples = from_pcm16(np.asarray(msg.samples, dtype=np.int16))
    return Audio(samples, int(msg.sample_rate)), time_from_msg(msg.header.stamp)


def transcript_to_msg(heard: Heard, stamp: float, source: str) -> Transcript:
    """What the user said, with confidence, engine and the speech's start and end."""
    msg = Transcript()
    msg.header.stamp = time_to_msg(stamp)
    msg.text = heard.result.text
    msg.confidence = float(heard.result.confidence)
    msg.speech_start = time_to_msg(heard.speech_start)
    msg.speech_end = time_to_msg(heard.speech_end)
    msg.engine = heard.result.engine
    msg.source = source
    return msg


def transcript_from_msg(msg: Transcript) -> tuple[str, float, float, float]:
    """(text, confidence, speech_start, speech_end)."""
    return msg.text, float(msg.confidence), time_from_msg(msg.speech_start), time_from_msg(msg.speech_end)
