"""Patient counts and delays. The embedding barely tells 3,000 patients from 15,000, yet the CNIL's threshold (a DPO
and an impact assessment from 10,000 patients a year in group practice) turns on it: the count a question tells is
read here and held against the bound a map proposition states (« plus de 10 000 patients par an »). Nor does it
tell 7 days from 72 hours: a delay asked (« ai-je 7 jours pour notifier ? ») is held against the one an entry
states, nor a few thousand euros from ten million: nor an amount asked (« l'amende est-elle plafonnée à quelques
milliers d'euros ? »)."""

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


_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8,
          "neuf": 9, "dix": 10, "quinze": 15, "trente": 30, "one": 1, "two": 2, "three": 3, "five": 5, "seven": 7,
          "ten": 10, "fifteen": 15, "thirty": 30}
_HOURS = {"heure": 1, "hour": 1, "jour": 24, "day": 24, "semaine": 168, "week": 168, "mois": 720, "month": 720}
_DELAY = re.compile(r"\b(?:dans les|dans un delai de|sous|en|within|au plus tard|ai-je|avons-nous|a-t-il|a-t-elle|"
                    r"ont-ils|j'ai|on a|nous avons|il a|do i have|have i got|do we have|does it have|i have|we have)\s+"
                    rf"(\d+|{'|'.join(_WORDS)})\s+({'|'.join(_HOURS)})s?\b")


def delay_hours(text: str) -> float | None:
    """The delay a text gives for an act, in hours (« dans les 72 heures », « ai-je 7 jours pour… »), or None."""
    told = _DELAY.search(fold(text))
    if told is None:
        return None
    number = int(told[1]) if told[1].isdigit() else _WORDS[told[1]]
    return float(number * _HOURS[told[2]])


def delay_told_wrong(asked: str, statement: str) -> bool:
    """The question (`asked`) tells a delay for the act that the entry (`statement`) gives another delay for: « ai-je
    7 jours pour notifier ? » against « dans les 72 heures »."""
    told, due = delay_hours(asked), delay_hours(statement)
    return told is not None and due is not None and told != due


_SCALE = {"millier": 1e3, "milliers": 1e3, "thousand": 1e3, "thousands": 1e3, "k": 1e3, "million": 1e6,
          "millions": 1e6, "milliard": 1e9, "milliards": 1e9, "billion": 1e9}
_EUROS = r"(?:\s*(?:d'|of\s+)?(?:euros?|eur\b|€))"
_MONEY = re.compile(r"(?<![\d.,])(\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+|\d+(?:[.,]\d+)?)\s*"
                    rf"(millions?|milliards?|thousands?|billion|k)?{_EUROS}")
# an order of magnitude with no figure: « quelques milliers d'euros », « in the millions of euros »
_VAGUE = re.compile(rf"\b(?:quelques|plusieurs|des|the|a few|several)\s+(milliers|millions|milliards|thousands|"
                    rf"thousand){_EUROS}?")
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")
# a bound is no amount told: « plus de 5 600 € », « can it exceed 1,000 euros? »
_MONEY_BOUND = re.compile(r"\b(?:plus de|moins de|au-dela de|depasser|exceed\w*|more than|less than|over|under|"
                          r"above|below)\s*$")
# nor what the practice earns (« je fais 140 000 € de chiffre d'affaires »)
_TURNOVER = re.compile(r"\s*(?:de |d'|of )?(?:chiffre d'affaires|ca\b|revenus?|benefices?|turnover|revenues?|income|"
                       r"par an|per year|a year)")
ROUNDING = 1.25  # an amount told matches one stated within this ratio (« 1,5 million » and « 1 500 000 € »)


def _number(text: str) -> float:
    digits = re.sub(r"[ \u00a0\u202f]", "", text)
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", digits):  # thousands separators
        return float(re.sub(r"\D", "", digits))
    return float(digits.replace(",", "."))


def _euros(money: re.Match) -> float:
    """The value of a _MONEY match: its figure times its scale (« 10 millions d'euros »)."""
    return _number(money[1]) * _SCALE.get(money[2] or "", 1.0)


@lru_cache(maxsize=1024)  # an entry's, read once: every question asking a figure is held against it
def _stated(statement: str) -> tuple[tuple[float, ...], frozenset[float]]:
    """The euro amounts and the rates an entry states."""
    said = fold(statement)
    return tuple(_euros(m) for m in _MONEY.finditer(said)), frozenset(_number(m[1]) for m in _PERCENT.finditer(said))


def _amounts(folded: str) -> list[tuple[float, float]]:
    """The euro amounts a text gives, each as the range it allows: a figure, a little either way; an order of
    magnitude, the whole of it. Bounds (« plus de 5 600 € ») and earnings are left out."""
    out = []
    for m in _MONEY.finditer(folded):
        if _MONEY_BOUND.search(folded[:m.start()]) or _TURNOVER.match(folded, m.end()):
            continue
        value = _euros(m)
        out.append((value / ROUNDING, value * ROUNDING))
    for m in _VAGUE.finditer(folded):
        if not _MONEY.search(folded, m.start(), m.end() + 12):
            out.append((_SCALE[m[1]], _SCALE[m[1]] * 1000))
    return out


def amount_told_wrong(asked: str, statement: str) -> bool:
    """The question (`asked`, folded) tells an amount or a rate (« plafonnée à quelques milliers d'euros », « in the
    millions of euros », « 4 % ») that none of those the entry (`statement`) states falls in, while it states
    some: « 10 millions d'euros ou 2 % »."""
    stated, stated_rates = _stated(statement)
    told = _amounts(asked)
    if told and stated and not any(lo <= v <= hi for lo, hi in told for v in stated):
        return True
    rates = {_number(m[1]) for m in _PERCENT.finditer(asked)}
    return bool(rates and stated_rates and not rates & stated_rates)
