"""What the question asks that the corpus does not cover, said plainly before what the corpus does say: a text
it does not hold (with the closest ids it does), a name it never mentions (what it says of an actor applies to
one the question names as that actor: « mon éditeur Doctolib »), a price, a count, a fact of today's world (who is
accredited now, a hotline), a figure asked for that the réponse does not give, or no matching rule."""

from __future__ import annotations

from collections.abc import Sequence

from kb.compose.query import FIGURES_SAID, Query
from kb.types import ACTOR_LABELS

# what the corpus does not give, by the kind of figure asked (FIGURES)
FIGURE_LABELS = {"duree": "aucune durée ni aucun délai chiffrés", "date": "aucune date", "montant": "aucun montant",
                 "taux": "aucun taux chiffré", "longueur": "aucune longueur chiffrée"}


def gap(query: Query, answered: bool, said: Sequence[str] = ()) -> str:
    """`said`: the réponse's sentences on its first one's topic, to tell whether a figure asked for was given."""
    parts = []
    for ref, close in query.unknown_references:
        guess = f" ; vouliez-vous dire {' ou '.join(close)} ?" if close else "."
        parts.append(f"« {ref} » : ce texte n'est pas dans le corpus{guess}")
    named = dict(query.named_actors)
    for actor in dict.fromkeys(named.values()):  # « mon éditeur Doctolib »: the rules of any vendor apply
        names = ", ".join(f"« {n} »" for n, a in named.items() if a == actor)
        parts.append(f"Le corpus ne dit rien de {names} en particulier : ce qui suit vaut pour tout "
                     f"{ACTOR_LABELS[actor].lower()}.")
    if unnamed := [n for n in query.unknown if n not in named]:
        names = ", ".join(f"« {n} »" for n in unnamed)
        parts.append(f"Le corpus ne dit rien de {names} : ce qui suit est ce que les textes disent du sujet, "
                     "pas une réponse sur ce point.")
    elif query.price:
        parts.append("Le corpus ne donne aucun prix ni tarif : ce qui suit est ce que les textes disent du sujet.")
    elif query.statistic:
        parts.append("Le corpus ne donne aucune statistique : ce qui suit est ce que les textes disent du sujet.")
    elif query.world:
        parts.append("Le corpus ne nomme aucun organisme ni prestataire en activité et ne tient ni liste, ni adresse, "
                     "ni horaire à jour : ce qui suit est ce que les textes disent du sujet.")
    elif (kind := query.asks_figure or query.figure_judged) and answered and said and not any(
            FIGURES_SAID[kind].search(s) for s in said):
        parts.append(f"Le corpus ne donne {FIGURE_LABELS[kind]} sur ce point : ce qui suit est ce que les textes "
                     "en disent.")
    elif not answered:
        parts.append("Le corpus ne répond pas précisément à cette question : voici les passages qui s'en approchent "
                     "le plus, à lire avec prudence.")
    return " ".join(parts)
