"""Legal references and actors in free text.

« L. 1111-8 », « L1111-8 », « article L 1111-8 », « art. 28 RGPD », « SAN-2020-015 » each map to one
corpus document id, which becomes one searchable token and lets retrieval pull that document up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.folding import fold
from kb.types import ACTORS

_ART = r"(?:art(?:icle)?s?\.?\s*)"
# Corpus document ids as fiches and questions write them (`csp-L1110-4-1-ancien` is the repealed former article).
# Each family's prefix: GDPR, Code de la santé publique, Code pénal, CNIL, Conseil d'État.
GDPR_PREFIX, CSP_PREFIX, PENAL_PREFIX, CNIL_PREFIX, CE_PREFIX = "rgpd-", "csp-", "cp-", "cnil-", "ce-"
FAMILY_PREFIXES = (GDPR_PREFIX, CSP_PREFIX, PENAL_PREFIX, CNIL_PREFIX, CE_PREFIX)
CNIL_REFERENTIEL_ID = f"{CNIL_PREFIX}referentiel-cabinets-2020-081"  # the CNIL référentiel for practices
CE_449694_ID = f"{CE_PREFIX}2022-07-22-449694"  # Conseil d'État, 22 July 2022, n° 449694
DOC_ID_PATTERN = (rf"{GDPR_PREFIX}art-\d+|{CSP_PREFIX}[LRD]\d{{4}}-\d+(?:-\d+)*(?:-ancien)?|{PENAL_PREFIX}\d{{3}}-\d+|"
                  rf"{CNIL_PREFIX}SAN-\d{{4}}-\d{{3}}|{CNIL_PREFIX}referentiel-cabinets-\d{{4}}-\d{{3}}|"
                  rf"{CE_PREFIX}\d{{4}}-\d{{2}}-\d{{2}}-\d+")
# The same ids as lexical tokens (`ref_token`): csp_l1111_8; the tokenizer keeps them whole.
REF_TOKEN_PATTERN = DOC_ID_PATTERN.lower().replace("-", "_")


def _gdpr_article(number: str) -> str:
    return f"{GDPR_PREFIX}art-{int(number)}"


_PATTERNS: list[tuple[re.Pattern, callable]] = [
    # Corpus ids written as such (fiches cite `[rgpd-art-28 § 3 a)]`), first so that an id is read whole
    (re.compile(rf"\b({DOC_ID_PATTERN})\b"), lambda m: m[1]),
    # Code de la santé publique: L1111-8, L. 1111-8, R.1111-8-8, article L 1110-4-1
    (re.compile(rf"\b{_ART}?([LRD])\s?\.?\s?(\d{{4}})\s?-\s?(\d+(?:-\d+)*)\b", re.I),
     lambda m: f"{CSP_PREFIX}{m[1].upper()}{m[2]}-{m[3]}"),
    # CNIL sanctions: SAN-2020-015, SAN 2020 015, san-2022-009
    (re.compile(r"\bSAN\s?-?\s?(\d{4})\s?-?\s?(\d{3})\b", re.I), lambda m: f"{CNIL_PREFIX}SAN-{m[1]}-{m[2]}"),
    # The CNIL référentiel for practices: délibération n° 2020-081
    (re.compile(r"\b(?:d[ée]lib[ée]ration\s*(?:n\s?°\s*)?)?2020\s?-\s?081\b", re.I),
     lambda m: CNIL_REFERENTIEL_ID),
    (re.compile(r"\br[ée]f[ée]rentiel\b[^.?!]{0,40}?\b(?:cnil|cabinets?)\b|\b(?:cnil)\b[^.?!]{0,20}?\br[ée]f[ée]rentiel", re.I),
     lambda m: CNIL_REFERENTIEL_ID),
    # Conseil d'État, 22 July 2022, n° 449694
    (re.compile(r"\b449\s?694\b"), lambda m: CE_449694_ID),
    # Code pénal: 226-13, article 226-17 du code pénal
    (re.compile(rf"\b{_ART}?(2\d\d)-(\d{{1,2}})\b", re.I), lambda m: f"{PENAL_PREFIX}{m[1]}-{m[2]}"),
    # GDPR: « article 28 du RGPD », « art. 33 RGPD », « RGPD art. 32 », « GDPR article 82 »
    (re.compile(rf"\b{_ART}(\d{{1,2}})\b(?=[^.?!;]{{0,25}}\b(?:rgpd|gdpr|r[èe]glement)\b)", re.I),
     lambda m: _gdpr_article(m[1])),
    (re.compile(rf"\b(?:rgpd|gdpr)\s*,?\s*{_ART}(\d{{1,2}})\b", re.I), lambda m: _gdpr_article(m[1])),
]
# A number the law reused: L1110-4-1 was a data-security article until 2021 (repealed, moved to L1470-5 and
# L1470-6) and is a permanence-des-soins article since 2023. Read about data, it means the former article.
_REUSED = {f"{CSP_PREFIX}L1110-4-1": (f"{CSP_PREFIX}L1110-4-1-ancien", re.compile(
    r"donnees|securit|referentiel|interop|logiciel|numerique|heberge|informati|confidential|sante numerique"))}
# Texts no corpus document is: décrets, lois, ordonnances, arrêtés, the loi Informatique et Libertés, other codes.
_OTHER_TEXT = (r"(?:d[ée]cret|loi|ordonnance|arr[êe]t[ée])\s*(?:n\s?°\s*)?\d{2,4}\s?-\s?\d{1,4}|"
               r"(?:d[ée]cret|loi|ordonnance|arr[êe]t[ée]) du \d{1,2}(?:er)? [a-zéû]+ \d{4}|"
               r"loi (?:informatique et libert[ée]s|cnil)|"
               r"code (?:civil|du travail|de la s[ée]curit[ée] sociale|de commerce|de la consommation|"
               r"des assurances)")
_OUTSIDE_TEXT = re.compile(rf"\b(?:{_OTHER_TEXT})\b", re.I)
# A bare « article 33 » with no code named is taken as the GDPR when the question is about data protection, unless
# another text follows (« article 9 de la loi Informatique et Libertés »).
_BARE_ARTICLE = re.compile(rf"\b{_ART}(\d{{1,2}})\b(?!\s?-)(?!\s*(?:de la |du |de l'|d')(?:{_OTHER_TEXT}|loi|code))",
                           re.I)


@dataclass(frozen=True)
class Reference:
    start: int
    end: int
    doc_id: str


def find_references(text: str, bare_articles_are_gdpr: bool = False) -> list[Reference]:
    """Every legal reference in `text`, leftmost first, overlapping matches dropped."""
    found: list[Reference] = []
    taken: list[tuple[int, int]] = []
    for pattern, to_id in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            found.append(Reference(m.start(), m.end(), to_id(m)))
            taken.append((m.start(), m.end()))
    if bare_articles_are_gdpr:
        for m in _BARE_ARTICLE.finditer(text):
            if not any(m.start() < e and s < m.end() for s, e in taken):
                found.append(Reference(m.start(), m.end(), _gdpr_article(m[1])))
    if any(r.doc_id in _REUSED for r in found):
        folded = fold(text)
        found = [Reference(r.start, r.end, _REUSED[r.doc_id][0])
                 if r.doc_id in _REUSED and _REUSED[r.doc_id][1].search(folded) else r for r in found]
    return sorted(found, key=lambda r: r.start)


# Decisions told by who they concern rather than by number: the firm sanctioned, the only court the corpus holds.
_BY_PARTY = [(re.compile(r"\bdedalus\b", re.I), f"{CNIL_PREFIX}SAN-2022-009"),
             (re.compile(r"\bcegedim\b", re.I), f"{CNIL_PREFIX}SAN-2024-013"),
             (re.compile(r"\bconseil d['’ ]?\s?[ée]tat\b|\bcouncil of state\b", re.I), CE_449694_ID)]


def decisions_by_party(text: str) -> tuple[str, ...]:
    """The decisions a question recalls by party (« comme Dedalus », « le Conseil d'État »): a hint of what it is
    about, not a text it asks to be answered from, as a number would be."""
    return tuple(doc_id for pattern, doc_id in _BY_PARTY if pattern.search(text))


def unmeant_texts(references) -> frozenset[str]:
    """The articles whose number the question names but which it does not mean: the current L1110-4-1 when it is
    read as the repealed one."""
    return frozenset(current for current, (former, _) in _REUSED.items() if former in references)


def outside_texts(text: str) -> list[str]:
    """The texts named in `text` that are none of the corpus's families (« décret n° 2026-209 », « loi
    Informatique et Libertés »), as written: the answer says they are not in the corpus."""
    return list(dict.fromkeys(m[0] for m in _OUTSIDE_TEXT.finditer(text)))


def family_of(doc_id: str) -> str:
    """The prefix of the id's family (`csp-` for csp-L1111-8); '' for an id of no family (a fiche, a user's file)."""
    return next((p for p in FAMILY_PREFIXES if doc_id.startswith(p)), "")


def ref_token(doc_id: str) -> str:
    """One token per document id, kept whole by the lexical tokenizer: csp-L1111-8 → csp_l1111_8."""
    return doc_id.lower().replace("-", "_")


def replace_references(text: str, bare_articles_are_gdpr: bool = False) -> str:
    """The text with each reference replaced by its token (for the lexical index and queries)."""
    out, last = [], 0
    for ref in find_references(text, bare_articles_are_gdpr):
        out.append(text[last:ref.start])
        out.append(f" {ref_token(ref.doc_id)} ")
        last = ref.end
    out.append(text[last:])
    return "".join(out)


# The GDPR's roles by name, on folded text (« responsables conjoints », « sous-traitant », « controller »): a question
# naming one asks what that role makes of someone.
GDPR_ROLES = (r"\b(?:responsables? (?:conjoints?|(?:du|de|des) traitements?)|sous-traitants?|(?:joint )?controllers?|"
              r"processors?)\b")
# Roles the texts bind, and the words a doctor uses for each actor. Matched on folded text.
_ROLE_WORDS = {
    "medecin": r"responsables? (?:du|de) traitement|professionnels? de sante|medecins?|praticiens?|cabinets?"
               r"|liberal",
    "editeur": r"editeurs?|logiciels?|saas|sous-traitants?|prestataires?|fournisseurs?",
    "hebergeur": r"hebergeurs?|heberge[rz]?|hebergement|hds|cloud|datacenter|sous-traitants?|sauvegarde des donnees",
}
_QUESTION_WORDS = {
    # The doctor asks in the first person: « je », « moi », « me », « mes patients », « ma prescription ».
    "medecin": r"\b(?:moi|je|j'|me|m'|my|mes patient(?:e)?s|mon patient|ma patiente|mes consultations|nous|"
               r"nos patient(?:e)?s|notre cabinet|maison de sante|we|our|us|"
               r"ma prescription|mon cabinet|medecins?|praticiens?|docteur|cabinet|doctor|physician|confreres?|"
               r"consoeurs?|"
               # whose fault or whose duty, asked in the first person (« c'est ma faute ? », « à ma place ? »)
               r"ma faute|ma responsabilite|a (?:ma|notre) place|"
               # « on devrait prévenir 9 000 patients » : the practice speaking of its own duty
               r"on (?:doit|devrait|devra|a du|aurait du|est (?:oblige|tenu)\w*|risque)|"
               r"responsables? (?:du|de) traitement|controller)\b",
    "editeur": r"\b(?:editeurs?|logiciels?|saas|vendor|vendeur|software|publisher|supplier|programme|"
               r"sous-traitants?|processor|fournisseurs?|informaticien|editor|plateformes?|platforms?|"
               r"cegedim|dedalus)\b",  # the vendors the CNIL sanctioned
    "hebergeur": r"\b(?:hebergeurs?|hebergement|heberge(?:r|nt)?|hds|cloud|host(?:s|ing|ed)?|serveurs?|servers?|"
                 r"datacenter|sauvegardes?|backup|infogereur|stockage|stock(?:e|ent|er)|coffres?-forts?|"
                 r"(?:prestataire|societe|boite) qui (?:conserve|garde))\b",
}
_ROLE_RE = {a: re.compile(rf"\b(?:{p})\b") for a, p in _ROLE_WORDS.items()}
_QUESTION_RE = {a: re.compile(p) for a, p in _QUESTION_WORDS.items()}


def actors_bound(text: str) -> tuple[str, ...]:
    """Actors whose role the passage names (responsable du traitement → médecin; sous-traitant → both others)."""
    folded = fold(text)
    return tuple(a for a in ACTORS if _ROLE_RE[a].search(folded))


# the software as the place where one works (« ouvrir dans le logiciel les dossiers »), not its vendor as an actor
_SOFTWARE_USED = re.compile(r"\b(?:dans|sur|depuis|via|avec|in|on|through) (?:le|mon|notre|ce|son|leur|the|my|our|"
                            r"its) (?:logiciel|software)\b")


def actors_asked(question: str) -> tuple[str, ...]:
    """Actors a question is about, in the doctor's words (moi, l'éditeur, le logiciel, l'hébergeur, HDS...); a
    software only worked in (_SOFTWARE_USED) does not bring its vendor."""
    folded = fold(question)
    vendor_words = _SOFTWARE_USED.sub(" ", folded)
    return tuple(a for a in ACTORS if _QUESTION_RE[a].search(vendor_words if a == "editeur" else folded))


_LABEL = re.compile(r"^\s*(?:[IVX]+\s?\.\s?[-–—]\s?|\d{1,2}[.)°]\s|[a-z]\)\s)")
_SUBJECT_ROLES = [
    (re.compile(r"\b(?:responsables? (?:du|de) traitement|professionnels? de sante|medecins?|praticiens?)\b"),
     ("medecin",)),
    (re.compile(r"\b(?:sous-traitants?|prestataires?)\b"), ("editeur", "hebergeur")),
    (re.compile(r"\b(?:editeurs?|logiciels?)\b"), ("editeur",)),
    (re.compile(r"\b(?:hebergeurs?)\b"), ("hebergeur",)),
]
_JOINED = re.compile(r"\s*(?:,|et|ou)\s+(?:le |la |les |l'|un |une |au |aux |tout |toute )?")


def subject_actors(sentence: str, lead: str = "") -> tuple[str, ...]:
    """Actors a sentence is about: the role it names first (and roles joined to it by « et » / « ou »). A point that
    continues a lead-in (« …prévoit que le sous-traitant: » / « a) ne traite… ») takes the lead's last role."""
    text = _LABEL.sub("", sentence, count=1)
    if text[:1].islower() and lead:
        matches = [(m.start(), actors) for pattern, actors in _SUBJECT_ROLES for m in pattern.finditer(fold(lead))]
        return max(matches)[1] if matches else ()
    folded = fold(text)
    matches = sorted((m.start(), m.end(), actors) for pattern, actors in _SUBJECT_ROLES
                     for m in pattern.finditer(folded))
    if not matches:
        return ()
    found = list(matches[0][2])
    for (_, end, _), (start, _, actors) in zip(matches, matches[1:]):
        if not _JOINED.fullmatch(folded[end:start]):  # « le responsable du traitement et le sous-traitant »
            break
        found.extend(actors)
    return tuple(a for a in ACTORS if a in found)


