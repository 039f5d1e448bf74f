"""Warnings shown above an answer: a repealed text the question names (and where its rules now are), a
repealed or partial text cited, texts a later decree may have amended, a question on the practice's staff, whom
the map's sentences do not speak of, and the words typed wrong the question was read with corrected."""

from __future__ import annotations

from kb.corpus import ManifestEntry
from kb.types import Citation, Document


# the map speaks of the doctor, the vendor and the host; a secretary or an employee is told where to look
STAFF_NOTICE = ("Votre question porte sur une autre personne que le médecin, l'éditeur ou l'hébergeur (secrétaire, "
                "salarié…) : les phrases de la synthèse parlent de ces trois acteurs ; à qui chaque règle s'applique "
                "se lit dans le texte cité (« Textes cités »).")


def repealed_notices(references: list[str], manifest: dict[str, ManifestEntry]) -> list[str]:
    notices = []
    for doc_id in references:
        entry = manifest.get(doc_id)
        if entry and entry.legal_status.lower().startswith("abrog"):
            notices.append(f"{entry.title} : {entry.version}.")
    return notices


def citation_notices(citations: list[Citation], documents: dict[str, Document]) -> list[str]:
    notices = []
    cited = [documents[d] for d in dict.fromkeys(c.doc_id for c in citations)]
    for doc in cited:
        if doc.legal_status.lower().startswith("abrog"):
            notices.append(f"« {doc.title} » porte sur un texte abrogé : ne pas l'appliquer comme droit en vigueur.")
        if doc.status == "partial":
            notices.append(f"{doc.title} : texte partiel dans le corpus ; consulter le texte officiel ({doc.url}).")
    amended: dict[str, list[Document]] = {}
    for doc in cited:
        if doc.possibly_amended_by:
            amended.setdefault(doc.possibly_amended_by, []).append(doc)
    for amending, texts in amended.items():
        names = ", ".join(d.title.split(",")[-1].strip().split(" (")[0] for d in texts)
        notices.append(f"{names} : ces articles ont pu être modifiés par le {amending} (stockage dans l'UE/EEE, "
                       f"transferts) ; la rédaction citée, vérifiée au {texts[0].verified_on}, peut ne plus être "
                       "celle en vigueur : vérifier sur Légifrance.")
    return notices


def typos_notice(read: list[tuple[str, str]]) -> str:
    """The words typed wrong and how they were read (corrected_words): the doctor checks what was answered."""
    return ("Question lue en corrigeant la frappe : " + ", ".join(f"« {typed} » → « {word} »" for typed, word in read)
            + ".")
