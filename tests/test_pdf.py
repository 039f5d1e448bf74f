"""A real PDF, written with fpdf2 and read back through pypdf: French text survives (accents, œ, ’, « »,
€), ligatures and end-of-line hyphens are repaired, every passage knows its page; an encrypted or broken
PDF is refused with one clear error that names the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfWriter

from kb.chunking import chunk_document
from kb.config import ROOT
from kb.corpus import load_corpus, load_pdf
from kb.errors import CorpusError
from kb.pdf import repair

SIDECAR = """---
id: contrat-hebergement-test
title: "Contrat d'hébergement (test)"
source_url: https://example.org/contrat.pdf
version: "2024-01"
license: "usage interne"
---
"""

PAGES = [
    [
        "Contrat d’hébergement de données de santé — conditions générales.",
        "Le prestataire garantit la confiden-",
        "tialité des « données de santé à caractère personnel » qui lui sont confiées.",
        "La mise en œuvre du service coûte 1\u202f500\u00a0€ hors taxes par an.",
        "Le ﬁchier des patients est chiffré au repos.",
    ],
    [
        "Article 2 — Réversibilité.",
        "À la fin du contrat, l’hébergeur restitue l’intégralité des données au médecin.",
    ],
    [
        "Article 3 — Responsabilité.",
        "L’éditeur répond de ses sous-traitants ; il notifie toute violation sans délai.",
    ],
]


def unicode_font() -> Path:
    """A TTF with œ, ’, € and ﬁ: the project's bundled font if there is one, else DejaVu Sans."""
    for font in (ROOT / "kb" / "fonts" / "DejaVuSans.ttf", Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")):
        if font.exists():
            return font
    pytest.fail("Aucune police Unicode : installer fonts-dejavu-core (apt-get install -y fonts-dejavu-core)")


def write_pdf(path: Path, pages: list[list[str]] = PAGES, encrypt: bool = False) -> Path:
    pdf = FPDF()
    pdf.add_font("Uni", fname=str(unicode_font()))
    pdf.set_font("Uni", size=11)
    if encrypt:
        pdf.set_encryption(owner_password="proprietaire", user_password="secret")
    for lines in pages:
        pdf.add_page()
        for line in lines:  # one cell per line: the line breaks (and the hyphen) are where we put them
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def add_to_corpus(corpus: Path, name: str = "contrat.pdf", **kwargs) -> Path:
    corpus.mkdir(exist_ok=True)
    pdf = write_pdf(corpus / name, **kwargs)
    (corpus / f"{name}.md").write_text(SIDECAR.replace("contrat-hebergement-test", Path(name).stem), encoding="utf-8")
    return pdf


@pytest.fixture(scope="module")
def contract(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("pdf") / "corpus"
    add_to_corpus(corpus)
    return load_pdf(corpus / "contrat.pdf")


def test_pdf_text_keeps_french_characters(contract):
    text = contract.text
    for expected in ("Contrat d’hébergement", "mise en œuvre", "« données de santé à caractère personnel »",
                     "1 500 € hors taxes", "À la fin du contrat, l’hébergeur restitue", "Réversibilité"):
        assert expected in text, expected
    assert "\u00a0" not in text and "\u202f" not in text


def test_pdf_text_is_repaired_ligatures_and_line_end_hyphens(contract):
    assert "confidentialité" in contract.text
    assert "confiden-" not in contract.text
    assert "Le fichier des patients" in contract.text
    assert "\ufb01" not in contract.text
    # hard-wrapped lines of one paragraph are joined by a space, not glued
    assert "conditions générales. Le prestataire" in contract.text


def test_pdf_document_takes_its_provenance_from_the_sidecar(contract):
    assert contract.doc_id == "contrat"
    assert contract.title == "Contrat d'hébergement (test)"
    assert contract.url == "https://example.org/contrat.pdf"
    assert contract.kind == "pdf"
    assert len(contract.pages) == 3


def test_pdf_chunks_are_verbatim_and_know_their_page(contract):
    chunks = chunk_document(contract)
    assert {c.page for c in chunks} == {1, 2, 3}
    for c in chunks:
        assert c.text == contract.text[c.start:c.end]
        assert c.locator == f"Contrat d'hébergement (test), p. {c.page}"
        assert c.chunk_id.startswith(f"contrat#p{c.page}")
    page_of = {c.page: c.text for c in chunks}
    assert "Réversibilité" in page_of[2] and "Réversibilité" not in page_of[1]
    assert "sous-traitants" in page_of[3]


def test_a_long_pdf_page_is_split_at_sentences_within_the_page(tmp_path):
    sentence = "Le prestataire conserve les données de santé dans un centre situé en France."
    pages = [[sentence] * 20, ["Dernière page, une seule phrase."]]  # 20 lines fit on one A4 page
    add_to_corpus(tmp_path / "corpus", pages=pages)
    doc = load_pdf(tmp_path / "corpus" / "contrat.pdf")
    chunks = chunk_document(doc)
    first = [c for c in chunks if c.page == 1]
    assert len(first) >= 2
    assert all(c.text.endswith("France.") for c in first)
    assert [c.page for c in chunks][-1] == 2


def test_repair_keeps_paragraph_breaks():
    raw = "Premier para-\ngraphe, sur deux\nlignes.\n\nSecond para-\ngraphe. Code L-\nR."
    assert repair(raw) == "Premier paragraphe, sur deux lignes.\n\nSecond paragraphe. Code L- R."


def test_repair_keeps_the_hyphen_of_compound_words_broken_at_a_line_end():
    raw = "le sous-\ntraitant ultérieur et celle-\nci, lui-\nmême, au-\ndelà, ci-\ndessus ; le sous-\nsigné, le ci-\ntoyen"
    assert repair(raw) == ("le sous-traitant ultérieur et celle-ci, lui-même, au-delà, ci-dessus ; "
                           "le soussigné, le citoyen")


def _encrypt_with_pypdf(path: Path) -> Path:
    writer = PdfWriter(clone_from=str(write_pdf(path.with_name("clair.tmp"))))
    writer.encrypt("secret")
    writer.write(str(path))
    return path


@pytest.mark.parametrize("how", ["fpdf2", "pypdf"])
def test_an_encrypted_pdf_gives_one_clear_error_naming_the_file(tmp_path, how):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pdf = corpus / "secret.pdf"
    write_pdf(pdf, encrypt=True) if how == "fpdf2" else _encrypt_with_pypdf(pdf)
    (corpus / "secret.pdf.md").write_text(SIDECAR.replace("contrat-hebergement-test", "secret"), encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        load_pdf(pdf)
    assert err.value.path == pdf
    assert "secret.pdf" in str(err.value) and "chiffré" in str(err.value)


def test_a_garbage_pdf_gives_one_clear_error_naming_the_file(tmp_path):
    pdf = tmp_path / "faux.pdf"
    pdf.write_bytes(b"ceci n'est pas un PDF\n" * 20)
    (tmp_path / "faux.pdf.md").write_text(SIDECAR, encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        load_pdf(pdf)
    assert err.value.path == pdf and "faux.pdf" in str(err.value) and "PDF illisible" in str(err.value)


def test_bad_pdfs_in_a_corpus_are_reported_one_problem_each_and_the_rest_loads(tmp_path):
    corpus = tmp_path / "corpus"
    add_to_corpus(corpus)
    add_to_corpus(corpus, name="verrouille.pdf", encrypt=True)
    (corpus / "tronque.pdf").write_bytes((corpus / "contrat.pdf").read_bytes()[:400])
    (corpus / "tronque.pdf.md").write_text(SIDECAR.replace("contrat-hebergement-test", "tronque"), encoding="utf-8")
    (corpus / "orphelin.pdf").write_bytes((corpus / "contrat.pdf").read_bytes())  # no sidecar
    loaded = load_corpus(corpus)
    assert [d.doc_id for d in loaded.documents] == ["contrat"]
    assert sorted(p.path.name for p in loaded.problems) == ["orphelin.pdf", "tronque.pdf", "verrouille.pdf"]
    reasons = {p.path.name: p.reason for p in loaded.problems}
    assert "chiffré" in reasons["verrouille.pdf"]
    assert "illisible" in reasons["tronque.pdf"] or "sans texte" in reasons["tronque.pdf"]
    assert "orphelin.pdf.md" in reasons["orphelin.pdf"]
