"""`llmos-robot say` and `transcribe`: what a user sees on stdout and stderr."""

from __future__ import annotations

from llmos_robot.cli import main


def test_say_writes_a_wav_that_transcribe_reads_back_with_only_the_text_on_stdout(tmp_path, capsys):
    wav = tmp_path / "reply.wav"
    assert main(["say", "Go to the kitchen table.", "--out", str(wav)]) == 0
    assert wav.stat().st_size > 10000
    capsys.readouterr()
    assert main(["transcribe", str(wav), "--model", "tiny.en"]) == 0
    out = capsys.readouterr().out
    assert out.strip().lower().rstrip(".") == "go to the kitchen table"
    assert out.count("\n") == 1


def test_transcribe_explains_an_empty_file_and_a_non_audio_file(tmp_path, capsys):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    text = tmp_path / "notes.wav"
    text.write_text("not audio " * 50)
    for path, reason in ((empty, "is empty"), (text, "not an audio file")):
        assert main(["transcribe", str(path)]) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and reason in captured.err
