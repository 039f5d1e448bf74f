"""Redaction of personal data in a question before it is logged, kept in history or sent to an LLM.

A doctor's question may carry a patient's identity; the knowledge base never needs it to answer, so it
is replaced by a placeholder as early as possible. Detected, in this order (an earlier match wins):

- e-mail addresses → « [e-mail] »;
- IBAN (two letters, two check digits, then groups of four) → « [IBAN] »;
- NIR (numéro de sécurité sociale): sex 1/2, year, month, department (digits or 2A/2B), commune,
  order, optional 2-digit key, with or without spaces, dots or dashes → « [NIR] »;
- French phone numbers: 0X XX XX XX XX or +33 / 0033, separated by spaces, dots or dashes → « [téléphone] »;
- identifiers: a number after IPP, NDA, RPPS, ADELI, FINESS, « n° de dossier », « identifiant patient »,
  and any bare 11-digit (RPPS) or 9-digit (ADELI) number → « [identifiant] »;
- postal addresses: « 12 rue des Lilas 75011 Paris » (number, kind of street, name, optional postcode
  and town), or a postcode followed by a capitalised town → « [adresse] »;
- dates: every full numeric date (12/03/1975, 12-03-75, 1975-03-12, and bare 12031975 or
  19750312 when day and month are valid) is redacted, birth word or not,
  because a consultation or hospitalisation date identifies a patient as well as a birth date does; a
  spelled-out date (« 12 mars 1975 ») or a bare year (« né en 1975 ») only right after « né(e) »,
  « naissance » or « DDN », since « 25 mai 2018 » in a legal question is the law's, not a patient's
  → « [date] », labelled « date de naissance » near a birth word, « date » otherwise (the price: a
  numeric law date such as « JO du 4.5.2016 » is redacted too);
- names: capitalised words after a civility (M., Mme, Monsieur, Madame, Dr, Pr, Mr, Mrs...) or a patient
  word (« mon patient », « la patiente »...), lower-case words after an abbreviated civility (« mme martin »),
  and capitalised words opening a sentence before « , mon patient » / « est ma patiente » → « [nom] », the
  civility or patient word kept for readability.

Legal references (L1111-8, 2016/679, 2020-081, SAN-2020-015, n° 449694, art. 33), durations (72 heures) and
amounts (45 000 euros) never match: numeric dates need a day ≤ 31 and a month ≤ 12 in three groups (or
eight packed digits), bare identifiers need exactly 9 or 11 digits, and name words contain no digit.
`kb.bench.privacy` holds the measure (`python -m kb.bench privacy`).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

NIR, EMAIL, PHONE, DATE, NAME = (
    "numéro de sécurité sociale", "adresse e-mail", "numéro de téléphone", "date de naissance", "nom de patient",
)
IBAN, IDENT, ADDRESS = "IBAN", "identifiant (RPPS, ADELI, IPP, dossier)", "adresse postale"
_PLACEHOLDERS = {NIR: "[NIR]", EMAIL: "[e-mail]", PHONE: "[téléphone]", DATE: "[date]", NAME: "[nom]",
                 IBAN: "[IBAN]", IDENT: "[identifiant]", ADDRESS: "[adresse]"}
ANY_DATE = "date"  # a numeric date with no birth word: still redacted, labelled plainly

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_IBAN = re.compile(r"(?<![\w-])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![\w-])")
_S = r"[ .-]?"  # NIR groups may be written apart
_NIR = re.compile(rf"(?<![\w+/-])[12]{_S}\d\d{_S}\d\d{_S}(?:\d\d|2[ABab]){_S}\d{{3}}{_S}\d{{3}}(?:{_S}\d\d)?(?!\w)")
_PHONE = re.compile(r"(?<![\w+/-])(?:(?:\+|00)33[ .-]?(?:\(0\)[ .-]?)?|0)[1-9](?:[ .-]?\d{2}){4}(?![\w/-])")
# Identifiers of a patient, a stay or a professional, after their name; then bare RPPS (11) and ADELI (9).
_ID_CUE = (r"\b(?:IPP|NIP|NDA|IEP|RPPS|ADELI|FINESS|(?:n°|num(?:é|e)ro|no\.?) ?(?:de |du )?(?:dossier|patient|"
           r"s[ée]jour|RPPS|ADELI)|identifiant (?:du )?patient|dossier n°)")
_IDENT = re.compile(rf"{_ID_CUE}\s*(?:n°|:|=|#)?\s*(?P<id>\d[\d ]{{4,14}}\d|(?=[\w-]*\d{{3}})[A-Za-z0-9][\w-]{{3,}})"
                    r"(?![\w-])", re.I)
_BARE_ID = re.compile(r"(?<![\w/.,-])(?:\d{11}|\d{9})(?![\w/-]|[.,]\d)")

_DAY, _MONTH = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])"
_DAY2, _MONTH2 = r"(?:0[1-9]|[12]\d|3[01])", r"(?:0[1-9]|1[0-2])"
# Lookarounds keep dates inside references out: « ce-2022-07-22-449694 », « 2016/679 ».
_NUMERIC_DATE = re.compile(
    rf"(?<![\w/.-])(?:{_DAY}([/.-]){_MONTH}\1(?:19|20)?\d\d|(?:19|20)\d\d-{_MONTH}-{_DAY})(?![\w/-]|[.-]\d)"
    rf"|(?<![\w/.,-])(?:{_DAY2}{_MONTH2}(?:19|20)\d\d|(?:19|20)\d\d{_MONTH2}{_DAY2})(?![\w/-]|[.,]\d)"
)
_MONTHS = r"(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre)"
# « né » needs its accent: « ne » is the negation.
_BIRTH_CUE = r"\b(?:née?s?|naissance|DDN|D\.D\.N\.?|born)(?!\w)"
_BIRTH_DATE = re.compile(
    rf"{_BIRTH_CUE}[^.?!\n\d]{{0,25}}?(?P<date>\b(?:(?:1er|{_DAY})\s+)?(?:{_MONTHS}\s+)?(?:19|20)\d\d\b)"
    rf"(?![/.-]\d)",
    re.I,
)
_BIRTH_BEFORE = re.compile(rf"{_BIRTH_CUE}[^.?!\n]{{0,25}}$", re.I)

_UPPER = "A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ"
_LOWER = "a-zàâäçéèêëîïôöùûüÿœæ"
# Capitalised words that follow « patient » or « M. » in a legal question without being a name, English « I »
# included.
_NOT_NAME = (r"(?:RGPD|GDPR|HDS|CNIL|CSP|DMP|ARS|ANS|CPS|INS|UE|SAN|LCEN|Article|Art|Code|Règlement|"
             r"I(?:['’](?:m|ve|d|ll))?)(?![\w'’-])")  # « a patient I have never seen »
# A name word: capitalised, letters only (so « L1111-8 » is not one), inner hyphen or apostrophe allowed.
_WORD = rf"(?!{_NOT_NAME})[{_UPPER}](?:[{_UPPER}{_LOWER}]|['’-](?=[{_UPPER}{_LOWER}]))*(?![\w'’-])"
_INITIAL = rf"[{_UPPER}]\.(?=\s+[{_UPPER}])"
_PARTICLE = r"(?:de|du|des|d'|d’|van|von|le|la)"
_NAME = rf"(?:{_INITIAL}|{_WORD})(?:\s+(?:{_PARTICLE}\s*)?(?:{_INITIAL}|{_WORD})){{0,3}}"
_CIVILITY = (r"(?:\bM\.|\bMM\.|\bMr\b\.?|\bMrs\b\.?|\bMs\b\.?|\bMme\b\.?|\bMmes\b|\bMlle\b\.?|"
             r"\b[Mm]onsieur\b|\b[Mm]adame\b|"
             r"\b[Mm]ademoiselle\b|\bDr\b\.?|\b[Dd]octeur\b|\bPr\b\.?|\b[Pp]rofesseur\b)")
_PATIENT = r"\b(?:[Pp]atient|[Pp]atiente|[Mm]alade)s?\b,?"
_NAMED = re.compile(rf"(?:{_CIVILITY}|{_PATIENT})\s*(?P<name>{_NAME})")
# « mme martin »: after an abbreviated or spelled civility (not « docteur », a common noun), one or two
# lower-case words that are neither grammar words nor the verbs that usually follow a name.
_GRAMMAR = (r"(?:le|la|les|l|un|une|des|de|du|d|et|ou|est|a|ont|sont|qui|que|qu|se|s|ne|n|en|au|aux|son|sa|ses|"
            r"mon|ma|mes|votre|vos|the|and|is|has|was|demande|veut|souhaite|refuse|dit|vient|habite|se|a|"
            r"peut|doit|me|m|y|x)")
_LOWER_WORD = rf"(?!{_GRAMMAR}(?![{_LOWER}'’-]))[{_LOWER}]{{2,}}(?:-[{_LOWER}]+)?(?![\w'’-])"
_LOWER_NAMED = re.compile(
    rf"(?i:\bm\.|\bmme\b|\bmlle\b|\bmonsieur\b|\bmadame\b|\bmademoiselle\b|\bdr\b\.?)\s+"
    rf"(?P<name>{_LOWER_WORD}(?:\s+{_LOWER_WORD})?)"
)
# « Martin, mon patient, … », « Paul Durand est ma patiente » at the start of a sentence.
_GREETINGS = r"(?:Bonjour|Bonsoir|Salut|Hello|Docteur|Hier|Aujourd'hui|Demain|Oui|Non|Merci|Question|Urgent)\b"
_NAME_BEFORE_PATIENT = re.compile(
    rf"(?:^|(?<=[.!?:;(\n])\s*)(?!{_GREETINGS})(?P<name>{_NAME})\s*(?:,\s*|\s+est\s+|\s+\(\s*)"
    r"(?:(?:mon|ma|notre|un|une|le|la) )?(?:patient|patiente|malade)\b"
)
# Postal addresses: « 12 rue des Lilas 75011 Paris », « 3 bis avenue Jean Jaurès, 69007 Lyon »; « 75011 Paris ».
_STREET = (r"(?:rue|avenue|av\.|boulevard|bd|place|all[ée]e|chemin|impasse|route|quai|cours|square|passage|"
           r"r[ée]sidence|lotissement|lieu-dit|hameau|villa|cit[ée]|sentier|faubourg)")
_TOWN = rf"[{_UPPER}][{_UPPER}{_LOWER}'’-]+(?:[ -](?:sur|sous|en|l[ea]s?|de|du|[{_UPPER}][{_UPPER}{_LOWER}'’-]+))*"
_ADDRESS = re.compile(
    rf"\b\d{{1,4}}(?:\s?(?:bis|ter|[A-D]))?,?\s+{_STREET}\s+(?:(?:{_PARTICLE}\s*)?[\w'’-]+\s*){{1,5}}?"
    rf"(?:(?=[,.;:!?)]|$|\s+(?:à|a|au|en|et|dans|par|pour|est|sont)\s)|,?\s*\d{{5}}(?:\s+{_TOWN})?)",
    re.I,
)
# not a standard's number (« ISO 27001 Annex A », « ISO/IEC 27701 »)
_POSTCODE_TOWN = re.compile(rf"(?<![\w/.,-])(?<!(?i:iso) )(?<!(?i:iec) )(?<!NF )(?<!EN )"
                            rf"(?:0[1-9]|[1-8]\d|9[0-8])\d{{3}}\s+{_TOWN}")


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
    spans: list[tuple[int, int, str, str]] = []  # start, end, kind, placeholder; kept sorted, never overlapping

    def add(start: int, end: int, kind: str, placeholder: str) -> None:
        i = bisect.bisect(spans, (start,))
        if start < end and not (i and spans[i - 1][1] > start) and not (i < len(spans) and spans[i][0] < end):
            spans.insert(i, (start, end, kind, placeholder))

    for pattern, kind in ((_EMAIL, EMAIL), (_IBAN, IBAN), (_NIR, NIR), (_PHONE, PHONE)):
        for m in pattern.finditer(text):
            add(m.start(), m.end(), kind, _PLACEHOLDERS[kind])
    for m in _IDENT.finditer(text):
        add(m.start("id"), m.end("id"), IDENT, _PLACEHOLDERS[IDENT])
    for m in _BIRTH_DATE.finditer(text):
        add(m.start("date"), m.end("date"), DATE, _PLACEHOLDERS[DATE])
    for m in _NUMERIC_DATE.finditer(text):
        kind = DATE if _BIRTH_BEFORE.search(text, max(0, m.start() - 40), m.start()) else ANY_DATE
        add(m.start(), m.end(), kind, _PLACEHOLDERS[DATE])
    for m in _BARE_ID.finditer(text):
        add(m.start(), m.end(), IDENT, _PLACEHOLDERS[IDENT])
    for pattern in (_ADDRESS, _POSTCODE_TOWN):
        for m in pattern.finditer(text):
            add(m.start(), m.end(), ADDRESS, _PLACEHOLDERS[ADDRESS])
    for pattern in (_NAMED, _LOWER_NAMED, _NAME_BEFORE_PATIENT):
        for m in pattern.finditer(text):
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
