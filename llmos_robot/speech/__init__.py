"""Speech in and out (pure: no ROS): Whisper STT engines, Silero/energy VAD, Piper TTS, audio I/O."""

from llmos_robot.speech.audio import WHISPER_RATE, Audio, read_wav, resample, write_wav
from llmos_robot.speech.listener import Heard, SpeechListener
from llmos_robot.speech.models import Engine
from llmos_robot.speech.stt import HeardStatus, SpeechToText, SttConfig, TranscriptResult, make_stt
from llmos_robot.speech.vad import SegmenterConfig, SpeechStarted, UtteranceSegmenter, make_vad

__all__ = [
    "WHISPER_RATE",
    "Audio",
    "Engine",
    "Heard",
    "HeardStatus",
    "SegmenterConfig",
    "SpeechListener",
    "SpeechStarted",
    "SpeechToText",
    "SttConfig",
    "TranscriptResult",
    "UtteranceSegmenter",
    "make_stt",
    "make_vad",
    "read_wav",
    "resample",
    "write_wav",
]
