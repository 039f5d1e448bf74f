"""The on-disk index refuses to open when it no longer matches what `kb ingest` would build (any manifest key:
corpus, model, chunker, tokenizer, Chroma server), and says which setting differs and what to do."""

from __future__ import annotations

import shutil

import pytest

from kb.config import ROOT
from kb.errors import IndexMissingError
from kb.index.store import Store, current_manifest, ingest, stale_settings
from tests.conftest import make_settings


@pytest.fixture
def one_text(tmp_path):
    corpus = tmp_path / "corpus" / "official"
    corpus.mkdir(parents=True)
    shutil.copyfile(ROOT / "corpus" / "official" / "rgpd-art-33.md", corpus / "rgpd-art-33.md")
    settings = make_settings(tmp_path / "data", corpus_dir=tmp_path / "corpus")
    ingest(settings)
    return settings


def test_a_fresh_index_opens_and_has_nothing_stale(one_text):
    assert stale_settings(one_text, current_manifest(one_text)) == []
    Store(one_text).close()


def test_a_corpus_changed_since_ingest_is_refused_naming_the_corpus(one_text):
    text = one_text.corpus_dir / "official" / "rgpd-art-33.md"
    text.write_text(text.read_text(encoding="utf-8") + "\nUn ajout.\n", encoding="utf-8")
    with pytest.raises(IndexMissingError, match=r"autres réglages \(corpus : .*\)\. Relancer « kb ingest »"):
        Store(one_text)


def test_another_chunker_version_is_refused(one_text, monkeypatch):
    monkeypatch.setattr("kb.index.store.CHUNKER_VERSION", "autre")
    with pytest.raises(IndexMissingError, match=r"découpage : .* ≠ autre"):
        Store(one_text)
