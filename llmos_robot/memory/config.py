"""Tunables of the memory store, read once (from config/memory.yaml through the node, or defaults)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MemoryConfig:
    # Longest text accepted for one record, in characters (the embedder reads ~256 tokens anyway).
    max_text_chars: int = 2000
    # How many records a recall returns when the caller does not say.
    default_k: int = 5
    # Most records one recall may return.
    max_k: int = 100
    # A record's time may be at most this many seconds ahead of the clock (clock skew between nodes).
    future_tolerance_s: float = 60.0
    # SQLite synchronous mode: "FULL" survives a power cut; "NORMAL" survives a crashed process only.
    synchronous: str = "FULL"
    # Write the FAISS index file after this many new records (it is also written on close);
    # whatever the file lacks is re-added from SQLite on start, so this trades start-up time only.
    index_save_interval: int = 5000
    # Threads FAISS uses for one search (process-wide OpenMP setting). One query over 100k vectors
    # is memory-bound: more threads barely help, and on a busy CPU they spin and cost 5-10x.
    search_threads: int = 1
    # Added to the cosine score of what a person told the robot (kind "fact", provenance "user"),
    # so a stated fact outranks the robot's own near-duplicate logs when both match about as well.
    # 0 = pure cosine ranking. bench memory reports recall@1 both ways.
    user_fact_bonus: float = 0.1
