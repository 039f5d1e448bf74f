"""The legal-structure chunker on the shipped corpus: verbatim passages, stable ids and locators that a
lawyer would write, never a gap marker or a maintainers' note, never a sentence cut in two."""

from __future__ import annotations

import re
import statistics
from pathlib import Path

import pytest

from kb.chunking import MAX_CHARS, chunk_document
from kb.config import ROOT
from kb.corpus import load_corpus
from kb.types import Document

# A unit may end on a full stop, a list item (« ; », « ; et », « ; ou »), a lead-in (« : ») or a fiche bracket.
_CLEAN_END = re.compile(r"(?:[.;:!?»)\]]|;\s*(?:et|ou))$")


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "corpus")


@pytest.fixture(scope="module")
def chunks(corpus):
    return [c for d in corpus.documents for c in chunk_document(d)]


@pytest.fixture(scope="module")
def by_id(chunks):
    return {c.chunk_id: c for c in chunks}


def test_every_chunk_is_a_verbatim_slice_of_its_document(corpus, chunks):
    docs = corpus.by_id()
    for c in chunks:
        assert c.text == docs[c.doc_id].text[c.start:c.end], c.chunk_id
        assert c.text.strip() == c.text and c.text, c.chunk_id


def test_no_chunk_holds_a_gap_marker_or_a_maintainers_comment(chunks):
    for c in chunks:
        assert "[LACUNE" not in c.text and "<!--" not in c.text and "-->" not in c.text, c.chunk_id
        assert "[LACUNE" not in c.context and "<!--" not in c.context, c.chunk_id


def test_fiche_disclaimer_is_not_a_passage(chunks):
    assert not any("Synthèse non officielle" in c.text for c in chunks if c.kind == "fiche")


def test_chunk_ids_are_unique_and_prefixed_by_their_document(chunks):
    ids = [c.chunk_id for c in chunks]
    assert len(ids) == len(set(ids))
    assert all(c.chunk_id.startswith(c.doc_id + "#") for c in chunks)


def test_every_document_gets_at_least_one_chunk(corpus, chunks):
    assert {d.doc_id for d in corpus.documents} == {c.doc_id for c in chunks}


def test_no_chunk_ends_mid_sentence_unless_a_gap_follows(corpus, chunks):
    docs = corpus.by_id()
    cut = []
    for c in chunks:
        if _CLEAN_END.search(c.text):
            continue
        following = docs[c.doc_id].text[c.end:].lstrip()
        if not following.startswith("[LACUNE"):
            cut.append((c.chunk_id, c.text[-40:]))
    assert not cut
    # and the exceptions are real: the partial texts do end mid-sentence before their gap
    assert not _CLEAN_END.search(next(c for c in chunks if c.chunk_id == "rgpd-art-82#6").text)


def test_rgpd_28_point_a_has_a_lawyers_locator_and_its_paragraph_as_context(by_id):
    c = by_id["rgpd-art-28#3.a"]
    assert c.locator == "RGPD, art. 28, § 3, a)"
    assert c.text.startswith("a) ne traite les données à caractère personnel que sur instruction documentée")
    assert c.context.startswith("3. Le traitement par un sous-traitant est régi par un contrat")
    assert [f"rgpd-art-28#3.{p}" in by_id for p in "abcdefgh"] == [True] * 8
    assert by_id["rgpd-art-28#3.al2"].text.startswith("En ce qui concerne le point h) du premier alinéa")


def test_l1111_8_third_alinea_of_I_is_its_own_passage(by_id):
    c = by_id["csp-L1111-8#I.al3"]
    assert c.locator == "CSP, art. L1111-8, I, al. 3"
    assert c.text.startswith("La prestation d'hébergement de données de santé")
    assert c.status == "partial" and c.kind == "official"
    assert by_id["csp-L1111-8#I"].locator == "CSP, art. L1111-8, I"


def test_r1111_8_8_has_its_roman_paragraph_II(by_id):
    c = by_id["csp-R1111-8-8#II"]
    assert c.locator == "CSP, art. R1111-8-8, II"
    assert c.text.startswith("II. - Les responsables de traitement")


