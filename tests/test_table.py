"""« Qui fait quoi » from scored map entries: rows for the actors asked, on the réponse's topics (or nearly as
good as the best), then what the actor risks (under each regime when sanctions are asked, else only for a duty
said; none after a réponse opening on a penalty of its own regime); nothing the réponse already said; a provider the
réponse makes a controller is not called a processor in its row; an incident's qualification opens its row when the
réponse says the duties it triggers, in the place of the last duty of a full cell; what the réponse's first sentence
triggers joins its row on any topic, and so does what a later sentence of the same actor triggers, except to « qui ?
»; a thin row takes the actor's next entries among the answer's best, except to « qui ? » without a story; a
decision's story nobody asked about never fills a row."""

from __future__ import annotations

from kb.compose.entries import ScoredEntry
from kb.compose.query import read_query
from kb.compose.table import ROW_MAX, table, table_actors
from kb.responsibilities import Basis, MapEntry


def _scored(entry_id: str, topic: str, actor: str, score: float, then: tuple[str, ...] = ()) -> ScoredEntry:
    return ScoredEntry(MapEntry(entry_id, topic, actor, "", f"Énoncé {entry_id}.", (), then=then), score)


ENTRIES = [
    _scored("notifie-cnil", "violation", "medecin", 3.0, then=("amende",)),  # in the réponse
    _scored("informe-patients", "violation", "medecin", 2.8),
    _scored("chiffre", "securite", "medecin", 2.6),  # another topic, not nearly as good as the best: not in the row
    _scored("documente", "violation", "medecin", 2.5),
    _scored("amende", "sanctions-cnil", "medecin", 2.0),
    _scored("contenu-notification", "violation", "medecin", 2.1),
    _scored("previent-medecin", "violation", "hebergeur", 2.9),
    _scored("penal-faible", "sanctions-penales", "hebergeur", 0.5),  # under the floor
]


def _q(text: str):
    return read_query(text, {}, frozenset())


def test_a_row_stays_on_the_reponses_topics_then_says_what_the_actor_risks():
    rows = table(_q("Après une fuite, que dois-je faire ?"), ENTRIES, ["notifie-cnil"])
    ids = [s.entry.id for s in rows["medecin"]]
    assert ids == ["informe-patients", "documente", "contenu-notification"][:ROW_MAX] + ["amende"]
    assert "chiffre" not in ids and "notifie-cnil" not in ids
    untriggered = [_scored("notifie-cnil", "violation", "medecin", 3.0)] + ENTRIES[1:]
    rows = table(_q("Après une fuite, que dois-je faire ?"), untriggered, ["notifie-cnil"])
    assert "amende" not in [s.entry.id for s in rows["medecin"]]  # a penalty for no duty said is not asked


def test_what_the_reponse_would_say_next_keeps_its_place_in_its_row_on_another_topic():
    rows = table(_q("Après une fuite, que dois-je faire ?"), ENTRIES, ["notifie-cnil"], {"chiffre"})
    assert [s.entry.id for s in rows["medecin"]][:2] == ["informe-patients", "chiffre"]  # by score, on any topic


def test_an_entry_nearly_as_good_as_the_best_joins_its_row_whatever_its_topic():
    close = ENTRIES[:2] + [_scored("chiffre", "securite", "medecin", 0.9 * 3.0)] + ENTRIES[3:]
    rows = table(_q("Après une fuite, que dois-je faire ?"), close, ["notifie-cnil"])
    assert [s.entry.id for s in rows["medecin"]][:2] == ["informe-patients", "chiffre"]


