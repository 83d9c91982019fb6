"""`llmos-robot bench speech`: command recognition, end-of-speech latency and TTS speed.

Each of COMMANDS is spoken by Piper (the robot's own voice) and by espeak-ng (a second, rougher
voice), wrapped in silence and streamed through the real listening path (VAD -> speculative
transcription at the pause -> end of utterance -> Whisper with the house's vocabulary prompt), for
both engines x both models.

- Word error rate: the clips are streamed as fast as the listener takes them.
- Latency: the ~3 s Piper commands are streamed in real time, 20 ms chunks (each handed over when
  its last sample has been "spoken", as a microphone driver does); latency is the wall time from
  the true end of speech (the clip's last audible 10 ms) to the moment the listener returns the
  transcript. The end-of-utterance silence, chunking, the VAD and decoding are all inside it.
- A baseline ("before": 30 s encoder window, no speculation) is streamed command by command in
  turn with the default faster-whisper tiny.en listener, so both see the same machine load.
- A decode profile splits one 3 s command's decoding into feature extraction, encoder (30 s and
  shortened window) and decoder.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from llmos_robot.speech.audio import WHISPER_RATE, Audio, read_wav, rms
from llmos_robot.speech.listener import Heard, SpeechListener
from llmos_robot.speech.microphone import file_chunks
from llmos_robot.speech.models import SHIPPED_MODELS, Engine
from llmos_robot.speech.stt import FasterWhisperStt, SpeechToText, SttConfig, make_stt, world_vocabulary_prompt
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
    # More commands of about three seconds, so the latency goal has a sample of its own.
    "Please vacuum the bedroom and then clean around the kitchen table.",
    "Could you clean the hallway before my guests arrive this evening?",
    "Go to the sofa in the living room and check if it is dirty.",
    "When did you last clean the bathroom and how long did it take?",
    "Please stop cleaning the kitchen and go back to the docking station.",
    "There is some dirt near the front door, can you clean it up?",
    "Clean the living room first and then clean the whole kitchen floor.",
    "Tell me which rooms you have cleaned today and which ones are left.",
    "Please go to the bathroom sink and look for any water on the floor.",
    "I spilled some coffee near the coffee table, please clean it now.",
]

CONFIGS = [(engine, model) for engine in (Engine.FASTER_WHISPER, Engine.OPENAI_WHISPER) for model in SHIPPED_MODELS]
LEAD_SILENCE_S = 0.5
TRAIL_SILENCE_S = 1.0
REAL_TIME_CHUNK_S = 0.02
THREE_SECONDS = (2.5, 3.5)  # what counts as "a 3 s command"
AUDIBLE_DB = 40.0  # the end of speech: the last 10 ms within this many dB of the loudest 10 ms


def _with_silence(audio: Audio) -> Audio:
    samples = audio.at_rate(WHISPER_RATE).samples
    lead = np.zeros(int(LEAD_SILENCE_S * WHISPER_RATE), dtype=np.float32)
    trail = np.zeros(int(TRAIL_SILENCE_S * WHISPER_RATE), dtype=np.float32)
    return Audio(np.concatenate([lead, samples, trail]), WHISPER_RATE)


def end_of_speech(audio: Audio) -> float:
    """Seconds from the clip's start to the end of its last audible 10 ms."""
    samples = audio.at_rate(WHISPER_RATE).samples
    window = WHISPER_RATE // 100
    levels = np.array([rms(samples[i : i + window]) for i in range(0, len(samples), window)])
    if len(levels) == 0 or levels.max() <= 0:
        return 0.0
    audible = np.nonzero(levels >= levels.max() * 10 ** (-AUDIBLE_DB / 20))[0]
    return float(min(len(samples), (audible[-1] + 1) * window) / WHISPER_RATE)


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


def _listener(stt: SpeechToText, prompt: str, speculate: bool = True) -> SpeechListener:
    config = SegmenterConfig() if speculate else SegmenterConfig(speculate_after_s=0.0)
    return SpeechListener(UtteranceSegmenter(make_vad("silero"), config), stt, prompt, name="robot")


def _recognise(listener: SpeechListener, clip: Audio) -> list[Heard]:
    heard: list[Heard] = []
    for chunk in file_chunks(_with_silence(clip), chunk_s=0.1, speed=0):
        heard.extend(e for e in listener.feed(chunk) if isinstance(e, Heard))
    heard.extend(listener.flush())
    return heard


def _recognition_report(listener: SpeechListener, clips: list[Audio], budget_s: float | None) -> dict[str, Any]:
    pairs: list[tuple[str, str]] = []
    misheard: list[dict[str, str]] = []
    split: list[str] = []
    started = time.perf_counter()
    for text, clip in zip(COMMANDS, clips, strict=True):
        if budget_s is not None and time.perf_counter() - started > budget_s:
            break
        heard = _recognise(listener, clip)
        hypothesis = " ".join(h.result.text for h in heard if h.result.text)
        pairs.append((text, hypothesis))
        if len(heard) > 1:
            split.append(text)
        if word_error_rate([(text, hypothesis)]) > 0:
            misheard.append({"said": text, "heard": hypothesis})
    return {
        "commands_run": len(pairs),
        "word_error_rate": round(word_error_rate(pairs), 4),
        "heard_as_several_utterances": split,
        "misheard": misheard,
    }


