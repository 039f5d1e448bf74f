"""Scores of the answer a doctor reads, not of the documents found: key points stated (and where), misleading
statements in the wrong row, the yes/no stated first, « not in the corpus » said plainly, and length.

A statement counts through the passage its citation quotes: a key point `any_of: [rgpd-art-33#1]` is met by a
statement citing `rgpd-art-33#1` (or a part of it, `rgpd-art-33#1-2`, or a point under it, `rgpd-art-28#3.a`
for `rgpd-art-28#3`); a bare document id is met by any passage of that document."""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.compose.verdict import asked_in_the_negative
from kb.evaluation.questions import ANY_ACTOR, Forbidden, KeyPoint
from kb.folding import fold
from kb.types import Answer

BRIEF = "brief"  # the réponse and « En bref »: what the reader sees first, whatever the actor
_WORD = re.compile(r"\w+(?:['’]\w+)*")
_FIRST_SENTENCE = re.compile(r"^(.+?[.!?:;])(?:\s|$)", re.S)
# A first clause that states a yes/no answer. « Oui, si… » and « Non, sauf… » answer « cela dépend » too.
_DEPENDS = re.compile(r"^(?:cela|ca|tout) depend\b|^pas (?:necessairement|toujours|forcement)\b|^(?:oui|non)"
                      r"\s*[,:;-]?\s*(?:si|s['’]ils?|sauf|seulement|a condition|lorsque|quand|mais)\b")
_YES = re.compile(r"^oui\b")
_NO = re.compile(r"^non\b")
# The answer to a question asked in the negative (asked_in_the_negative), as the labels read it. Inverted
# (« n'oblige-t-il pas… ? », « don't I have to…? »), the question asks its positive form: « Si » is a yes. Stated
# (« je n'ai pas à notifier ? »), the label says whether its negation holds: « Si » rejects it (« non »); « Non »,
# as French answers it, confirms it (« oui »).
_ANSWER_WORD = re.compile(r"^(oui|non|si)\b(?=\s*[,:;])")
_NEGATIVE_LABELS = {"inverted": {"si": "oui", "non": "non", "oui": "oui"},
                    "stated": {"si": "non", "non": "oui", "oui": "oui"}}
# Wording that says the corpus does not answer (the engine's gap line, a refusal).
_NOT_COVERED = re.compile(r"\bcorpus ne (?:repond|couvre|contient|dit) pas\b|\bpas dans le corpus\b|"
                          r"\bne (?:repondent|couvrent) pas\b")


def cites(chunk_id: str, wanted: Iterable[str]) -> bool:
    """Whether a cited passage is one of `wanted` (chunk ids, or document ids for any of their passages)."""
    doc_id = chunk_id.split("#", 1)[0]
    for w in wanted:
        if w == doc_id or w == chunk_id or chunk_id.startswith(w + ".") or chunk_id.startswith(w + "-"):
            return True
    return False


def statements_by_place(answer: Answer) -> dict[str, list[str]]:
    """{place: chunk ids cited}: BRIEF for the réponse and « En bref », each actor for its row."""
    ids = {c.n: c.chunk_id for c in answer.citations}
    places = {BRIEF: [ids[n] for s in answer.conclusion + answer.brief for n in s.numbers if n in ids]}
    for row in answer.actors:
        places[row.actor] = [ids[n] for s in row.obligations + row.responsibility + row.sanctions
                             for n in s.numbers if n in ids]
    return places


def _places(actor: str, places: dict[str, list[str]], brief_only: bool) -> list[str]:
    if brief_only:
        return places.get(BRIEF, [])
    wanted = [p for p in places if p != BRIEF] if actor == ANY_ACTOR else [actor]
    return places.get(BRIEF, []) + [cid for p in wanted for cid in places.get(p, [])]


def key_points_met(points: Iterable[KeyPoint], answer: Answer, brief_only: bool = False) -> list[bool]:
    """For each key point: stated by the réponse/brief or by its actor's row (by the réponse/brief alone)."""
    places = statements_by_place(answer)
    return [any(cites(cid, p.any_of) for cid in _places(p.actor, places, brief_only)) for p in points]


