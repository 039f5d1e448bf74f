"""kb/context.py: a cited passage shown where it stands, within its paragraphs (the app's « textes cités »): the
quote marked exactly, Markdown markers stripped, gaps flagged, maintainers' comments never shown."""

from __future__ import annotations

import pytest

import kb
from kb.context import passage_in_context

QUESTION = "Qui est responsable en cas de fuite de données : moi, l'éditeur ou l'hébergeur ?"

DOC = ("## Article 1\n\n### Objet\n\n"
       "1. Premier paragraphe assez court.\n\n"
       "2. Le paragraphe cité commence ici. La phrase citée est celle-ci. Puis il continue.\n\n"
       "- une puce de fiche\n- une autre puce\n\n"
       "[LACUNE: alinéa non vu]\n\n"
       "<!--\nnote éditoriale à ne jamais montrer\n-->\n\n"
       "3. Dernier paragraphe.")


def test_context_marks_exactly_the_quote_and_keeps_whole_paragraphs():
    start = DOC.index("La phrase citée")
    end = DOC.index("Puis il") - 1
    passage = passage_in_context(DOC, start, end)
    assert passage.quoted_text == DOC[start:end]
    texts = [line.text for line in passage.lines]
    assert "Article 1" in texts and "1. Premier paragraphe assez court." in texts
    assert not passage.cut_before and not passage.cut_after


def test_context_strips_markdown_markers_and_flags_gaps():
    passage = passage_in_context(DOC, DOC.index("une puce"), DOC.index("une puce") + 8)
    kinds = {line.text: line.kind for line in passage.lines}
    assert kinds["Article 1"] == "heading"
    assert kinds["une puce de fiche"] == "bullet"
    assert kinds["[LACUNE: alinéa non vu]"] == "gap"
    assert kinds["1. Premier paragraphe assez court."] == "text"


def test_context_never_shows_editorial_comments():
    passage = passage_in_context(DOC, DOC.index("Dernier"), len(DOC))
    shown = " ".join(line.text for line in passage.lines)
    assert "note éditoriale" not in shown and "<!--" not in shown
    assert "Dernier paragraphe." in shown


def test_context_cuts_a_long_paragraph_at_a_word_and_says_so():
    words = " ".join(f"mot{i}" for i in range(400))
    text = f"{words} CITATION {words}"
    start = text.index("CITATION")
    passage = passage_in_context(text, start, start + len("CITATION"), margin=100)
    assert passage.cut_before and passage.cut_after
    shown = passage.lines[0].text
    assert shown.startswith("mot") and shown.endswith(tuple("0123456789"))  # whole words only
    assert len(shown) <= 2 * 100 + len("CITATION")


def test_context_rejects_offsets_outside_the_text():
    with pytest.raises(ValueError):
        passage_in_context("court", 2, 50)


def test_context_locates_every_citation_of_a_real_answer(engine):
    answer = engine.answer(QUESTION, llm="")
    assert answer.citations
    for c in answer.citations:
        passage = passage_in_context(kb.documents(engine)[c.doc_id].text, c.start, c.end)
        assert "".join(passage.quoted_text.split()) == "".join(c.quote.split())