def _heard_in_real_time(listener: SpeechListener, clip: Audio) -> tuple[list[Heard], float]:
    """Stream the clip (with silence around it) in real time; (heard, latency of the last one)."""
    samples = _with_silence(clip).samples
    spoken_end = LEAD_SILENCE_S + end_of_speech(clip)
    chunk = int(REAL_TIME_CHUNK_S * WHISPER_RATE)
    heard: list[Heard] = []
    answered = float("nan")
    t0 = time.perf_counter()
    for start in range(0, len(samples), chunk):
        due = t0 + (start + chunk) / WHISPER_RATE  # the chunk's last sample has just been said
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        for event in listener.feed(Audio(samples[start : start + chunk], WHISPER_RATE)):
            if isinstance(event, Heard):
                heard.append(event)
                answered = time.perf_counter()
    if listener.in_speech or listener.waiting_for_more:
        heard.extend(listener.flush())
        answered = time.perf_counter()
    return heard, answered - (t0 + spoken_end)


def _latency_reports(
    listeners: dict[str, SpeechListener], clips: list[Audio], budget_s: float | None
) -> dict[str, dict[str, Any]]:
    """Real-time runs of the ~3 s Piper commands; with several listeners, each command goes
    through them in turn, so they are compared under the same machine load."""
    latencies: dict[str, list[float]] = {name: [] for name in listeners}
    pairs: dict[str, list[tuple[str, str]]] = {name: [] for name in listeners}
    started = time.perf_counter()
    for text, clip in zip(COMMANDS, clips, strict=True):
        if not THREE_SECONDS[0] <= clip.duration <= THREE_SECONDS[1]:
            continue
        if budget_s is not None and time.perf_counter() - started > budget_s:
            break
        for name, listener in listeners.items():
            heard, latency = _heard_in_real_time(listener, clip)
            pairs[name].append((text, " ".join(h.result.text for h in heard if h.result.text)))
            if heard:
                latencies[name].append(latency)
    return {name: _latency_summary(latencies[name], pairs[name]) for name in listeners}


def _latency_summary(latencies: list[float], pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "commands_run": len(latencies),
        "latency_p50_s": round(statistics.median(latencies), 3) if latencies else None,
        "latency_p90_s": round(float(np.percentile(latencies, 90)), 3) if latencies else None,
        "latency_max_s": round(max(latencies), 3) if latencies else None,
        "word_error_rate": round(word_error_rate(pairs), 4),
    }


def _decode_profile(clip: Audio, prompt: str) -> dict[str, Any]:
    """Where one ~3 s command's decoding time goes (faster-whisper tiny.en, 2 threads)."""
    stt = FasterWhisperStt(SttConfig())
    return {"clip_seconds": round(clip.duration, 2), **stt.profile(clip, prompt)}


def run(seconds: float | None = None) -> dict[str, Any]:
    """The report. `seconds`: wall-time budget per configuration and voice (None = every command);
    on a loaded machine it keeps the run short, and `commands_run` says how many were measured."""
    load_before = os.getloadavg()[0]
    tts = PiperTts()
    piper_clips, tts_report = _piper_clips(tts)
    espeak = _espeak_clips()
    prompt = world_vocabulary_prompt(load_world(default_world_path()))
    three_second = [c for c in piper_clips if THREE_SECONDS[0] <= c.duration <= THREE_SECONDS[1]]
    profile = _decode_profile(three_second[0], prompt)
    # Before/after first, command by command in turn: the same load for both.
    tiny = make_stt(SttConfig())
    before_after = _latency_reports(
        {
            "now": _listener(tiny, prompt),
            "before": _listener(make_stt(SttConfig(window_s=30.0)), prompt, speculate=False),
        },
        piper_clips,
        seconds,
    )
    baseline = before_after["before"]
    results = []
    for engine, model in CONFIGS:
        stt = tiny if (engine, model) == CONFIGS[0] else make_stt(SttConfig(engine=engine, model=model))
        latency = (
            before_after["now"]
            if stt is tiny
            else _latency_reports({"now": _listener(stt, prompt)}, piper_clips, seconds)["now"]
        )
        entry: dict[str, Any] = {
            "engine": engine.value,
            "model": model,
            "latency_piper_3s_real_time": latency,
            "piper": _recognition_report(_listener(stt, prompt), piper_clips, seconds),
        }
        entry["espeak_ng"] = (
            espeak if isinstance(espeak, str) else _recognition_report(_listener(stt, prompt), espeak, seconds)
        )
        entry["short_window_runaways_redecoded"] = getattr(stt, "runaways", None)
        results.append(entry)
    default = results[0]
    latency = default["latency_piper_3s_real_time"]
    return {
        "goals": {
            "word_error_rate_piper": "<= 0.05",
            "latency_p50_3s_command_tiny_en": "<= 0.6 s (end of speech -> transcript)",
        },
        "load_average_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "commands": len(COMMANDS),
        "commands_around_3s": len(three_second),
        "piper_command_seconds_median": round(statistics.median(c.duration for c in piper_clips), 2),
        "end_of_utterance_silence_s": SegmenterConfig().end_silence_s,
        "speculate_after_s": SegmenterConfig().speculate_after_s,
        "encoder_window_s": SttConfig().window_s,
        "vocabulary_prompt": prompt,
        "tts_piper": tts_report,
        "decode_profile_faster_whisper_tiny_en": profile,
        "stt": results,
        "baseline_faster_whisper_tiny_en_30s_window_no_speculation": baseline,
        "summary": {
            "faster_whisper_tiny_en_piper_wer": default["piper"]["word_error_rate"],
            "faster_whisper_tiny_en_latency_p50_3s_s": latency["latency_p50_s"],
            "faster_whisper_tiny_en_latency_p90_3s_s": latency["latency_p90_s"],
            "baseline_latency_p50_3s_s": baseline["latency_p50_s"],
            "wer_goal_met": default["piper"]["word_error_rate"] <= 0.05,
            "latency_goal_met": (latency["latency_p50_s"] or 99) <= 0.6,
        },
    }
