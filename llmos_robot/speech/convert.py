"""Convert a CTranslate2 whisper checkpoint into an openai-whisper `.pt` state dict.

Both hold the same tensors under other names: CTranslate2 fuses attention projections (q|k|v
for self-attention, k|v for cross-attention) and keeps a zero key bias that openai-whisper
does not have. Run as `python -m llmos_robot.speech.convert` (tools/post_install.txt): it joins
whisper base's two shipped halves and writes `whisper-tiny.en.pt` and `whisper-base.pt` into
`models_dir()`; when they are already there it returns at once.
"""

from __future__ import annotations

import json
import re
import struct
import sys
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from llmos_robot.errors import SpeechModelError
from llmos_robot.speech.models import (
    SHIPPED_MODELS,
    converted_pt_path,
    ctranslate2_model_dir,
    join_base_model,
)

# CTranslate2 binary type ids (ctranslate2/specs/model_spec.py): index -> numpy dtype.
_DTYPES: tuple[Any, ...] = (np.float32, np.int8, np.int16, np.int32, np.float16, None)  # None: bfloat16


def read_ctranslate2(model_bin: Path) -> dict[str, NDArray[Any]]:
    """All variables of a CTranslate2 model.bin by name (aliases resolved)."""
    data = memoryview(Path(model_bin).read_bytes())
    offset = 0

    def take(fmt: str) -> int:
        nonlocal offset
        (value,) = struct.unpack_from(fmt, data, offset)
        offset += struct.calcsize(fmt)
        return int(value)

    def string() -> str:
        nonlocal offset
        length = take("H")
        text = bytes(data[offset : offset + length - 1]).decode("utf-8")
        offset += length
        return text

    version = take("I")
    if version < 5:
        raise SpeechModelError(f"{model_bin} is CTranslate2 binary version {version}; I read 5 and later.")
    spec = string()
    if spec != "WhisperSpec":
        raise SpeechModelError(f"{model_bin} holds a {spec}, not a whisper model.")
    take("I")  # spec revision
    variables: dict[str, NDArray[Any]] = {}
    for _ in range(take("I")):
        name = string()
        shape = [take("I") for _ in range(take("B"))]
        type_id = take("B")
        size = take("I")
        dtype = _DTYPES[type_id] if type_id < len(_DTYPES) else None
        if dtype is None:
            raise SpeechModelError(f"{model_bin}: variable {name} has a type (id {type_id}) I cannot convert.")
        variables[name] = np.frombuffer(data[offset : offset + size], dtype=dtype).reshape(shape)
        offset += size
    for _ in range(take("I")):
        alias, target = string(), string()
        variables[alias] = variables[target]
    return variables


def _layer_count(variables: dict[str, Any], prefix: str) -> int:
    indices = {int(m.group(1)) for key in variables if (m := re.match(rf"{prefix}/layer_(\d+)/", key))}
    return len(indices)


