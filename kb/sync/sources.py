"""Where each corpus document lives on Légifrance: the one mapping from document id to official lookup.
Ids marked « to confirm » come from secondary sources (see the shared corpus notes); the sync checks them."""

from __future__ import annotations

from dataclasses import dataclass

from kb.corpus import ManifestEntry
from kb.legalrefs import (CE_449694_ID, CNIL_PREFIX, CNIL_REFERENTIEL_ID, CSP_PREFIX, GDPR_PREFIX, PENAL_PREFIX,
                          family_of)
from kb.sync.errors import SyncError

ARTICLE, CNIL, JURI, SKIP = "article", "cnil", "juri", "skip"

# doc id prefix → (LEGITEXT id of the code, its name as the NOM_CODE search facet spells it)
CODES: dict[str, tuple[str, str]] = {
    CSP_PREFIX: ("LEGITEXT000006072665", "Code de la santé publique"),
    PENAL_PREFIX: ("LEGITEXT000006070719", "Code pénal"),
}

# LEGIARTI version ids seen in secondary sources (to confirm): a fallback when the number is not found
KNOWN_ARTICLE_IDS: dict[str, str] = {
    "csp-L1111-8": "LEGIARTI000049577902",
    "csp-R1111-8-8": "LEGIARTI000036656709",
}

# CNIL deliberations: CNILTEXT ids (to confirm), or a search in the CNIL fund by number and nature
CNIL_IDS: dict[str, str] = {
    "cnil-SAN-2020-014": "CNILTEXT000042675720",
    "cnil-SAN-2020-015": "CNILTEXT000042676787",
    "cnil-SAN-2022-009": "CNILTEXT000045583113",
    "cnil-SAN-2024-013": "CNILTEXT000050202759",
}
CNIL_SEARCH: dict[str, tuple[str, str]] = {
    CNIL_REFERENTIEL_ID: ("2020-081", "Referentiel/reglement type/norme"),
}

# Conseil d'État decisions: CETATEXT ids (unconfirmed) and case numbers
JURI_IDS: dict[str, tuple[str, str]] = {
    CE_449694_ID: ("CETATEXT000046082429", "449694"),
}

NOT_SYNCED: dict[str, str] = {
    "csp-L1110-4-1-ancien": "ancien article abrogé en 2021 dont le numéro désigne aujourd'hui un autre article "
                            "(permanence des soins) : non synchronisé, voir L1470-5 et L1470-6",
}
EURLEX = "hors Légifrance (EUR-Lex), non synchronisé"

# Notes carried into the written file because the text alone would mislead a reader
NOTES: dict[str, tuple[str, ...]] = {
    "csp-L1110-4-1": (
        "NUMÉRO RÉUTILISÉ : ce texte (permanence des soins) n'a aucun rapport avec l'ancien L1110-4-1 sur les "
        "référentiels de sécurité et d'interopérabilité, abrogé en 2021 (ordonnance n° 2021-581) et repris aux "
        "L1470-5 et L1470-6. Une question sur « L1110-4-1 » et la sécurité des données vise l'ancien article : "
        "répondre qu'il est abrogé et renvoyer aux L1470-5 / L1470-6.",
    ),
}


@dataclass(frozen=True)
class Target:
    """How to find one document: by code and article number, by CNIL or CE id, or not at all (with why)."""

    doc_id: str
    route: str  # ARTICLE | CNIL | JURI | SKIP
    num: str = ""  # article number, deliberation number or case number expected in the reply
    code_id: str = ""
    code_name: str = ""
    known_id: str = ""
    search: tuple[str, str] | None = None  # CNIL fund: (number, NATURE_DELIB)
    reason: str = ""  # why it is not synced (SKIP)
    notes: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        """Where the synced text goes, relative to the corpus directory."""
        return f"official/{self.doc_id}.md"


def target_for(doc_id: str) -> Target:
    notes = NOTES.get(doc_id, ())
    if doc_id in NOT_SYNCED:
        return Target(doc_id, SKIP, reason=NOT_SYNCED[doc_id])
    if doc_id.startswith(GDPR_PREFIX):
        return Target(doc_id, SKIP, reason=EURLEX)
    prefix = family_of(doc_id)
    num = doc_id.removeprefix(prefix)
    if prefix in CODES and num:
        code_id, code_name = CODES[prefix]
        return Target(doc_id, ARTICLE, num=num, code_id=code_id, code_name=code_name,
                      known_id=KNOWN_ARTICLE_IDS.get(doc_id, ""), notes=notes)
    if doc_id in CNIL_IDS:
        return Target(doc_id, CNIL, num=doc_id.removeprefix(CNIL_PREFIX), known_id=CNIL_IDS[doc_id], notes=notes)
    if doc_id in CNIL_SEARCH:
        return Target(doc_id, CNIL, num=CNIL_SEARCH[doc_id][0], search=CNIL_SEARCH[doc_id], notes=notes)
    if doc_id in JURI_IDS:
        text_id, case = JURI_IDS[doc_id]
        return Target(doc_id, JURI, num=case, known_id=text_id, notes=notes)
    return Target(doc_id, SKIP, reason="aucune source officielle connue pour ce document, non synchronisé")


def targets(manifest: dict[str, ManifestEntry], only: tuple[str, ...] = ()) -> list[Target]:
    """Every manifest document (or just `only`), in manifest order; an unknown id is an error."""
    unknown = [doc_id for doc_id in only if doc_id not in manifest]
    if unknown:
        raise SyncError(f"Identifiant inconnu du manifeste : {', '.join(unknown)}. "
                        f"Choisir parmi : {', '.join(manifest)}")
    return [target_for(doc_id) for doc_id in manifest if not only or doc_id in only]
