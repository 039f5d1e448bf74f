"""A question typed fast (« mon hebergeur hds a ete pirate, qui previent la cnil ? ») read as the corpus spells it:
accents and capitals put back before the question is embedded, since the model reads « hébergeur HDS » and
« CNIL » better than what a doctor types between two patients (`python -m kb.bench typing --limit 400`: typed
without accents or capitals, yes/no 0.876 → 0.899 and key points 0.823 → 0.832; 0.912 and 0.837 as written).
Only words the corpus always spells one way are restored: « a », « ou », « la », « pirate », spelled two ways,
stay as typed; an English question gets its acronyms back, never French accents (« a mere processor »). A
question typed with both accents and capitals is read as written.

A word typed wrong (« certifcation », « hébergeru », « traitemnets ») is read as the corpus word one edit away
(a letter dropped, doubled, swapped or replaced), the one the corpus uses most, unless it is a French or English
word (pyspellchecker's lists), a form of a corpus word (its stem is one of theirs, or it is one with an ending
added: « ingénieure », « notif », « pacsée »), a name (capitals inside, or a capital within a sentence) or part of
a contraction (« doesn't »): « diététicienne » stays. `python -m kb.bench typing`, « fautes de frappe » on dev:
yes/no 0.673 → 0.734 and key points 0.705 → 0.742 (0.753 and 0.751 as written)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache

from spellchecker import SpellChecker
from stop_words import get_stop_words

from kb.folding import fold, without_accents
from kb.text import stem

_WORD = re.compile(r"[^\W\d_]+")
_ADDRESS = re.compile(r"\S*(?:https?://|www\.|\.fr\b|\.com\b|\.org\b)\S*|\S+-\S+-\S+")  # spelled for machines
_SENTENCE_START = re.compile(r"(^\s*|[.?!]\s+)([^\W\d_])")
SHARE = 0.9  # the spelling restored is at least this share of the word's occurrences in the corpus
_SENTENCE_OPENS = re.compile(r"(?:^|[.?!:«\"]\s*)$")  # what comes before a sentence's first word
_CONTRACTED = re.compile(r"['\u2019]")  # « doesn » of « doesn't »: part of a word, read whole
_ENDINGS = ("s", "x", "e", "es", "ee", "ees")  # of gender and number, folded
TYPO_MIN_LETTERS = 5  # shorter words one edit away from a corpus word are too often another (« sous », « sont »)


def spelling_table(texts: Iterable[str]) -> dict[str, str]:
    """Folded word → the corpus's spelling (« donnees » → « données », « cnil » → « CNIL »), for words spelled one
    way at least SHARE of the time; capitals kept only for acronyms, a sentence's first word being no name."""
    table = {}
    for folded, counts in word_forms(texts).items():
        spelling, n = counts.most_common(1)[0]
        if spelling != folded and n >= SHARE * sum(counts.values()):
            table[folded] = spelling
    return table


def word_forms(texts: Iterable[str]) -> dict[str, Counter]:
    """Folded word → how often the texts spell it each way: in lower case, but acronyms (« CNIL ») in capitals; the
    words of web addresses left out."""
    forms: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        for word in _WORD.findall(_ADDRESS.sub(" ", text)):
            forms[fold(word)][word if word.isupper() and len(word) > 1 else word.lower()] += 1
    return forms


def restore_spelling(question: str, table: dict[str, str]) -> str:
    """The question with its accents and capitals put back where it was typed without either; as written else."""
    accented = without_accents(question) != question
    capitals = question != question.lower()
    if accented and capitals:
        return question
    english = is_english(question)

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


def is_english(text: str) -> bool:
    """More stop words only English has (« the », « is ») than stop words only French has (« le », « est »)."""
    english, french = _stop_words()
    words = [fold(w) for w in _WORD.findall(text)]
    return sum(w in english for w in words) > sum(w in french for w in words)


@lru_cache(maxsize=1)
def _stop_words() -> tuple[frozenset[str], frozenset[str]]:
    """The stop words only one of the two languages has: « the », « is »; « le », « est »."""
    english = {fold(w) for w in get_stop_words("english")}
    french = {fold(w) for w in get_stop_words("french")}
    return frozenset(english - french), frozenset(french - english)


class Typos:
    """Corrects words typed wrong towards the corpus's words (`texts`: the corpus and the map)."""

    def __init__(self, texts: Iterable[str]):
        forms = word_forms(texts)
        self._spelling = {folded: counts.most_common(1)[0][0] for folded, counts in forms.items()}
        self._uses = {folded: sum(counts.values()) for folded, counts in forms.items()}
        self._stems = frozenset(stem(word) for counts in forms.values() for word in counts)
        self._checker = SpellChecker(language=None, distance=1)
        self._checker.word_frequency.load_json(self._uses)
        _dictionary()  # loaded now, not at the first question

    def fix(self, question: str) -> str:
        """The question with each word typed wrong as the corpus spells the word it most likely meant."""
        addresses = [m.span() for m in _ADDRESS.finditer(question)]
        english = is_english(question)

        def fix(match: re.Match) -> str:
            word = match[0]
            if (not self._typo(word) or _named(question, match) or _CONTRACTED.match(question, match.end())
                    or any(a <= match.start() < b for a, b in addresses)):
                return word
            read = self._closest(fold(word))
            if read is None or english and read != fold(read):  # an English word the lists lack (« realised »)
                return word
            return read[0].upper() + read[1:] if word[0].isupper() else read
        return _WORD.sub(fix, question)

    def _typo(self, word: str) -> bool:
        """Long enough to tell, and neither a corpus word, a form of one (« datacenters », « pacsée »), nor a French
        or English word."""
        folded = fold(word)
        return not (len(word) < TYPO_MIN_LETTERS or folded in self._uses or stem(word) in self._stems
                    or any(folded.endswith(end) and folded[:-len(end)] in self._uses for end in _ENDINGS)
                    or folded in _dictionary())

    def _closest(self, folded: str) -> str | None:
        """The corpus word one edit away that the corpus uses most, as it spells it; none when two tie."""
        ranked = sorted(((self._uses[c], c) for c in self._checker.candidates(folded) or ()), reverse=True)
        if not ranked or len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
            return None
        return self._spelling[ranked[0][1]]


def corrected_words(typed: str, read: str) -> list[tuple[str, str]]:
    """(as typed, as read) for each word of a question read with its typos corrected (`read`: Typos.fix, then
    restore_spelling, both word for word); accents and capitals put back are no correction."""
    return [(a, b) for a, b in zip(_WORD.findall(typed), _WORD.findall(read)) if fold(a) != fold(b)]


def _named(question: str, match: re.Match) -> bool:
    """A name rather than a word: capitals inside (« MonLogiciel », « HDS »), or a capital within a sentence."""
    word = match[0]
    if any(c.isupper() for c in word[1:]):
        return True
    return word[0].isupper() and not _SENTENCE_OPENS.search(question[:match.start()])


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    """French and English words, folded: a word typed as one of them is no typo, though the corpus never uses it."""
    return frozenset(fold(word) for language in ("fr", "en")
                     for word in SpellChecker(language=language, distance=1).word_frequency.keys())
