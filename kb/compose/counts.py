"""Patient counts. The embedding barely tells 3,000 patients from 15,000, yet the CNIL's threshold (a DPO and an
impact assessment from 10,000 patients a year in group practice) turns on it: the count a question tells is
read here and held against the bound a map proposition states (« plus de 10 000 patients par an »)."""

from __future__ import annotations

import re
from functools import lru_cache

from kb.folding import fold

_NUMBER = r"(\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+|\d+)(?:\s*(k|000|mille))?"
# the patients a breach touched are not the practice's size: « on va écrire aux 600 patients concernés »
_TOUCHED = (r"(?!\s+(?:concern|touch|affect|impact|vise(?:e|s|es)?\b|victimes?|dont les (?:donnees|dossiers))"
            r"|\s+affected)")
_COUNT = re.compile(_NUMBER + r"\s+patient(?:e)?s?\b" + _TOUCHED)
_AT_LEAST = r"plus de|au-dela de|a partir de|des|au moins|over|more than|at least|above"
_BELOW = r"moins de|en dessous de|sous|under|fewer than|less than|below"
_BOUND = re.compile(rf"\b(?:({_AT_LEAST})|({_BELOW}))\s+" + _COUNT.pattern)


def _value(number: str, unit: str | None) -> int:
    value = int(re.sub(r"\D", "", number))
    return value * 1000 if unit in ("k", "mille") or (unit == "000" and value < 1000) else value


def patient_count(folded: str) -> int | None:
    """The number of patients a question (folded, as `Query.folded`) tells (« environ 15 000 patients par an »,
    « 1 800 patients »), or None; a bound (« plus de 10 000 patients ») is not a count."""
    bounded = {m.start(3) for m in _BOUND.finditer(folded)}
    counts = [_value(m[1], m[2]) for m in _COUNT.finditer(folded) if m.start(1) not in bounded]
    return counts[0] if counts else None


def fits_bound(text: str, count: int | None) -> bool | None:
    """Whether `count` patients meet the bound `text` states (« à partir de 10 000 patients » : 15 000 does,
    3 000 does not; a question telling no count meets none: the bound is a case it does not state); None when
    the text states no bound."""
    bound = _bound(text)
    if bound is None:
        return None
    if count is None:
        return False
    at_least, limit = bound
    return count >= limit if at_least else count < limit


@lru_cache(maxsize=4096)
def _bound(text: str) -> tuple[bool, int] | None:
    """(at least?, limit) of the bound a map proposition states, read once: every question holds all of them."""
    bound = _BOUND.search(fold(text))
    return None if bound is None else (bool(bound[1]), _value(bound[3], bound[4]))