def test_a_thin_row_takes_the_actor_s_next_entry_among_the_answer_s_best_whatever_its_topic():
    entries = [_scored("notifie-cnil", "violation", "medecin", 3.0),
               _scored("previent-medecin", "violation", "hebergeur", 2.9),
               _scored("informe-patients", "violation", "medecin", 2.8),
               _scored("instructions", "sous-traitance", "hebergeur", 2.5),  # another topic, among the six best
               _scored("audit", "sous-traitance", "hebergeur", 2.4),
               _scored("amende", "sanctions-cnil", "hebergeur", 2.3),  # a penalty: not to fill a row
               _scored("chiffre", "securite", "medecin", 2.2),
               _scored("restitution", "conservation", "hebergeur", 2.1)]  # seventh: not among the best
    rows = table(_q("Mon hébergeur a eu une fuite : que faire ?"), entries, ["notifie-cnil"])
    assert [s.entry.id for s in rows["hebergeur"]] == ["previent-medecin", "instructions"]
    # not to « qui ? »: its rows stay on the réponse's topics
    rows = table(_q("Mon hébergeur a eu une fuite : qui prévient qui ?"), entries, ["notifie-cnil"])
    assert "instructions" not in [s.entry.id for s in rows["hebergeur"]]
    # but after a story, « qui est responsable de quoi ? » asks what each one answers for
    story = "Mon hébergeur a eu une fuite. Son technicien avait désactivé les journaux. Qui est responsable de quoi ?"
    rows = table(_q(story), entries, ["notifie-cnil"])
    assert [s.entry.id for s in rows["hebergeur"]][:2] == ["previent-medecin", "instructions"]  # then its risk
    # a row with two statements on the réponse's topics is not thin: it stays on them
    two = entries[:3] + [_scored("documente", "violation", "medecin", 2.7)] + entries[3:]
    rows = table(_q("Après une fuite, que dois-je faire ?"), two, ["notifie-cnil"])
    assert [s.entry.id for s in rows["medecin"]] == ["informe-patients", "documente"]


def test_a_reponse_opening_on_a_penalty_of_its_own_regime_gets_no_cnil_fine_in_the_row():
    entries = [_scored("penalite-referentiels", "referentiels", "editeur", 3.0),
               _scored("conformite-referentiels", "referentiels", "editeur", 2.9),
               _scored("amende-cnil", "sanctions-cnil", "editeur", 2.8)]
    query = _q("Que risque un éditeur qui ne respecte pas les référentiels ?")
    assert query.asks_sanctions
    rows = table(query, entries, ["penalite-referentiels"])
    assert [s.entry.id for s in rows["editeur"]] == ["conformite-referentiels"]
    security = [_scored("mesures-securite", "securite", "editeur", 3.0)] + entries[1:]
    rows = table(query, security, ["mesures-securite"])  # another topic first: the CNIL fine may follow
    assert "amende-cnil" in [s.entry.id for s in rows["editeur"]]


def test_what_the_reponses_first_sentence_triggers_joins_its_row_on_another_topic():
    entries = [_scored("previent-medecin", "violation", "hebergeur", 3.0, then=("aide-medecin",)),
               _scored("notifie-cnil", "violation", "medecin", 2.9),
               _scored("aide-medecin", "sous-traitance", "hebergeur", 2.2),  # not nearly as good as the best
               _scored("contrat-hebergement", "contrat-hebergement", "hebergeur", 2.1)]
    query = _q("Mon hébergeur a été piraté : qui prévient la CNIL ?")
    rows = table(query, entries, ["previent-medecin", "notifie-cnil"])
    assert [s.entry.id for s in rows["hebergeur"]] == ["aide-medecin"]
    # triggered by a later sentence of the réponse, it joins the row of that sentence's actor only, and not to « qui
    # ? », whose rows stay on the réponse's topics
    what_now = _q("Mon hébergeur a été piraté : que faut-il faire ?")
    later = table(what_now, entries, ["notifie-cnil", "previent-medecin"])
    assert [s.entry.id for s in later["hebergeur"]] == ["aide-medecin", "contrat-hebergement"]  # a thin row, filled
    later = table(query, entries, ["notifie-cnil", "previent-medecin"])
    assert "aide-medecin" not in [s.entry.id for s in later.get("hebergeur", [])]
    crossed = [_scored("previent-medecin", "violation", "hebergeur", 3.0),
               _scored("notifie-cnil", "violation", "medecin", 2.9, then=("aide-medecin",)),
               *(_scored(f"devoir-{n}", "violation", "medecin", 2.8 - n / 10) for n in range(4)),
               *entries[2:]]  # the host's next entry not among the six best: no thin row takes it
    later = table(what_now, crossed, ["previent-medecin", "notifie-cnil"])
    assert "aide-medecin" not in [s.entry.id for s in later.get("hebergeur", [])]


