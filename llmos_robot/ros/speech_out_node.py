"""The `speech_out` node: text in, speech out (speaker and topic), cut when the user talks.

Subscribes:
  speech/say         std_msgs/String              text to say; a new one replaces what is being said
  audio/in           llmos_interfaces/AudioChunk  voice activity here cuts the speech (barge-in)
  speech/transcript  llmos_interfaces/Transcript  "stop" (or "be quiet") cuts the speech
Publishes:
  speech/speaking    std_msgs/Bool                true while speaking, false when done or cut
  audio/out          llmos_interfaces/AudioChunk  the synthesised speech, at `out_sample_rate`, as it is played
Parameters (config/speech.yaml): voice_model, voice_config, playback ("auto", "speaker", "none"),
  output_device, out_sample_rate, block_s, barge_in, barge_in_vad, barge_in_threshold_rms, barge_in_s.

Synthesis and playback run on a worker thread, sentence by sentence, so speaking starts after the
first sentence and the executor is never blocked.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from pathlib import Path

from llmos_interfaces.msg import AudioChunk, Transcript
from rclpy.node import Node
from std_msgs.msg import Bool, String

from llmos_robot.errors import AudioDeviceError, LlmosError
from llmos_robot.ros.node_main import run_node
from llmos_robot.ros.speech_conversions import audio_chunk_to_msg, audio_from_chunk_msg
from llmos_robot.speech.audio import WHISPER_RATE, Audio
from llmos_robot.speech.playback import AudioSink, NullSink, SoundDeviceSink, SpeechPlayer, is_stop_command
from llmos_robot.speech.tts import PiperTts
from llmos_robot.speech.vad import FRAME_SAMPLES, SegmenterConfig, SpeechStarted, UtteranceSegmenter, make_vad


@dataclass(frozen=True)
class SpeechOutParams:
    voice_model: str
    voice_config: str
    playback: str
    output_device: str
    out_sample_rate: int
    block_s: float
    barge_in: bool
    barge_in_vad: str
    barge_in_threshold_rms: float
    barge_in_s: float


class SpeechOutNode(Node):
    def __init__(self, **kwargs: object) -> None:
        super().__init__("speech_out", **kwargs)  # type: ignore[arg-type]
        self.params = p = self._read_parameters()
        tts = (
            PiperTts(Path(p.voice_model), Path(p.voice_config) if p.voice_config else None)
            if p.voice_model
            else PiperTts()
        )
        self._player = SpeechPlayer(tts, self._make_sink(), self._publish_audio, p.block_s)
        self._speaking_pub = self.create_publisher(Bool, "speech/speaking", 10)
        self._audio_pub = self.create_publisher(AudioChunk, "audio/out", 50)
        self.create_subscription(String, "speech/say", self._on_say, 10)
        self.create_subscription(Transcript, "speech/transcript", self._on_transcript, 10)
        self._barge_in = UtteranceSegmenter(
            make_vad(p.barge_in_vad, p.barge_in_threshold_rms),
            SegmenterConfig(min_speech_s=p.barge_in_s, end_silence_s=0.3, pre_roll_s=FRAME_SAMPLES / WHISPER_RATE),
        )
        if p.barge_in:
            self.create_subscription(AudioChunk, "audio/in", self._on_audio_in, 50)
        self.speaking = False
        self._clock_sent = 0.0
        self._texts: queue.Queue[str | None] = queue.Queue()
        self._worker = threading.Thread(target=self._speak_loop, daemon=True)
        self._worker.start()

    def _read_parameters(self) -> SpeechOutParams:
        def param(name: str, default: object) -> object:
            return self.declare_parameter(name, default).value

        playback = str(param("playback", "auto"))
        if playback not in ("auto", "speaker", "none"):
            raise ValueError(f"playback must be 'auto', 'speaker' or 'none', got {playback!r}")
        return SpeechOutParams(
            voice_model=str(param("voice_model", "")),
            voice_config=str(param("voice_config", "")),
            playback=playback,
            output_device=str(param("output_device", "")),
            out_sample_rate=int(param("out_sample_rate", WHISPER_RATE)),  # type: ignore[call-overload]
            block_s=float(param("block_s", 0.1)),  # type: ignore[arg-type]
            barge_in=bool(param("barge_in", True)),
            barge_in_vad=str(param("barge_in_vad", "silero")),
            barge_in_threshold_rms=float(param("barge_in_threshold_rms", 0.01)),  # type: ignore[arg-type]
            barge_in_s=float(param("barge_in_s", 0.2)),  # type: ignore[arg-type]
        )

    def _make_sink(self) -> AudioSink:
        if self.params.playback == "none":
            return NullSink()
        try:
            return SoundDeviceSink(self.params.output_device or None)
        except AudioDeviceError as err:
            if self.params.playback == "speaker":
                raise
            self.get_logger().info(f"{err} Speech goes to audio/out only.")
            return NullSink()

    def _on_say(self, msg: String) -> None:
        if self.speaking:
            self._player.cut()  # the newest request wins
        self._texts.put(msg.data)

    def _on_transcript(self, msg: Transcript) -> None:
        if self.speaking and is_stop_command(msg.text):
            self.get_logger().info(f"cut by {msg.text!r}")
            self._player.cut()

    def _on_audio_in(self, msg: AudioChunk) -> None:
        try:
            audio, _ = audio_from_chunk_msg(msg)
        except LlmosError:
            return
        events = self._barge_in.feed(audio.at_rate(WHISPER_RATE).samples)
        started = any(isinstance(event, SpeechStarted) for event in events)
        if started and self.speaking:
            self.get_logger().info("cut: the user started talking")
            self._player.cut()

    def _publish_audio(self, audio: Audio) -> None:
        now = self.get_clock().now().nanoseconds * 1e-9
        self._audio_pub.publish(audio_chunk_to_msg(audio.at_rate(self.params.out_sample_rate), now))

    def _speak_loop(self) -> None:
        while True:
            text = self._texts.get()
            if text is None:
                return
            self._set_speaking(True)
            try:
                result = self._player.say(text)
                self.get_logger().info(result.sentence)
            except LlmosError as err:
                self.get_logger().warning(str(err))
            finally:
                self._set_speaking(False)

    def _set_speaking(self, speaking: bool) -> None:
        self.speaking = speaking
        self._speaking_pub.publish(Bool(data=speaking))

    def shutdown(self) -> None:
        """Stop speaking and end the worker."""
        self._player.cut()
        self._texts.put(None)
        self._worker.join(timeout=5)


def main(args: list[str] | None = None) -> None:
    run_node("speech_out", SpeechOutNode, args)


if __name__ == "__main__":
    main()
