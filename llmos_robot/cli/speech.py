"""`llmos-robot transcribe | say | listen`: speech in and out from the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from llmos_robot.cli._common import add_world_argument, world_from
from llmos_robot.speech.audio import read_wav, write_wav
from llmos_robot.speech.listener import transcribe_clip
from llmos_robot.speech.models import Engine
from llmos_robot.speech.stt import HeardStatus, SttConfig, make_stt, world_vocabulary_prompt
from llmos_robot.speech.vad import make_vad


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    transcribe = subparsers.add_parser("transcribe", help="print what is said in an audio file (and nothing else)")
    transcribe.add_argument("file", type=Path, help="a WAV (or FLAC/OGG) file, any sample rate")
    _add_stt_arguments(transcribe)
    transcribe.add_argument("--vad", choices=["silero", "energy"], default="silero", help="voice activity detector")
    transcribe.set_defaults(handler=_transcribe)

    say = subparsers.add_parser("say", help="speak text with the Piper voice into a WAV file (or the speaker)")
    say.add_argument("text", help="what to say")
    say.add_argument("--out", type=Path, default=None, help="WAV file to write; without it, play on the speaker")
    say.set_defaults(handler=_say)

    listen = subparsers.add_parser("listen", help="transcribe the microphone live, one line per utterance")
    _add_stt_arguments(listen)
    listen.add_argument("--vad", choices=["silero", "energy"], default="silero", help="voice activity detector")
    listen.add_argument("--wake-phrase", default="", help="only print utterances containing this phrase")
    listen.add_argument(
        "--name", default="robot", help='the robot\'s name: said alone, it waits for the request ("" = never)'
    )
    listen.add_argument("--device", default="", help="input device name or number (default: the system's)")
    listen.set_defaults(handler=_listen)


def _add_stt_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=[e.value for e in Engine], default=Engine.FASTER_WHISPER.value)
    parser.add_argument(
        "--model",
        default="tiny.en",
        help="tiny.en | base | a CTranslate2 model directory (faster-whisper) | a .pt file (openai-whisper)",
    )
    parser.add_argument("--no-prompt", action="store_true", help="do not bias decoding toward the house's names")
    add_world_argument(parser)


def _config(args: argparse.Namespace) -> SttConfig:
    return SttConfig(engine=Engine(args.engine), model=args.model)


def _prompt(args: argparse.Namespace) -> str:
    return "" if args.no_prompt else world_vocabulary_prompt(world_from(args))


def _transcribe(args: argparse.Namespace) -> int:
    audio = read_wav(args.file)
    prompt = _prompt(args)
    result = transcribe_clip(audio, make_stt(_config(args)), make_vad(args.vad), prompt)
    if result.status is HeardStatus.NOTHING:
        print(f"llmos-robot transcribe: {result.sentence}", file=sys.stderr)
    print(result.text)
    return 0


def _say(args: argparse.Namespace) -> int:
    from llmos_robot.speech.playback import SoundDeviceSink, SpeechPlayer
    from llmos_robot.speech.tts import PiperTts, speak_to_audio

    tts = PiperTts()
    if args.out is not None:
        audio = speak_to_audio(tts, args.text)
        write_wav(args.out, audio)
        print(f"wrote {args.out} ({audio.duration:.1f} s at {audio.sample_rate} Hz)")
        return 0
    result = SpeechPlayer(tts, SoundDeviceSink()).say(args.text)
    print(result.sentence)
    return 0


def _listen(args: argparse.Namespace) -> int:
    from llmos_robot.speech.listener import Heard, SpeechListener
    from llmos_robot.speech.microphone import Microphone
    from llmos_robot.speech.vad import UtteranceSegmenter

    microphone = Microphone(args.device or None, chunk_s=0.02)  # small chunks: heard sooner
    listener = SpeechListener(
        UtteranceSegmenter(make_vad(args.vad)), make_stt(_config(args)), _prompt(args), args.wake_phrase, args.name
    )
    print("listening (Ctrl-C to stop)", file=sys.stderr)
    try:
        for chunk in microphone:
            for event in listener.feed(chunk):
                if isinstance(event, Heard) and event.result.status is HeardStatus.HEARD:
                    print(event.result.text, flush=True)
    finally:
        microphone.close()
        listener.close()
    return 0
