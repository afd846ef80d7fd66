"""knowledge/index/cache.py: embeddings cached by content, written safely by processes at once."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import numpy as np

from knowledge.index.cache import cached_text_embeddings

TEXTS = ["How long does shipping take?", "Can I return a sale item?"]
WIDTH = 500_000


class CountingEncoder:
    """A deterministic encoder of our own (no model): what the cache stores does not depend on it."""

    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        # Wide rows: writing a few megabytes leaves room for another writer between save and move.
        return np.array([np.full(WIDTH, len(text)) for text in texts], dtype=np.float32)


def write_once(cache_dir: str) -> None:
    cached_text_embeddings(CountingEncoder(), TEXTS, Path(cache_dir))


def test_a_second_read_comes_from_the_cache(tmp_path: Path) -> None:
    encoder = CountingEncoder()
    first = cached_text_embeddings(encoder, TEXTS, tmp_path)
    again = cached_text_embeddings(encoder, TEXTS, tmp_path)
    assert encoder.calls == 1 and np.array_equal(first, again)
    assert [path.name for path in tmp_path.iterdir() if ".tmp" in path.name] == []


def test_replicas_writing_the_same_cache_at_once_all_start(tmp_path: Path) -> None:
    """Three knowledge replicas starting together shared one temporary file name, and one moved
    another's away under it: FileNotFoundError, the replica did not start."""
    context = multiprocessing.get_context("fork")
    for _ in range(8):
        for path in tmp_path.iterdir():
            path.unlink()
        writers = [context.Process(target=write_once, args=(str(tmp_path),)) for _ in range(8)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(30)
        assert [writer.exitcode for writer in writers] == [0] * 8
        assert len(list(tmp_path.glob("embeddings-*.npy"))) == 1
        assert [path.name for path in tmp_path.iterdir() if ".tmp" in path.name] == []
