"""The « Réponse » : one to three sentences from the map that state the conclusion to the question asked —
« Oui : … », « Non : … » when a map entry settles the yes/no question, then the duties that answer it."""

from __future__ import annotations

from kb.compose.entries import ScoredEntry
from kb.compose.query import WHO, YES_NO, Query
from kb.responsibilities import MapEntry, Proposition

VERDICT_WORDS = {"oui": "Oui", "non": "Non", "depend": "Cela dépend"}
VERDICT_MARGIN = 0.01  # how far the best proposition must lead the best one with the other verdict (dev)
MAX_SENTENCES = 3
VERDICT_AMONG = 3  # the verdict's entry must be among the entries that best answer the question (dev)


def conclusion(query: Query, entries: list[ScoredEntry],
               propositions: list[tuple[MapEntry, Proposition, float]]) -> list[tuple[MapEntry, str]]:
    """(entry, sentence) pairs, the conclusion first."""
    if not entries:
        return []
    out: list[tuple[MapEntry, str]] = []
    on_topic = {s.entry.id for s in entries[:VERDICT_AMONG]}
    asks_unknown = query.unknown or query.price  # a yes/no on something the corpus never names gets no verdict
    verdict = (_verdict([p for p in propositions if p[0].id in on_topic])
               if query.form == YES_NO and not asks_unknown else None)
    if verdict:
        entry, word = verdict
        out.append((entry, f"{VERDICT_WORDS[word]} : {_lower_first(entry.statement)}"))
    elif query.form == WHO:
        asked = next((e for e, _, _ in propositions if e.id in on_topic), None)
        if asked is not None:  # « qui doit… ? »: the entry whose proposition the question asks says who
            out.append((asked, asked.statement))
    for scored in entries:
        if len(out) >= MAX_SENTENCES:
            break
        if any(scored.entry.id == e.id for e, _ in out):
            continue
        if query.form != WHO and query.actors and scored.entry.actor not in query.actors and out:
            continue
        out.append((scored.entry, scored.entry.statement))
    return out


def _verdict(propositions: list[tuple[MapEntry, Proposition, float]]) -> tuple[MapEntry, str] | None:
    """The verdict of the proposition the question asks, only when it clearly beats every proposition with
    another verdict: a wrong « Oui » or « Non » misleads more than none."""
    if not propositions:
        return None
    entry, best, score = propositions[0]
    rival = next((s for _, p, s in propositions if p.verdict != best.verdict), None)
    if rival is not None and score - rival < VERDICT_MARGIN:
        return None
    return entry, best.verdict


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or text[1:2] == "'" else text
