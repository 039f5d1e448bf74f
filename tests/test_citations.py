"""Citations (kb/compose/citations.py): an official passage is quoted whole; the spans of one fiche section make
one quote, so a section is never listed twice."""

from __future__ import annotations

from kb.compose.citations import Citer
from kb.types import Chunk


def _chunk(chunk_id: str, kind: str, start: int = 100, end: int = 900) -> Chunk:
    return Chunk(chunk_id, chunk_id.split("#")[0], "Titre", "", (), "x" * (end - start), start, end, "", "",
                 "en vigueur", kind)


def test_spans_of_one_fiche_section_make_one_quote_from_the_first_to_the_last():
    citer, section = Citer(None, {}), _chunk("fiche-x#verification", "fiche")
    other = _chunk("fiche-x#autre", "fiche")
    keys = {citer.use(section, 400, 450), citer.use(section, 200, 260), citer.use(other, 300, 320)}
    assert len(keys) == 2
    assert citer.used["fiche-x#verification"][1:] == (200, 450)


def test_an_official_passage_is_quoted_whole_whatever_span_proves_the_statement():
    citer, article = Citer(None, {}), _chunk("rgpd-art-33#1", "official")
    assert citer.use(article, 150, 180) == citer.use(article, 500, 520)
    assert citer.used["rgpd-art-33#1"][1:] == (100, 900)
