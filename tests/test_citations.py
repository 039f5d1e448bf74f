"""Citations (kb/compose/citations.py): an official passage is quoted whole; a fiche by the span that proves the
statement, so a quote never runs over the fiche's source brackets into the next bullet."""

from __future__ import annotations

from kb.compose.citations import Citer
from kb.types import Chunk


def _chunk(chunk_id: str, kind: str, start: int = 100, end: int = 900) -> Chunk:
    return Chunk(chunk_id, chunk_id.split("#")[0], "Titre", "", (), "x" * (end - start), start, end, "", "",
                 "en vigueur", kind)


def test_each_span_of_a_fiche_section_is_its_own_quote():
    citer, section = Citer(None, {}), _chunk("fiche-x#verification", "fiche")
    first, second = citer.use(section, 200, 260), citer.use(section, 400, 450)
    assert first != second and citer.use(section, 200, 260) == first
    assert [citer.used[k][1:] for k in (first, second)] == [(200, 260), (400, 450)]


def test_an_official_passage_is_quoted_whole_whatever_span_proves_the_statement():
    citer, article = Citer(None, {}), _chunk("rgpd-art-33#1", "official")
    assert citer.use(article, 150, 180) == citer.use(article, 500, 520)
    assert citer.used["rgpd-art-33#1"][1:] == (100, 900)
