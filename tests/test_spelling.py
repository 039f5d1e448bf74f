"""A question typed fast is read as the corpus spells it: accents and capitals put back where the corpus spells a
word one way only, nothing changed in a question typed with care, English questions given their acronyms only."""

from __future__ import annotations

from kb.folding import fold
from kb.spelling import restore_spelling, spelling_table

TEXTS = ["Le médecin notifie la violation à la CNIL. L'hébergeur certifié HDS prévient le médecin.",
         "Les données de santé sont hébergées ; la CNIL contrôle. Il a été piraté, ou il a un pirate.",
         "Une mère et son enfant.", "Source : https://www.cnil.fr/donnees-de-sante-medecins"]
TABLE = spelling_table(TEXTS)


def test_words_the_corpus_spells_one_way_get_their_accents_and_capitals_back():
    assert restore_spelling("mon hebergeur hds a ete pirate. qui previent la cnil ?", TABLE) == (
        "Mon hébergeur HDS a été pirate. Qui prévient la CNIL ?")


def test_words_spelled_two_ways_stay_as_typed():
    # « a »/« à », « piraté »/« pirate »: the corpus spells them both ways
    assert {"a", "pirate"}.isdisjoint(TABLE)
    assert TABLE["donnees"] == "données" and TABLE["cnil"] == "CNIL"


def test_addresses_do_not_count_as_spellings():
    assert spelling_table(["https://www.cnil.fr/donnees-de-sante", "voir donnees-de-sante-medecins"]) == {}


def test_a_question_typed_with_accents_and_capitals_is_read_as_written():
    careful = "Mon hebergeur a été piraté : la cnil ?"
    assert restore_spelling(careful, TABLE) == careful


def test_an_english_question_gets_its_acronyms_not_french_accents():
    assert restore_spelling("is the vendor a mere processor for the cnil?", TABLE) == (
        "Is the vendor a mere processor for the CNIL?")


def test_the_engine_answers_a_question_typed_fast_as_it_answers_it_written(engine):
    written = "Mon éditeur dit que les données pseudonymisées sont hors RGPD. A-t-il raison ?"
    typed = fold(written)
    assert engine.reading(typed) != typed
    answer = engine.answer(typed)
    assert answer.question == typed  # shown as typed
    # read as typed, « donnees pseudonymisees » and « rgpd » brought another entry to the réponse
    assert [s.map_id for s in answer.conclusion] == [s.map_id for s in engine.answer(written).conclusion]
