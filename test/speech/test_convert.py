"""The CTranslate2 reader and the renaming into openai-whisper's state dict (no model run)."""

from __future__ import annotations

import pytest

from llmos_robot.errors import SpeechModelError
from llmos_robot.speech.convert import is_current, openai_whisper_checkpoint, read_ctranslate2
from llmos_robot.speech.models import converted_pt_path, ctranslate2_model_dir


@pytest.fixture(scope="module")
def tiny_variables():
    return read_ctranslate2(ctranslate2_model_dir("tiny.en") / "model.bin")


def test_checkpoint_has_whisper_tiny_dimensions_and_every_tensor_whisper_expects(tiny_variables):
    whisper_model = pytest.importorskip("whisper.model")
    checkpoint = openai_whisper_checkpoint(tiny_variables)
    dims = checkpoint["dims"]
    assert dims == {
        "n_mels": 80,
        "n_audio_ctx": 1500,
        "n_audio_state": 384,
        "n_audio_head": 6,
        "n_audio_layer": 4,
        "n_vocab": 51864,
        "n_text_ctx": 448,
        "n_text_state": 384,
        "n_text_head": 6,
        "n_text_layer": 4,
    }
    expected = whisper_model.Whisper(whisper_model.ModelDimensions(**dims)).state_dict()
    state = checkpoint["model_state_dict"]
    assert set(state) == set(expected)
    assert all(tuple(state[k].shape) == tuple(expected[k].shape) for k in expected)


def test_fused_attention_is_split_in_order(tiny_variables):
    state = openai_whisper_checkpoint(tiny_variables)["model_state_dict"]
    fused = tiny_variables["decoder/layer_0/self_attention/linear_0/weight"]
    assert (state["decoder.blocks.0.attn.value.weight"].numpy() == fused[768:]).all()
    cross = tiny_variables["decoder/layer_0/attention/linear_1/weight"]
    assert (state["decoder.blocks.0.cross_attn.key.weight"].numpy() == cross[:384]).all()


def test_install_step_is_done_and_recognised_as_current():
    assert is_current(ctranslate2_model_dir("tiny.en"), converted_pt_path("tiny.en"))
    assert is_current(ctranslate2_model_dir("base"), converted_pt_path("base"))


def test_a_file_that_is_not_a_whisper_model_is_refused(tmp_path):
    bogus = tmp_path / "model.bin"
    bogus.write_bytes(b"\x06\x00\x00\x00\x0a\x00NotWhisp!\x00")
    with pytest.raises(SpeechModelError, match="not a whisper model"):
        read_ctranslate2(bogus)
