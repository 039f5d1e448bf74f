"""A question typed fast is read as the corpus spells it: accents and capitals put back where the corpus spells a
word one way only, nothing changed in a question typed with care, English questions given their acronyms only; a
word typed wrong read as the corpus word one edit away, unless it is a word of the language, a name, an address, or
as close to two corpus words."""

from __future__ import annotations

from kb.folding import fold
from kb.spelling import Typos, restore_spelling, spelling_table

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


TYPOS = Typos(TEXTS + ["Le certificat de l'hébergeur. Une certification HDS. La certification.",
                       "Le contrat, le contact."])


def test_a_word_typed_wrong_is_read_as_the_corpus_word_one_edit_away():
    # a letter swapped, dropped, doubled; its accents as the corpus spells it, its capital as typed
    assert TYPOS.fix("Mon hébergeru doit-il avoir la certifcation ?") == (
        "Mon hébergeur doit-il avoir la certification ?")
    assert TYPOS.fix("Donnnees piratees : qui prévient ?") == "Données piratees : qui prévient ?"


def test_words_of_the_language_names_and_addresses_stay_as_typed():
    for typed in ("La diététicienne a-t-elle accès aux dossiers ?",  # French, though the corpus never says it
                  "Is my provider certified?",  # English
                  "Mon éditeur Certifcation et l'outil CERTIFCATION ont fuité.",  # names: a capital within a sentence
                  "Voir https://exemple.fr/certifcation"):  # an address
        assert TYPOS.fix(typed) == typed


def test_a_word_as_close_to_two_corpus_words_stays_as_typed():
    assert TYPOS.fix("Le contat est signé ?") == "Le contat est signé ?"  # contrat? contact? each used once


def test_the_engine_reads_a_question_with_typos_as_it_reads_it_written(engine):
    written = "Mon hébergeur doit-il être certifié HDS pour conserver les dossiers de mes patients ?"
    typed = "Mon hébergeru doit-il être certfié HDS pour conserver les dossiers de mes pateints ?"
    assert engine.reading(typed) == written
    answer = engine.answer(typed)
    assert answer.question == typed  # shown as typed, with how it was read
    assert answer.notices[0] == ("Question lue en corrigeant la frappe : « hébergeru » → « hébergeur », "
                                 "« certfié » → « certifié », « pateints » → « patients ».")
    assert [s.map_id for s in answer.conclusion] == [s.map_id for s in engine.answer(written).conclusion]
    assert not any(n.startswith("Question lue") for n in engine.answer(written).notices)
