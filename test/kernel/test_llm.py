"""LLM backends: Ollama against a local HTTP server, and the embedded llama.cpp model end to end."""

from __future__ import annotations

import json
import threading
import typing
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from llmos_robot.errors import LlmUnavailableError
from llmos_robot.kernel import Kernel, KernelConfig, Mode
from llmos_robot.kernel.llm import OllamaBackend
from llmos_robot.kernel.syscalls import parse_proposal, proposal_schema

SCHEMA = proposal_schema(["kitchen"], ["sofa"])


class _FakeOllama(BaseHTTPRequestHandler):
    requests: typing.ClassVar[list[dict]] = []
    content = '{"syscall": "clean_room", "room": "kitchen", "place": ""}'

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _FakeOllama.requests.append({"path": self.path, **body})
        answer = {
            "model": body["model"],
            "created_at": "2026-11-29T10:00:00Z",
            "message": {"role": "assistant", "content": self.content},
            "done": True,
        }
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def ollama_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _FakeOllama)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _FakeOllama.requests.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_ollama_backend_sends_the_schema_and_returns_the_models_json(ollama_server):
    backend = OllamaBackend(host=ollama_server, model="qwen2.5:0.5b", timeout_s=5, retries=0)
    answer = backend.propose([{"role": "user", "content": "clean the kitchen"}], SCHEMA)
    assert str(parse_proposal(answer)) == "clean_room(room='kitchen')"
    request = _FakeOllama.requests[-1]
    assert request["path"] == "/api/chat" and request["model"] == "qwen2.5:0.5b"
    assert request["format"] == SCHEMA and request["messages"][-1]["content"] == "clean the kitchen"


def test_ollama_backend_retries_then_reports_unavailable():
    backend = OllamaBackend(host="http://127.0.0.1:9", timeout_s=0.5, retries=2, retry_delay_s=0.01)
    with pytest.raises(LlmUnavailableError, match=r"127\.0\.0\.1:9"):
        backend.propose([{"role": "user", "content": "hi"}], SCHEMA)


@pytest.fixture(scope="session")
def smollm2():  # type: ignore[no-untyped-def]
    pytest.importorskip("llama_cpp", reason="llama-cpp-python comes with `make setup`")
    from llmos_robot.kernel.llm import LlamaCppBackend

    return LlamaCppBackend()


def test_embedded_smollm2_answers_schema_valid_syscalls(smollm2, house):
    schema = proposal_schema(list(house.rooms), [*house.places, *house.rooms])
    for utterance in ("vacuum the bedroom",):
        answer = smollm2.propose(
            [{"role": "system", "content": "Choose a syscall."}, {"role": "user", "content": utterance}], schema
        )
        proposal = parse_proposal(answer)  # raises if not valid
        data = json.loads(answer)
        assert data["room"] in ["", *house.rooms] and data["place"] in ["", *house.places, *house.rooms]
        assert proposal.name in schema["properties"]["syscall"]["enum"]


def test_the_robot_names_its_embedded_model_and_decides_through_it(smollm2, house, memory, clock):
    kernel = Kernel(house, memory, None, [smollm2], KernelConfig(mode=Mode.MODEL), clock=clock)
    assert "SmolLM2-135M-Instruct" in kernel.describe_backend() and "llama.cpp" in kernel.describe_backend()
    decision = kernel.decide("please vacuum the bedroom")
    assert decision.source.startswith("model") and decision.model_answer
