"""The `speech_in` node: audio chunks in, what the user said out.

Subscribes:
  audio/in           llmos_interfaces/AudioChunk  mono PCM16 (any rate; resampled to 16 kHz); not when
                                                  the node is its own source (it hears that directly)
Publishes:
  speech/transcript  llmos_interfaces/Transcript  one per utterance: text, confidence, speech start/end,
                                                  engine, source
  speech/user_speaking  std_msgs/Bool             true when voice activity starts, false when the utterance ends
  audio/in           llmos_interfaces/AudioChunk  only with `microphone` or `audio_file`: the node is its own source
Parameters (config/speech.yaml documents each): engine, model, threads, compute_type, beam_size,
  window_s, vad, vad_threshold, energy_threshold_rms, min_speech_s, end_silence_s, speculate_after_s,
  pre_roll_s, max_utterance_s, wake_phrase, robot_name, wait_after_name_s, world, vocabulary,
  microphone, input_device, audio_file, audio_file_speed, chunk_s.

Transcription runs on a worker thread fed by a queue, so no executor callback waits on the model;
the listener starts transcribing at each pause on a thread of its own (speculatively) and
publishes only the final transcript of an utterance.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from pathlib import Path

from llmos_interfaces.msg import AudioChunk, Transcript
from rclpy.node import Node
from std_msgs.msg import Bool

from llmos_robot.errors import LlmosError
from llmos_robot.ros.node_main import run_node
from llmos_robot.ros.speech_conversions import audio_chunk_to_msg, audio_from_chunk_msg, transcript_to_msg
from llmos_robot.speech.audio import read_wav
from llmos_robot.speech.listener import Heard, SpeechListener
from llmos_robot.speech.microphone import Microphone, file_chunks, with_trailing_silence
from llmos_robot.speech.models import Engine
from llmos_robot.speech.stt import HeardStatus, SttConfig, make_stt, vocabulary_prompt, world_vocabulary_prompt
from llmos_robot.speech.vad import SegmenterConfig, SpeechStarted, UtteranceSegmenter, make_vad
from llmos_robot.world import default_world_path, load_world


@dataclass(frozen=True)
class SpeechInParams:
    stt: SttConfig
    segmenter: SegmenterConfig
    vad: str
    energy_threshold_rms: float
    wake_phrase: str
    robot_name: str
    wait_after_name_s: float
    world: str
    vocabulary: tuple[str, ...]
    microphone: bool
    input_device: str
    audio_file: str
    audio_file_speed: float
    chunk_s: float


class SpeechInNode(Node):
    def __init__(self, **kwargs: object) -> None:
        super().__init__("speech_in", **kwargs)  # type: ignore[arg-type]
        self.params = self._read_parameters()
        p = self.params
        self._listener = SpeechListener(
            UtteranceSegmenter(make_vad(p.vad, p.energy_threshold_rms), p.segmenter),
            make_stt(p.stt),
            self._prompt(),
            p.wake_phrase,
            p.robot_name,
            p.wait_after_name_s,
        )
        self._source = "microphone" if p.microphone else "file"
        self._transcripts = self.create_publisher(Transcript, "speech/transcript", 10)
        self._speaking = self.create_publisher(Bool, "speech/user_speaking", 10)
        self._audio_out = self.create_publisher(AudioChunk, "audio/in", 50)
        if not (p.microphone or p.audio_file):  # its own source is heard directly, see _publish_source
            self.create_subscription(AudioChunk, "audio/in", self._on_audio, 200)
        self._queue: queue.Queue[AudioChunk | None] = queue.Queue()
        self._stop = threading.Event()
        self._workers = [threading.Thread(target=self._transcribe_loop, daemon=True)]
        self._microphone: Microphone | None = None
        if p.microphone:
            self._microphone = Microphone(p.input_device or None, p.chunk_s)
            self._workers.append(threading.Thread(target=self._publish_source, args=(self._microphone,), daemon=True))
        elif p.audio_file:
            # Enough silence after the file for its last utterance to end (and a name said alone to be released).
            trailing_s = p.segmenter.end_silence_s + p.wait_after_name_s + 0.5
            audio = with_trailing_silence(read_wav(Path(p.audio_file)), trailing_s)
            self._workers.append(
                threading.Thread(
                    target=self._publish_source, args=(file_chunks(audio, p.chunk_s, p.audio_file_speed),), daemon=True
                )
            )
        for worker in self._workers:
            worker.start()
        self.get_logger().info(f"listening with {p.stt.engine.value} {p.stt.model}, VAD {p.vad}")

    def _read_parameters(self) -> SpeechInParams:
        def param(name: str, default: object) -> object:
            return self.declare_parameter(name, default).value

        stt = SttConfig(
            engine=Engine(str(param("engine", "faster-whisper"))),
            model=str(param("model", "tiny.en")),
            threads=int(param("threads", 2)),  # type: ignore[call-overload]
            compute_type=str(param("compute_type", "int8")),
            beam_size=int(param("beam_size", 1)),  # type: ignore[call-overload]
            window_s=float(param("window_s", 15.0)),  # type: ignore[arg-type]
        )
        segmenter = SegmenterConfig(
            threshold=float(param("vad_threshold", 0.5)),  # type: ignore[arg-type]
            min_speech_s=float(param("min_speech_s", 0.1)),  # type: ignore[arg-type]
            end_silence_s=float(param("end_silence_s", 0.35)),  # type: ignore[arg-type]
            speculate_after_s=float(param("speculate_after_s", 0.1)),  # type: ignore[arg-type]
            pre_roll_s=float(param("pre_roll_s", 0.3)),  # type: ignore[arg-type]
            max_utterance_s=float(param("max_utterance_s", 15.0)),  # type: ignore[arg-type]
        )
        return SpeechInParams(
            stt=stt,
            segmenter=segmenter,
            vad=str(param("vad", "silero")),
            energy_threshold_rms=float(param("energy_threshold_rms", 0.01)),  # type: ignore[arg-type]
            wake_phrase=str(param("wake_phrase", "")),
            robot_name=str(param("robot_name", "robot")),
            wait_after_name_s=float(param("wait_after_name_s", 1.5)),  # type: ignore[arg-type]
            world=str(param("world", "")),
            vocabulary=tuple(v for v in (param("vocabulary", [""]) or []) if v),  # type: ignore[attr-defined]
            microphone=bool(param("microphone", False)),
            input_device=str(param("input_device", "")),
            audio_file=str(param("audio_file", "")),
            audio_file_speed=float(param("audio_file_speed", 1.0)),  # type: ignore[arg-type]
            chunk_s=float(param("chunk_s", 0.02)),  # type: ignore[arg-type]
        )

    def _prompt(self) -> str:
        """Room and place names of the world, plus any extra vocabulary, as Whisper's initial prompt."""
        world = load_world(Path(self.params.world) if self.params.world else default_world_path())
        prompt = world_vocabulary_prompt(world)
        if self.params.vocabulary:
            prompt += " " + vocabulary_prompt(list(self.params.vocabulary))
        return prompt

    def _on_audio(self, msg: AudioChunk) -> None:
        self._queue.put(msg)

    def _publish_source(self, source: object) -> None:
        clock = self.get_clock()
        for audio in source:  # type: ignore[attr-defined]
            if self._stop.is_set():
                return
            msg = audio_chunk_to_msg(audio, clock.now().nanoseconds * 1e-9)
            # Heard directly, not through its own topic: a loop back through DDS drops chunks when
            # the executor lags (a file fed faster than real time lost the start of a word).
            self._queue.put(msg)
            self._audio_out.publish(msg)
        self.get_logger().info("audio source finished")

    def _transcribe_loop(self) -> None:
        while not self._stop.is_set():
            try:
                msg = self._queue.get(timeout=0.5)
            except queue.Empty:
                continue
            if msg is None:
                return
            try:
                audio, stamp = audio_from_chunk_msg(msg)
                for event in self._listener.feed(audio, stamp):
                    self._handle(event)
            except LlmosError as err:
                self.get_logger().warning(str(err))

    def _handle(self, event: SpeechStarted | Heard) -> None:
        if isinstance(event, SpeechStarted):
            self._speaking.publish(Bool(data=True))
            return
        self._speaking.publish(Bool(data=False))
        result = event.result
        if result.status is not HeardStatus.HEARD:
            self.get_logger().info(result.sentence)
            return
        now = self.get_clock().now().nanoseconds * 1e-9
        self._transcripts.publish(transcript_to_msg(event, now, self._source))
        self.get_logger().info(f"heard {result.text!r} ({result.confidence:.2f}, {event.latency:.2f} s after speech)")

    def shutdown(self) -> None:
        """Stop the worker threads and release the microphone."""
        self._stop.set()
        self._queue.put(None)
        self._listener.close()
        if self._microphone is not None:
            self._microphone.close()
        for worker in self._workers:
            worker.join(timeout=5)


def main(args: list[str] | None = None) -> None:
    run_node("speech_in", SpeechInNode, args)


if __name__ == "__main__":
    main()
