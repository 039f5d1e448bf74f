"""French text processing: lexical tokens (Snowball stemmer, stop words, legal references kept whole)
and sentence spans (so that quotes are whole sentences)."""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from stop_words import get_stop_words

from kb.folding import fold
from kb.legalrefs import REF_TOKEN_PATTERN, replace_references

# Bump when tokenize() or kb/legalrefs.py changes what a text becomes: the index records it and rebuilds.
TOKENIZER_VERSION = "5"

_WORD = re.compile(r"[\w']+", re.UNICODE)
_REF_TOKEN = re.compile(rf"^(?:{REF_TOKEN_PATTERN})$")
# Words that carry the question's topic in the corpus' language; a few English ones map onto it
# so that questions typed in English still reach the lexical index.
_ENGLISH = {
    "controller": "responsable traitement", "processor": "sous-traitant", "breach": "violation",
    "notify": "notifier", "notification": "notification", "host": "hébergeur", "hosting": "hébergement",
    "vendor": "éditeur", "software": "logiciel", "liable": "responsable", "liability": "responsabilité",
    "fine": "amende", "fined": "amende", "security": "sécurité", "doctor": "médecin", "doctors": "médecins",
    "health": "santé", "data": "données", "certified": "certifié", "certification": "certification",
    "encryption": "chiffrement", "damages": "réparation", "contract": "contrat", "secrecy": "secret",
    "hours": "heures", "penalty": "sanction", "impact": "impact", "assessment": "analyse",
    "record": "dossier", "records": "dossiers", "file": "dossier", "files": "dossiers", "backup": "sauvegarde",
    "backups": "sauvegarde", "encrypt": "chiffrement", "encrypted": "chiffrement", "delete": "supprimer",
    "erase": "effacer", "share": "partager", "sharing": "partage", "consent": "consentement", "keep": "conserver",
    "retain": "conserver", "retention": "conservation", "store": "conserver", "stores": "conserver",
    "stored": "conserver", "storage": "conservation", "leak": "violation", "leaked": "violation",
    "hacked": "violation", "hacker": "violation", "ransomware": "violation", "inform": "informer",
    "compensation": "réparation", "damage": "dommage", "prison": "emprisonnement", "criminal": "pénal",
    "joint": "conjoint", "jointly": "conjoint", "subprocessor": "sous-traitant", "staff": "personnel",
    "employees": "personnel", "secretary": "secrétaire", "team": "équipe", "care": "soins", "locum": "remplaçant",
    "deceased": "décès", "death": "décès", "relatives": "proches", "family": "famille",
    "pseudonymised": "pseudonymisées", "pseudonymized": "pseudonymisées", "sell": "vendre", "sold": "vendre",
    "research": "recherche", "statistics": "statistiques", "access": "accès", "transfer": "transfert",
    "practice": "cabinet", "gp": "médecin", "dpia": "analyse impact", "sanctioned": "sanction",
    "sanctions": "sanction", "fines": "amende", "hosted": "hébergement",
    "hosts": "hébergeur", "vendors": "éditeur", "insurance": "assurance", "report": "notifier",
    "reported": "notifier", "reporting": "notifier", "notified": "notifier", "attack": "violation",
    "auditing": "audit", "audited": "audit", "proof": "preuve", "evidence": "preuve", "compliance": "conformité",
    "demonstrate": "démontrer",
}


# Doctors' words for what the texts call otherwise: « fuite » is a « violation de données ».
_DOCTOR_WORDS = {
    "fuite": "violation", "fuites": "violation", "fuité": "violation", "piratage": "violation",
    "piraté": "violation", "cyberattaque": "violation", "rançongiciel": "violation", "hacké": "violation",
    "prestataire": "sous-traitant", "presta": "sous-traitant", "amendes": "amende", "prévenir": "notifier informer",
    "chiffrer": "chiffrement", "chiffrées": "chiffrement", "cloud": "hébergement",
    "intrusion": "violation", "attaque": "violation", "hacker": "violation", "vol": "violation",
    "cnil": "autorité contrôle", "mutuelle": "assurance", "mutuel": "assurance", "assureur": "assurance",
    # the buyer's verb for the doctor's sale (« une start-up veut racheter les données de ma patientèle »)
    "acheter": "vendre", "racheter": "vendre", "achète": "vendre", "rachète": "vendre", "achat": "vente",
    "rachat": "vente", "revendre": "vendre", "revend": "vendre",
    # the GDPR says « responsables conjoints » (art. 26)
    "co": "conjoint", "coresponsable": "responsable conjoint", "coresponsables": "responsables conjoints",
    "coresponsabilité": "responsabilité conjointe",
}
_DOCTOR_WORDS_FOLDED = {fold(word): terms for word, terms in _DOCTOR_WORDS.items()}  # typed without accents too


