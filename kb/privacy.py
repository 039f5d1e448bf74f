"""Redaction of personal data in a question before it is logged, kept in history or sent to an LLM.

A doctor's question may carry a patient's identity; the knowledge base never needs it to answer, so it
is replaced by a placeholder as early as possible. Detected, in this order (an earlier match wins):

- e-mail addresses → « [e-mail] »;
- NIR (numéro de sécurité sociale): sex 1/2, year, month, department (digits or 2A/2B), commune,
  order, optional 2-digit key, with or without spaces or dots → « [NIR] »;
- French phone numbers: 0X XX XX XX XX or +33 / 0033, separated by spaces, dots or dashes → « [téléphone] »;
- dates: every full numeric date (12/03/1975, 12-03-75, 1975-03-12) is redacted, birth word or not,
  because a consultation or hospitalisation date identifies a patient as well as a birth date does; a
  spelled-out date (« 12 mars 1975 ») or a bare year (« né en 1975 ») only right after « né(e) »,
  « naissance » or « DDN », since « 25 mai 2018 » in a legal question is the law's, not a patient's
  → « [date] », labelled « date de naissance » near a birth word, « date » otherwise (the price: a
  numeric law date such as « JO du 4.5.2016 » is redacted too);
- names: capitalised words after a civility (M., Mme, Monsieur, Madame...) or a patient word
  (« mon patient », « la patiente »...) → « [nom] », the civility or patient word kept for readability.

Legal references (L1111-8, 2016/679, 2020-081, art. 33) and durations (72 heures) never match: numeric
dates need a day ≤ 31 and a month ≤ 12 in three groups, and name words contain no digit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NIR, EMAIL, PHONE, DATE, NAME = (
    "numéro de sécurité sociale", "adresse e-mail", "numéro de téléphone", "date de naissance", "nom de patient",
)
_PLACEHOLDERS = {NIR: "[NIR]", EMAIL: "[e-mail]", PHONE: "[téléphone]", DATE: "[date]", NAME: "[nom]"}
ANY_DATE = "date"  # a numeric date with no birth word: still redacted, labelled plainly

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_S = r"[ .]?"  # NIR groups may be written apart
_NIR = re.compile(rf"(?<![\w+/-])[12]{_S}\d\d{_S}\d\d{_S}(?:\d\d|2[ABab]){_S}\d{{3}}{_S}\d{{3}}(?:{_S}\d\d)?(?!\w)")
_PHONE = re.compile(r"(?<![\w+/-])(?:(?:\+|00)33[ .-]?(?:\(0\)[ .-]?)?|0)[1-9](?:[ .-]?\d{2}){4}(?![\w/-])")

_DAY, _MONTH = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])"
# Lookarounds keep dates inside references out: « ce-2022-07-22-449694 », « 2016/679 ».
_NUMERIC_DATE = re.compile(
    rf"(?<![\w/.-])(?:{_DAY}([/.-]){_MONTH}\1(?:19|20)?\d\d|(?:19|20)\d\d-{_MONTH}-{_DAY})(?![\w/-]|[.-]\d)"
)
_MONTHS = r"(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre)"
# « né » needs its accent: « ne » is the negation.
_BIRTH_CUE = r"\b(?:née?s?|naissance|DDN|D\.D\.N\.?)(?!\w)"
_BIRTH_DATE = re.compile(
    rf"{_BIRTH_CUE}[^.?!\n\d]{{0,25}}?(?P<date>\b(?:(?:1er|{_DAY})\s+)?(?:{_MONTHS}\s+)?(?:19|20)\d\d\b)"
    rf"(?![/.-]\d)",
    re.I,
)
_BIRTH_BEFORE = re.compile(rf"{_BIRTH_CUE}[^.?!\n]{{0,25}}$", re.I)

_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
_LOWER = "a-zàâäçéèêëîïôöùûüÿœæ"
# Capitalised words that follow « patient » or « M. » in a legal question without being a name.
_NOT_NAME = r"(?:RGPD|GDPR|HDS|CNIL|CSP|DMP|ARS|ANS|CPS|INS|UE|SAN|LCEN|Article|Art|Code|Règlement)(?![\w'’-])"
# A name word: capitalised, letters only (so « L1111-8 » is not one), inner hyphen or apostrophe allowed.
_WORD = rf"(?!{_NOT_NAME})[{_UPPER}](?:[{_UPPER}{_LOWER}]|['’-](?=[{_UPPER}{_LOWER}]))*(?![\w'’-])"
_INITIAL = rf"[{_UPPER}]\.(?=\s+[{_UPPER}])"
_PARTICLE = r"(?:de|du|des|d'|d’|van|von|le|la)"
_NAME = rf"(?:{_INITIAL}|{_WORD})(?:\s+(?:{_PARTICLE}\s*)?(?:{_INITIAL}|{_WORD})){{0,3}}"
_CIVILITY = r"(?:\bM\.|\bMM\.|\bMr\b\.?|\bMme\b|\bMmes\b|\bMlle\b|\b[Mm]onsieur\b|\b[Mm]adame\b|\b[Mm]ademoiselle\b)"
_PATIENT = r"\b(?:[Pp]atient|[Pp]atiente|[Mm]alade)s?\b,?"
_NAMED = re.compile(rf"(?:{_CIVILITY}|{_PATIENT})\s*(?P<name>{_NAME})")


@dataclass(frozen=True)
class Redaction:
    """The redacted text and the French labels of what was removed (each label once, in order found)."""

    text: str
    kinds: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return bool(self.kinds)


def redact(text: str) -> Redaction:
    """Replace personal data with placeholders; legal references and ordinary words are left untouched."""
    spans: list[tuple[int, int, str, str]] = []  # start, end, kind, placeholder

    def add(start: int, end: int, kind: str, placeholder: str) -> None:
        if start < end and not any(start < e and s < end for s, e, _, _ in spans):
            spans.append((start, end, kind, placeholder))

    for pattern, kind in ((_EMAIL, EMAIL), (_NIR, NIR), (_PHONE, PHONE)):
        for m in pattern.finditer(text):
            add(m.start(), m.end(), kind, _PLACEHOLDERS[kind])
    for m in _BIRTH_DATE.finditer(text):
        add(m.start("date"), m.end("date"), DATE, _PLACEHOLDERS[DATE])
    for m in _NUMERIC_DATE.finditer(text):
        kind = DATE if _BIRTH_BEFORE.search(text, 0, m.start()) else ANY_DATE
        add(m.start(), m.end(), kind, _PLACEHOLDERS[DATE])
    for m in _NAMED.finditer(text):
        add(m.start("name"), m.end("name"), NAME, _PLACEHOLDERS[NAME])

    spans.sort()
    out, last, kinds = [], 0, []
    for start, end, kind, placeholder in spans:
        out.append(text[last:start])
        out.append(placeholder)
        last = end
        if kind not in kinds:
            kinds.append(kind)
    out.append(text[last:])
    return Redaction("".join(out), tuple(kinds))
