"""The who-does-what map as loaded: the questions users ask of an entry are checked like the rest of it; the words
a question shares with a proposition count by their rarity in the map."""

from __future__ import annotations

import pytest

from kb.errors import CorpusError
from kb.responsibilities import load_map, map_texts
from kb.types import Chunk

ART_33 = Chunk("rgpd-art-33#1", "rgpd-art-33", "RGPD art. 33", "RGPD, art. 33, § 1", (),
               "le responsable du traitement en notifie la violation", 0, 52, "https://eur-lex.europa.eu",
               "2016", "complete", "official")
TOPICS = '- {id: violation, label: "violation et notification", description: "", keywords: [fuite]}\n'


def _load(root, entries: str, chunks=(ART_33,)):
    """A map folder under `root` with the one topic and `entries` (YAML), loaded against `chunks`."""
    folder = root / "responsabilites"
    folder.mkdir(parents=True)
    (folder / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (folder / "violation.yaml").write_text(entries, encoding="utf-8")
    return load_map(root, list(chunks))


def _map(tmp_path, questions: str, extra: str = ""):
    return _load(tmp_path, f"""- id: violation-medecin-notifie
  topic: violation
  actor: medecin{extra}
  statement: "Le médecin notifie la violation à la CNIL."
  questions: {questions}
  basis:
    - chunk: rgpd-art-33#1
      quote: "en notifie la violation"
""")


def test_a_keyword_listed_twice_in_a_topic_fails_naming_the_topic_and_the_word(tmp_path):
    folder = tmp_path / "responsabilites"
    folder.mkdir()
    (folder / "topics.yaml").write_text('- {id: violation, label: "violation", keywords: [fuite, Fuite, leak]}\n',
                                        encoding="utf-8")
    with pytest.raises(CorpusError, match="violation.*fuite"):
        load_map(tmp_path, [ART_33])


def test_the_questions_of_an_entry_are_loaded_and_embedded_after_statements_and_propositions(tmp_path):
    loaded = _map(tmp_path, '["Mon hébergeur a été piraté : qui prévient la CNIL ?", "Who tells the CNIL?"]')
    assert loaded.entries[0].questions == ("Mon hébergeur a été piraté : qui prévient la CNIL ?", "Who tells the CNIL?")
    assert map_texts(loaded) == ["Le médecin notifie la violation à la CNIL.",
                                 "Mon hébergeur a été piraté : qui prévient la CNIL ?", "Who tells the CNIL?"]


@pytest.mark.parametrize("questions, why", [
    ('"une seule chaîne ?"', "une liste"),
    ('["", "Qui notifie ?"]', "une liste"),
    ('["Qui notifie ?", "Qui notifie ?"]', "en double"),
    ('["' + " ".join(["mot"] * 31) + ' ?"]', "plus de 30 mots"),
])
def test_bad_questions_fail_naming_the_entry(tmp_path, questions, why):
    with pytest.raises(CorpusError, match=f"violation-medecin-notifie.*{why}"):
        _map(tmp_path, questions)


def test_an_entry_matches_a_question_through_the_closest_of_its_statement_propositions_and_questions():
    import numpy as np

    from kb.compose.entries import MapVectors

    unit = np.eye(3, dtype=np.float32)
    vectors = MapVectors(statements=unit[[0, 0]], propositions=unit[[1]], owners=np.array([0]),
                         questions=unit[[2]], question_owners=np.array([1]))
    assert vectors.similarity([0, 0, 1]).tolist() == [0.0, 1.0]  # entry 1 by its question only
    assert vectors.similarity([0, 1, 0]).tolist() == [1.0, 0.0]  # entry 0 by its proposition


def test_a_detail_is_said_only_when_asked(tmp_path):
    from kb.compose.entries import UNASKED_MALUS, score_entries
    from kb.compose.query import read_query

    detail = _map(tmp_path, '["Qui notifie ?"]', "\n  detail: true")
    query = read_query("Qui notifie la CNIL ?", detail.topics, frozenset())
    unasked = score_entries(query, detail, [], {})[0].score
    asked = score_entries(query, detail, [], {}, asked=frozenset({"violation-medecin-notifie"}))[0].score
    assert detail.entries[0].detail and asked - unasked == pytest.approx(UNASKED_MALUS)


def test_a_detail_flag_that_is_not_a_boolean_fails_naming_the_entry(tmp_path):
    with pytest.raises(CorpusError, match="violation-medecin-notifie.*detail"):
        _map(tmp_path, '["Qui notifie ?"]', "\n  detail: parfois")


def test_an_entry_is_left_out_when_the_question_says_a_word_it_never_answers(tmp_path):
    from kb.compose.entries import score_entries
    from kb.compose.query import read_query

    ruled = _map(tmp_path, '["Qui notifie ?"]', "\n  not_when: [décédé, \"est mort\"]")
    assert ruled.entries[0].not_when == ("décédé", "est mort")

    def ids(question: str) -> list[str]:
        return [s.entry.id for s in score_entries(read_query(question, ruled.topics, frozenset()), ruled, [], {})]

    assert ids("Qui notifie la CNIL ?") == ["violation-medecin-notifie"]
    assert ids("Mon patient est DÉCÉDÉ : qui notifie la CNIL ?") == []


def test_a_word_that_keeps_the_entry_lifts_its_exclusion(tmp_path):
    from kb.compose.entries import score_entries
    from kb.compose.query import read_query

    kept = _map(tmp_path, '["Qui notifie ?"]', '\n  not_when: ["hébergeur hds"]\n  not_when_unless: ["pas certifié"]')
    assert kept.entries[0].not_when_unless == ("pas certifié",)

    def ids(question: str) -> list[str]:
        return [s.entry.id for s in score_entries(read_query(question, kept.topics, frozenset()), kept, [], {})]

    assert ids("Fuite chez notre hébergeur HDS : qui notifie la CNIL ?") == []
    assert ids("Notre hébergeur HDS sous-traite à un cloud pas certifié : qui notifie la CNIL ?") == [
        "violation-medecin-notifie"]
    with pytest.raises(CorpusError, match="violation-medecin-notifie.*not_when_unless"):
        _map(tmp_path / "alone", '["Qui notifie ?"]', '\n  not_when_unless: ["pas certifié"]')


def test_a_story_that_tells_what_makes_the_entry_the_answer_raises_it(tmp_path):
    from kb.compose.entries import TOLD_WEIGHT, score_entries
    from kb.compose.query import read_query

    told = _map(tmp_path / "told", '["Qui notifie ?"]', '\n  told_when: ["hébergeur de mon éditeur"]')
    assert told.entries[0].told_when == ("hébergeur de mon éditeur",)
    plain = _map(tmp_path / "plain", '["Qui notifie ?"]')

    def score(question: str, responsibilities=told) -> float:
        query = read_query(question, responsibilities.topics, frozenset())
        return score_entries(query, responsibilities, [], {})[0].score

    # folded like the question: accents and capitals typed or not
    question = "Fuite chez l'HEBERGEUR de mon editeur : que faire ?"
    assert score(question) - score(question, plain) == pytest.approx(TOLD_WEIGHT)
    question = "Fuite chez l'hébergeur de mon cabinet : que faire ?"
    assert score(question) == pytest.approx(score(question, plain))
    with pytest.raises(CorpusError, match="violation-medecin-notifie.*told_when"):
        _map(tmp_path / "bad", '["Qui notifie ?"]', '\n  told_when: "hébergeur de mon éditeur"')


def test_a_story_tells_on_a_provider_s_entry_only_when_it_names_that_provider(tmp_path):
    from kb.compose.entries import TOLD_WEIGHT, score_entries
    from kb.compose.query import read_query

    def vendor(root, extra: str = ""):
        return _load(root, f"""- id: sous-traitance-editeur-instructions
  topic: violation
  actor: editeur{extra}
  statement: "L'éditeur ne traite les données que sur instruction du médecin."
  basis:
    - chunk: rgpd-art-33#1
      quote: "en notifie la violation"
""")

    told, plain = vendor(tmp_path / "told", '\n  told_when: ["jamais rien autorisé"]'), vendor(tmp_path / "plain")

    def raised(question: str) -> float:
        return (score_entries(read_query(question, told.topics, frozenset()), told, [], {})[0].score
                - score_entries(read_query(question, plain.topics, frozenset()), plain, [], {})[0].score)

    assert raised("Mon éditeur a montré mes dossiers à un salon. Je n'ai jamais rien autorisé de tel.") == \
        pytest.approx(TOLD_WEIGHT)
    assert raised("Ma secrétaire a montré des dossiers à sa sœur. Je n'ai jamais rien autorisé de tel.") == 0


def test_an_entry_that_needs_a_word_is_left_out_when_the_question_does_not_say_it(tmp_path):
    from kb.compose.entries import score_entries
    from kb.compose.query import read_query

    needing = _map(tmp_path, '["Qui notifie ?"]', "\n  only_when: [décédé, \"ayants droit\"]")
    assert needing.entries[0].only_when == ("décédé", "ayants droit")

    def ids(question: str) -> list[str]:
        return [s.entry.id for s in score_entries(read_query(question, needing.topics, frozenset()), needing, [], {})]

    assert ids("Qui notifie la CNIL ?") == []
    assert ids("Mon patient est décédé : qui notifie la CNIL ?") == ["violation-medecin-notifie"]
    with pytest.raises(CorpusError, match="violation-medecin-notifie.*only_when"):
        _map(tmp_path / "malformed", '["Qui notifie ?"]', "\n  only_when: décès")


def test_an_opening_states_its_verdict_and_the_condition_the_law_puts_on_it(tmp_path):
    loaded = _map(tmp_path, '["Qui notifie ?"]', '\n  openings: {oui: "Oui, sauf si la violation est sans risque"}')
    assert loaded.entries[0].opening("oui") == "Oui, sauf si la violation est sans risque"
    assert loaded.entries[0].opening("depend") is None


@pytest.mark.parametrize("openings", [
    '{oui: "Oui, bien sûr"}',  # no condition
    '{oui: "Non, sauf si la violation est sans risque"}',  # not the verdict it opens
    '{peut-etre: "Oui, si la violation est grave"}',  # no such verdict
    '"Oui, si la violation est grave"',  # not per verdict
])
def test_an_opening_without_its_verdict_or_condition_fails_naming_the_entry(tmp_path, openings):
    with pytest.raises(CorpusError, match="violation-medecin-notifie.*openings"):
        _map(tmp_path, '["Qui notifie ?"]', f"\n  openings: {openings}")


def test_a_depend_proposition_may_say_which_way_the_rule_leans(tmp_path):
    answers = ('\n  answers:\n    - {proposition: "Dois-je écrire à mes patients ?", verdict: depend, '
               'opening: "Oui, si la violation présente un risque élevé"}\n'
               '    - {proposition: "Dois-je notifier la CNIL ?", verdict: oui}')
    loaded = _map(tmp_path, '["Qui notifie ?"]', answers)
    assert [(p.verdict, p.opening) for p in loaded.entries[0].answers] == [
        ("depend", "Oui, si la violation présente un risque élevé"), ("oui", "")]
    assert loaded.entries[0].opening("depend") is None  # the proposition's, not the entry's


@pytest.mark.parametrize("answer", [
    '{proposition: "Dois-je notifier la CNIL ?", verdict: oui, opening: "Oui, si la violation est grave"}',
    '{proposition: "Dois-je écrire à mes patients ?", verdict: depend, opening: "Oui, bien sûr"}',
])
def test_a_proposition_opening_on_a_firm_verdict_or_without_condition_fails_naming_the_entry(tmp_path, answer):
    with pytest.raises(CorpusError, match="violation-medecin-notifie.*opening"):
        _map(tmp_path, '["Qui notifie ?"]', f"\n  answers:\n    - {answer}")


def test_a_broken_condition_opens_with_non_and_says_which_condition(tmp_path):
    loaded = _map(tmp_path, '["Qui notifie ?"]', "\n  fails_when:\n    - {words: [aucune donnée], "
                  'opening: "Non, pas si la violation est sans risque"}')
    assert [(f.words, f.opening) for f in loaded.entries[0].fails_when] == [
        (("aucune donnée",), "Non, pas si la violation est sans risque")]
    # an exemption that lapses (the data were not encrypted) says no verdict: no opening
    loaded = _map(tmp_path / "exemption", '["Qui notifie ?"]', "\n  fails_when:\n    - {words: [pas chiffrée]}")
    assert [(f.words, f.opening) for f in loaded.entries[0].fails_when] == [(("pas chiffrée",), "")]


@pytest.mark.parametrize("instead", ["violation-medecin-inconnue", "violation-medecin-notifie"])  # or itself
def test_a_broken_condition_naming_an_unknown_entry_instead_fails_naming_the_entry(tmp_path, instead):
    with pytest.raises(CorpusError, match=f"violation-medecin-notifie.*instead.*{instead}"):
        _map(tmp_path, '["Qui notifie ?"]', "\n  fails_when:\n    - {words: [aucune donnée], "
             f'opening: "Non, pas si la violation est sans risque", instead: {instead}}}')


@pytest.mark.parametrize("fails_when", [
    '[{words: [aucune donnée], opening: "Oui, sauf si la violation est sans risque"}]',  # not « Non »
    '[{words: [aucune donnée], opening: "Non, bien sûr"}]',  # no condition
    '[{words: [], opening: "Non, pas si la violation est sans risque"}]',  # no words
    '[{words: aucune donnée, opening: "Non, pas si la violation est sans risque"}]',  # words not a list
    '{words: [aucune donnée], opening: "Non, pas si la violation est sans risque"}',  # not a list
])
def test_a_broken_condition_without_words_or_its_non_fails_naming_the_entry(tmp_path, fails_when):
    with pytest.raises(CorpusError, match="violation-medecin-notifie.*fails_when"):
        _map(tmp_path, '["Qui notifie ?"]', f"\n  fails_when: {fails_when}")


def test_a_not_when_that_is_not_a_list_of_words_fails_naming_the_entry(tmp_path):
    with pytest.raises(CorpusError, match="violation-medecin-notifie.*not_when"):
        _map(tmp_path, '["Qui notifie ?"]', "\n  not_when: décès")


def _breach_map(root, then: str, detail: str = "false", more: str = ""):
    """A definition that triggers a duty (`then`): the question matches the first only. `more`: other entries."""
    return _load(root, f"""- id: violation-medecin-definition
  topic: violation
  actor: medecin
  detail: {detail}
  then: {then}
  statement: "Un ordinateur volé avec des dossiers est une violation de données."
  basis:
    - chunk: rgpd-art-33#1
      quote: "la violation"
- id: violation-medecin-notifie
  topic: violation
  actor: medecin
  statement: "Le médecin notifie à la CNIL."
  basis:
    - chunk: rgpd-art-33#1
      quote: "en notifie la violation"
{more}""")


def test_an_entry_brings_what_it_triggers_just_under_it_marked_as_following(tmp_path):
    from kb.compose.entries import THEN_GAP, score_entries, word_weights
    from kb.compose.query import read_query

    linked = _breach_map(tmp_path, "[violation-medecin-notifie]")
    query = read_query("On m'a volé l'ordinateur avec les dossiers, que faire ?", linked.topics, frozenset())
    weights = word_weights(linked.entries)
    definition, duty = score_entries(query, linked, [], weights)
    assert (definition.entry.id, duty.entry.id) == ("violation-medecin-definition", "violation-medecin-notifie")
    assert duty.follows and not definition.follows
    assert duty.score == pytest.approx(definition.score - THEN_GAP, abs=2e-3)
    alone = {s.entry.id: s for s in score_entries(query, _breach_map(tmp_path / "b", "[]"), [], weights)}
    assert alone["violation-medecin-notifie"].score < duty.score and not alone["violation-medecin-notifie"].follows


def test_what_a_follower_triggers_follows_in_turn_a_step_lower_and_a_cycle_ends():
    from kb.compose.entries import THEN_GAP, _with_what_follows
    from kb.responsibilities import MapEntry

    def entry(entry_id: str, *then: str) -> MapEntry:
        return MapEntry(entry_id, "violation", "medecin", "", f"Énoncé {entry_id}.", (), then=then)

    host = entry("hebergeur-previent", "medecin-notifie")
    notify = entry("medecin-notifie", "medecin-informe", "hebergeur-previent")  # a cycle back to the host
    inform = entry("medecin-informe")
    scored = {s.entry.id: s for s in _with_what_follows([(host, 3.0, 3.0), (notify, 0.5, 0.5), (inform, 0.2, 0.2)])}
    assert scored["medecin-notifie"].score == pytest.approx(3.0 - THEN_GAP, abs=2e-3)
    assert scored["medecin-informe"].score == pytest.approx(3.0 - 2 * THEN_GAP, abs=4e-3)
    assert scored["medecin-informe"].follows and not scored["hebergeur-previent"].follows


@pytest.mark.parametrize("holds_when, why", [
    ("{words: [chiffré], instead_of: violation-medecin-inconnue}", "holds_when.*violation-medecin-inconnue"),
    ("{words: [chiffré], instead_of: violation-medecin-notifie}", "holds_when.*violation-medecin-notifie"),  # itself
    ("{instead_of: violation-medecin-notifie}", "holds_when"),
    ("[chiffré]", "holds_when"),
])
def test_an_exemption_holding_a_bad_duty_or_no_words_fails_naming_the_entry(tmp_path, holds_when, why):
    with pytest.raises(CorpusError, match=f"violation-medecin-notifie.*{why}"):
        _map(tmp_path, '["Qui notifie ?"]', f"\n  holds_when: {holds_when}")


def test_a_broken_condition_names_the_entry_that_holds_instead(tmp_path):
    loaded = _breach_map(tmp_path, "[]", more="""- id: violation-medecin-dispense
  topic: violation
  actor: medecin
  statement: "Le médecin n'informe pas les patients si les données étaient chiffrées."
  fails_when:
    - words: [pas chiffrées]
      opening: "Non, pas si les données n'étaient pas chiffrées"
      instead: violation-medecin-notifie
  basis:
    - chunk: rgpd-art-33#1
      quote: "la violation"
""")
    assert [(f.opening, f.instead) for f in loaded.get("violation-medecin-dispense").fails_when] == [
        ("Non, pas si les données n'étaient pas chiffrées", "violation-medecin-notifie")]


def test_an_incident_told_brings_the_duties_its_qualification_triggers_under_the_best_incident_entry(tmp_path):
    from kb.compose.entries import THEN_GAP, score_entries, word_weights
    from kb.compose.query import read_query

    linked = _breach_map(tmp_path, "[violation-medecin-notifie]", detail="true", more="""- id: violation-medecin-informe
  topic: violation
  actor: medecin
  statement: "Le médecin prévient les patients touchés par la fuite."
  basis:
    - chunk: rgpd-art-33#1
      quote: "la violation"
""")
    weights = word_weights(linked.entries)

    def scored(question: str) -> dict:
        query = read_query(question, linked.topics, frozenset())
        return {s.entry.id: s for s in score_entries(query, linked, [], weights)}, query.incident

    told, incident = scored("Une fuite a eu lieu au cabinet. Qui prévient les patients touchés ?")
    assert incident and told["violation-medecin-notifie"].follows
    assert told["violation-medecin-notifie"].score == pytest.approx(
        told["violation-medecin-informe"].score - THEN_GAP, abs=2e-3)
    asked, incident = scored("Qui prévient les patients touchés par une fuite ?")  # nothing told
    assert not incident and not asked["violation-medecin-notifie"].follows


def test_then_naming_an_unknown_entry_fails_naming_the_entry(tmp_path):
    with pytest.raises(CorpusError, match="violation-medecin-definition.*then.*violation-medecin-inconnue"):
        _breach_map(tmp_path, "[violation-medecin-inconnue]")


def test_a_rule_a_decision_holds_is_not_penalised_like_the_story_of_a_decision(tmp_path):
    from kb.compose.entries import DECISION_MALUS, score_entries
    from kb.compose.query import read_query
    from kb.types import Chunk

    fiche = Chunk("fiche-ce-2022-07-22-449694#en-bref", "fiche-ce-2022-07-22-449694", "Fiche CE", "En bref", (),
                  "le médecin n'avait pas à notifier", 0, 33, "https://www.legifrance.gouv.fr", "2022", "complete",
                  "fiche")

    def scored(flag: str) -> float:
        loaded = _load(tmp_path / ("rule" if flag else "story"), f"""- id: violation-medecin-exception
  topic: violation
  actor: medecin{flag}
  statement: "Le médecin n'a pas à notifier une violation que la CNIL lui a signalée."
  basis:
    - chunk: fiche-ce-2022-07-22-449694#en-bref
      quote: "n'avait pas à notifier"
""", [fiche])
        return score_entries(read_query("Dois-je notifier ?", loaded.topics, frozenset()), loaded, [], {})[0].score

    assert scored("\n  case_law: true") - scored("") == pytest.approx(DECISION_MALUS)


@pytest.mark.parametrize("question, regime", [
    ("Côté pénal, qu'est-ce que je risque ?", "sanctions-penales"),
    ("Jusqu'à combien la CNIL peut-elle me sanctionner ?", "sanctions-cnil"),
    ("Que risque-t-il, au pénal comme devant la CNIL ?", None),
    ("Que risque mon hébergeur ?", None),
    ("À part une amende CNIL, puis-je aussi être poursuivi au pénal ?", "sanctions-penales"),  # set aside
    ("Apart from criminal charges, what fine can the CNIL impose?", "sanctions-cnil"),
])
def test_the_one_regime_a_question_names_puts_the_other_regime_s_sanctions_behind(question, regime):
    from kb.compose.entries import REGIME_MALUS, score_entries
    from kb.compose.query import read_query
    from kb.responsibilities import MapEntry, ResponsibilityMap

    penal, fine = (MapEntry(f"{topic}-medecin", topic, "medecin", "", "Énoncé.", ())
                   for topic in ("sanctions-penales", "sanctions-cnil"))
    query = read_query(question, {}, frozenset())
    assert query.regime == regime
    scores = {s.entry.id: s.score for s in score_entries(query, ResponsibilityMap({}, (penal, fine)), [], {})}
    lead = {None: 0.0, "sanctions-penales": REGIME_MALUS, "sanctions-cnil": -REGIME_MALUS}[regime]
    assert scores[penal.id] - scores[fine.id] == pytest.approx(lead)  # the regime named leads by the malus


def test_joint_controllership_is_said_only_when_the_question_speaks_of_associates():
    from kb.compose.entries import UNASKED_MALUS, score_entries
    from kb.compose.query import read_query
    from kb.responsibilities import MapEntry, ResponsibilityMap

    from kb.responsibilities import Basis

    joint = MapEntry("roles-medecin-conjoints", "roles", "medecin", "responsable conjoint",
                     "Les associés qui décident ensemble sont responsables conjoints.",
                     (Basis("rgpd-art-26#1", "responsables conjoints", 0, 1),))
    alone = ResponsibilityMap({}, (joint,))

    def score(question: str) -> float:
        return score_entries(read_query(question, {}, frozenset()), alone, [], {})[0].score

    providers = score("Mon éditeur et moi, sommes-nous responsables du traitement ?")
    associates = score("Mes associés et moi, sommes-nous responsables du traitement ?")
    assert associates - providers == pytest.approx(UNASKED_MALUS)


def test_a_decision_recalled_by_its_party_leads_and_other_decisions_stories_fall_behind():
    from kb.compose.entries import DECISION_MALUS, NAMED_WEIGHT, score_entries
    from kb.compose.query import read_query
    from kb.responsibilities import Basis, MapEntry, ResponsibilityMap

    def story(decision: str) -> MapEntry:
        return MapEntry(f"sanctions-cnil-editeur-{decision}", "sanctions-cnil", "editeur", "",
                        "La CNIL a sanctionné l'éditeur.", (Basis(f"fiche-cnil-{decision}#en-bref", "sanctionné", 0, 1),))

    dedalus, cegedim = story("SAN-2022-009"), story("SAN-2024-013")
    stories = ResponsibilityMap({}, (dedalus, cegedim))

    fiches = {f"fiche-cnil-{d}": (f"cnil-{d}",) for d in ("SAN-2022-009", "SAN-2024-013")}  # what each summarises

    def scores(question: str) -> dict[str, float]:
        query = read_query(question, {}, frozenset(), fiches=fiches)
        return {s.entry.id: s.score for s in score_entries(query, stories, [], {})}

    recalled = scores("Un éditeur peut-il être sanctionné directement, comme Dedalus ?")
    assert recalled[dedalus.id] - recalled[cegedim.id] == pytest.approx(NAMED_WEIGHT + DECISION_MALUS)
    anonymous = scores("Un éditeur peut-il être sanctionné directement ?")
    assert anonymous[dedalus.id] == pytest.approx(anonymous[cegedim.id])


def test_a_named_text_leads_without_silencing_the_entry_that_answers_and_an_unmeant_number_is_left_out():
    from kb.compose.entries import ScoredEntry, relevant
    from kb.responsibilities import Basis, MapEntry

    def scored(entry_id: str, chunk_id: str) -> ScoredEntry:
        entry = MapEntry(entry_id, "hds", "medecin", "", "Énoncé.", (Basis(chunk_id, "x", 0, 1),))
        return ScoredEntry(entry, 2.0, False)

    certificate = scored("hds-hebergeur-certificat", "csp-L1111-8#II")
    own_server = scored("hds-medecin-hebergement-au-cabinet", "csp-R1111-8-8#I")
    on_call = scored("permanence-des-soins", "csp-L1110-4-1#al1")
    named = {"csp-L1111-8"}
    assert relevant([certificate, own_server], named) == [certificate, own_server]
    assert relevant([own_server], named) == []  # L1111-8 is answered from its own text
    assert relevant([certificate, on_call], named, frozenset({"csp-L1110-4-1"})) == [certificate]


def test_a_rare_word_the_question_shares_with_a_proposition_outweighs_common_ones():
    # equally close in meaning; « seul » is rare in the map, « patients » and « cabinet » are everywhere: by plain
    # word counts the second proposition would win (3 of 4 words shared against 2 of 4)
    from kb.responsibilities import MapEntry, Proposition

    alone = Proposition("Seul, une AIPD ?", "non")
    generic = Proposition("Une AIPD pour les patients du cabinet ?", "depend")
    entry = MapEntry("aipd-medecin", "aipd", "medecin", "", "Énoncé.", (), answers=(alone, generic))
    ranked = _ranked_alike("Seul au cabinet, dois-je faire une AIPD pour mes patients ?", entry,
                           {"seul": 3.0, "aipd": 0.2, "patient": 0.2, "cabinet": 0.2})
    assert ranked == [alone, generic]


def _ranked_alike(question: str, entry, word_weights: dict[str, float]) -> list:
    """The entry's two propositions as rank_propositions orders them when both are equally close in meaning to
    the question: only the words and the people they name decide."""
    import numpy as np

    from kb.compose.entries import MapVectors, rank_propositions
    from kb.compose.query import read_query
    from kb.responsibilities import ResponsibilityMap

    same = np.ones((2, 2), dtype=np.float32) / np.sqrt(2)
    vectors = MapVectors(statements=same[:1], propositions=same, owners=np.array([0, 0]), questions=same[:0],
                         question_owners=np.array([], dtype=int), word_weights=word_weights)
    ranked = rank_propositions(read_query(question, {}, frozenset()), ResponsibilityMap({}, (entry,)), vectors,
                               same[0])
    return [p for _, p, _ in ranked]


def test_a_question_asked_of_the_host_is_not_asked_by_a_proposition_about_the_asker():
    """« l'hébergeur… est-il responsable du traitement au même titre que moi ? » asks of the host, not « suis-je… ? »;
    an impersonal « faut-il… ? » asks of nobody."""
    from kb.responsibilities import MapEntry, Proposition

    asker = Proposition("Mon logiciel est chez un hébergeur HDS : suis-je responsable du traitement ?", "oui")
    host = Proposition("Mon hébergeur HDS est-il responsable du traitement ?", "non")
    entry = MapEntry("roles", "roles", "medecin", "", "Énoncé.", (), answers=(asker, host))
    assert _ranked_alike("L'hébergeur HDS de mon logiciel est-il responsable du traitement au même titre que moi ?",
                         entry, {})[0] == host
    assert _ranked_alike("Mon logiciel est chez un hébergeur HDS : faut-il que je reste responsable du traitement ?",
                         entry, {})[0] == asker


def test_the_asker_s_own_refusal_is_not_the_patient_s_right_to_object():
    from kb.responsibilities import MapEntry, Proposition

    patient = Proposition("Un patient peut-il refuser que son dossier change d'hébergeur ?", "depend")
    provider = Proposition("Un éditeur peut-il changer d'hébergeur pour un cloud non certifié ?", "non")
    entry = MapEntry("hds", "hds", "editeur", "", "Énoncé.", (), answers=(patient, provider))
    told = "Mon éditeur va déplacer mes dossiers patients vers un cloud non certifié."
    assert _ranked_alike(f"{told} Je peux refuser ?", entry, {})[0] == provider
    assert _ranked_alike(f"{told} Un patient peut-il refuser ?", entry, {})[0] == patient


def test_a_question_about_the_secretary_is_not_asked_by_a_proposition_about_the_vendor():
    from kb.responsibilities import MapEntry, Proposition

    vendor = Proposition("Mon éditeur peut-il accéder aux dossiers de mes patients ?", "depend")
    secretary = Proposition("Ma secrétaire peut-elle consulter les dossiers des patients ?", "oui")
    entry = MapEntry("acces", "securite", "medecin", "", "Énoncé.", (), answers=(vendor, secretary))
    assert _ranked_alike("Ma secrétaire peut-elle accéder aux dossiers médicaux ?", entry, {})[0] == secretary
    both = "Ma secrétaire et mon éditeur peuvent-ils accéder aux dossiers ?"  # the vendor named: no one else
    assert _ranked_alike(both, entry, {"editeur": 1.0})[0] == vendor


def test_an_incident_s_qualification_comes_with_the_duties_it_triggers_however_little_it_matches():
    from kb.compose.entries import MIN_SCORE, ScoredEntry, relevant
    from kb.responsibilities import MapEntry

    qualification = MapEntry("violation-definition", "violation", "medecin", "", "Énoncé.", (), detail=True,
                             then=("violation-notifie",))
    notify = ScoredEntry(MapEntry("violation-notifie", "violation", "medecin", "", "Énoncé.", ()), 2.0)
    low = ScoredEntry(qualification, MIN_SCORE / 4)
    other = ScoredEntry(MapEntry("securite", "securite", "medecin", "", "Énoncé.", ()), 2.0)
    assert relevant([notify, low]) == [notify, low]
    assert relevant([other, low]) == [other]  # without its duties, it is no answer
    weak = ScoredEntry(MapEntry("weak", "violation", "medecin", "", "Énoncé.", (), then=("violation-notifie",)),
                       MIN_SCORE / 4)
    assert relevant([notify, weak]) == [notify]  # an entry that is no qualification still needs MIN_SCORE


@pytest.mark.parametrize("punishes, why", [
    ('\n  punishes: "rgpd-art-32"', "punishes"),  # not a list
    ('\n  punishes: ["article 32"]', "punishes"),  # not a text's id
    ('\n  punishes: ["rgpd-art-32"]', "sanction"),  # a duty punishes nothing
])
def test_a_cap_s_scope_is_a_list_of_text_ids_on_a_sanction_or_fails_naming_the_entry(tmp_path, punishes, why):
    with pytest.raises(CorpusError, match=f"violation-medecin-notifie.*{why}"):
        _map(tmp_path, '["Qui notifie ?"]', punishes)


def _capped(entry_id: str, topic: str, actor: str, score: float, documents: tuple[str, ...],
            punishes: tuple[str, ...] = ()):
    from kb.compose.entries import ScoredEntry
    from kb.responsibilities import Basis, MapEntry
    basis = tuple(Basis(f"{d}#1", "x", 0, 1) for d in documents)
    return ScoredEntry(MapEntry(entry_id, topic, actor, "", f"Énoncé {entry_id}.", basis, punishes=punishes), score)


SECURITY_CAP = ("rgpd-art-32", "rgpd-art-33")  # art. 83 § 4, in short
PRINCIPLES_CAP = ("rgpd-art-5", "rgpd-art-9")  # art. 83 § 5, in short


def test_the_cap_said_is_the_one_that_punishes_the_failure_at_stake():
    from kb.compose.entries import fitting_caps

    def kept(duty_documents: tuple[str, ...], duty_score: float = 2.0, named=frozenset()) -> list[str]:
        entries = [_capped("plafond-10", "sanctions-cnil", "medecin", 2.2, ("rgpd-art-83",), SECURITY_CAP),
                   _capped("duty", "securite", "medecin", duty_score, duty_documents),
                   _capped("plafond-20", "sanctions-cnil", "medecin", 1.8, ("rgpd-art-83",), PRINCIPLES_CAP),
                   _capped("hote-10", "sanctions-cnil", "hebergeur", 1.7, ("rgpd-art-83",), SECURITY_CAP)]
        return [s.entry.id for s in fitting_caps(entries, named) if s.entry.punishes]

    assert kept(("rgpd-art-32",)) == ["plafond-10", "hote-10"]  # a security failure: not the 20 million cap
    assert kept(("rgpd-art-9",)) == ["plafond-20", "hote-10"]  # health data processed unlawfully: 20 million
    assert kept(("csp-L1111-8",)) == ["plafond-10", "plafond-20", "hote-10"]  # no cap punishes it: both said
    # a duty matched far less well than the best entry tells no failure (the corpus has no duty for what is asked)
    assert kept(("rgpd-art-32",), duty_score=1.0) == ["plafond-10", "plafond-20", "hote-10"]
    # a question naming art. 83 asks about every cap
    assert kept(("rgpd-art-32",), named=frozenset({"rgpd-art-83"})) == ["plafond-10", "plafond-20", "hote-10"]
    # …unless it also names the failure: « défaut de sécurité (article 32)… d'après l'article 83 ? »
    assert kept(("csp-L1111-8",), named=frozenset({"rgpd-art-83", "rgpd-art-32"})) == ["plafond-10", "hote-10"]
    assert kept(("rgpd-art-32",), named=frozenset({"rgpd-art-9"})) == ["plafond-20", "hote-10"]


def test_a_duty_both_providers_owe_on_the_same_passages_is_filed_under_one_topic(engine):
    """The vendor's and the host's help with the DPIA (art. 28 § 3 f) answer the same questions: filed apart, one of
    them would leave the réponse's rows with its topic."""
    owed: dict[frozenset[str], list] = {}
    for entry in engine.map.entries:
        if entry.actor in ("editeur", "hebergeur"):
            owed.setdefault(frozenset(b.chunk_id for b in entry.basis), []).append(entry)
    pairs = [entries for entries in owed.values() if {e.actor for e in entries} == {"editeur", "hebergeur"}]
    assert len(pairs) >= 10
    assert [[(e.id, e.topic) for e in entries] for entries in pairs if len({e.topic for e in entries}) > 1] == []


def test_every_entry_with_propositions_has_them_in_french_and_in_english(engine):
    """An English question finds the verdicts of every entry in its own language, as a French one does."""
    from kb.spelling import is_english

    one_language = [e.id for e in engine.map.entries if e.answers
                    and len({is_english(p.text) for p in e.answers}) == 1]
    assert one_language == []


def test_a_map_text_in_the_other_language_than_the_question_s_counts_less():
    import numpy as np

    from kb.compose.entries import LANGUAGE_MALUS, MapVectors

    same = np.ones((2, 2), dtype=np.float32) / np.sqrt(2)  # a French proposition and its English twin, alike
    vectors = MapVectors(statements=same[:1] * 0, propositions=same, owners=np.array([0, 0]), questions=same[:0],
                         question_owners=np.array([], dtype=int), propositions_english=np.array([False, True]),
                         questions_english=np.array([], dtype=bool))
    english, french = vectors.proposition_similarity(same[0], True), vectors.proposition_similarity(same[0], False)
    assert english[1] - english[0] == pytest.approx(LANGUAGE_MALUS)
    assert french[0] - french[1] == pytest.approx(LANGUAGE_MALUS)
    assert vectors.proposition_similarity(same[0]).tolist() == pytest.approx([1.0, 1.0])  # language unsaid
    assert vectors.similarity(same[0], True).tolist() == pytest.approx([1.0])  # the entry: its best text
