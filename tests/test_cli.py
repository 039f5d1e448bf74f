"""The `kb` command on the session index of the shipped corpus: search finds the article a question is
about, sources lists the whole manifest, ask answers with verbatim quotes or refuses, and errors are
one French line with a non-zero exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kb.config import ROOT
from kb.corpus import load_corpus, load_manifest

pytestmark = pytest.mark.slow

KB = str(Path(sys.executable).parent / "kb")
CORPUS_TEXTS = {p: p.read_text(encoding="utf-8") for p in (ROOT / "corpus").rglob("*.md")}


def run_kb(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_DATA_DIR=str(data_dir), KB_CACHE=str(ROOT / ".kb" / "cache"))
    return subprocess.run([KB, *args], env=env, capture_output=True, text=True, timeout=300)


def test_search_for_breach_notification_deadline_finds_gdpr_33_in_top_3(cli):
    result = cli("search", "délai pour notifier une violation de données", "--json")
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert "rgpd-art-33" in [h["doc_id"] for h in hits[:3]]
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))


def test_search_for_an_article_number_returns_that_article_first(cli):
    result = cli("search", "L. 1111-8", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["doc_id"] == "csp-L1111-8"
    plain = cli("search", "L. 1111-8")
    first = plain.stdout.splitlines()[0]
    assert first.lstrip().startswith("1.") and "csp-L1111-8#" in first


def test_sources_lists_every_manifest_id_with_status_and_chunk_counts(cli):
    result = cli("sources", "--json")
    assert result.exit_code == 0
    rows = {r["doc_id"]: r for r in json.loads(result.stdout)}
    manifest = load_manifest(ROOT / "corpus")
    assert set(manifest) <= set(rows)
    for doc_id, entry in manifest.items():
        row = rows[doc_id]
        assert row["status"] == entry.status
        if entry.status == "facts-only":  # no official text: only its fiche's passages
            assert row["chunks"] == 0 and row["fiche_chunks"] > 0, doc_id
        else:
            assert row["chunks"] > 0, doc_id
    assert rows["csp-R1111-9"]["chunks"] == 7  # its lead-in and the six activities
    assert "abrogé" in rows["csp-L1110-4-1-ancien"]["status_label"]
    assert "abrogé" not in rows["csp-L1110-4-1"]["status_label"]  # the number now holds the 2023 article
    for doc_id in ("csp-L1110-4", "csp-L1115-1", "csp-R1111-10", "csp-R1111-11"):
        assert rows[doc_id]["status_label"] == "complet" and rows[doc_id]["verified_on"] == "2023-12-06", doc_id
    assert rows["csp-R1111-11"]["possibly_amended_by"] == "décret n° 2026-209 du 24 mars 2026"


def test_sources_table_is_readable_without_json(cli):
    result = cli("sources")
    assert result.exit_code == 0
    assert "csp-L1111-8" in result.stdout and "texte partiel" in result.stdout


def _found_verbatim_in_corpus(quote: str) -> bool:
    return any(quote in text for text in CORPUS_TEXTS.values())


def test_ask_whether_the_software_vendor_must_be_hds_certified_cites_the_hds_texts(cli):
    result = cli("ask", "Mon éditeur de logiciel doit-il être certifié HDS ?", "--json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["refused"] is False
    hds = {"csp-L1111-8", "csp-R1111-9"}
    about = {d.doc_id: set(d.about) for d in load_corpus(ROOT / "corpus").documents}
    cited = [c["doc_id"] for c in answer["citations"]]
    assert any(d in hds or about[d] & hds for d in cited), cited
    for c in answer["citations"]:
        assert c["quote"] and _found_verbatim_in_corpus(c["quote"]), c["chunk_id"]
        assert "[LACUNE" not in c["quote"] and "<!--" not in c["quote"]
    for statement in answer["brief"]:
        assert _found_verbatim_in_corpus(statement["text"])
    assert answer["answer_markdown"].strip()


def test_ask_about_drug_dosage_is_refused(cli):
    result = cli("ask", "Quelle est la posologie du paracétamol ?", "--json")
    assert result.exit_code == 0
    answer = json.loads(result.stdout)
    assert answer["refused"] is True
    assert answer["citations"] == [] and answer["refusal_reason"]


def test_ask_with_an_empty_question_is_a_french_error_with_non_zero_exit(kb_settings):
    result = run_kb("ask", "", data_dir=kb_settings.data_dir)
    assert result.returncode != 0
    assert result.stderr.startswith("Erreur : ") and "question" in result.stderr.lower()
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_search_without_an_index_says_to_run_kb_ingest(tmp_path):
    result = run_kb("search", "hébergeur", data_dir=tmp_path / "vide")
    assert result.returncode != 0
    assert result.stderr.startswith("Erreur : ") and "kb ingest" in result.stderr
    assert "Traceback" not in result.stderr
