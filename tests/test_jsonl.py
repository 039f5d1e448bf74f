"""JSONL corpus files: one document a line, the Markdown front matter's keys plus `text`; the legal-structure
chunker applies; a bad line is reported with its line number, never fatal. Indexed with the stand-in embedder
(no model): these tests are about reading and indexing, not about vectors."""

from __future__ import annotations

import json

from kb.chunking import chunk_document
from kb.config import Settings
from kb.corpus import load_corpus
from kb.corpus import load_jsonl
from kb.jsonl import write_jsonl

ARTICLES = [
    {"id": "cp-226-13", "title": "Code pénal, article 226-13", "kind": "code_article",
     "source_url": "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000006417945", "version": "2023-12-06",
     "license": "Licence Ouverte 2.0", "complete": True,
     "text": "## Article 226-13\n\nLa révélation d'une information à caractère secret par une personne qui en est "
             "dépositaire soit par état ou par profession est punie d'un an d'emprisonnement et de 15 000 euros "
             "d'amende.\n"},
    {"id": "csp-L1111-8-demo", "title": "Code de la santé publique, article L1111-8 (extrait de test)",
     "kind": "code_article", "source_url": "https://www.legifrance.gouv.fr/", "version": "test",
     "text": "## Article L1111-8\n\nI. - Toute personne qui héberge des données de santé à caractère personnel "
             "doit être agréée ou certifiée.\n\nII. - L'hébergeur certifié conclut un contrat avec le responsable "
             "du traitement.\n"},
    {"id": "ct-L1221-1", "title": "Code du travail, article L1221-1", "kind": "code_article",
     "source_url": "https://www.legifrance.gouv.fr/", "version": "test",
     "text": "Le contrat de travail est soumis aux règles du droit commun.\n"},
]


def test_jsonl_documents_are_read_like_front_matter(tmp_path):
    write_jsonl(tmp_path / "codes.jsonl", ARTICLES)
    docs, problems = load_jsonl(tmp_path / "codes.jsonl")
    assert problems == []
    assert [d.doc_id for d in docs] == ["cp-226-13", "csp-L1111-8-demo", "ct-L1221-1"]
    assert docs[0].url.endswith("LEGIARTI000006417945") and docs[0].license == "Licence Ouverte 2.0"
    assert docs[0].status == "complete" and docs[0].path == tmp_path / "codes.jsonl"


def test_the_legal_structure_chunker_applies_to_jsonl_documents(tmp_path):
    write_jsonl(tmp_path / "codes.jsonl", ARTICLES)
    docs, _ = load_jsonl(tmp_path / "codes.jsonl")
    chunks = chunk_document(docs[1])
    assert [c.chunk_id for c in chunks] == ["csp-L1111-8-demo#I", "csp-L1111-8-demo#II"]
    assert all(c.text == docs[1].text[c.start:c.end] for c in chunks)
    assert chunks[1].locator.endswith("art. L1111-8, II")


def test_bad_lines_are_reported_with_their_line_number_and_the_rest_is_read(tmp_path):
    lines = [json.dumps(ARTICLES[0], ensure_ascii=False), "{pas du json", "[1, 2]",
             json.dumps({"id": "sans-texte", "title": "Sans texte"}), "",
             json.dumps({**ARTICLES[2], "complete": "oui"}), json.dumps(ARTICLES[1], ensure_ascii=False)]
    (tmp_path / "codes.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["cp-226-13", "csp-L1111-8-demo"]
    reasons = {str(p.path).rsplit(":", 1)[-1]: p.reason for p in corpus.problems}
    assert set(reasons) == {"2", "3", "4", "6"}
    assert "JSON invalide" in reasons["2"] and "objet JSON" in reasons["3"]
    assert "text" in reasons["4"] and "complete" in reasons["6"]


def test_a_jsonl_id_already_used_by_a_markdown_file_is_refused(tmp_path):
    (tmp_path / "cp-226-13.md").write_text("---\nid: cp-226-13\ntitle: Article 226-13\n---\nTexte.\n", encoding="utf-8")
    write_jsonl(tmp_path / "codes.jsonl", ARTICLES)
    corpus = load_corpus(tmp_path)
    assert sorted(d.doc_id for d in corpus.documents) == ["cp-226-13", "csp-L1111-8-demo", "ct-L1221-1"]
    assert any("cp-226-13" in str(p) and "déjà utilisé" in str(p) for p in corpus.problems)


def test_a_jsonl_corpus_file_ingests_and_is_searchable(tmp_path):
    from typer.testing import CliRunner

    from kb.cli import app
    from kb.index.store import current_manifest, ingest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "codes.jsonl", ARTICLES)
    settings = Settings(data_dir=tmp_path / "data", cache=tmp_path / "cache", corpus_dir=corpus, embedder="standin",
                        chroma_url=None)
    report = ingest(settings)
    assert report.changed and report.documents == 3 and report.chunks == 4
    assert current_manifest(settings)["model_id"] == "standin/hashed-tokens-384-seed0"
    assert not ingest(settings).changed  # the JSONL file is part of the fingerprint

    env = {"KB_DATA_DIR": str(settings.data_dir), "KB_CACHE": str(settings.cache_dir), "KB_CORPUS_DIR": str(corpus),
           "KB_EMBEDDER": "standin", "KB_CHROMA_URL": None, "KB_RETRIEVAL": None}
    result = CliRunner().invoke(app, ["search", "secret professionnel révélation amende", "--json"], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    hits = json.loads(result.stdout)
    assert hits[0]["doc_id"] == "cp-226-13"
    assert {"dense", "lexical"} <= set(hits[0]["ranks"])

    (corpus / "codes.jsonl").write_text(
        (corpus / "codes.jsonl").read_text(encoding="utf-8").replace("15 000 euros", "45 000 euros"), encoding="utf-8")
    assert ingest(settings).changed
