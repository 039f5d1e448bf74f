"""The fallback when no entry of the who-does-what map answers: the corpus's own sentences, verbatim — « En bref »
from the closest passages (fiche statements that name a retrieved official text first; decisions' fiches only
when sanctions are asked), and per actor the sentences whose grammatical subject is that actor's role."""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

from kb.compose.citations import Citer
from kb.compose.draft import Draft, DraftStatement
from kb.folding import fold
from kb.index.store import Store
from kb.legalrefs import PENAL_PREFIX, subject_actors
from kb.retrieve import Retrieval
from kb.statements import source_ids, statement_spans
from kb.text import tokenize
from kb.types import ACTORS, Chunk

BRIEF_MAX = 4
CELL_MAX = 2
CELL_SENTENCE_MAX = 600  # stays readable in a table cell; the passage is still searchable
BRIEF_SOURCE_BONUS = 0.2
BRIEF_DECISION_MALUS = 0.5
_SANCTION_QUERY = "amende emprisonnement puni sanction"
_EXPOSURE = re.compile(r"\b(?:responsab\w*|liab\w*|sanction\w*|amendes?|fine[sd]?|risque\w*|risk\w*|puni\w*|penal\w*|"
                       r"condamn\w*|payer|paie|sous|infraction\w*|prison|emprisonnement)\b")
_SANCTION = re.compile(r"\b(?:amendes?|emprisonnement|puni|sanctions?|peines?)\b")
_RESPONSIBILITY = re.compile(r"\b(?:responsabilites?|(?:tenue?s?|pleinement|est|sont|demeure|reste) (?:pour )?responsables?"
                             r"|reparation|dommages?|exoner\w*|imputable|prejudice subi)\b")
_ROLE_QUERY = {  # the words that make a passage speak to each actor's role, added to the per-actor search
    "medecin": "responsable du traitement obligations sécurité",
    "editeur": "sous-traitant obligations instructions contrat",
    "hebergeur": "hébergeur certificat de conformité hébergement",
}


def extract(question: str, found: Retrieval, actors: list[str], store: Store, citer: Citer) -> Draft:
    """Verbatim sentences for « En bref » and the rows of `actors`."""
    q_tokens = set(tokenize(question, bare_articles_are_gdpr=True, query=True))
    draft = Draft()

    def statement(chunk: Chunk, span: tuple[int, int]) -> DraftStatement:
        return DraftStatement(store.documents[chunk.doc_id].text[span[0]:span[1]], [citer.use(chunk, *span)])

    draft.brief = [statement(c, span) for c, span in _brief(question, found, q_tokens, store)]
    taken: set[tuple[int, int]] = set()
    for actor in actors:
        draft.rows[actor] = {cat: [statement(c, span) for c, span in items]
                             for cat, items in _cells(actor, question, found, q_tokens, taken, store).items()}
    return draft


def _score(text: str, q_tokens: set[str]) -> float:
    tokens = _tokens(text)
    if not tokens:
        return 0.0
    return len(tokens & q_tokens) / (1 + len(q_tokens)) - 0.0004 * max(0, len(text) - 350)


def _brief(question: str, found: Retrieval, q_tokens: set[str], store: Store) -> list[tuple[Chunk, tuple[int, int]]]:
    docs = store.documents
    retrieved_official = {h.chunk.doc_id for h in found.hits if h.chunk.kind == "official"}
    decisions_asked = bool(_EXPOSURE.search(fold(question)))
    candidates = []
    for rank, hit in enumerate(found.hits):
        doc = docs[hit.chunk.doc_id]
        off_topic_decision = (doc.decision is not None and not decisions_asked
                              and not set(found.references) & {doc.doc_id, *doc.about})
        for span in statement_spans(hit.chunk):
            text = doc.text[span[0]:span[1]]
            score = _score(text, q_tokens) + 0.5 / (rank + 1)
            if hit.chunk.kind == "fiche":
                score += 0.15 + (0.1 if "bref" in hit.chunk.chunk_id else 0.0)
                score += BRIEF_SOURCE_BONUS * bool(source_ids(doc.text, span[1]) & retrieved_official)
                score -= BRIEF_DECISION_MALUS * off_topic_decision
            candidates.append((score, hit.chunk, span))
    candidates.sort(key=lambda x: -x[0])
    picked, seen_text = [], set()
    for _, chunk, span in candidates:
        text = docs[chunk.doc_id].text[span[0]:span[1]]
        if text in seen_text:
            continue
        seen_text.add(text)
        picked.append((chunk, span))
        if len(picked) >= BRIEF_MAX:
            break
    return picked


def _cells(actor: str, question: str, found: Retrieval, q_tokens: set[str], taken: set[tuple[int, int]],
           store: Store) -> dict[str, list]:
    """Official sentences first; fiche statements only where no official sentence fills the cell; a sentence
    already shown for another actor only when nothing else fits."""
    pool: list[tuple[float, Chunk]] = [(1.0 / (r + 1), h.chunk) for r, h in enumerate(found.hits)]
    queries = [(f"{question} {_ROLE_QUERY[actor]}", 12)]
    if _EXPOSURE.search(fold(question)):  # what each actor risks, only when the question asks it
        queries.append((f"{_ROLE_QUERY[actor]} {_SANCTION_QUERY}", 6))
    for query, n in queries:
        scores = store.lexical.scores(query)
        official = [i for i in np.argsort(-scores)[:60] if store.chunks[i].kind == "official"]
        pool.extend((0.2 / (r + 1), store.chunks[i]) for r, i in enumerate(official[:n]))
    cells: dict[str, list] = {"obligations": [], "responsibility": [], "sanctions": []}
    ranked: dict[str, list] = {"official": [], "fiche": []}
    seen = set()
    for weight, chunk in pool:
        for span in statement_spans(chunk):
            if span in seen:
                continue
            seen.add(span)
            text = store.documents[chunk.doc_id].text[span[0]:span[1]]
            if len(text) > CELL_SENTENCE_MAX:
                continue
            folded = fold(text)
            category = ("sanctions" if _SANCTION.search(folded) else
                        "responsibility" if _RESPONSIBILITY.search(folded) else "obligations")
            subjects = subject_actors(text, chunk.context)
            if not subjects and category == "sanctions" and chunk.doc_id.startswith(PENAL_PREFIX):
                subjects = ACTORS  # Code pénal sanctions name no role: they bind whoever processes the data
            if actor not in subjects:
                continue
            penalty = (0.3 if span in taken else 0.0) + 0.001 * max(0, len(text) - 250)
            ranked[chunk.kind].append((_score(text, q_tokens) + weight - penalty, category, chunk, span))
    for kind in ("official", "fiche"):
        for _, category, chunk, span in sorted(ranked[kind], key=lambda x: -x[0]):
            if kind == "fiche" and cells[category]:
                continue
            if len(cells[category]) < CELL_MAX:
                cells[category].append((chunk, span))
                taken.add(span)
    return cells


@lru_cache(maxsize=20_000)
def _tokens(text: str) -> frozenset[str]:
    return frozenset(tokenize(text))