def test_an_incidents_qualification_opens_its_row_when_the_reponse_says_its_duties():
    qualification = ScoredEntry(MapEntry("definition", "violation", "medecin", "", "Une fuite est une violation.", (),
                                         detail=True, then=("notifie-cnil",)), 1.0)
    query = _q("Ma secrétaire a envoyé un courrier au mauvais patient. Dois-je prévenir la CNIL ?")
    room = ENTRIES[:2] + [qualification]
    assert [s.entry.id for s in table(query, room, ["notifie-cnil"])["medecin"]] == ["definition", "informe-patients"]
    # a full cell gives it the place of its last duty, and keeps what the actor risks
    full = table(query, ENTRIES + [qualification], ["notifie-cnil"])["medecin"]
    assert [s.entry.id for s in full] == ["definition", "informe-patients", "documente", "amende"]
    # nor is it said when the réponse says none of the duties it triggers
    untriggered = [_scored("informe-patients", "violation", "medecin", 3.0), ENTRIES[3], qualification]
    assert [s.entry.id for s in table(query, untriggered, ["informe-patients"])["medecin"]] == ["documente"]


def test_a_risk_under_the_floor_is_left_out_and_every_row_keeps_its_best():
    rows = table(_q("Qui doit prévenir la CNIL ?"), ENTRIES, ["notifie-cnil"])
    assert [s.entry.id for s in rows["hebergeur"]] == ["previent-medecin"]


def test_lui_ou_moi_gets_the_two_actors_named_and_a_who_question_the_doctor_and_the_actor_it_names():
    assert table_actors(_q("Mon hébergeur a été piraté : qui prévient la CNIL, lui ou moi ?"), ENTRIES) == [
        "medecin", "hebergeur"]
    assert table_actors(_q("Qui doit prévenir la CNIL ?"), ENTRIES) == ["medecin", "editeur", "hebergeur"]
    assert table_actors(_q("Après une fuite chez mon hébergeur, qui prévient la CNIL ?"), ENTRIES) == [
        "medecin", "hebergeur"]  # one actor named: that one and the doctor who asks


def test_a_row_that_already_says_what_the_actor_risks_gets_no_second_risk():
    entries = [_scored("amende-a", "sanctions-cnil", "medecin", 3.0),  # in the réponse
               _scored("amende-b", "sanctions-cnil", "medecin", 2.6),
               _scored("penal", "sanctions-penales", "medecin", 2.5)]
    rows = table(_q("Qui doit payer ?"), entries, {"amende-a"})
    assert [s.entry.id for s in rows["medecin"]] == ["amende-b"]


def test_when_sanctions_are_asked_a_row_says_what_the_actor_risks_under_each_regime():
    entries = [_scored("securite", "securite", "medecin", 3.0, then=("penal",)),  # in the réponse
               _scored("amende-a", "sanctions-cnil", "medecin", 2.6),
               _scored("amende-b", "sanctions-cnil", "medecin", 2.5),
               _scored("amende-c", "sanctions-cnil", "medecin", 2.4),
               _scored("penal", "sanctions-penales", "medecin", 2.2)]
    rows = table(_q("Je risque combien pour une faille de sécurité ?"), entries, {"securite"})
    assert [s.entry.id for s in rows["medecin"]] == ["amende-a", "amende-b", "amende-c", "penal"]
    rows = table(_q("Je risque combien si la CNIL me tombe dessus pour une faille de sécurité ?"), entries,
                 {"securite"})
    assert [s.entry.id for s in rows["medecin"]] == ["amende-a", "amende-b", "amende-c"]  # the regime named
    rows = table(_q("Que dois-je faire pour sécuriser le cabinet ?"), entries, {"securite"})
    assert [s.entry.id for s in rows["medecin"]] == ["penal"]  # not asked: the penalty for the duty said