def useful_statements(points: Iterable[KeyPoint], answer: Answer) -> tuple[int, int]:
    """(statements that state a key point, statements shown) over the réponse/brief and the rows: the filler a
    doctor reads. A réponse statement states any key point it cites the proof of; a row's, its actor's or any
    actor's."""
    points = list(points)
    ids = {c.n: c.chunk_id for c in answer.citations}

    def states(statement, actor: str | None) -> bool:
        cited = [ids[n] for n in statement.numbers if n in ids]
        return any(cites(cid, p.any_of) for p in points if actor is None or p.actor in (actor, ANY_ACTOR)
                   for cid in cited)
    shown = [(s, None) for s in answer.conclusion + answer.brief] + [
        (s, row.actor) for row in answer.actors for s in row.obligations + row.responsibility + row.sanctions]
    return sum(states(s, actor) for s, actor in shown), len(shown)


def forbidden_hits(items: Iterable[Forbidden], answer: Answer) -> list[Forbidden]:
    """The misleading statements present: said about their actor (any actor for `any`), in its row or in the
    réponse/brief. A réponse statement about another actor does not count (« le médecin notifie la CNIL sous
    72 h » [art. 33 § 1] says nothing wrong about the host); a corpus sentence, about no one, always does."""
    ids = {c.n: c.chunk_id for c in answer.citations}
    rows = statements_by_place(answer)
    rows.pop(BRIEF)

    def said_about(actor: str) -> list[str]:
        in_rows = [cid for place in (rows if actor == ANY_ACTOR else [actor]) for cid in rows.get(place, [])]
        first = [ids[n] for s in answer.conclusion + answer.brief if actor == ANY_ACTOR or s.actor in ("", actor)
                 for n in s.numbers if n in ids]
        return first + in_rows

    return [f for f in items if any(cites(cid, f.any_of) for cid in said_about(f.actor))]


def first_sentence(answer: Answer) -> str:
    """The first sentence the reader sees: the réponse, else the checked LLM text, else « En bref »."""
    text = (answer.conclusion[0].text if answer.conclusion else answer.llm_text.strip()
            or (answer.brief[0].text if answer.brief else ""))
    match = _FIRST_SENTENCE.match(text.strip())
    return match[1] if match else text.strip()


def stated_yes_no(answer: Answer) -> str:
    """oui | non | depend as the first sentence states it, or "" when it states none of them."""
    head = _head(answer)
    if _DEPENDS.search(head):
        return "depend"
    if _YES.search(head):
        return "oui"
    if _NO.search(head):
        return "non"
    return ""


def yes_no_correct(expected: str, answer: Answer) -> bool:
    stated = stated_yes_no(answer)
    if expected == "depend":
        return stated == "depend"
    # « Oui, si… » is still a yes: a conditional first clause answers the yes/no question.
    return stated == expected or (stated == "depend" and _head(answer).startswith(expected))


def _head(answer: Answer) -> str:
    """The first sentence, folded, its answer word read as the label gives it when the question is asked in the
    negative (_NEGATIVE_LABELS)."""
    head = fold(first_sentence(answer)).lstrip("« \"*")
    word = _ANSWER_WORD.match(head)
    negative = asked_in_the_negative(answer.question) if word is not None else ""
    return _NEGATIVE_LABELS[negative][word[1]] + head[word.end():] if negative else head


def says_not_in_corpus(answer: Answer) -> bool:
    """The answer says plainly that the corpus does not answer: a refusal, or a stated gap."""
    if answer.refused or answer.gap:
        return True
    return bool(_NOT_COVERED.search(fold(" ".join(answer.notices + [s.text for s in answer.conclusion]))))


def visible_words(answer: Answer) -> int:
    """Words a reader sees without opening anything: the réponse, « En bref » and the table."""
    texts = [s.text for s in answer.conclusion + answer.brief]
    texts += [s.text for row in answer.actors for s in row.obligations + row.responsibility + row.sanctions]
    if answer.gap:
        texts.append(answer.gap)
    return sum(len(_WORD.findall(t)) for t in texts)
