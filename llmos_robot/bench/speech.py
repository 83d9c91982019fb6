"""`llmos-robot bench speech`: command recognition, end-of-speech latency and TTS speed.

Each of COMMANDS is spoken by Piper (the robot's own voice) and by espeak-ng (a second, rougher
voice), wrapped in silence and streamed in 0.1 s chunks through the real listening path (VAD ->
end of utterance -> Whisper with the house's vocabulary prompt), for both engines x both models.
Latency is from the last voiced frame to the transcript: the end-of-utterance silence waited for
plus decoding (what a user waits for when the audio arrives in real time).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from llmos_robot.speech.audio import WHISPER_RATE, Audio, read_wav
from llmos_robot.speech.listener import Heard, SpeechListener
from llmos_robot.speech.microphone import file_chunks
from llmos_robot.speech.models import SHIPPED_MODELS, Engine
from llmos_robot.speech.stt import SttConfig, make_stt, world_vocabulary_prompt
from llmos_robot.speech.tts import PiperTts
from llmos_robot.speech.vad import SegmenterConfig, UtteranceSegmenter, make_vad
from llmos_robot.speech.wer import word_error_rate
from llmos_robot.world import default_world_path, load_world

COMMANDS = [
    # About three seconds each when Piper says them (the latency goal is stated for a 3 s command).
    "Please clean the living room and then go back to the docking station.",
    "When you have finished the kitchen, clean around the bathtub.",
    "Go to the front door and tell me if the floor is dirty.",
    "Clean the kitchen.",
    "Please clean the living room.",
    "Vacuum the bedroom.",
    "Clean the bathroom.",
    "Clean the hallway.",
    "Stop.",
    "Go to the sofa.",
    "Go to the docking station.",
    "Go back to the dock.",
    "Clean around the kitchen table.",
    "Clean under the bed.",
    "Go to the front door.",
    "What did you clean today?",
    "When did you last clean the kitchen?",
    "Clean the living room after lunch.",
    "Pause cleaning.",
    "Resume cleaning.",
    "Cancel the current task.",
    "There is a spill near the fridge.",
    "Clean the spot near the coffee table.",
    "Don't clean the bedroom today.",
    "How much battery do you have left?",
    "Go to the armchair.",
    "Clean the floor by the toilet.",
    "Clean near the bathroom sink.",
    "Where are you right now?",
    "Clean the whole house.",
    "Stop cleaning and go to the dock.",
    "Is the kitchen clean?",
    "Go to the wardrobe in the bedroom.",
    "Clean around the bathtub.",
    "What rooms do you know?",
    "Go to the cleaning cupboard.",
    "Clean the kitchen counter.",
    "Come to the living room.",
    "Be quiet.",
    "Clean the hallway and then the kitchen.",
    "Go to the TV in the living room.",
    "Remember that the cat sleeps on the sofa.",
    "What is on the kitchen table?",
    "Clean the bedroom tomorrow morning.",
    "Turn around and go home.",
]

CONFIGS = [(engine, model) for engine in (Engine.FASTER_WHISPER, Engine.OPENAI_WHISPER) for model in SHIPPED_MODELS]
LEAD_SILENCE_S = 0.5
TRAIL_SILENCE_S = 1.0


def _with_silence(audio: Audio) -> Audio:
    samples = audio.at_rate(WHISPER_RATE).samples
    lead = np.zeros(int(LEAD_SILENCE_S * WHISPER_RATE), dtype=np.float32)
    trail = np.zeros(int(TRAIL_SILENCE_S * WHISPER_RATE), dtype=np.float32)
    return Audio(np.concatenate([lead, samples, trail]), WHISPER_RATE)


def _piper_clips(tts: PiperTts) -> tuple[list[Audio], dict[str, float]]:
    clips, synth_s, first_s = [], 0.0, []
    for text in COMMANDS:
        started = time.perf_counter()
        pieces: list[np.ndarray] = []
        for sentence in tts.synthesize(text):
            if not pieces:
                first_s.append(time.perf_counter() - started)
            pieces.append(sentence.samples)
        synth_s += time.perf_counter() - started
        clips.append(Audio(np.concatenate(pieces), tts.sample_rate))
    audio_s = sum(c.duration for c in clips)
    return clips, {
        "real_time_factor": round(synth_s / audio_s, 4),
        "audio_seconds": round(audio_s, 2),
        "synthesis_seconds": round(synth_s, 2),
        "first_sentence_p50_s": round(statistics.median(first_s), 3),
    }


def _espeak_clips() -> list[Audio] | str:
    binary = shutil.which("espeak-ng")
    if binary is None:
        return "espeak-ng is not installed (apt install espeak-ng)"
    clips = []
    with tempfile.TemporaryDirectory() as folder:
        for index, text in enumerate(COMMANDS):
            path = Path(folder) / f"{index}.wav"
            subprocess.run([binary, "-v", "en-us", "-w", str(path), text], check=True, capture_output=True)
            clips.append(read_wav(path))
    return clips


def _recognise(listener: SpeechListener, clip: Audio) -> list[Heard]:
    heard: list[Heard] = []
    for chunk in file_chunks(_with_silence(clip), chunk_s=0.1, speed=0):
        heard.extend(e for e in listener.feed(chunk) if isinstance(e, Heard))
    heard.extend(listener.flush())
    return heard


def _voice_report(listener: SpeechListener, clips: list[Audio], budget_s: float | None) -> dict[str, Any]:
    pairs: list[tuple[str, str]] = []
    latencies: list[float] = []
    three_second: list[float] = []  # commands 2.5-3.5 s long
    misheard: list[dict[str, str]] = []
    started = time.perf_counter()
    for text, clip in zip(COMMANDS, clips, strict=True):
        if budget_s is not None and time.perf_counter() - started > budget_s:
            break
        heard = _recognise(listener, clip)
        hypothesis = " ".join(h.result.text for h in heard if h.result.text)
        pairs.append((text, hypothesis))
        if heard:
            latencies.append(heard[-1].latency)
            if 2.5 <= clip.duration <= 3.5:
                three_second.append(heard[-1].latency)
        if word_error_rate([(text, hypothesis)]) > 0:
            misheard.append({"said": text, "heard": hypothesis})
    return {
        "commands_run": len(pairs),
        "word_error_rate": round(word_error_rate(pairs), 4),
        "latency_p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "latency_p90_s": round(float(np.percentile(latencies, 90)), 3) if latencies else None,
        "latency_p50_3s_commands_s": round(statistics.median(three_second), 3) if three_second else None,
        "commands_around_3s": len(three_second),
        "misheard": misheard,
    }


def run(seconds: float | None = None) -> dict[str, Any]:
    """The report. `seconds`: wall-time budget per configuration and voice (None = every command);
    on a loaded machine it keeps the run short, and `commands_run` says how many were measured."""
    tts = PiperTts()
    piper_clips, tts_report = _piper_clips(tts)
    espeak = _espeak_clips()
    prompt = world_vocabulary_prompt(load_world(default_world_path()))
    segmenter = SegmenterConfig()
    results = []
    for engine, model in CONFIGS:
        stt = make_stt(SttConfig(engine=engine, model=model))
        listener = SpeechListener(UtteranceSegmenter(make_vad("silero"), segmenter), stt, prompt)
        entry: dict[str, Any] = {
            "engine": engine.value,
            "model": model,
            "piper": _voice_report(listener, piper_clips, seconds),
        }
        entry["espeak_ng"] = espeak if isinstance(espeak, str) else _voice_report(listener, espeak, seconds)
        results.append(entry)
    default = results[0]["piper"]
    return {
        "goals": {
            "word_error_rate_piper": "<= 0.05",
            "latency_p50_3s_command_tiny_en": "<= 0.6 s (end of speech -> transcript)",
        },
        "commands": len(COMMANDS),
        "piper_command_seconds_median": round(statistics.median(c.duration for c in piper_clips), 2),
        "end_of_utterance_silence_s": segmenter.end_silence_s,
        "vocabulary_prompt": prompt,
        "tts_piper": tts_report,
        "stt": results,
        "summary": {
            "faster_whisper_tiny_en_piper_wer": default["word_error_rate"],
            "faster_whisper_tiny_en_latency_p50_3s_s": default["latency_p50_3s_commands_s"],
            "wer_goal_met": default["word_error_rate"] <= 0.05,
            "latency_goal_met": (default["latency_p50_3s_commands_s"] or 99) <= 0.6,
        },
    }
