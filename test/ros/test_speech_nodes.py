"""speech_in and speech_out as ROS nodes: a WAV in -> a transcript out; text in -> speech out, cut."""

from __future__ import annotations

import pytest
from rclpy.parameter import Parameter

pytest.importorskip("llmos_interfaces.msg")
from llmos_interfaces.msg import AudioChunk, Transcript
from std_msgs.msg import Bool, String

from llmos_robot.ros.speech_conversions import (
    audio_chunk_to_msg,
    audio_from_chunk_msg,
    transcript_from_msg,
    transcript_to_msg,
)
from llmos_robot.speech.audio import Audio, write_wav
from llmos_robot.speech.listener import Heard
from llmos_robot.speech.stt import HeardStatus, TranscriptResult


def test_audio_chunk_conversion_round_trip_and_bad_rate():
    import numpy as np

    from llmos_robot.errors import AudioFileError

    audio = Audio(np.array([0.0, 0.25, -0.5], dtype=np.float32), 16000)
    back, stamp = audio_from_chunk_msg(audio_chunk_to_msg(audio, 12.5))
    assert back.sample_rate == 16000 and stamp == 12.5
    assert back.samples.tolist() == pytest.approx([0.0, 0.25, -0.5], abs=1e-4)
    msg = audio_chunk_to_msg(audio, 0.0)
    msg.sample_rate = 0
    with pytest.raises(AudioFileError, match="sample rate 0"):
        audio_from_chunk_msg(msg)


def test_transcript_conversion_keeps_text_confidence_and_times():
    heard = Heard(
        TranscriptResult("clean the kitchen", 0.75, HeardStatus.HEARD, "faster-whisper tiny.en", 0.2), 3.5, 5.25, 0.4
    )
    msg = transcript_to_msg(heard, 6.0, "file")
    assert (msg.engine, msg.source) == ("faster-whisper tiny.en", "file")
    assert transcript_from_msg(msg) == ("clean the kitchen", 0.75, 3.5, 5.25)


def _transcripts_of(ros, wav):
    """Start a speech_in node hearing `wav` (at 4x) and return the list its transcripts arrive in."""
    from llmos_robot.ros.speech_in_node import SpeechInNode

    transcripts: list[Transcript] = []
    listener = ros.node("transcript_listener")
    listener.create_subscription(Transcript, "speech/transcript", transcripts.append, 10)
    ros.add(
        SpeechInNode(
            context=ros.context,
            parameter_overrides=[Parameter("audio_file", value=str(wav)), Parameter("audio_file_speed", value=4.0)],
        )
    )
    return transcripts


def test_injected_wav_comes_out_as_a_transcript(ros, tmp_path):
    from llmos_robot.speech.tts import PiperTts, speak_to_audio

    wav = write_wav(tmp_path / "command.wav", speak_to_audio(PiperTts(variation=False), "Please clean the kitchen."))
    transcripts = _transcripts_of(ros, wav)
    assert ros.wait_for(lambda: len(transcripts) > 0, timeout=60)
    msg = transcripts[0]
    assert "kitchen" in msg.text.lower()
    assert msg.source == "file" and msg.engine == "faster-whisper tiny.en"
    assert 0.0 < msg.confidence <= 1.0
    assert (msg.speech_end.sec, msg.speech_end.nanosec) > (msg.speech_start.sec, msg.speech_start.nanosec)


def test_the_robots_name_then_a_pause_then_the_question_is_one_transcript(ros, tmp_path):
    """What broke `make demo`: Piper's pause after "Robot," (here spoken a little slowly, 0.42 s)
    is longer than the end of utterance; the kernel must still get one request, not "Robot." alone."""
    from llmos_robot.speech.tts import PiperTts, speak_to_audio

    slow = PiperTts(variation=False, length_scale=1.3)
    wav = write_wav(tmp_path / "question.wav", speak_to_audio(slow, "Robot, when did you last clean the kitchen?"))
    transcripts = _transcripts_of(ros, wav)
    assert ros.wait_for(lambda: len(transcripts) > 0, timeout=60)
    assert not ros.wait_for(lambda: len(transcripts) > 1, timeout=2.0)  # nothing more comes
    text = transcripts[0].text.lower()
    assert text.startswith("robot,") and "when did you last clean the kitchen" in text, text


def test_speech_out_speaks_publishes_audio_and_is_cut_by_stop(ros):
    from llmos_robot.ros.speech_out_node import SpeechOutNode

    speaking: list[bool] = []
    chunks: list[AudioChunk] = []
    probe = ros.node("speech_probe")
    probe.create_subscription(Bool, "speech/speaking", lambda m: speaking.append(m.data), 10)
    probe.create_subscription(AudioChunk, "audio/out", chunks.append, 100)
    say = probe.create_publisher(String, "speech/say", 10)
    transcript = probe.create_publisher(Transcript, "speech/transcript", 10)
    node = ros.add(SpeechOutNode(context=ros.context, parameter_overrides=[Parameter("playback", value="none")]))
    assert ros.wait_for(lambda: say.get_subscription_count() > 0 and probe.count_publishers("audio/out") > 0)

    say.publish(String(data="I will clean the kitchen now."))
    assert ros.wait_for(lambda: speaking[-2:] == [True, False], timeout=30)
    assert ros.wait_for(lambda: _seconds(chunks) > 1.0)  # "I will clean the kitchen now." ~1.5 s
    assert chunks[0].sample_rate == 16000 and _seconds(chunks) < 5.0

    # A long reply, with playback at real time through a slow sink, cut by the user saying stop.
    node._player._sink = _RealTimeSink()
    chunks.clear()
    say.publish(String(data="The kitchen is done. " * 6))
    assert ros.wait_for(lambda: len(chunks) >= 5, timeout=30)
    transcript.publish(Transcript(text="Stop!"))
    assert ros.wait_for(lambda: speaking[-1] is False, timeout=10)
    assert _seconds(chunks) < 3.0  # six sentences would be ~10 s

    # Barge-in: the user starts talking (voice on audio/in) while the robot speaks.
    from llmos_robot.speech.tts import speak_to_audio

    user = speak_to_audio(node._player._tts, "Wait, clean the bedroom instead.").at_rate(16000)
    mic = probe.create_publisher(AudioChunk, "audio/in", 100)
    chunks.clear()
    say.publish(String(data="The kitchen is done. " * 6))
    assert ros.wait_for(lambda: len(chunks) >= 5 and speaking[-1] is True, timeout=30)
    for start in range(0, len(user.samples), 1600):
        mic.publish(audio_chunk_to_msg(Audio(user.samples[start : start + 1600], 16000), 0.0))
    assert ros.wait_for(lambda: speaking[-1] is False, timeout=10)
    assert _seconds(chunks) < 4.0


def _seconds(chunks: list[AudioChunk]) -> float:
    return sum(len(c.samples) / c.sample_rate for c in chunks)


class _RealTimeSink:
    """Plays nothing, but takes as long as the audio would (a stand-in speaker)."""

    def write(self, audio: Audio) -> None:
        import time

        time.sleep(audio.duration)

    def stop(self) -> None:
        """Nothing to stop."""
