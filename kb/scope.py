"""Is a question within what the corpus covers? Out-of-scope topics, instructions to break the rules
and small talk are refused before retrieval; weak evidence is refused after it."""

from __future__ import annotations

import re

from kb.errors import KbError
from kb.legalrefs import find_references, fold

# Words of the corpus' field. Strong ones are about health data and its liability wherever they appear;
# context words (logiciel, cabinet, serveur…) belong to the practice's everyday life too, so they put a
# question in the field but do not rescue an explicit off-topic request (« logiciel de comptabilité… impôts »).
_STRONG = re.compile(
    r"\b(?:donnees?|data|rgpd|gdpr|cnil|heberg\w*|hds|host\w*|editeurs?|saas|vendor|"
    r"sous-trait\w*|processor|controller|responsab\w*|liab\w*|violations?|breach\w*|fuites?|fuit\w*|leak\w*|"
    r"secur\w*|secret|confidential\w*|certifi\w*|notif\w*|chiffr\w*|encrypt\w*|pirat\w*|cyber\w*|"
    r"ransomware|rancongiciel|dossiers? (?:medica|patient)\w*|aipd|dpo|delegue|consentement|equipe de soins|"
    r"referentiel|deliberation|code penal|sante publique|pseudonym\w*|anonym\w*|dmp)\b"
)
_CONTEXT = re.compile(
    r"\b(?:logiciels?|software|contrats?|contract|sanction\w*|amendes?|fine[ds]?|sauvegardes?|backup|serveurs?|"
    r"cloud|prestataires?|informaticien|acces|conservation|archivage|transfert|cabinet|messagerie)\b"
)
_INJECTION = re.compile(
    r"\b(?:ignore[rsz]?|oublie[rsz]?|disregard|forget)\b.{0,40}\b(?:instructions?|regles?|consignes?|rules|"
    r"prompt|contraintes?|restrictions?)\b|\btu es (?:maintenant|desormais)\b|\bjailbreak|\bsystem prompt\b|"
    r"\bfais comme si\b|\bpretend (?:you|to)\b|\bsans (?:citer|sources?)\b.{0,30}\binvente"
)
_PRODUCTS = r"(?:logiciel|hebergeur|editeur|solution|outil|prestataire|fournisseur|marque|software|vendor|host)s?"
_OFF_TOPIC = {
    "une question médicale (traitement, posologie, diagnostic)":
        r"\b(?:posologie|dosage|doses?|mg|milligrammes?|paracetamol|ibuprofene|antibiotiques?|medicaments?|"
        r"symptomes?|fievre|diagnostiquer|diagnostics?|prescri\w*|ordonnance|vaccin\w*)\b",
    "une question fiscale ou sociale": r"\b(?:impots?|fiscal\w*|urssaf|carmf|cotisations?|tva|bnc|charges sociales|"
                                       r"declaration de revenus|retraite|taxes?|comptabl\w*)\b",
    "une recommandation de produit":
        rf"\b(?:quel(?:le)?s? {_PRODUCTS}(?: de \w+){{0,2}} (?:acheter|choisir|prendre|recommand\w*)|"
        rf"meilleur(?:e|s)? {_PRODUCTS}|(?:tu|vous) (?:me |nous )?(?:conseill|recommand)\w*|"
        r"(?:me )?recommande[rsz]?|conseille[rsz]?-(?:moi|nous)|which (?:software|vendor|host)|best (?:software|host))\b",
    "un autre domaine du droit": r"\b(?:divorce|bail|loyer|licenciement|succession|heritage|garde d'enfants?|"
                                 r"permis de conduire|pension alimentaire|prud'?hom\w*)\b",
    "une question sans rapport": r"\b(?:meteo|pleuvoir|pluie|neige|orage|canicule|quel temps|weather|"
                                 r"blagues?|joke|recettes?|recipe|football|horoscope|poemes?|devinettes?)\b",
}
_OFF_TOPIC_RE = {label: re.compile(p) for label, p in _OFF_TOPIC.items()}
_SMALL_TALK = re.compile(r"^\W*(?:bonjour|salut|hello|hi|coucou|merci|ca va|comment (?:ca va|vas-tu|allez-vous)|"
                         r"qui es-tu|tu vas bien)\b")

COVERAGE = ("Ce corpus couvre la responsabilité du médecin, de l'éditeur de logiciel et de l'hébergeur de données "
            "de santé : RGPD (articles 4, 5, 9, 24, 26, 28, 29, 32 à 35, 82, 83), Code de la santé publique "
            "(hébergement HDS, secret, équipe de soins), Code pénal (secret, sécurité des données), référentiel "
            "CNIL des cabinets médicaux et sanctions de la CNIL.")
SUGGESTIONS = (
    "Qui est responsable en cas de fuite de données : moi, l'éditeur ou l'hébergeur ?",
    "Mon éditeur de logiciel doit-il être certifié HDS ?",
    "Dans quel délai dois-je notifier une violation de données à la CNIL ?",
)


def check_question(question: str) -> str:
    """The question stripped; a clear error when there is none."""
    question = question.strip()
    if not question:
        raise KbError("Question vide : écrire une question.")
    return question


def refusal_before_retrieval(question: str) -> str | None:
    """The reason to refuse without searching, or None when the question may be in scope."""
    folded = fold(question)
    if _INJECTION.search(folded):
        return "la question demande d'ignorer les règles de l'assistant"
    domain = _in_domain(folded, question)
    strong = bool(_STRONG.search(folded) or find_references(question))
    if "recommandation" in (label := _off_topic(folded) or "") or (label and not strong):
        return f"il s'agit d'{label}"
    if not domain and (_SMALL_TALK.search(folded) or len(folded.split()) <= 3):
        return "la question ne porte pas sur la responsabilité en matière de données de santé"
    return None


def _off_topic(folded: str) -> str | None:
    return next((label for label, pattern in _OFF_TOPIC_RE.items() if pattern.search(folded)), None)


def is_in_domain(question: str) -> bool:
    return _in_domain(fold(question), question)


def _in_domain(folded: str, question: str) -> bool:
    """A domain word, or a reference to a text of the corpus (« ordonnance », « R1111-9 » alone say little)."""
    return bool(_STRONG.search(folded) or _CONTEXT.search(folded) or find_references(question))