def openai_whisper_checkpoint(variables: dict[str, NDArray[Any]]) -> dict[str, Any]:
    """{"dims": ..., "model_state_dict": ...} as `whisper.load_model(path)` reads it (fp16 tensors)."""
    import torch

    state: dict[str, NDArray[Any]] = {}

    def put(name: str, value: NDArray[Any]) -> None:
        state[name] = value

    def linear(target: str, source: str, bias: bool = True) -> None:
        put(f"{target}.weight", variables[f"{source}/weight"])
        if bias:
            put(f"{target}.bias", variables[f"{source}/bias"])

    def norm(target: str, source: str) -> None:
        put(f"{target}.weight", variables[f"{source}/gamma"])
        put(f"{target}.bias", variables[f"{source}/beta"])

    def split(source: str, parts: int) -> tuple[list[NDArray[Any]], list[NDArray[Any]]]:
        return (
            np.split(variables[f"{source}/weight"], parts, axis=0),
            np.split(variables[f"{source}/bias"], parts, axis=0),
        )

    def attention(target: str, source: str, fused_qkv: bool) -> None:
        if fused_qkv:  # self-attention: linear_0 = q|k|v, linear_1 = out
            (wq, wk, wv), (bq, _, bv) = split(f"{source}/linear_0", 3)
            out = f"{source}/linear_1"
        else:  # cross-attention: linear_0 = q, linear_1 = k|v, linear_2 = out
            wq, bq = variables[f"{source}/linear_0/weight"], variables[f"{source}/linear_0/bias"]
            (wk, wv), (_, bv) = split(f"{source}/linear_1", 2)
            out = f"{source}/linear_2"
        put(f"{target}.query.weight", wq)
        put(f"{target}.query.bias", bq)
        put(f"{target}.key.weight", wk)  # openai-whisper's key projection has no bias
        put(f"{target}.value.weight", wv)
        put(f"{target}.value.bias", bv)
        linear(f"{target}.out", out)
        norm(f"{target}_ln", f"{source}/layer_norm")

    def mlp(target: str, source: str) -> None:
        linear(f"{target}.mlp.0", f"{source}/ffn/linear_0")
        linear(f"{target}.mlp.2", f"{source}/ffn/linear_1")
        norm(f"{target}.mlp_ln", f"{source}/ffn/layer_norm")

    audio_layers = _layer_count(variables, "encoder")
    text_layers = _layer_count(variables, "decoder")
    linear("encoder.conv1", "encoder/conv1")
    linear("encoder.conv2", "encoder/conv2")
    put("encoder.positional_embedding", variables["encoder/position_encodings/encodings"])
    for i in range(audio_layers):
        attention(f"encoder.blocks.{i}.attn", f"encoder/layer_{i}/self_attention", fused_qkv=True)
        mlp(f"encoder.blocks.{i}", f"encoder/layer_{i}")
    norm("encoder.ln_post", "encoder/layer_norm")
    put("decoder.token_embedding.weight", variables["decoder/embeddings/weight"])
    put("decoder.positional_embedding", variables["decoder/position_encodings/encodings"])
    for i in range(text_layers):
        attention(f"decoder.blocks.{i}.attn", f"decoder/layer_{i}/self_attention", fused_qkv=True)
        attention(f"decoder.blocks.{i}.cross_attn", f"decoder/layer_{i}/attention", fused_qkv=False)
        mlp(f"decoder.blocks.{i}", f"decoder/layer_{i}")
    norm("decoder.ln", "decoder/layer_norm")

    conv1 = variables["encoder/conv1/weight"]
    dims = {
        "n_mels": int(conv1.shape[1]),
        "n_audio_ctx": int(variables["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(conv1.shape[0]),
        "n_audio_head": int(variables["encoder/num_heads"]),
        "n_audio_layer": audio_layers,
        "n_vocab": int(variables["decoder/embeddings/weight"].shape[0]),
        "n_text_ctx": int(variables["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(variables["decoder/embeddings/weight"].shape[1]),
        "n_text_head": int(variables["decoder/num_heads"]),
        "n_text_layer": text_layers,
    }
    tensors = {name: torch.from_numpy(np.array(value, dtype=np.float16)) for name, value in state.items()}
    return {"dims": dims, "model_state_dict": tensors}


def convert(ct2_dir: Path, out: Path) -> Path:
    """Write the openai-whisper checkpoint of the CTranslate2 model in `ct2_dir` to `out`."""
    import torch

    checkpoint = openai_whisper_checkpoint(read_ctranslate2(Path(ct2_dir) / "model.bin"))
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial")
    torch.save(checkpoint, partial)
    partial.replace(out)
    _stamp(out).write_text(json.dumps({"source": str(ct2_dir), "size": _source_size(ct2_dir)}) + "\n")
    return out


def _stamp(out: Path) -> Path:
    return out.with_suffix(".source.json")


def _source_size(ct2_dir: Path) -> int:
    return (Path(ct2_dir) / "model.bin").stat().st_size


def is_current(ct2_dir: Path, out: Path) -> bool:
    """True when `out` was converted from this very source (same path and model.bin size)."""
    try:
        stamp = json.loads(_stamp(out).read_text())
    except (OSError, ValueError):
        return False
    return out.is_file() and stamp == {"source": str(ct2_dir), "size": _source_size(ct2_dir)}


def install_all() -> list[str]:
    """Join whisper base and convert every shipped model; lines saying what was done."""
    join_base_model()
    done = []
    for model in SHIPPED_MODELS:
        source, out = ctranslate2_model_dir(model), converted_pt_path(model)
        if is_current(source, out):
            done.append(f"{model}: up to date ({out})")
        else:
            convert(source, out)
            done.append(f"{model}: converted to {out}")
    return done


def main() -> int:
    try:
        for line in install_all():
            print(f"speech models: {line}")
    except SpeechModelError as err:
        print(f"speech models: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
