"""`llmos-robot memory ...` as a person types it (hashing embedder: no model load in these tests)."""

from __future__ import annotations

import json

from llmos_robot.cli import main


def run(capsys, tmp_path, *args):
    code = main(["memory", "--db", str(tmp_path / "memory"), "--embedder", "hashing", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_remember_then_recall_and_last_cleaned(capsys, tmp_path):
    code, out, _ = run(capsys, tmp_path, "remember", "the bleach is in the cleaning cupboard", "--room", "hallway")
    assert code == 0 and "remembered #" in out
    code, out, _ = run(capsys, tmp_path, "recall", "bleach cupboard", "--room", "hallway", "--json")
    data = json.loads(out)
    assert code == 0 and data["records"][0]["text"] == "the bleach is in the cleaning cupboard"
    assert data["records"][0]["provenance"] == "user" and data["records"][0]["room"] == "hallway"

    code, out, _ = run(capsys, tmp_path, "last-cleaned", "kitchen", "--json")
    assert code == 0 and json.loads(out)["status"] == "never"
    assert run(capsys, tmp_path, "cleaned", "kitchen", "--coverage", "0.9", "--when", "2026-01-02T03:04:05Z")[0] == 0
    code, out, _ = run(capsys, tmp_path, "last-cleaned", "the kitchen", "--json")
    data = json.loads(out)
    assert (data["status"], data["time"], data["task"], data["coverage"]) == (
        "cleaned",
        "2026-01-02T03:04:05Z",
        "clean_room",
        0.9,
    )
    code, out, _ = run(capsys, tmp_path, "recall", "", "--since", "2026-01-01T00:00:00Z", "--room", "kitchen")
    assert code == 0 and "I cleaned the kitchen" in out


def test_bad_input_is_a_one_line_error_and_exit_2(capsys, tmp_path):
    invalid = "caf" + b"\xff".decode("utf-8", "surrogateescape")  # what argv holds for a non-UTF-8 byte
    for args, words in [
        (["remember", ""], "empty"),
        (["remember", invalid], "UTF-8"),
        (["remember", "the bike", "--room", "garage"], "garage"),
        (["recall", "bike", "--since", "last tuesday"], "ISO 8601"),
        (["last-cleaned", "attic"], "the rooms are"),
    ]:
        code, _out, err = run(capsys, tmp_path, *args)
        assert code == 2 and words in err and "Traceback" not in err, args