# Adverbs a question leans on that say nothing of its topic: « ce qu'il a exactement » is not about accuracy.
_QUESTION_ADVERBS = frozenset(fold(word) for word in {
    "exactement", "vraiment", "directement", "simplement", "forcément", "absolument", "totalement", "complètement",
    "rapidement", "actuellement", "personnellement", "concrètement", "honnêtement", "franchement", "normalement",
    "réellement", "finalement", "justement", "précisément", "carrément", "exactly", "really", "directly",
    "actually", "honestly", "basically",
    # how a claim to confirm is framed (« il me dit que…, c'est vrai ? », « a-t-il raison ? »)
    "vrai", "vraie", "raison", "affirme", "affirment", "prétend", "prétendent", "true", "right", "says", "claims",
})


@lru_cache(maxsize=1)
def _stemmer():
    return Stemmer.Stemmer("french")


def stem(word: str) -> str:
    """A word's lexical token, stemmed as `tokenize` stems it and folded: « hébergeait » and « hébergeur » → héberg."""
    return fold(_stemmer().stemWord(word.lower()))


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    words = set(get_stop_words("french")) | set(get_stop_words("english"))
    # Question scaffolding that says nothing of the topic (« en cas de », « dois-je »).
    words |= {"cas", "doit", "dois", "doivent", "faut", "peut", "quoi", "moi", "mon", "ma", "mes"}
    return frozenset(fold(w) for w in words) | {"l'", "d'", "qu'", "n'", "s'", "c'", "j'"}


def tokenize(text: str, bare_articles_are_gdpr: bool = False, query: bool = False) -> list[str]:
    """Lexical tokens: references → one token each; other words lower-cased, stemmed, accents folded.
    A `query` also gets the text's own terms for the doctor's words (« fuite » → « violation »)."""
    text = replace_references(text, bare_articles_are_gdpr)
    stops = _stop_words()
    words: list[str] = []
    for raw in _WORD.findall(text.lower()):
        if "'" in raw:  # l'hébergeur → hébergeur
            raw = raw.rsplit("'", 1)[-1]
        if _REF_TOKEN.match(raw):
            words.append(raw)
            continue
        if raw in _ENGLISH:
            words.extend(_ENGLISH[raw].split())
            continue
        bare = fold(raw)
        if query and bare in _QUESTION_ADVERBS:
            continue
        if query and bare in _DOCTOR_WORDS_FOLDED:  # keep the word, add the text's own term
            words.extend(_DOCTOR_WORDS_FOLDED[bare].split())
        if len(raw) < 2 or bare in stops:
            continue
        words.append(raw)
    plain = [w for w in words if not _REF_TOKEN.match(w)]
    stems = iter(_stemmer().stemWords(plain))
    return [w if _REF_TOKEN.match(w) else fold(next(stems)) for w in words]


# A sentence ends at . ! ? (possibly followed by » or a closing bracket) before a capital, a quote
# or a numbering; not after common abbreviations (art., n°, M., L., p., cf.).
_END = re.compile(r"(?<=[.!?])[»)\]]*\s+(?=[«(A-ZÀÂÉÈÊÎÔÙÛÇ0-9])")
_ABBREV = re.compile(r"(?:\b(?:[Aa]rts?|[Aa]l|[Cc]f|p|pp|n|M|Mme|MM|etc|L|R|D|ex|Dr|St|chap|réf)\.|\b[A-Z]\.)$")


SENTENCES = re.compile(r"[^.?!]+[.?!]*")  # a sentence and its closing marks


def question_proper(folded: str) -> str:
    """The question proper: the last sentence asking something (« …un médecin seul ? Je croyais que ça visait les
    grosses structures. » asks the first), else the last sentence."""
    head = folded.lstrip(" «\"")
    sentences = [m.strip() for m in SENTENCES.findall(head) if m.strip()] or [head]
    return ([s for s in sentences if s.endswith("?")] or sentences)[-1]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, whitespace trimmed; a list item ending in « ; » ends one."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END.finditer(text):
        if _ABBREV.search(text[start:m.start()]):
            continue
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out
