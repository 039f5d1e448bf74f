"""The « Réponse » : one to three sentences from the map that state the conclusion to the question asked —
« Oui : … », « Non : … » when a map entry settles the yes/no question, then the duties that answer it."""

from __future__ import annotations

from kb.compose.entries import ScoredEntry
from kb.compose.query import WHO, YES_NO, Query
from kb.responsibilities import MapEntry
from kb.text import tokenize

VERDICT_WORDS = {"oui": "Oui", "non": "Non", "depend": "Cela dépend"}
MIN_PROPOSITION_MATCH = 0.15  # share of the proposition's words the question must use to take its verdict
MAX_SENTENCES = 3


def conclusion(query: Query, entries: list[ScoredEntry]) -> list[tuple[MapEntry, str]]:
    """(entry, sentence) pairs, the conclusion first."""
    if not entries:
        return []
    out: list[tuple[MapEntry, str]] = []
    verdict = _verdict(query, entries) if query.form == YES_NO else None
    if verdict:
        entry, word = verdict
        out.append((entry, f"{VERDICT_WORDS[word]} : {_lower_first(entry.statement)}"))
    wanted = MAX_SENTENCES if query.form == WHO else 2
    for scored in entries:
        if len(out) >= wanted:
            break
        if any(scored.entry.id == e.id for e, _ in out):
            continue
        if query.form != WHO and query.actors and scored.entry.actor not in query.actors and out:
            continue
        out.append((scored.entry, scored.entry.statement))
    return out


def _verdict(query: Query, entries: list[ScoredEntry]) -> tuple[MapEntry, str] | None:
    """The proposition the question asks, among the best entries, when the question uses most of its words."""
    best, best_match = None, 0.0
    for scored in entries[:8]:
        for prop in scored.entry.answers:
            words = set(tokenize(prop.text))
            if not words:
                continue
            match = len(words & query.tokens) / len(words | query.tokens) + 0.05 * scored.score
            if match > best_match:
                best, best_match = (scored.entry, prop.verdict), match
    return best if best_match >= MIN_PROPOSITION_MATCH else None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or text[1:2] == "'" else text
