"""kb/compose/verify.py, the last stage of an answer: a quote is the document's text at its offsets and holds no gap
marker or maintainers' comment, and each corpus sentence lies inside its citation."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kb.compose.verify import check_citations
from kb.errors import CitationError
from kb.types import Answer, Citation, Document, Statement

FIRST, SECOND = "Le médecin notifie la violation.", "L'éditeur prévient le médecin."


def _answer(text: str, quote: str) -> tuple[Answer, dict[str, Document]]:
    """An answer citing `quote` at its place in a document whose text is `text`, with one sentence: FIRST."""
    start = text.index(quote)
    doc = Document("rgpd-art-33", "RGPD, article 33", "code_article", text, Path("x.md"), "https://eur-lex.europa.eu/",
                   "2016")
    c = Citation(1, "rgpd-art-33#1", doc.doc_id, doc.title, "RGPD, art. 33", quote, doc.url, doc.version, "complete",
                 "official", start, start + len(quote))
    return Answer(question="?", refused=False, brief=[Statement(FIRST, 1)], citations=[c]), {doc.doc_id: doc}


def test_a_verbatim_quote_holding_its_sentence_passes():
    answer, documents = _answer(f"{FIRST} {SECOND}", f"{FIRST} {SECOND}")
    check_citations(answer, documents)


@pytest.mark.parametrize("marker", ["[LACUNE: alinéa non vu]", "<!-- note du projet -->"])
def test_a_quote_holding_a_gap_or_a_comment_is_refused_though_verbatim(marker):
    answer, documents = _answer(f"{FIRST} {marker} {SECOND}", f"{FIRST} {marker} {SECOND}")
    with pytest.raises(CitationError, match=r"Citation \[1\]"):
        check_citations(answer, documents)


def test_a_quote_that_is_not_the_text_at_its_offsets_is_refused():
    answer, documents = _answer(f"{FIRST} {SECOND}", FIRST)
    moved = dataclasses.replace(answer.citations[0], start=1, end=len(FIRST) + 1)
    with pytest.raises(CitationError, match=r"Citation \[1\]"):
        check_citations(dataclasses.replace(answer, citations=[moved]), documents)


def test_a_sentence_outside_its_quote_is_refused():
    answer, documents = _answer(f"{FIRST} {SECOND}", SECOND)
    with pytest.raises(CitationError, match="Phrase sans citation valide"):
        check_citations(answer, documents)
