"""The question, read once: its words, the actors and texts it names, its form (yes/no, who, what to do,
what risk), the topics of the who-does-what map it asks about, and what it names that the corpus never
mentions (a brand, a standard, a price)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.legalrefs import actors_asked, find_references, fold
from kb.responsibilities import Topic
from kb.text import tokenize

YES_NO, WHO, RISK, HOW, OTHER = "oui-non", "qui", "risque", "que-faire", "autre"
# A French yes/no question inverts its subject (« doit-il », « puis-je », « est-ce que ») and does not open with an
# interrogative word; an English one opens with an auxiliary.
_INTERROGATIVE = re.compile(r"^(?:qui|que|qu'|quoi|quel\w*|comment|pourquoi|quand|combien|ou |dans quel\w*|a qui|"
                            r"de quoi|jusqu'ou|what|who|which|how|why|when|where)\b")
_INVERTED = re.compile(r"\b(?:est-ce qu|\w+-t-(?:il|elle|on)|\w+-(?:il|elle|ils|elles|on|je|nous|vous)\b)")
_ENGLISH_YES_NO = re.compile(r"^(?:is|are|does|do|can|must|should|may|am|has|have)\b")
_WHO = re.compile(r"^qui\b|\bqui (?:est|sont|doit|doivent|paie|previent|notifie|informe|repond|supporte)\b|\bwho\b")
_RISK = re.compile(r"\b(?:risqu\w*|sanction\w*|amendes?|encour\w*|puni\w*|peines?|prison|condamn\w*|fines?|"
                   r"penalt\w*)\b")
_HOW = re.compile(r"\b(?:que (?:dois-je|doit-il|faut-il|faire)|quoi faire|comment|quelles? (?:demarches|mesures|"
                  r"obligations|clauses)|what (?:must|should))\b")
_LIABILITY = re.compile(r"\b(?:responsab\w*|liab\w*|qui|faute|obligations?|doi[st]|devoirs?|fuite|violation|"
                        r"piratage|breach|who)\b")
# What the corpus cannot answer however it is asked: a price or a named product, standard or firm.
_PRICE = re.compile(r"\b(?:combien (?:coute|coutent|ca coute)|prix|tarifs?|cout d[eu]|how much)\b")
_NAMED = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z]{2,}\s?\d{3,}|[A-Z][A-Za-z0-9]+(?:\s+[A-Z][A-Za-z0-9]+)*)\b")


@dataclass(frozen=True)
class Query:
    text: str
    folded: str
    tokens: frozenset[str]
    actors: tuple[str, ...]
    references: tuple[str, ...]
    form: str
    topics: dict[str, float] = field(default_factory=dict)  # topic id → how strongly the question asks it
    asks_sanctions: bool = False
    liability: bool = False  # a « who answers for it » question: every actor's row when none is named
    unknown: tuple[str, ...] = ()  # what the question names that the corpus never mentions
    price: bool = False


def read_query(question: str, topics: dict[str, Topic], corpus_words: frozenset[str]) -> Query:
    folded = fold(question).replace("\u2019", "'")
    tokens = frozenset(tokenize(question, bare_articles_are_gdpr=True, query=True))
    references = tuple(dict.fromkeys(r.doc_id for r in find_references(question, bare_articles_are_gdpr=True)))
    return Query(
        text=question, folded=folded, tokens=tokens, actors=actors_asked(question), references=references,
        form=_form(folded), topics=topic_scores(folded, tokens, topics), asks_sanctions=bool(_RISK.search(folded)),
        liability=bool(_LIABILITY.search(folded)), unknown=_unknown_names(question, corpus_words),
        price=bool(_PRICE.search(folded)),
    )


def _form(folded: str) -> str:
    head = folded.lstrip(" «\"")
    if _WHO.search(head):
        return WHO
    if not _INTERROGATIVE.match(head) and (_INVERTED.search(head) or _ENGLISH_YES_NO.match(head)):
        return YES_NO
    if _RISK.search(head):
        return RISK
    if _HOW.search(head):
        return HOW
    return OTHER


def topic_scores(folded: str, tokens: frozenset[str], topics: dict[str, Topic]) -> dict[str, float]:
    """Keyword hits (a phrase counts more than a word) plus the share of the question's words in the description."""
    scores = {}
    for topic in topics.values():
        hits = sum(1 + keyword.count(" ") for keyword in topic.keywords
                   if re.search(rf"(?<!\w){re.escape(fold(keyword))}(?!\w)", folded))
        described = len(tokens & set(tokenize(f"{topic.label} {topic.description}"))) / (1 + len(tokens))
        scores[topic.id] = min(hits, 4) / 4 + described
    return scores


def corpus_vocabulary(texts) -> frozenset[str]:
    """Folded words of the corpus, to tell a name the corpus never mentions."""
    words = set()
    for text in texts:
        words.update(re.findall(r"\w+", fold(text)))
    return frozenset(words)


def _unknown_names(question: str, corpus_words: frozenset[str]) -> tuple[str, ...]:
    """Capitalised names and codes inside the question (Google Drive, ISO 27001) that no corpus text contains."""
    found = []
    for m in _NAMED.finditer(question):
        words = re.findall(r"\w+", fold(m[1]))
        if words and any(w not in corpus_words for w in words):
            found.append(m[1])
    return tuple(dict.fromkeys(found))