def test_a_row_does_not_keep_a_weak_penalty_under_a_regime_the_reponse_already_gives_its_actor():
    entries = [_scored("heberge-sans-certificat", "sanctions-penales", "hebergeur", 3.0),  # in the réponse
               _scored("editeur-heberge-sans-certificat", "sanctions-penales", "editeur", 2.9),  # in the réponse
               _scored("editeur-sans-formalites", "sanctions-penales", "editeur", 1.0),  # under the floor
               _scored("hebergeur-securite", "sanctions-penales", "hebergeur", 2.5)]
    rows = table(_q("Que risque un prestataire qui héberge sans certificat ?"), entries,
                 {"heberge-sans-certificat", "editeur-heberge-sans-certificat"})
    assert "editeur" not in rows  # its penalty is in the réponse; a weaker one would be filler
    assert [s.entry.id for s in rows["hebergeur"]] == ["hebergeur-securite"]


def test_a_provider_the_reponse_makes_a_controller_is_not_called_a_processor_in_its_row():
    def role(entry_id: str, role_: str, score: float) -> ScoredEntry:
        return ScoredEntry(MapEntry(entry_id, "roles", "editeur", role_, f"Énoncé {entry_id}.", ()), score)
    entries = [role("reutilisation-responsable", "responsable du traitement", 3.0),
               role("sous-traitant", "sous-traitant", 2.9), role("pseudonymisees", "responsable du traitement", 2.5)]
    question = _q("Mon éditeur revend des études tirées de mes dossiers : qui est responsable ?")
    row = [s.entry.id for s in table(question, entries, {"reutilisation-responsable"})["editeur"]]
    assert row == ["pseudonymisees"]
    row = [s.entry.id for s in table(question, entries, {"sous-traitant"})["editeur"]]  # a processor may reuse
    assert row == ["reutilisation-responsable", "pseudonymisees"]


def test_a_duty_said_brings_the_same_actor_s_next_one_and_an_unasked_decision_never_fills_a_row():
    warn = _scored("violation-editeur-previent", "violation", "editeur", 2.3, then=("sous-traitance-editeur-aide",))
    helps = _scored("sous-traitance-editeur-aide", "sous-traitance", "editeur", 1.5)
    story = ScoredEntry(MapEntry("violation-editeur-dedalus", "violation", "editeur", "", "Dans l'affaire Dedalus…",
                                 (Basis("fiche-cnil-SAN-2022-009#les-faits", "x", 0, 1),)), 1.2)
    notify = _scored("violation-medecin-notifie", "violation", "medecin", 3.0)
    query = _q("Mon éditeur a eu une fuite, je dois faire quoi ?")
    rows = table(query, [notify, warn, helps, story], ["violation-medecin-notifie", "violation-editeur-previent"])
    assert [s.entry.id for s in rows["editeur"]] == ["sous-traitance-editeur-aide"]
    rows = table(query, [notify, warn, story], ["violation-medecin-notifie", "violation-editeur-previent"])
    assert "editeur" not in rows  # the story of Dedalus's FTP server is no duty of this vendor
    asked = _q("Quelles sanctions la CNIL a-t-elle déjà prononcées contre des éditeurs ?")
    shown = ["violation-medecin-notifie", "violation-editeur-previent"]
    assert [s.entry.id for s in table(asked, [notify, warn, story], shown)["editeur"]] == ["violation-editeur-dedalus"]
