"""A question typed fast (« mon hebergeur hds a ete pirate, qui previent la cnil ? ») read as the corpus spells it:
accents and capitals put back before the question is embedded, since the model reads « hébergeur HDS » and
« CNIL » better than what a doctor types between two patients (`python -m kb.bench typing --limit 400`: typed
without accents or capitals, yes/no 0.876 → 0.899 and key points 0.823 → 0.832; 0.912 and 0.837 as written).
Only words the corpus always spells one way are restored: « a », « ou », « la », « pirate », spelled two ways,
stay as typed; an English question gets its acronyms back, never French accents (« a mere processor »). A
question typed with both accents and capitals is read as written."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache

from stop_words import get_stop_words

from kb.folding import fold, without_accents

_WORD = re.compile(r"[^\W\d_]+")
_ADDRESS = re.compile(r"\S*(?:https?://|www\.|\.fr\b|\.com\b|\.org\b)\S*|\S+-\S+-\S+")  # spelled for machines
_SENTENCE_START = re.compile(r"(^\s*|[.?!]\s+)([^\W\d_])")
SHARE = 0.9  # the spelling restored is at least this share of the word's occurrences in the corpus


def spelling_table(texts: Iterable[str]) -> dict[str, str]:
    """Folded word → the corpus's spelling (« donnees » → « données », « cnil » → « CNIL »), for words spelled one
    way at least SHARE of the time; capitals kept only for acronyms, a sentence's first word being no name."""
    forms: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        for word in _WORD.findall(_ADDRESS.sub(" ", text)):
            forms[fold(word)][word if word.isupper() and len(word) > 1 else word.lower()] += 1
    table = {}
    for folded, counts in forms.items():
        spelling, n = counts.most_common(1)[0]
        if spelling != folded and n >= SHARE * sum(counts.values()):
            table[folded] = spelling
    return table


def restore_spelling(question: str, table: dict[str, str]) -> str:
    """The question with its accents and capitals put back where it was typed without either; as written else."""
    accented = without_accents(question) != question
    capitals = question != question.lower()
    if accented and capitals:
        return question
    english = _english(question)

    def restore(match: re.Match) -> str:
        word = match[0]
        spelling = table.get(word) if word == fold(word) else None  # typed in lower case without accents
        if spelling is None or (english and not spelling.isupper()):
            return word
        return spelling
    restored = _WORD.sub(restore, question)
    if capitals:
        return restored
    return _SENTENCE_START.sub(lambda m: m[1] + m[2].upper(), restored)


def _english(question: str) -> bool:
    english, french = _stop_words()
    words = [fold(w) for w in _WORD.findall(question)]
    return sum(w in english for w in words) > sum(w in french for w in words)


@lru_cache(maxsize=1)
def _stop_words() -> tuple[frozenset[str], frozenset[str]]:
    """The stop words only one of the two languages has: « the », « is »; « le », « est »."""
    english = {fold(w) for w in get_stop_words("english")}
    french = {fold(w) for w in get_stop_words("french")}
    return frozenset(english - french), frozenset(french - english)
