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


def _one_french_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Erreur : "), stderr
    return lines[0]


@pytest.mark.parametrize("variable, value, allowed", [
    ("KB_K", "abc", "entre 1 et 50"),
    ("KB_RETRIEVAL", "foo", "hybrid, dense, lexical"),
    ("KB_MIN_EVIDENCE", "2", "entre 0 et 1"),
])
def test_a_bad_setting_is_one_french_line_naming_it_with_exit_code_2(tmp_path, variable, value, allowed):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_DATA_DIR=str(tmp_path), **{variable: value})
    for args in (["search", "hébergeur"], ["ask", "Qui est responsable ?"], ["sources"]):
        result = subprocess.run([KB, *args], env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, (args, result.stderr)
        line = _one_french_line(result.stderr)
        assert variable in line and value in line and allowed in line, line


def test_search_with_an_empty_question_is_a_french_error(cli):
    for question in ("", "   "):
        result = cli("search", question)
        assert result.exit_code != 0 and result.stdout == ""
        assert "Erreur : Question vide" in result.output


def test_a_question_starting_with_a_dash_is_a_question_not_an_option(cli):
    found = cli("search", "-hébergeur certifié HDS ?", "--json")
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)
    answered = cli("ask", "-- mon éditeur doit-il être certifié HDS ?", "--json")
    assert answered.exit_code == 0, answered.output
    assert json.loads(answered.stdout)["question"].startswith("-- mon éditeur")
    assert cli("ask", "--", "-Mon éditeur doit-il être certifié HDS ?").exit_code == 0


@pytest.mark.parametrize("value", ["0", "51", "abc", "-3"])
def test_k_outside_1_to_50_is_a_french_error(cli, value):
    for command in ("search", "ask"):
        result = cli(command, "hébergeur certifié", "--k", value)
        assert result.exit_code == 2, result.output
        assert "--k" in result.output and "entre 1 et 50" in result.output and "Traceback" not in result.output


def test_a_question_that_is_not_utf8_is_a_french_error(kb_settings):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(KB_DATA_DIR=str(kb_settings.data_dir), KB_CACHE=str(ROOT / ".kb" / "cache"))
    for command in ("ask", "search"):
        argv = subprocess.run([KB.encode(), command.encode(), b"Qui est responsable de l\xe9diteur ?"], env=env,
                              capture_output=True, timeout=300)
        assert argv.returncode == 1  # like an empty question
        assert "UTF-8" in _one_french_line(argv.stderr.decode())
        piped = subprocess.run([KB, command, "-"], env=env, input=b"h\xe9bergeur certifi\xe9 ?\n",
                               capture_output=True, timeout=300)
        assert piped.returncode == 1
        assert "UTF-8" in _one_french_line(piped.stderr.decode())


def test_a_question_can_be_read_from_stdin(kb_settings):
    from typer.testing import CliRunner

    from kb.cli import app

    env = {"KB_DATA_DIR": str(kb_settings.data_dir), "KB_CACHE": str(kb_settings.cache_dir)}
    result = CliRunner().invoke(app, ["ask", "-", "--json"], input="Mon éditeur doit-il être certifié HDS ?\n",
                                env=env)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["question"] == "Mon éditeur doit-il être certifié HDS ?"


def test_the_app_with_a_bad_setting_shows_one_french_line(monkeypatch):
    """The other edge: the Streamlit app says what is wrong with KB_* instead of showing a trace."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("KB_RETRIEVAL", "foo")
    monkeypatch.delenv("KB_DEBUG", raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.error) == 1
    assert "KB_RETRIEVAL" in at.error[0].value and "hybrid, dense, lexical" in at.error[0].value


def test_last_check_is_the_oldest_verification_and_stale_after_90_days():
    import datetime as dt

    from kb.sources import last_check

    rows = [{"verified_on": "2023-12-06"}, {"verified_on": "2024-02-01"}, {"verified_on": ""}]
    check = last_check(rows, today=dt.date(2024, 3, 1))
    assert check.date == dt.date(2023, 12, 6) and check.days == 86 and not check.stale
    assert last_check(rows, today=dt.date(2024, 3, 10)).stale
    assert last_check([{"verified_on": ""}]) is None