def test_r1111_9_is_its_lead_and_six_activities_numbered_1_to_6(chunks):
    r9 = [c for c in chunks if c.doc_id == "csp-R1111-9"]
    assert [c.chunk_id for c in r9] == ["csp-R1111-9#al1"] + [f"csp-R1111-9#{n}" for n in range(1, 7)]
    assert [c.locator for c in r9[1:]] == [f"CSP, art. R1111-9, {n}°" for n in range(1, 7)]
    assert r9[0].text.startswith("Est considérée comme une activité d'hébergement")
    assert r9[6].text == "6° La sauvegarde des données de santé."


def test_nota_is_a_note_chunk_apart_from_the_article_text(chunks):
    l1115 = [c for c in chunks if c.doc_id == "csp-L1115-1"]
    assert [(c.chunk_id, c.kind) for c in l1115] == [("csp-L1115-1#al1", "official"), ("csp-L1115-1#nota", "nota")]
    assert "NOTA" not in l1115[0].text and l1115[0].text.endswith("45 000 euros d'amende.")
    assert l1115[1].locator == "CSP, art. L1115-1, NOTA"
    assert l1115[1].text.startswith("Conformément au I de l'article 3") and l1115[1].text.endswith("1er avril 2018.")


def test_rgpd_4_gives_one_passage_per_definition(chunks, by_id):
    defs = [c for c in chunks if c.doc_id == "rgpd-art-4" and re.fullmatch(r"rgpd-art-4#\d+", c.chunk_id)]
    assert [c.chunk_id for c in defs] == [f"rgpd-art-4#{n}" for n in range(1, len(defs) + 1)]
    assert len(defs) >= 26
    health = by_id["rgpd-art-4#15"]
    assert health.locator == "RGPD, art. 4, 15)"
    assert health.text.startswith("15) «données concernant la santé»")
    assert by_id["rgpd-art-4#8"].text.startswith("8) «sous-traitant»")
    # sub-points of a definition stay inside it
    assert "a) en ce qui concerne un responsable du traitement" in by_id["rgpd-art-4#16"].text


def test_fiche_chunks_are_sections_of_whole_bullets(corpus, chunks):
    for c in (c for c in chunks if c.kind == "fiche"):
        assert c.text.startswith("- "), c.chunk_id
        assert all(line.startswith("- ") for line in c.text.splitlines() if line.strip()), c.chunk_id
    assert any(c.chunk_id == "fiche-csp-L1111-8#en-bref" for c in chunks)


def test_chunk_sizes_stay_under_the_limit(chunks):
    sizes = sorted(len(c.text) for c in chunks)
    p90 = sizes[int(0.9 * (len(sizes) - 1))]
    print(f"\nchunks={len(sizes)} min={sizes[0]} median={statistics.median(sizes)} p90={p90} max={sizes[-1]}")
    assert sizes[-1] <= MAX_CHARS
    assert sizes[0] >= 30  # no crumbs: the shortest passage is a whole activity of R1111-9
    assert 200 <= statistics.median(sizes) <= 900


def _article(body: str, doc_id: str = "rgpd-art-99") -> Document:
    text = "\n## Article 99\n\n" + body
    return Document(doc_id=doc_id, title="Test", kind="eu_regulation_article", text=text, path=Path("x.md"), url="",
                    version="")


def test_a_long_paragraph_is_split_at_sentence_ends_only():
    sentence = "Le responsable du traitement met en œuvre des mesures appropriées, conformément à l'art. 32 du présent règlement. "
    doc = _article("1. " + sentence * 30)
    parts = chunk_document(doc)
    assert len(parts) >= 3
    assert [c.chunk_id for c in parts] == [f"rgpd-art-99#1-{i}" for i in range(1, len(parts) + 1)]
    for c in parts:
        assert len(c.text) <= MAX_CHARS and c.text.endswith("règlement.")
        assert c.text == doc.text[c.start:c.end]
        assert c.locator == "RGPD, art. 99, § 1"


def test_a_gap_marker_splits_a_paragraph_and_is_never_quoted():
    doc = _article("1. Début du paragraphe qui est coupé pour\n[LACUNE: suite non vue]\n\n"
                   "Alinéa suivant, connu.\n\n<!-- note: vérifier -->\n\n2. Second paragraphe.")
    parts = chunk_document(doc)
    assert [c.text for c in parts] == ["1. Début du paragraphe qui est coupé pour", "Alinéa suivant, connu.",
                                       "2. Second paragraphe."]
    # the gap stands for at least one missing alinéa: numbering after it does not pretend to be exact
    assert parts[1].chunk_id == "rgpd-art-99#1.al3"
    assert parts[2].chunk_id == "rgpd-art-99#2"