_SANCTIONS_ASKED = re.compile(r"\b(?:risqu\w*|sanction\w*|amendes?|encour\w*|puni\w*|peines?|prison|condamn\w*|"
                              # a fine, fined; not « is it fine to…? »
                              r"fines|fined|(?<!is it )(?<!it's )(?<!that's )(?<!is that )(?<!be )fine|"
                              r"penalt\w*|inflig\w*|cnil a (?:inflige|condamne|sanctionne)|decisions?|"
                              r"epingl\w*|barreaux|poursui\w*|correctionnel\w*|penal\w*|dans les combien|"
                              r"jusqu'a combien|"
                              # « what does my host risk? » (the noun « risk » of a breach is no penalty asked)
                              r"what (?:does|do|did|could|can|would|will) [^?]{0,50}\brisk|"
                              r"(?:me|lui|leur|nous|vous) couter|"
                              # « qu'est-ce qui peut m'arriver ? », « what could happen to us? »
                              r"(?:peut|peuvent|va|vont|pourrait) (?:m'|t'|lui |nous |vous |leur )arriver|"
                              r"happen to (?:me|us|him|her|them)|"
                              # what a court or the CNIL held, asked (« qu'a décidé le Conseil d'État ? »)
                              r"qu'(?:a|ont) (?:decide|juge|tranche|retenu))\b")


def asks_sanctions(text: str) -> bool:
    """The question asks what one risks or what a decision held: sanctions and decisions are then on topic."""
    return bool(_SANCTIONS_ASKED.search(fold(text)))
