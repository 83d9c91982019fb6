"""Backends from settings: which model runs where, in which order of preference."""

from __future__ import annotations

from dataclasses import dataclass

from llmos_robot.errors import KernelError, LlmUnavailableError
from llmos_robot.kernel.llm import LlamaCppBackend, LlmBackend, OllamaBackend

BACKEND_CHOICES = ("auto", "ollama", "llama.cpp", "none")


@dataclass(frozen=True)
class BackendSettings:
    backend: str = "auto"  # auto: Ollama, else embedded llama.cpp; none: grammar only
    ollama_host: str = "http://127.0.0.1:11434"
    ollama_model: str = "qwen2.5:0.5b"
    ollama_timeout_s: float = 10.0
    ollama_retries: int = 1
    model_path: str = ""  # a GGUF for llama.cpp; empty = the shipped SmolLM2-135M-Instruct
    context_tokens: int = 2048
    threads: int = 2


def make_backends(settings: BackendSettings) -> tuple[list[LlmBackend], list[str]]:
    """The backends to try in order, and a sentence for each one that could not even load."""
    if settings.backend not in BACKEND_CHOICES:
        raise KernelError(f"backend must be one of {', '.join(BACKEND_CHOICES)}, not {settings.backend!r}.")
    backends: list[LlmBackend] = []
    problems: list[str] = []
    if settings.backend in ("auto", "ollama"):
        backends.append(
            OllamaBackend(
                settings.ollama_host, settings.ollama_model, settings.ollama_timeout_s, settings.ollama_retries
            )
        )
    if settings.backend in ("auto", "llama.cpp", "ollama"):
        try:
            backends.append(LlamaCppBackend(settings.model_path or None, settings.context_tokens, settings.threads))
        except LlmUnavailableError as err:
            problems.append(str(err))
    return backends, problems
