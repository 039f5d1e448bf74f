"""The « Réponse »: what an entry triggers (`then`) is said right after it, even when it is another actor's duty or its
own match ranks it lower; a claim to confirm that denies the closest proposition gets the opposite verdict (the reason
given for it neither states nor denies it), a twin of opposite polarity does not withhold it; a question asking the very
act the proposition says done « sans » gets the opposite verdict; a verdict the law makes conditional opens with its
condition (« Oui, sauf si… ») and the statement after it in lower case (« Oui : à la fin… »); a choice gets no verdict;
the entry asked weighs how well it answers; the next sentences stay on the first one's topic when they match about as
well; a penalty nobody asked about is not said, first or after, and one asked (« que risque-t-il ? ») opens it; a
sentence resting only on passages already cited is not said; of two close propositions with other verdicts, the one
denying as the question does decides, or if both do, the one in the question's words; one decision's story is the
example, unless decisions are named; to « qui ? » of several actors, each one asked is said early when it scores near
the best, and to « qui ? » naming one provider the other one is not said; a vendor it makes a controller is not then
called a processor; a topic the question clearly names opens it, to « qui ? » too when the question names a role; a
story that breaks the entry's condition (the patient refused) gets « Non », with the entry that holds instead if one
does; asked whether one may refuse what someone
else may not do, « Oui »; asked whether one is exempt from a duty, its contrary; a premise narrower than the rule («
seuls… ? », not « sans être automatiquement… ? ») or asking it unconditionally (« toujours ? ») gets « Non »; an
exemption the story says holds (the disk was encrypted) is said instead of the duty it lifts, and answers the
yes/no question asked of that duty; a provider's next duty that its first one brings (to assist, once it has warned)
is left to the table; who is at fault for an incident told opens on the security duty that failed, and who answers
to the asker for it on who does; after a verdict on another topic, the incident told keeps its duties near, unless
the réponse opens on who answers for it; after an incident, the same actor's earlier duty (the CNIL before the
patients) opens when it scores about as well, and to « que dois-je faire ? » the asker's own earliest duty opens when
it scores near the best; what a service costs gets no verdict from a proposition that speaks of no price."""

from __future__ import annotations

from kb.compose.conclusion import conclusion
from kb.compose.entries import ScoredEntry
from kb.compose.query import read_query
from kb.responsibilities import Basis, Failure, Holding, MapEntry, Proposition, ResponsibilityMap


def _entry(entry_id: str, actor: str, then: tuple[str, ...] = ()) -> MapEntry:
    return MapEntry(entry_id, "violation", actor, "", f"Énoncé {entry_id}.", (), then=then)


def _host_entry(entry_id: str, topic: str) -> MapEntry:
    return MapEntry(entry_id, topic, "hebergeur", "", f"Énoncé {entry_id}.", ())


def _opening(question: str, entries: list[ScoredEntry], propositions: list) -> str:
    """The réponse's first words, up to its colon: the verdict and the condition it states."""
    return conclusion(read_query(question, {}, frozenset()), entries, propositions)[0][1].split(" :")[0]


def _rule(proposition: str, verdict: str) -> MapEntry:
    """An entry that only settles `proposition`: what the verdict reads."""
    return MapEntry("regle", "violation", "medecin", "", "Énoncé de la règle.", (),
                    answers=(Proposition(proposition, verdict),))


def _verdict_of(entry: MapEntry, answer: int = 0):
    """question → the réponse's first words when `entry` alone answers it, its `answer`-th proposition closest."""
    entries, propositions = [ScoredEntry(entry, 3.0)], [(entry, entry.answers[answer], 0.95)]
    return lambda question: _opening(question, entries, propositions)


def test_what_an_entry_triggers_follows_it_whoever_s_duty_it_is():
    host = _entry("hebergeur-previent-medecin", "hebergeur", then=("medecin-notifie-cnil",))
    entries = [ScoredEntry(host, 3.0), ScoredEntry(_entry("hebergeur-amende", "hebergeur"), 2.9),
               ScoredEntry(_entry("medecin-notifie-cnil", "medecin"), 2.7, follows=True),
               ScoredEntry(_entry("medecin-documente", "medecin"), 2.8)]
    query = read_query("Mon hébergeur a été piraté : que doit-il faire ?", {}, frozenset())
    assert query.actors == ("hebergeur",)
    said = [e.id for e, _ in conclusion(query, entries, [])]
    assert said == ["hebergeur-previent-medecin", "medecin-notifie-cnil", "hebergeur-amende"]


def test_what_an_entry_triggers_follows_it_when_its_own_match_ranks_it_lower():
    host = _entry("hebergeur-previent-medecin", "hebergeur", then=("medecin-notifie-cnil",))
    entries = [ScoredEntry(host, 3.0), ScoredEntry(_entry("hebergeur-amende", "hebergeur"), 2.9),
               ScoredEntry(_entry("hebergeur-audit", "hebergeur"), 2.8),
               ScoredEntry(_entry("medecin-notifie-cnil", "medecin"), 2.0)]  # its own match, not its trigger's
    query = read_query("Notre hébergeur a été piraté : qui doit faire quoi ?", {}, frozenset())
    said = [e.id for e, _ in conclusion(query, entries, [])]
    assert said[:2] == ["hebergeur-previent-medecin", "medecin-notifie-cnil"]


def test_another_actor_s_duty_is_said_only_after_the_entry_that_triggers_it():
    host = _entry("hebergeur-previent-medecin", "hebergeur", then=("medecin-notifie-cnil",))
    entries = [ScoredEntry(_entry("hebergeur-amende", "hebergeur"), 3.0),
               ScoredEntry(_entry("medecin-notifie-cnil", "medecin"), 2.7, follows=True),  # its trigger is a detail
               ScoredEntry(_entry("hebergeur-audit", "hebergeur"), 2.0), ScoredEntry(host, 1.0)]
    query = read_query("Mon hébergeur a été piraté : que doit-il faire ?", {}, frozenset())
    said = [e.id for e, _ in conclusion(query, entries, [])]
    assert said == ["hebergeur-amende", "hebergeur-audit", "hebergeur-previent-medecin"]


def test_a_claim_to_confirm_that_denies_the_closest_proposition_gets_the_opposite_verdict():
    entry = MapEntry("editeur-autre-sous-traitant", "sous-traitance", "editeur", "",
                     "L'éditeur ne recrute un autre sous-traitant qu'avec l'autorisation écrite du médecin.", (),
                     answers=(Proposition("Mon éditeur peut-il recourir à un autre sous-traitant avec mon accord ?",
                                          "oui"),))
    entries = [ScoredEntry(entry, 3.0)]
    propositions = [(entry, entry.answers[0], 0.95)]

    def verdict(question: str) -> str:
        return _opening(question, entries, propositions)

    assert verdict("Mon éditeur a changé de prestataire cloud sans m'en avoir parlé. Il avait le droit ?") == "Non"
    assert verdict("Mon éditeur a changé de prestataire cloud après mon accord écrit. Il avait le droit ?") == "Oui"
    assert verdict("Mon éditeur peut-il changer de prestataire sans mon accord ?") == "Oui"  # not a claim: as before
    # a claim that it is useless or exempt denies it too
    assert verdict("Le commercial dit qu'il est inutile d'obtenir mon accord pour changer de sous-traitant. "
                   "C'est vrai ?") == "Non"
    # what someone reported to the asker says is the claim, with the « ne » spoken French drops
    assert verdict("J'ai signé il y a un an. Mon éditeur m'assure qu'il a pas besoin de mon accord pour changer de "
                   "sous-traitant. A-t-il raison ?") == "Non"


def test_the_reason_given_for_a_claim_neither_states_nor_denies_it():
    notify = MapEntry("violation-medecin-notifie-cnil", "violation", "medecin", "",
                      "Le médecin notifie la violation à la CNIL.", (),
                      answers=(Proposition("Est-ce à l'hébergeur de notifier la CNIL ?", "non"),))
    verdict = _verdict_of(notify)
    # the claim says the host notifies: its reason's negation (« pas certifiée ») does not turn it around
    assert verdict("Mon associé estime que c'est à l'hébergeur de notifier l'autorité, d'autant qu'il n'était pas "
                   "certifié. A-t-il raison ?") == "Non"
    assert verdict("Mon associé estime que ce n'est pas à l'hébergeur de notifier l'autorité. A-t-il raison ?") == "Oui"
    # nor does the reason a proposition gives (« parce qu'ils ne sont pas informatisés »); an acronym the test
    # vocabulary does not know would be a name outside the corpus: « rgpd » as doctors type it
    paper = MapEntry("patients-medecin-dossiers-papier", "patients", "medecin", "",
                     "Le RGPD s'applique aussi aux dossiers papier du médecin.", (),
                     answers=(Proposition("Les dossiers papier sont-ils hors rgpd parce qu'ils ne sont pas "
                                          "informatisés ?", "non"),))
    verdict = _verdict_of(paper)
    assert verdict("Mon associé dit que les dossiers papier sont hors rgpd. A-t-il raison ?") == "Non"
    assert verdict("Mon associé dit que les dossiers papier ne sont pas hors rgpd. A-t-il raison ?") == "Oui"


def test_what_a_claim_concedes_neither_states_nor_denies_it_but_a_proposition_s_concession_counts():
    liable = MapEntry("sous-traitance-editeur-reste-responsable", "sous-traitance", "editeur", "",
                      "L'éditeur reste responsable envers le médecin des manquements de son hébergeur.", (),
                      answers=(Proposition("Does my software vendor stay liable to me for the failings of the host it "
                                           "uses?", "oui"),))
    verdict = _verdict_of(liable)
    assert verdict("Our vendor's DPO says the vendor stays liable to us for its host's failings, even though we never "
                   "signed anything with the host. Is that true?") == "Oui"
    assert verdict("Our vendor's DPO says the vendor is not liable to us for its host's failings. Is that "
                   "true?") == "Non"
    secure = MapEntry("securite-medecin-sanction", "securite", "medecin", "", "Énoncé sécurité.", (),
                      answers=(Proposition("La CNIL peut-elle sanctionner une sécurité insuffisante même si aucune "
                                           "donnée n'a jamais fuité ?", "oui"),))
    verdict = _verdict_of(secure)
    assert verdict("Notre conseil nous dit : « aucune donnée n'a jamais fuité, donc elle ne peut rien vous "
                   "reprocher ». C'est vrai ?") == "Non"


def test_a_question_asking_to_skip_escape_or_put_off_a_duty_gets_the_contrary_of_the_duty():
    contract = MapEntry("medecin-contrat-ecrit", "sous-traitance", "medecin", "",
                        "Le médecin encadre chaque sous-traitance par un contrat écrit.", (),
                        answers=(Proposition("Faut-il signer un contrat écrit avec chaque prestataire qui touche aux "
                                             "données de mes patients ?", "oui"),))
    verdict = _verdict_of(contract)
    assert verdict("Faut-il un contrat écrit avec mon informaticien ?") == "Oui"  # the duty itself, as before
    # leave to skip it, to go without it, or to put it off
    assert verdict("Mon informaticien passe rarement : peut-on se passer d'un contrat écrit avec lui ?") == "Non"
    assert verdict("Notre prestataire peut-il ne rien signer avec nous ?") == "Non"
    assert verdict("Notre prestataire peut-il refuser de signer un contrat écrit avec nous ?") == "Non"
    assert verdict("Peut-il commencer tout de suite et nous faire signer le contrat plus tard ?") == "Non"
    # whether a lesser step suffices, or may do with less than the duty
    assert verdict("Une poignée de main suffit-elle, sans contrat écrit, avec mon informaticien ?") == "Non"
    assert verdict("Peut-on se contenter d'un accord oral avec mon informaticien ?") == "Non"
    assert verdict("Mon informaticien peut-il signer un contrat aux garanties moindres que la loi ?") == "Non"
    assert verdict("Is a written contract optional with our IT contractor?") == "Non"
    assert verdict("Notre prestataire peut-il refuser tout contrat écrit ?") == "Non"
    assert verdict("Notre prestataire peut-il refuser tous les contrats écrits ?") == "Non"
    assert verdict("C'est mon neveu : je peux me passer d'un contrat écrit avec lui ?") == "Non"
    # being safe from what a proposition says one risks
    fine = MapEntry("hebergeur-amende-cnil", "sanctions-cnil", "hebergeur", "",
                    "L'hébergeur sous-traitant encourt lui-même une amende de la CNIL.", (),
                    answers=(Proposition("Mon hébergeur peut-il être condamné à une amende par la CNIL ?", "oui"),))
    assert _verdict_of(fine)("Un hébergeur certifié est-il à l'abri des amendes ?") == "Non"
    # skipping a duty asks nothing of a proposition on failing it
    offence = MapEntry("medecin-defaut-notification", "sanctions-penales", "medecin", "",
                       "Le défaut de notification n'est pas en soi un délit.", (),
                       answers=(Proposition("Le défaut de notification à la CNIL est-il un délit ?", "oui"),))
    assert _verdict_of(offence)("Can I skip notifying the authority?") == "Oui"


def test_a_premise_narrower_than_the_rule_or_asking_it_unconditionally_gets_non():
    health = MapEntry("patients-donnees-de-sante", "patients", "medecin", "",
                      "Les données de santé couvrent aussi les soins reçus.", (),
                      answers=(Proposition("La liste des soins reçus par un patient est-elle une donnée de santé ?",
                                           "oui"),))
    verdict = _verdict_of(health)
    assert verdict("Les soins reçus sont-ils des données de santé ?") == "Oui"  # the rule itself, as before
    assert verdict("Seuls les diagnostics sont-ils des données de santé, et pas les soins ?") == "Non"
    assert verdict("Is a diagnosis only health data when it is written down?") == "Non"
    assert verdict("Un soin ne devient-il une donnée de santé qu'une fois facturé ?") == "Non"
    # a duty or a rule stressed (« obligatoirement ») is the rule itself, not a narrower premise
    assert verdict("Un soin est-il obligatoirement une donnée de santé dès qu'il est noté ?") == "Oui"
    # a role said of someone, an alternative offered, or a restriction set aside restricts nothing
    assert verdict("Un soin qui n'est que prescrit est-il une donnée de santé ?") == "Oui"
    assert verdict("Les soins sont-ils des données de santé, ou seulement les diagnostics ?") == "Oui"
    assert verdict("Les soins, et pas seulement les diagnostics, sont-ils des données de santé ?") == "Oui"
    assert verdict("Mon patient ne vient que pour des soins : ses soins sont-ils des données de santé ?") == "Oui"
    assert verdict("Is a treatment data about health when it's only a prescription?") == "Oui"
    contract = MapEntry("medecin-contrat-hebergeur", "contrat-d-hebergement", "medecin", "",
                        "Le médecin signe un contrat d'hébergement avec l'hébergeur.", (),
                        answers=(Proposition("Dois-je signer un contrat avec mon hébergeur ?", "oui"),))
    assert _verdict_of(contract)("Dois-je obligatoirement signer un contrat avec mon hébergeur ?") == "Oui"
    deviate = MapEntry("referentiel-non-contraignant", "referentiels", "medecin", "",
                       "Le référentiel CNIL n'est pas contraignant.", (),
                       answers=(Proposition("Puis-je m'écarter du référentiel sans être en faute ?", "oui"),))
    verdict = _verdict_of(deviate)
    assert verdict("Puis-je m'écarter du référentiel sans être automatiquement en faute ?") == "Oui"  # denied
    assert verdict("Puis-je m'écarter du référentiel et être automatiquement en règle ?") == "Non"
    access = MapEntry("hebergeur-acces-administrateurs", "securite", "hebergeur", "",
                      "L'hébergeur ne consulte les données que sur instruction du médecin.", (),
                      answers=(Proposition("Les administrateurs de mon hébergeur peuvent-ils consulter les données "
                                           "de mes patients ?", "depend"),))
    verdict = _verdict_of(access)
    assert verdict("Les administrateurs de mon hébergeur peuvent-ils consulter mes dossiers ?") == "Cela dépend"
    assert verdict("Un administrateur peut-il consulter de sa propre initiative les dossiers ?") == "Non"
    assert verdict("Can the host's admins always read my patients' files?") == "Non"


def test_to_what_do_i_risk_the_reponse_opens_with_the_asker_s_own_penalty_and_its_amount():
    def penalty(entry_id: str, actor: str, statement: str) -> MapEntry:
        return MapEntry(entry_id, "sanctions-cnil", actor, "", statement, ())
    entries = [ScoredEntry(penalty("editeur-amende", "editeur", "L'éditeur encourt 10 millions d'euros."), 3.0),
               ScoredEntry(penalty("medecin-attenuation", "medecin", "La CNIL tient compte des mesures prises."), 2.9),
               ScoredEntry(penalty("medecin-penal", "medecin", "Le médecin encourt 300 000 euros d'amende."), 2.6)]
    query = read_query("Mon fils joue le soir sur le PC du cabinet où tourne mon logiciel : qu'est-ce que je risque ?",
                       {}, frozenset())
    assert conclusion(query, entries, [])[0][0].id == "medecin-penal"
    # asked about the vendor, the vendor's penalty
    query = read_query("Que risque un éditeur dont le logiciel laisse fuir des dossiers ?", {}, frozenset())
    assert conclusion(query, entries, [])[0][0].id == "editeur-amende"
    # a provider who says it asks gets its own penalty, though it matches less than another's
    hosts = [ScoredEntry(penalty("editeur-penal", "editeur", "L'éditeur encourt 45 000 euros d'amende."), 3.0),
             ScoredEntry(penalty("hebergeur-penal", "hebergeur", "L'hébergeur encourt 45 000 euros d'amende."), 2.0)]
    query = read_query("Je dirige une société d'infogérance qui stocke des sauvegardes de cabinets sans certificat. "
                       "Qu'est-ce que nous risquons ?", {}, frozenset())
    assert conclusion(query, hosts, [])[0][0].id == "hebergeur-penal"


def test_a_verdict_the_law_makes_conditional_opens_with_its_condition():
    notify = MapEntry("medecin-notifie-cnil", "violation", "medecin", "",
                      "Le médecin notifie à la CNIL toute violation susceptible d'engendrer un risque.", (),
                      answers=(Proposition("Dois-je déclarer une fuite de données à la CNIL ?", "oui"),),
                      openings=(("oui", "Oui, sauf si la violation n'est pas susceptible d'engendrer un risque"),))
    bare = MapEntry("medecin-documente", "violation", "medecin", "", "Le médecin documente toute violation.", (),
                    answers=(Proposition("Dois-je documenter une fuite de données ?", "oui"),))
    query = read_query("Dois-je déclarer une fuite de données à la CNIL ?", {}, frozenset({"cnil"}))
    said = conclusion(query, [ScoredEntry(notify, 3.0)], [(notify, notify.answers[0], 0.95)])
    assert said[0][1] == ("Oui, sauf si la violation n'est pas susceptible d'engendrer un risque : le médecin notifie"
                          " à la CNIL toute violation susceptible d'engendrer un risque.")
    said = conclusion(query, [ScoredEntry(bare, 3.0)], [(bare, bare.answers[0], 0.95)])
    assert said[0][1] == "Oui : le médecin documente toute violation."  # no condition of its own: a bare « Oui »


def test_a_conditional_verdict_says_which_way_the_rule_leans_when_asked_the_same_way_round():
    lean = Proposition("Après une fuite, dois-je écrire à mes patients ?", "depend",
                       "Oui, si la violation présente un risque élevé")
    inform = MapEntry("medecin-informe", "violation", "medecin", "", "Le médecin informe les patients.", (),
                      answers=(lean,))
    said = _verdict_of(inform)
    assert said("Après une fuite de données, dois-je écrire à mes patients ?") == (
        "Oui, si la violation présente un risque élevé")
    # asked its exemption or leave not to: the same condition, the other way round
    assert said("Après une fuite, suis-je dispensé d'écrire à mes patients ?") == (
        "Non, si la violation présente un risque élevé")
    assert said("Après une fuite, puis-je ne pas écrire à mes patients ?") == (
        "Non, si la violation présente un risque élevé")
    # a negative question wants « Si » or « Non »: no lean; nor does a proposition without one
    assert said("Après une fuite, je ne dois pas écrire à mes patients ?") == "Cela dépend"
    assert _verdict_of(_rule("Après une fuite, dois-je écrire à mes patients ?", "depend"))(
        "Après une fuite de données, dois-je écrire à mes patients ?") == "Cela dépend"
    # the question says the condition holds: the rule holds, a bare « Oui »; not when it denies it
    policy = MapEntry("medecin-politique", "roles", "medecin", "", "Le médecin adopte une politique.", (),
                      answers=(Proposition("Dois-je rédiger une politique de protection des données ?", "depend",
                                           "Oui, si c'est proportionné à vos traitements"),))
    assert _verdict_of(policy)("Lorsque c'est proportionné à nos traitements, devons-nous adopter une politique "
                               "de protection des données ?") == "Oui"
    assert _verdict_of(policy)("Dois-je rédiger une politique de protection des données ?") == (
        "Oui, si c'est proportionné à vos traitements")
    assert _verdict_of(policy)("Même quand ce n'est pas proportionné à nos traitements, devons-nous adopter une "
                               "politique de protection des données ?") == "Cela dépend"
    # what the question says done « sans » is a circumstance, not the other way round
    share = MapEntry("medecin-echange", "secret", "medecin", "", "Le médecin échange avec un confrère.", (),
                     answers=(Proposition("Puis-je envoyer le dossier à un confrère sans lui demander son accord ?",
                                          "depend", "Oui, si vous le prenez tous deux en charge"),))
    assert _verdict_of(share)("Je peux donner ses traitements à l'urgentiste qui le soigne ?") == (
        "Oui, si vous le prenez tous deux en charge")


def test_after_the_verdict_the_statement_opens_in_lower_case_unless_an_acronym():
    def opened(statement: str) -> str:
        entry = MapEntry("regle", "conservation", "hebergeur", "", statement, (),
                         answers=(Proposition("Mon hébergeur doit-il me rendre mes données ?", "oui"),))
        query = read_query("Mon hébergeur doit-il me rendre mes données ?", {}, frozenset())
        return conclusion(query, [ScoredEntry(entry, 3.0)], [(entry, entry.answers[0], 0.95)])[0][1]
    assert opened("À la fin de la prestation, l'hébergeur restitue les données.").startswith("Oui : à la fin")
    assert opened("L'hébergeur restitue les données.").startswith("Oui : l'hébergeur")
    assert opened("CNIL et médecin en sont informés.").startswith("Oui : CNIL et")


def test_a_question_asking_the_act_the_proposition_says_done_without_gets_the_opposite_verdict():
    entry = MapEntry("editeur-autre-sous-traitant", "sous-traitance", "editeur", "",
                     "L'éditeur ne recrute un autre sous-traitant qu'avec l'autorisation écrite du médecin.", (),
                     answers=(Proposition("Mon éditeur peut-il changer d'hébergeur sans me prévenir ni me demander "
                                          "mon accord ?", "non"),))
    verdict = _verdict_of(entry)

    assert verdict("Est-ce que mon éditeur doit me prévenir s'il change d'hébergeur ?") == "Oui"
    assert verdict("Mon éditeur peut-il changer d'hébergeur sans m'en informer ?") == "Non"  # the same act asked
    assert verdict("Mon éditeur peut-il changer d'hébergeur en cours de contrat ?") == "Non"  # not the act « sans »
    # the other way round: the question asks done « sans » what the proposition asks
    own = MapEntry("medecin-serveur-au-cabinet", "hds", "medecin", "",
                   "Le médecin qui héberge lui-même les données de ses patients n'a pas à être certifié HDS.", (),
                   answers=(Proposition("Mes dossiers sont sur un serveur au cabinet, sans cloud : ai-je besoin "
                                        "d'une certification ?", "non"),))
    verdict = _verdict_of(own)
    assert verdict("Puis-je garder mes dossiers sur un serveur au cabinet sans certification ?") == "Oui"
    assert verdict("J'ai un serveur au cabinet. Je peux le garder comme ça sans être certifié ?") == "Oui"
    assert verdict("Mon serveur est au cabinet, sans cloud. Dois-je le faire certifier ?") == "Non"
    # « trop tard pour » notifying asks the contrary of having to notify
    notify = _rule("Dois-je notifier une fuite de données ?", "oui")
    assert _verdict_of(notify)("J'ai découvert la fuite il y a cinq jours. Est-il trop tard pour la notifier ?") == "Non"
    # in English too: « without my agreement » is done without agreeing
    erase = _rule("Can my host destroy my data without my agreement at the end of the contract?", "non")
    assert _verdict_of(erase)("Must my host get my agreement before deleting my data at the end of the "
                              "contract?") == "Oui"
    # after a light verb (« sans passer par »), the act is what follows it: the body, not « passer »
    accredited = _rule("Le certificat HDS est-il délivré par un organisme de certification accrédité ?", "oui")
    assert _verdict_of(accredited)("Un hébergeur peut-il se déclarer certifié lui-même, sans passer par un "
                                   "organisme accrédité ?") == "Non"


def test_a_story_breaking_the_entry_s_condition_gets_non_with_the_condition_it_breaks():
    heirs = MapEntry("medecin-ayants-droit", "secret", "medecin", "",
                     "Après un décès, le médecin peut informer les ayants droit des causes de la mort.", (),
                     answers=(Proposition("Puis-je dire aux héritiers de quoi mon patient est mort ?", "oui"),),
                     fails_when=(Failure(("ne voulait pas", "objected"),
                                         "Non, pas si le patient s'y était opposé de son vivant"),
                                 Failure(("pas héritière",), "Non, seulement aux ayants droit")))
    entries, propositions = [ScoredEntry(heirs, 3.0)], [(heirs, heirs.answers[0], 0.95)]

    def opening(question: str) -> str:
        return _opening(question, entries, propositions)

    assert opening("Ma mère est décédée. Elle ne voulait pas que sa famille sache. Puis-je savoir de quoi elle est "
                   "morte ?") == "Non, pas si le patient s'y était opposé de son vivant"
    assert opening("Sa nièce, pas héritière, demande la cause du décès. Puis-je la lui dire ?") == (
        "Non, seulement aux ayants droit")
    # told under a negation, the condition holds
    assert opening("My patient died. He had objected to any disclosure. Can I tell his son what he died of?") == (
        "Non, pas si le patient s'y était opposé de son vivant")
    assert opening("My patient died. He never objected to anything. Can I tell his son what he died of?") == "Oui"
    assert opening("Mon patient est décédé. Puis-je dire à son fils de quoi il est mort ?") == "Oui"
    # asking whether one may refuse asks the exception itself, not the act it stops
    assert opening("Elle ne voulait pas que sa famille sache. Pouvait-elle refuser ?") == "Oui"


def test_a_story_breaking_the_entry_s_condition_says_the_entry_that_holds_instead():
    processor = MapEntry("editeur-sous-traitant", "roles", "editeur", "",
                         "L'éditeur qui traite les données pour le compte du médecin est un sous-traitant.", (),
                         answers=(Proposition("Mon éditeur est-il mon sous-traitant ?", "oui"),),
                         fails_when=(Failure(("ses propres fins",), "Non, pas quand il réutilise les données",
                                             "editeur-responsable"),))
    controller = MapEntry("editeur-responsable", "roles", "editeur", "",
                          "L'éditeur qui réutilise les données pour ses propres fins en devient responsable.", ())
    responsibilities = ResponsibilityMap({}, (processor, controller))

    def said(question: str) -> str:
        query = read_query(question, {}, frozenset())
        return conclusion(query, [ScoredEntry(processor, 3.0)], [(processor, processor.answers[0], 0.95)],
                          responsibilities=responsibilities)[0]

    entry, text = said("Mon éditeur réutilise les données pour ses propres fins. Est-il mon sous-traitant ?")
    assert entry.id == "editeur-responsable"
    assert text == ("Non, pas quand il réutilise les données : l'éditeur qui réutilise les données pour ses propres "
                    "fins en devient responsable.")
    # the condition unbroken, the rule itself answers
    assert said("Mon éditeur fait la maintenance. Est-il mon sous-traitant ?")[0].id == "editeur-sous-traitant"


def test_after_the_rule_that_holds_instead_the_reponse_says_where_the_broken_one_holds():
    """« Dès qu'une fuite est dans la presse, la CNIL est au courant : plus besoin de la notifier ? »: « Non, pas
    quand… : le médecin notifie… », then the narrow exception the asker had in mind."""
    notify = MapEntry("notifie", "violation", "medecin", "", "Le médecin notifie la violation à la CNIL.", (),
                      then=("patients",))
    patients = MapEntry("patients", "violation", "medecin", "", "Le médecin informe les patients.", ())
    query = read_query("La fuite est sortie dans la presse. Toute violation déjà connue de la CNIL est-elle dispensée "
                       "de notification ?", {}, frozenset({"cnil"}))
    for verdict in ("oui", "non"):  # whatever the verdict read, « Non : <the exception> » would mislead
        exception = MapEntry("exception-ce", "violation", "medecin", "",
                             "Le médecin n'a pas à notifier une violation que la CNIL lui a elle-même signalée.", (),
                             answers=(Proposition("toute violation déjà connue de la CNIL est dispensée de "
                                                  "notification", verdict),),
                             fails_when=(Failure(("dans la presse",),
                                                 "Non, pas quand ce n'est pas la CNIL qui l'a révélée", "notifie"),))
        # the duty it triggers scores better than the exception: it comes after
        entries = [ScoredEntry(patients, 3.1), ScoredEntry(exception, 3.0), ScoredEntry(notify, 2.8)]
        said = conclusion(query, entries, [(exception, exception.answers[0], 0.95)],
                          responsibilities=ResponsibilityMap({}, (exception, notify, patients)))
        assert [(e.id, text.split(" :")[0]) for e, text in said] == [
            ("notifie", "Non, pas quand ce n'est pas la CNIL qui l'a révélée"), ("exception-ce", exception.statement),
            ("patients", patients.statement)]


def test_an_exemption_the_story_says_lapsed_neither_settles_the_question_nor_leads_the_reponse():
    exempt = MapEntry("medecin-dispense", "violation", "medecin", "",
                      "Le médecin est dispensé d'informer les patients si les données étaient chiffrées.", (),
                      answers=(Proposition("Mon portable volé était chiffré : dois-je prévenir les patients ?",
                                           "non"),),
                      fails_when=(Failure(("pas chiffré", "pas chiffrée")),))
    inform = MapEntry("medecin-informe", "violation", "medecin", "",
                      "Le médecin informe les patients d'une violation à risque élevé.", (),
                      answers=(Proposition("Dois-je prévenir mes patients d'une fuite ?", "depend"),))
    entries = [ScoredEntry(exempt, 3.0), ScoredEntry(inform, 2.9)]
    propositions = [(exempt, exempt.answers[0], 0.95), (inform, inform.answers[0], 0.94)]

    def said(question: str) -> list[str]:
        return [text for _, text in conclusion(read_query(question, {}, frozenset()), entries, propositions)]

    assert said("Mon portable volé était chiffré. Dois-je prévenir mes patients ?")[0].startswith("Non :")
    # not encrypted: the exemption settles nothing; the duty it lifts answers
    assert said("Mon portable volé n'était pas chiffré. Dois-je prévenir mes patients ?")[0] == (
        "Cela dépend : le médecin informe les patients d'une violation à risque élevé.")
    assert said("Mon portable volé n'était pas chiffré. Que dois-je faire ?")[0] == inform.statement


def test_a_question_asking_the_act_that_undoes_the_proposition_s_gets_the_opposite_verdict():
    entry = MapEntry("hebergeur-fin-de-contrat", "conservation", "hebergeur", "",
                     "En fin de prestation, l'hébergeur supprime les données ou les renvoie au médecin.", (),
                     answers=(Proposition("Une fois le contrat terminé, mon hébergeur peut-il garder une copie de "
                                          "mes données ?", "non"),))
    verdict = _verdict_of(entry)

    assert verdict("Mon contrat se termine : l'hébergeur doit me rendre les données et effacer ses copies ?") == "Oui"
    assert verdict("Mon contrat se termine : l'hébergeur peut-il conserver mes données ?") == "Non"  # the same act
    # both acts asked: no contrary to read
    assert verdict("Mon contrat se termine : l'hébergeur peut-il garder mes données ou doit-il les effacer ?") == "Non"


def test_asked_whether_one_may_refuse_what_someone_else_may_not_do_the_answer_is_yes():
    entry = MapEntry("editeur-hebergeur-certifie", "hds", "editeur", "",
                     "L'éditeur fait héberger les données chez un hébergeur certifié HDS.", (),
                     answers=(Proposition("Un éditeur peut-il faire héberger mes données chez un hébergeur non "
                                          "certifié ?", "non"),))
    verdict = _verdict_of(entry)
    moved = "L'éditeur annonce que mes dossiers partiront chez un cloud non certifié."
    assert verdict(f"{moved} Je peux refuser ?") == "Oui"
    assert verdict(f"{moved} Il en a le droit ?") == "Non"
    # a duty of the asker's is not someone else's act to refuse
    duty = MapEntry("medecin-personnel", "securite", "medecin", "",
                    "Le médecin veille à ce que sa secrétaire ne traite les données que sur ses instructions.", (),
                    answers=(Proposition("Dois-je m'assurer que ma secrétaire ne traite les données que sur mes "
                                         "instructions ?", "oui"),))
    assert _verdict_of(duty)("Un commercial me demande d'exporter la liste des patients. Je peux refuser ?") == "Oui"


def test_asked_whether_one_is_exempt_from_a_duty_the_answer_is_its_contrary():
    entry = MapEntry("medecin-notifie", "violation", "medecin", "", "Le médecin notifie la violation.", (),
                     answers=(Proposition("J'ai eu une fuite, c'est à moi de la notifier ?", "oui"),
                              Proposition("Mon hébergeur l'a notifiée : je n'ai donc plus rien à faire ?", "non")))
    clause = "Le contrat dit que l'éditeur notifiera lui-même la violation."
    duty, denial = _verdict_of(entry), _verdict_of(entry, answer=1)
    assert duty(f"{clause} Je suis dispensé de la notifier ?") == "Non"
    assert duty(f"{clause} Je dois la notifier ?") == "Oui"
    # a proposition already denying the duty asks the exemption itself
    assert denial(f"{clause} Ça me dispense de la notifier ?") == "Non"
    # a right lost, or the duty called optional, is asked the same way
    right = MapEntry("patient-opposition", "patients", "medecin", "", "Le patient peut s'opposer au partage.", (),
                     answers=(Proposition("Un patient peut-il s'opposer au partage de ses informations ?", "oui"),))
    assert _verdict_of(right)("Mon patient a accepté le partage : a-t-il perdu le droit de s'y opposer ?") == "Non"
    assert duty(f"{clause} Is notifying it optional for me?") == "Non"


def test_asked_whether_someone_else_does_the_asker_s_duty_in_his_stead_the_answer_is_no():
    entry = MapEntry("hebergeur-aide-aipd", "aipd", "hebergeur", "",
                     "L'hébergeur aide le médecin à réaliser son analyse d'impact.", (),
                     answers=(Proposition("Mon hébergeur doit-il m'aider à faire mon analyse d'impact ?", "oui"),))
    verdict = _verdict_of(entry)
    assert verdict("Mon hébergeur doit-il m'aider pour l'analyse d'impact ?") == "Oui"
    assert verdict("Est-ce à mon hébergeur de réaliser l'analyse d'impact à ma place ?") == "Non"
    assert verdict("Must my host carry out the DPIA instead of me?") == "Non"


def test_asked_whether_telling_someone_is_a_provider_s_duty_the_doctor_s_duty_answers_no():
    vendor = MapEntry("editeur-previent", "violation", "editeur", "",
                      "L'éditeur qui découvre une violation la notifie au médecin.", (),
                      answers=(Proposition("l'éditeur doit me prévenir s'il subit une fuite", "oui"),))
    doctor = MapEntry("medecin-informe", "violation", "medecin", "",
                      "Le médecin informe les patients concernés d'une violation à risque élevé.", (),
                      answers=(Proposition("je dois prévenir mes patients en cas de fuite", "depend"),))
    entries = [ScoredEntry(vendor, 3.0), ScoredEntry(doctor, 2.9)]
    propositions = [(vendor, vendor.answers[0], 0.93), (doctor, doctor.answers[0], 0.90)]

    def first(question: str) -> tuple[str, str]:
        said = conclusion(read_query(question, {}, frozenset()), entries, propositions)[0]
        return said[0].id, said[1].split(" :")[0]

    # the vendor warns the doctor: no answer to whether it warns the patients; the doctor does, so « Non »
    assert first("Mon éditeur a été piraté. Est-ce à lui de prévenir mes patients ?") == ("medecin-informe", "Non")
    # asked of the vendor's own duty, the closest proposition answers
    assert first("Mon éditeur a été piraté. Est-ce à lui de me prévenir ?") == ("editeur-previent", "Oui")
    # asked whether to warn the patients, whoever's duty it is, the vendor's warning to the doctor answers nothing
    assert first("Mon éditeur a été piraté. Dois-je prévenir mes patients ?")[0] == "medecin-informe"


def test_asked_leave_for_an_act_a_proposition_asks_the_duty_of_the_answer_is_yes():
    entry = MapEntry("hebergement-au-cabinet", "hds", "medecin", "",
                     "Le médecin qui héberge lui-même les données de ses patients n'a pas à être certifié HDS.", (),
                     answers=(Proposition("Dois-je être certifié HDS si je garde mes dossiers sur mon propre serveur "
                                          "au cabinet ?", "non"),
                              Proposition("Do I need HDS certification if I keep patient files on my own server?",
                                          "non")))
    assert _verdict_of(entry)("Dois-je être certifié pour garder mes dossiers au cabinet ?") == "Non"
    # no duty stands in the way of the act: the doctor may keep them
    assert _verdict_of(entry)("Puis-je garder mes dossiers patients sur un serveur au cabinet ?") == "Oui"
    assert _verdict_of(entry, 1)("Can I keep my patient files on my own server at the practice?") == "Oui"
    # leave for another act than the one the duty comes with is not answered so, nor leave asked despite something
    assert _verdict_of(entry)("Puis-je être certifié moi-même ?") == "Non"
    assert _verdict_of(entry)("Puis-je déplacer mes dossiers patients chez un hébergeur en cours de "
                              "certification ?") == "Non"
    assert _verdict_of(entry)("Puis-je quand même garder mes dossiers sur mon propre serveur au cabinet ?") == "Non"


def test_asked_leave_for_an_act_a_proposition_asks_the_fault_of_the_answer_is_its_contrary():
    entry = MapEntry("garanties-suffisantes", "sous-traitance", "medecin", "",
                     "Le médecin ne fait appel qu'à des sous-traitants présentant des garanties suffisantes.", (),
                     answers=(Proposition("Suis-je en tort si je confie les données de mes patients à un prestataire "
                                          "peu sérieux sur la sécurité ?", "oui"),))
    assert _verdict_of(entry)("Suis-je en tort si je confie mes données à un prestataire peu sérieux ?") == "Oui"
    # a fault comes with the act: it is not allowed
    assert _verdict_of(entry)("Puis-je confier les données de mes patients à un prestataire peu sérieux ?") == "Non"


def test_a_delay_asked_that_the_entry_does_not_give_is_answered_no():
    entry = MapEntry("notifie", "violation", "medecin", "",
                     "Le médecin notifie à la CNIL toute violation, si possible dans les 72 heures.", (),
                     answers=(Proposition("Dois-je notifier la violation ?", "oui"),))
    verdict = _verdict_of(entry)
    assert verdict("Ai-je 7 jours pour notifier la violation ?") == "Non"
    assert verdict("Dois-je notifier la violation sous 24 heures ?") == "Non"
    assert verdict("I have 30 days to notify the breach, right?") == "Non"
    assert verdict("Ai-je 72 heures pour notifier la violation ?") == "Oui"
    assert verdict("Ai-je trois jours pour notifier la violation ?") == "Oui"  # 72 hours, said in days


def test_a_quality_the_proposition_denies_asked_as_held_gets_the_opposite_verdict():
    verdict = _verdict_of(_rule("Puis-je confier les dossiers de mes patients à un hébergeur qui n'est pas certifié "
                                "HDS ?", "non"))
    assert verdict("Puis-je confier mes dossiers à un hébergeur certifié ?") == "Oui"
    assert verdict("Puis-je confier mes dossiers à un hébergeur qui n'est pas certifié ?") == "Non"
    assert verdict("Puis-je confier mes dossiers à un hébergeur non certifié ?") == "Non"
    assert _verdict_of(_rule("Puis-je confier mes dossiers à un hébergeur non certifié ?", "non"))(
        "Puis-je confier mes dossiers à un hébergeur certifié ?") == "Oui"


def test_an_amount_asked_that_the_entry_does_not_state_is_answered_no():
    cap = MapEntry("plafond", "sanctions-cnil", "medecin", "",
                   "Le médecin encourt une amende CNIL pouvant atteindre 10 millions d'euros ou 2 % du chiffre "
                   "d'affaires mondial.", (),
                   answers=(Proposition("L'amende d'un médecin est-elle plafonnée ?", "oui"),))
    verdict = _verdict_of(cap)
    assert verdict("L'amende d'un médecin est-elle plafonnée à quelques milliers d'euros ?") == "Non"
    assert verdict("L'amende d'un médecin est-elle plafonnée à 4 % du chiffre d'affaires ?") == "Non"
    assert verdict("L'amende d'un médecin est-elle plafonnée à 10 millions d'euros ?") == "Oui"
    assert verdict("Is a doctor's fine capped at 10,000,000 euros?") == "Oui"
    # a bound, or what the practice earns, is no amount told
    assert verdict("L'amende d'un médecin est-elle plafonnée, même à plus de 5 000 € ?") == "Oui"
    assert verdict("Je fais 140 000 € de chiffre d'affaires : l'amende d'un médecin est-elle plafonnée à "
                   "2 % ?") == "Oui"
    fines = MapEntry("amendes-2020", "sanctions-cnil", "medecin", "",
                     "En 2020, la CNIL a infligé 3 000 € et 6 000 € d'amende à deux médecins libéraux.", (),
                     answers=(Proposition("Des médecins ont-ils déjà eu des amendes ?", "oui"),))
    assert _verdict_of(fines)("Were the fines against two doctors in 2020 in the millions of euros?") == "Non"
    assert _verdict_of(fines)("A-t-on infligé 6000 euros d'amende à un médecin en 2020 ?") == "Oui"


def test_a_figure_to_judge_that_the_entry_does_not_state_gets_no_verdict():
    entry = MapEntry("medecin-securite", "securite", "medecin", "",
                     "Le médecin met en œuvre une sécurité adaptée au risque.", (),
                     answers=(Proposition("Mes mots de passe sont-ils assez sûrs ?", "oui"),))
    said = conclusion(read_query("Mon logiciel exige un mot de passe de 6 caractères. C'est suffisant ?", {},
                                 frozenset()), [ScoredEntry(entry, 3.0)], [(entry, entry.answers[0], 0.95)])
    assert said == [(entry, entry.statement)]  # the rule, not « Oui »
    said = conclusion(read_query("Mon logiciel exige un mot de passe compliqué. C'est suffisant ?", {},
                                 frozenset()), [ScoredEntry(entry, 3.0)], [(entry, entry.answers[0], 0.95)])
    assert said[0][1].startswith("Oui :")


def test_a_choice_gets_the_entry_it_asks_without_a_verdict():
    entry = MapEntry("editeur-sous-traitant", "qualification des rôles", "editeur", "",
                     "L'éditeur qui traite les données pour le compte du médecin est un sous-traitant.", (),
                     answers=(Proposition("L'éditeur qui assure la maintenance est-il mon sous-traitant ?", "oui"),))
    other = _entry("medecin-responsable", "medecin")
    entries, propositions = [ScoredEntry(other, 3.0), ScoredEntry(entry, 2.9)], [(entry, entry.answers[0], 0.95)]

    def first(question: str) -> str:
        return conclusion(read_query(question, {}, frozenset()), entries, propositions)[0][1]

    assert first("Mon éditeur, il est responsable de traitement ou sous-traitant ?") == entry.statement
    assert first("Mon éditeur est-il mon sous-traitant ?").startswith("Oui : l'éditeur")


def test_the_next_sentences_stay_on_the_first_one_s_topic_when_they_match_about_as_well():
    entries = [ScoredEntry(_host_entry("reversibilite", "conservation et restitution"), 3.0),
               ScoredEntry(_host_entry("acces-et-defaillance", "contrat d'hébergement"), 2.6),
               ScoredEntry(_host_entry("restitution", "conservation et restitution"), 2.5),
               ScoredEntry(_host_entry("amende", "sanctions CNIL"), 1.0)]
    query = read_query("Que se passe-t-il si mon hébergeur perd sa certification ?", {}, frozenset())
    said = [e.id for e, _ in conclusion(query, entries, [])]
    assert said == ["reversibilite", "restitution", "acces-et-defaillance"]
    entries[1] = ScoredEntry(entries[1].entry, 2.9)  # much closer to the question: it comes first
    assert [e.id for e, _ in conclusion(query, entries, [])][1] == "acces-et-defaillance"


def test_a_penalty_is_said_first_when_asked_and_never_when_nobody_asked_about_it():
    entries = [ScoredEntry(_host_entry("aucun-autre-usage", "hds"), 3.0),
               ScoredEntry(_host_entry("peine-sans-formalites", "sanctions-penales"), 2.9),
               ScoredEntry(_host_entry("amende-plafond", "sanctions-cnil"), 2.8),
               ScoredEntry(_host_entry("contrat-interdit-l-usage", "contrat-hebergement"), 2.0)]

    def said(question: str) -> list[str]:
        return [e.id for e, _ in conclusion(read_query(question, {}, frozenset()), entries, [])]

    assert said("Mon hébergeur veut faire des statistiques sur mes dossiers. Il a le droit ?") == [
        "aucun-autre-usage", "contrat-interdit-l-usage"]
    # what one risks, asked, opens with the penalty that scores near the best
    assert said("Mon hébergeur fait des statistiques sur mes dossiers : que risque-t-il ?") == [
        "peine-sans-formalites", "aucun-autre-usage", "amende-plafond"]
    assert said("Mon hébergeur fait des statistiques sur mes dossiers, ce qu'il risque m'importe peu. A-t-il le "
                "droit d'en faire ?")[0] == "aucun-autre-usage"  # a risk told, not asked
    first_a_penalty = [entries[1], entries[0], entries[3]]  # nor is it the first sentence
    assert [e.id for e, _ in conclusion(read_query("C'est combien, un hébergeur HDS ?", {}, frozenset()),
                                        first_a_penalty, [])] == ["aucun-autre-usage", "contrat-interdit-l-usage"]


def test_a_twin_of_opposite_polarity_states_the_same_rule_and_does_not_withhold_the_verdict():
    forever = Proposition("Je peux conserver les données de mes patients sans limite de durée ?", "non")
    some_day = Proposition("Dois-je supprimer un jour les données des anciens patients ?", "oui")
    still_followed = Proposition("Puis-je garder sans limite les dossiers des patients que je suis encore ?", "oui")
    entry = MapEntry("conservation-limitee", "conservation", "medecin", "",
                     "Le médecin ne conserve les données que pendant la durée nécessaire.", (),
                     answers=(forever, some_day, still_followed))
    question = "Je garde tout depuis 1995. Je peux conserver les dossiers sans limite ?"

    def first(propositions) -> str:
        return conclusion(read_query(question, {}, frozenset()), [ScoredEntry(entry, 3.0)], propositions)[0][1]

    assert first([(entry, forever, 0.914), (entry, some_day, 0.906)]).startswith("Non : ")
    # a rival that states another rule (same polarity, other verdict) withholds it unless the question proper is
    # in the words of one of them (test_of_two_close_propositions_denying_alike_…)
    question = "Je garde tout depuis 1995. Et sans limite ?"
    assert first([(entry, forever, 0.914), (entry, still_followed, 0.906)]) == entry.statement


def test_of_two_close_rivals_alike_in_words_the_one_asking_leave_or_a_duty_as_the_question_does_gives_the_verdict():
    from kb.compose.verdict import read_verdict

    leave = Proposition("my software vendor may use my patients' data for its own studies or statistics", "depend")
    role = Proposition("My software vendor uses my patients' records to produce its own statistics: does that make "
                       "it the data controller?", "oui")
    close = [(leave, 0.972), (role, 0.965)]
    # asked leave: the proposition on leave, not the one on the vendor's role
    assert read_verdict(close, proper="can my software vendor use my patients' data for its own statistics?")[0] \
        == "depend"
    # asked neither leave nor a duty, or told as a claim, a near-tie still gives no verdict
    assert read_verdict(close, proper="my software vendor and my patients' data for its own statistics?")[0] is None
    assert read_verdict(close, claim="my vendor uses my patients' data for its own statistics.",
                        proper="can it do that?")[0] is None


def _cnil_or_duty(duty_asked: str, cnil_score: float, duty_score: float) -> tuple[list, list]:
    """Two entries on telling the patients: what the CNIL may order, and the doctor's duty (asked `duty_asked`), with
    their propositions scoring `cnil_score` and `duty_score`."""
    may_order = MapEntry("cnil-peut-exiger", "violation", "medecin", "",
                         "La CNIL peut exiger que le médecin informe les patients.", (),
                         answers=(Proposition("La CNIL peut-elle m'obliger à prévenir mes patients ?", "oui"),))
    must_tell = MapEntry("medecin-informe", "violation", "medecin", "",
                         "Le médecin informe les patients si le risque est élevé.", (),
                         answers=(Proposition(duty_asked, "depend"),))
    entries = [ScoredEntry(may_order, 3.0), ScoredEntry(must_tell, 2.9)]
    return entries, [(may_order, may_order.answers[0], cnil_score), (must_tell, must_tell.answers[0], duty_score)]


def test_of_two_entries_with_propositions_about_as_close_the_one_asking_as_the_question_does_is_asked():
    entries, propositions = _cnil_or_duty("On m'a volé mon portable : dois-je prévenir mes patients ?", 0.894, 0.894)
    assert _opening("Dois-je en plus prévenir le patient ?", entries, propositions) == "Cela dépend"
    # asked whether one may be made to, the entry on what the CNIL may order
    assert _opening("Peut-on m'obliger à prévenir le patient ?", entries, propositions) == "Oui"


def test_what_the_cnil_may_require_does_not_answer_a_duty_asked_without_naming_the_cnil():
    """« obligé » matched « la CNIL peut-elle m'obliger… ? » better than the duty: a proposition on what the CNIL may
    do answers only a question that names it or asks who may make the asker act."""
    entries, propositions = _cnil_or_duty("Dois-je prévenir mes patients ?", 0.946, 0.939)
    assert _opening("Je ne suis pas obligé de prévenir mes patients ?", entries, propositions) == "Cela dépend"
    assert _opening("Suis-je obligé de prévenir mes patients ?", entries, propositions) == "Cela dépend"
    for question in ("La CNIL peut-elle m'obliger à prévenir mes patients ?",
                     "Peut-on m'obliger à prévenir mes patients ?"):
        said = conclusion(read_query(question, {}, frozenset()), entries, propositions)
        assert said[0][0].id == "cnil-peut-exiger"


def test_what_an_incident_is_does_not_answer_a_duty_to_tell_the_cnil_unless_a_decision_is_asked():
    """« ça compte comme une fuite ? » (oui) matched a misdirected report better than the duty to notify: asked
    « dois-je le déclarer à la CNIL ? », the duty answers, with its condition."""
    is_breach = MapEntry("definition", "violation", "medecin", "", "Toute divulgation non autorisée est une violation.",
                         (), answers=(Proposition("Un compte rendu envoyé par erreur au mauvais patient, ça compte "
                                                  "comme une fuite de données ?", "oui"),))
    notify = MapEntry("notifie-la-cnil", "violation", "medecin", "",
                      "Le médecin notifie à la CNIL toute violation à risque.", (),
                      answers=(Proposition("J'ai eu une fuite de données au cabinet, c'est à moi de la déclarer à la "
                                           "CNIL ?", "oui"),),
                      openings=(("oui", "Oui, sauf si la violation n'est pas susceptible d'engendrer un risque"),))
    entries = [ScoredEntry(is_breach, 3.0), ScoredEntry(notify, 2.9)]
    propositions = [(is_breach, is_breach.answers[0], 0.93), (notify, notify.answers[0], 0.86)]
    story = "Ma secrétaire a envoyé par erreur le compte rendu d'un patient à un autre patient par mail. "
    known = frozenset({"cnil", "conseil", "etat"})  # names the corpus uses: no unknown name asked
    said = conclusion(read_query(story + "Est-ce que je dois le déclarer à la CNIL ?", {}, known), entries,
                      propositions)
    assert said[0][0].id == "notifie-la-cnil" and said[0][1].startswith("Oui, sauf si")
    # asked whether it is a breach, or what a decision held, the qualification still answers
    for question in ("Est-ce une fuite de données ?",
                     "Le Conseil d'État a-t-il jugé que je dois le déclarer à la CNIL ?"):
        assert conclusion(read_query(story + question, {}, known), entries, propositions)[0][0].id == "definition"


def test_a_question_asked_in_the_negative_is_answered_si_when_the_rule_holds_and_non_when_it_does_not():
    notify = _rule("Mon hébergeur a été piraté : dois-je notifier la violation ?", "oui")
    nothing_left = _rule("Mon hébergeur a déclaré la fuite : je n'ai donc plus rien à faire ?", "non")
    controller = _rule("Mon hébergeur est-il responsable du traitement ?", "non")
    # « Oui » would confirm the negation
    assert _verdict_of(notify)("Je n'ai pas à notifier la violation si mon hébergeur a été piraté ?") == "Si"
    assert _verdict_of(notify)("Don't I have to notify the breach if my host is hacked?") == "Si"
    # a proposition asked in the negative too: its « non » says the rule holds
    assert _verdict_of(nothing_left)("Mon hébergeur a déclaré la fuite. Je n'ai plus rien à faire ?") == "Si"
    assert _verdict_of(controller)("Mon hébergeur n'est pas responsable du traitement ?") == "Non"
    # a negation in a circumstance or in the clause before « mais » leaves the question straight
    assert _verdict_of(notify)("Si mon hébergeur n'a pas de certificat, dois-je notifier la violation ?") == "Oui"
    assert _verdict_of(notify)("Je pense que ce n'est pas grave, mais dois-je notifier la violation ?") == "Oui"
    assert _verdict_of(notify)("Le risque n'étant pas élevé, dois-je notifier la violation ?") == "Oui"


def test_the_entry_asked_is_the_one_with_the_closest_proposition_unless_it_answers_the_question_much_less():
    host = MapEntry("hebergeur-previent", "violation", "hebergeur", "", "L'hébergeur notifie la violation au médecin.",
                    (), answers=(Proposition("Mon hébergeur doit-il me prévenir d'une intrusion ?", "oui"),))
    patients = MapEntry("medecin-informe", "violation", "medecin", "",
                        "Le médecin informe les patients si le risque est élevé.", (),
                        answers=(Proposition("On m'a volé mon portable : dois-je écrire aux patients ?", "depend"),))
    entries = [ScoredEntry(host, 1.8), ScoredEntry(patients, 0.6)]
    query = read_query("Mon hébergeur a subi une intrusion. Il devait me prévenir ?", {}, frozenset())

    def first(host_score: float, patients_score: float) -> str:
        propositions = sorted([(host, host.answers[0], host_score), (patients, patients.answers[0], patients_score)],
                              key=lambda p: -p[2])
        return conclusion(query, entries, propositions)[0][1]

    assert first(0.905, 0.93).startswith("Oui : l'hébergeur")  # a situation told alike does not decide
    assert first(0.905, 0.99).startswith("Cela dépend : le médecin")  # a much closer proposition does


def test_a_sentence_resting_only_on_passages_already_cited_is_not_said_again():
    def entry(entry_id: str, *chunks: str) -> MapEntry:
        return MapEntry(entry_id, "hds", "medecin", "", f"Énoncé {entry_id}.",
                        tuple(Basis(c, "x", 0, 1) for c in chunks))
    entries = [ScoredEntry(entry("identifier-l-hebergeur", "csp-R1111-8-8#II", "fiche-csp-R1111-8-8#verif"), 3.0),
               ScoredEntry(entry("verifie-le-certificat", "csp-R1111-8-8#II"), 2.9),
               ScoredEntry(entry("contrat-d-hebergement", "csp-R1111-11#I", "csp-R1111-8-8#II"), 2.8)]
    query = read_query("Que dois-je vérifier chez mon hébergeur ?", {}, frozenset())
    said = [e.id for e, _ in conclusion(query, entries, [])]
    assert said == ["identifier-l-hebergeur", "contrat-d-hebergement"]


def test_of_two_close_propositions_with_other_verdicts_the_one_denying_as_the_question_does_decides():
    entry = MapEntry("medecin-echange", "secret", "medecin", "",
                     "Le médecin peut échanger avec les professionnels qui prennent en charge le patient.", (),
                     answers=(Proposition("Puis-je envoyer au kiné les infos nécessaires aux soins ?", "oui"),
                              Proposition("Puis-je envoyer le dossier au kiné sans demander l'accord du patient ?",
                                          "depend")))
    entries = [ScoredEntry(entry, 3.0)]

    def verdict(question: str, oui: float, depend: float) -> str:
        propositions = sorted([(entry, entry.answers[0], oui), (entry, entry.answers[1], depend)],
                              key=lambda p: -p[2])
        return _opening(question, entries, propositions)

    asked_without = "Le kiné me demande mon compte rendu. Puis-je le lui envoyer sans demander à la patiente ?"
    assert verdict(asked_without, 0.930, 0.928) == "Cela dépend"
    assert verdict("Le kiné me demande mon compte rendu. Puis-je le lui envoyer ?", 0.928, 0.930) == "Oui"
    assert verdict("Puis-je envoyer mon compte rendu au kiné ?", 0.90, 0.95) == "Cela dépend"  # not close: the best


def test_of_two_close_propositions_denying_alike_the_one_in_the_question_s_own_words_decides():
    entry = MapEntry("editeur-reutilisation", "roles", "editeur", "",
                     "L'éditeur qui réutilise les données pour ses études devient responsable du traitement.", (),
                     answers=(Proposition("L'éditeur qui fait ses propres études devient-il responsable ?", "oui"),
                              Proposition("L'éditeur qui fait ses propres études reste-t-il sous-traitant ?", "non")))
    entries = [ScoredEntry(entry, 3.0)]

    def verdict(question: str) -> str:
        propositions = [(entry, entry.answers[0], 0.945), (entry, entry.answers[1], 0.943)]
        return _opening(question, entries, propositions)

    assert verdict("Mon éditeur récupère mes données pour ses études. Il reste juste mon sous-traitant ?") == "Non"
    assert verdict("Mon éditeur récupère mes données pour ses études. Il devient responsable ?") == "Oui"


def test_one_decisions_story_tells_the_example_unless_the_question_names_a_decision():
    def story(entry_id: str, decision: str) -> ScoredEntry:
        basis = (Basis(f"fiche-cnil-{decision}#en-bref", "sanctionné", 0, 1),)
        return ScoredEntry(MapEntry(entry_id, "sanctions-cnil", "editeur", "", f"Énoncé {entry_id}.", basis), 3.0)

    rule = ScoredEntry(MapEntry("plafond", "sanctions-cnil", "editeur", "", "Énoncé plafond.",
                                (Basis("rgpd-art-83#4", "amendes", 0, 1),)), 2.0)
    entries = [story("dedalus", "SAN-2022-009"), story("cegedim", "SAN-2024-013"), rule]

    def said(question: str) -> list[str]:
        return [e.id for e, _ in conclusion(read_query(question, {}, frozenset()), entries, [])]

    assert said("Que risque un éditeur devant la CNIL ?") == ["dedalus", "plafond"]
    assert said("Que retenir de SAN-2022-009 et SAN-2024-013 ?") == ["dedalus", "cegedim", "plafond"]


def test_to_who_of_two_actors_the_other_one_s_best_entry_is_said_next_when_it_scores_near_the_best():
    from kb.compose.conclusion import COVER_FLOOR

    entries = [ScoredEntry(_entry("editeur-previent", "editeur"), 3.0),
               ScoredEntry(_entry("editeur-aide", "editeur"), 2.9),
               ScoredEntry(_entry("medecin-notifie", "medecin"), 3.0 * COVER_FLOOR + 0.01)]
    query = read_query("Fuite chez mon éditeur : qui notifie la CNIL, lui ou moi ?", {}, frozenset())
    assert [e.id for e, _ in conclusion(query, entries, [], limit=2)] == ["editeur-previent", "medecin-notifie"]
    entries[2] = ScoredEntry(_entry("medecin-notifie", "medecin"), 3.0 * COVER_FLOOR - 0.01)
    assert [e.id for e, _ in conclusion(query, entries, [], limit=2)] == ["editeur-previent", "editeur-aide"]


def test_to_who_a_provider_the_question_does_not_name_does_not_answer_for_the_one_it_names():
    entries = [ScoredEntry(_entry("editeur-previent", "editeur"), 3.0),
               ScoredEntry(_entry("hebergeur-previent", "hebergeur"), 2.5),
               ScoredEntry(_entry("medecin-notifie", "medecin"), 2.4)]

    def said(question: str) -> list[str]:
        return [e.id for e, _ in conclusion(read_query(question, {}, frozenset()), entries, [])]

    assert said("Mon hébergeur a eu une fuite. Qui est responsable de quoi ?") == ["hebergeur-previent",
                                                                                   "medecin-notifie"]
    # a question naming both providers, or neither, hears them both
    assert said("Fuite chez l'hébergeur de mon éditeur. Qui est responsable de quoi ?")[0] == "editeur-previent"
    assert said("Fuite de données au cabinet. Qui est responsable de quoi ?")[0] == "editeur-previent"


def test_a_vendor_the_reponse_makes_a_controller_is_not_then_called_a_processor():
    def role(entry_id: str, role_name: str) -> MapEntry:
        return MapEntry(entry_id, "roles", "editeur", role_name, f"Énoncé {entry_id}.", ())

    entries = [ScoredEntry(role("editeur-reutilise", "responsable du traitement"), 3.0),
               ScoredEntry(role("editeur-sous-traitant", "sous-traitant"), 2.9),
               ScoredEntry(_entry("editeur-penal", "editeur"), 2.0)]
    query = read_query("Mon éditeur réutilise mes données pour ses études : qui est responsable ?", {}, frozenset())
    assert [e.id for e, _ in conclusion(query, entries, [])] == ["editeur-reutilise", "editeur-penal"]


def test_a_topic_the_question_clearly_names_opens_the_reponse_when_its_best_entry_scores_near_the_best():
    from dataclasses import replace

    from kb.compose.conclusion import TOPIC_FIRST

    sharing = MapEntry("partage-opposition", "secret", "medecin", "", "Énoncé partage.", ())
    breach = _entry("violation-definition", "medecin")
    entries = [ScoredEntry(sharing, 3.0), ScoredEntry(breach, 3.0 * TOPIC_FIRST + 0.01)]
    query = read_query("J'ai envoyé un compte rendu à un autre patient. Que faire ?", {}, frozenset())
    breach_named = replace(query, topics={"violation": 1.2, "secret": 0.3})
    assert conclusion(breach_named, entries, [], limit=1)[0][0].id == "violation-definition"
    assert conclusion(replace(query, topics={"violation": 1.2, "secret": 0.9}), entries, [],
                      limit=1)[0][0].id == "partage-opposition"  # not twice any other topic
    assert conclusion(replace(breach_named, asks_sanctions=True), entries, [],
                      limit=1)[0][0].id == "partage-opposition"  # a penalty asked: the best answer


def test_to_who_a_role_named_opens_on_its_clearly_asked_topic_not_on_the_situation_s():
    from dataclasses import replace

    from kb.compose.conclusion import TOPIC_FIRST

    group = MapEntry("aipd-exercice-de-groupe", "aipd", "medecin", "", "Énoncé groupe.", ())
    joint = MapEntry("roles-responsables-conjoints", "roles", "medecin", "", "Énoncé conjoints.", ())
    entries = [ScoredEntry(group, 3.0), ScoredEntry(joint, 3.0 * TOPIC_FIRST + 0.01)]

    def opening(question: str, topics: dict[str, float]) -> str:
        query = replace(read_query(question, {}, frozenset()), topics=topics)
        return conclusion(query, entries, [], limit=1)[0][0].id

    roles_asked = {"roles": 1.3, "aipd": 0.6}
    assert opening("Quatre associés, un logiciel partagé : qui est responsable de traitement ?",
                   roles_asked) == "roles-responsables-conjoints"
    assert opening("Four partners share one software: who is the controller?",
                   roles_asked) == "roles-responsables-conjoints"
    # no role named: the best entry; a role named but no topic clearly asked: the best entry too
    assert opening("Quatre associés, un logiciel partagé : qui est responsable ?",
                   roles_asked) == "aipd-exercice-de-groupe"
    assert opening("Quatre associés, un logiciel partagé : qui est responsable de traitement ?",
                   {"roles": 1.3, "aipd": 0.9}) == "aipd-exercice-de-groupe"


def test_an_exemption_the_story_says_holds_is_said_instead_of_the_duty_it_lifts():
    exempt = MapEntry("medecin-dispense", "violation", "medecin", "",
                      "Le médecin est dispensé d'informer les patients si les données étaient chiffrées.", (),
                      fails_when=(Failure(("pas chiffré", "collé le mot de passe")),),
                      holds_when=Holding(("était chiffré", "were encrypted"), "medecin-informe"))
    notify = _entry("medecin-notifie", "medecin", then=("medecin-informe",))
    inform = _entry("medecin-informe", "medecin")
    entries = [ScoredEntry(notify, 3.0), ScoredEntry(inform, 2.7, follows=True), ScoredEntry(exempt, 1.0)]

    def said(story: str) -> list[str]:
        return [e.id for e, _ in conclusion(read_query(f"{story} Que dois-je faire ?", {}, frozenset()), entries, [])]

    assert said("Mon disque de sauvegarde a été perdu. Il était chiffré.") == ["medecin-notifie", "medecin-dispense"]
    assert said("We lost a backup disk; the files were encrypted.") == ["medecin-notifie", "medecin-dispense"]
    # not told, told under a negation, done by an attacker, or broken by the story: the duty is said
    lifted = ["medecin-notifie", "medecin-informe", "medecin-dispense"]
    assert said("Mon disque de sauvegarde a été perdu.") == lifted
    assert said("Mon disque a été perdu. Il n'était jamais chiffré.") == lifted
    assert said("Le serveur était chiffré par le rançongiciel.") == lifted
    assert said("Le portable était chiffré, mais ma secrétaire avait collé le mot de passe dessus.") == lifted
    # nor when the story says it is not known yet; a hypothesis the asker poses still holds
    assert said("Le portable a été volé. On ne sait pas encore si le disque était chiffré.") == lifted
    assert said("The laptop was stolen; we are not sure whether the files were encrypted.") == lifted
    assert said("Le portable a été volé. Si le disque était chiffré,") == ["medecin-notifie", "medecin-dispense"]
    # in a ransomware story the files « sont chiffrés » by the attack; what « était chiffré » before still holds
    assert said("Rançongiciel : tous nos fichiers sont chiffrés et une rançon est demandée.") == lifted
    assert said("Rançongiciel chez l'hébergeur, mais le disque volé était chiffré.") == [
        "medecin-notifie", "medecin-dispense"]
    # nor, its condition untold, does it come before the duty it lifts
    ahead = [ScoredEntry(_entry("medecin-notifie", "medecin"), 3.0), ScoredEntry(exempt, 2.8),
             ScoredEntry(inform, 2.0)]
    query = read_query("Mon éditeur a été piraté. Que dois-je faire ?", {}, frozenset())
    assert [e.id for e, _ in conclusion(query, ahead, [])] == ["medecin-notifie", "medecin-informe"]
    # an exemption whose condition the story does not tell does not open « qui doit faire quoi ? »
    first = conclusion(read_query("Ransomware: all our files are encrypted. Who has to do what now?", {},
                                  frozenset()), [ScoredEntry(exempt, 3.0), ScoredEntry(notify, 2.9)], [], limit=1)
    assert [e.id for e, _ in first] == ["medecin-notifie"]


def test_asked_yes_or_no_of_a_duty_whose_exemption_the_story_says_holds_the_exemption_answers():
    exempt = MapEntry("medecin-dispense", "violation", "medecin", "",
                      "Le médecin est dispensé d'informer les patients si les données étaient chiffrées.", (),
                      answers=(Proposition("Mon portable volé était chiffré : dois-je prévenir mes patients ?",
                                           "non"),),
                      holds_when=Holding(("portable chiffré",), "medecin-informe"))
    inform = MapEntry("medecin-informe", "violation", "medecin", "",
                      "Le médecin informe les patients d'une violation à risque élevé.", (),
                      answers=(Proposition("On m'a volé mon portable : dois-je prévenir mes patients ?", "depend"),))
    entries = [ScoredEntry(inform, 3.0), ScoredEntry(exempt, 2.0)]
    propositions = [(inform, inform.answers[0], 0.95), (exempt, exempt.answers[0], 0.9)]  # the duty's closest

    def first(question: str) -> str:
        return conclusion(read_query(question, {}, frozenset()), entries, propositions)[0][1]

    assert first("Dois-je prévenir mes patients si mon portable chiffré est volé ?") == (
        "Non : le médecin est dispensé d'informer les patients si les données étaient chiffrées.")
    assert first("Dois-je prévenir mes patients si mon portable est volé ?") == (
        "Cela dépend : le médecin informe les patients d'une violation à risque élevé.")


def test_a_provider_s_next_duty_its_first_one_brings_is_left_to_the_table():
    warn = _entry("hebergeur-previent-medecin", "hebergeur", then=("medecin-notifie-cnil", "hebergeur-aide-medecin"))
    entries = [ScoredEntry(warn, 3.0), ScoredEntry(_entry("medecin-notifie-cnil", "medecin"), 2.7, follows=True),
               ScoredEntry(_entry("hebergeur-aide-medecin", "hebergeur"), 2.69, follows=True),
               ScoredEntry(_entry("medecin-documente", "medecin"), 2.5)]
    query = read_query("Notre hébergeur a été piraté : qui doit faire quoi ?", {}, frozenset())
    said = [e.id for e, _ in conclusion(query, entries, [])]
    assert said == ["hebergeur-previent-medecin", "medecin-notifie-cnil", "medecin-documente"]


def test_who_is_at_fault_for_an_incident_opens_on_the_security_duty_that_failed():
    from dataclasses import replace

    warn = MapEntry("violation-editeur-previent", "violation", "editeur", "", "Énoncé prévenir.", ())
    secure = MapEntry("securite-editeur-article-32", "securite", "editeur", "", "Énoncé sécurité.", ())
    entries = [ScoredEntry(warn, 3.0), ScoredEntry(secure, 2.5)]
    story = "Un pirate a copié les dossiers avec le mot de passe par défaut laissé par l'éditeur."
    at_fault = read_query(f"{story} Entre l'éditeur et moi, qui est fautif ?", {}, frozenset())
    now = read_query(f"{story} Qui doit faire quoi maintenant ?", {}, frozenset())
    assert at_fault.fault and not now.fault
    assert conclusion(replace(at_fault, incident=True), entries, [], limit=1)[0][0].id == "securite-editeur-article-32"
    assert conclusion(replace(now, incident=True), entries, [], limit=1)[0][0].id == "violation-editeur-previent"


def test_who_answers_to_the_asker_for_an_incident_opens_on_who_answers_not_on_the_duties_it_triggers():
    from dataclasses import replace

    notify = MapEntry("violation-medecin-notifie", "violation", "medecin", "", "Énoncé notifier.", ())
    answers = MapEntry("sous-traitance-editeur-reste-responsable", "sous-traitance", "editeur", "",
                       "Énoncé l'éditeur répond de son hébergeur.", ())
    entries = [ScoredEntry(answers, 3.0), ScoredEntry(notify, 2.8)]
    story = "Fuite chez l'hébergeur de mon éditeur."
    accountable = read_query(f"{story} C'est à qui de me rendre des comptes ?", {}, frozenset())
    now = read_query(f"{story} Qui doit faire quoi ?", {}, frozenset())
    assert accountable.accountable and not now.accountable
    assert read_query(f"{story} Who is liable to us?", {}, frozenset()).accountable
    assert conclusion(replace(accountable, incident=True), entries, [], limit=1)[0][0].id == answers.id
    assert conclusion(replace(now, incident=True), entries, [], limit=1)[0][0].id == notify.id


def test_after_a_verdict_on_another_topic_the_incident_told_keeps_its_duties_near():
    from dataclasses import replace

    instructions = MapEntry("sous-traitance-hebergeur-instructions", "sous-traitance", "hebergeur", "",
                            "L'hébergeur ne traite les données que sur instruction du médecin.", (),
                            answers=(Proposition("Mon hébergeur peut-il agir sans mes instructions ?", "non"),))
    audits = _host_entry("sous-traitance-hebergeur-audits", "sous-traitance")
    warn = _host_entry("violation-hebergeur-previent", "violation")
    damages = MapEntry("reparation-hebergeur-responsable", "reparation", "hebergeur", "", "Énoncé réparation.", (),
                       answers=(Proposition("Mon hébergeur répond-il du dommage ?", "oui"),))
    question = ("Un pirate a copié des dossiers chez nous, hébergeur. Notre service communication veut écrire "
                "lui-même aux patients. Pouvons-nous le faire de notre propre chef ?")
    query = replace(read_query(question, {}, frozenset()), incident=True)
    entries = [ScoredEntry(instructions, 3.0), ScoredEntry(warn, 2.5), ScoredEntry(audits, 2.4)]
    said = [e.id for e, _ in conclusion(query, entries, [(instructions, instructions.answers[0], 0.95)])]
    assert said[:2] == ["sous-traitance-hebergeur-instructions", "violation-hebergeur-previent"]
    # without an incident told, the first sentence's topic stays, as before
    said = [e.id for e, _ in conclusion(replace(query, incident=False), entries,
                                        [(instructions, instructions.answers[0], 0.95)])]
    assert said[:2] == ["sous-traitance-hebergeur-instructions", "sous-traitance-hebergeur-audits"]
    # who answers for the damage opens: the incident's duties do not jump ahead of the rest
    entries = [ScoredEntry(damages, 3.0), ScoredEntry(warn, 2.5),
               ScoredEntry(_host_entry("reparation-hebergeur-recours", "reparation"), 2.4)]
    said = [e.id for e, _ in conclusion(query, entries, [(damages, damages.answers[0], 0.95)])]
    assert said[:2] == ["reparation-hebergeur-responsable", "reparation-hebergeur-recours"]


def test_after_an_incident_the_asker_s_earlier_duty_opens_when_it_scores_about_as_well():
    from dataclasses import replace

    notify = _entry("medecin-notifie-cnil", "medecin", then=("medecin-informe-patients",))
    inform = _entry("medecin-informe-patients", "medecin")
    warn = _entry("editeur-previent-medecin", "editeur", then=("medecin-notifie-cnil",))
    query = replace(read_query("Mon éditeur a eu une fuite, je dois faire quoi ?", {}, frozenset()), incident=True)
    close = [ScoredEntry(inform, 2.49), ScoredEntry(notify, 2.37), ScoredEntry(warn, 2.33)]
    assert conclusion(query, close, [])[0][0].id == "medecin-notifie-cnil"  # not the vendor's: another actor
    far = [ScoredEntry(inform, 2.8), ScoredEntry(notify, 2.37), ScoredEntry(warn, 2.33)]
    assert conclusion(query, far, [])[0][0].id == "medecin-informe-patients"  # the question asks that one


def test_to_what_must_i_do_the_asker_s_own_earliest_duty_opens_when_it_scores_near_the_best():
    warn = MapEntry("hebergeur-previent", "violation", "hebergeur", "", "Énoncé prévenir.", (),
                    then=("medecin-notifie",))
    notify = _entry("medecin-notifie", "medecin", then=("medecin-informe",))
    inform = _entry("medecin-informe", "medecin")
    entries = [ScoredEntry(warn, 3.0), ScoredEntry(inform, 2.8), ScoredEntry(notify, 2.65)]
    asks = read_query("Que dois-je faire si mon hébergeur a une fuite de données ?", {}, frozenset())
    assert asks.own_duties and conclusion(asks, entries, [])[0][0].id == "medecin-notifie"
    english = read_query("My host had a data breach, what do I have to do?", {}, frozenset())
    assert english.own_duties and conclusion(english, entries, [])[0][0].id == "medecin-notifie"
    # who does what is not the asker's own duties: the best opens
    who = read_query("Mon hébergeur a une fuite de données : qui doit faire quoi ?", {}, frozenset())
    assert not who.own_duties and conclusion(who, entries, [])[0][0].id == "hebergeur-previent"
    far = [ScoredEntry(warn, 3.0), ScoredEntry(inform, 2.0), ScoredEntry(notify, 1.9)]
    assert conclusion(asks, far, [])[0][0].id == "hebergeur-previent"  # the asker's duty is too far behind


def test_whose_fault_it_is_gets_no_verdict_from_a_proposition_that_speaks_of_no_fault():
    from kb.compose.verdict import read_verdict

    duty = Proposition("l'éditeur doit me prévenir s'il subit une fuite ou un piratage", "oui")
    liability = Proposition("La faille venait de mon éditeur, suis-je quand même responsable envers le patient ?",
                            "depend")
    fault = "si mon editeur se fait pirater, c'est ma faute ?"
    assert read_verdict([(duty, 0.92)], proper=fault)[0] is None  # not « Oui : l'éditeur prévient le médecin »
    assert read_verdict([(liability, 0.9)], proper=fault)[0] == "depend"
    assert read_verdict([(duty, 0.92)], proper="si mon editeur se fait pirater, doit-il me prevenir ?")[0] == "oui"
    # a fault told, not asked (« l'hébergeur fautif »), or a kind of fault, leaves the verdict as it is
    told = "le patient doit-il d'abord attaquer l'hebergeur fautif ?"
    assert read_verdict([(duty, 0.92)], proper=told)[0] == "oui"
    assert read_verdict([(duty, 0.92)], proper="est-ce une faute deontologique ?")[0] == "oui"
    assert read_verdict([(duty, 0.92)], proper="is it my fault if my vendor is hacked?")[0] is None


def test_what_a_service_costs_gets_no_verdict_from_a_proposition_that_speaks_of_no_price():
    from kb.compose.verdict import read_verdict

    give_back = Proposition("Je change de logiciel : l'ancien éditeur doit-il me rendre mes dossiers patients ?", "oui")
    price = Proposition("Mon éditeur a-t-il le droit de me faire payer l'export de mes dossiers ?", "depend")
    fine = Proposition("La CNIL peut-elle sanctionner un défaut de sécurité sans fuite ?", "oui")
    billed = "mon ancien editeur veut me facturer 2 000 € l'export de mes dossiers."
    # not « Oui : il les rend »
    assert read_verdict([(give_back, 0.92)], claim=billed, proper="c'est legal ?")[0] is None
    assert read_verdict([(price, 0.9)], claim=billed, proper="c'est legal ?")[0] == "depend"
    assert read_verdict([(give_back, 0.92)], proper="l'ancien editeur doit-il me rendre mes dossiers ?")[0] == "oui"
    assert read_verdict([(give_back, 0.92)], proper="can my old vendor charge me for the export?")[0] is None
    # what a failure costs is answered by a fine
    assert read_verdict([(fine, 0.9)], proper="un defaut de securite peut-il me couter une amende ?")[0] == "oui"
    # and who pays damages by a liability: « l'éditeur devra-t-il payer lui aussi ? »
    clause = Proposition("Une clause du contrat peut-elle dégager mon éditeur de toute responsabilité envers mes "
                         "patients ?", "depend")
    assert read_verdict([(clause, 0.9)], proper="l'editeur devra-t-il payer lui aussi ?")[0] == "depend"
    assert read_verdict([(clause, 0.9)], proper="my vendor, will it have to pay too?")[0] == "depend"


def test_a_role_asked_is_answered_by_the_proposition_naming_a_role_and_the_other_role_turns_the_verdict():
    """« Reste-t-il simplement mon prestataire ? » tied « devient-il responsable du traitement ? » (oui) with « a-t-il
    le droit de réutiliser les données ? » (cela dépend): asked a role, the proposition naming one answers, and the
    controller it names excludes the processor asked."""
    from kb.compose.verdict import read_verdict

    controller = Proposition("L'éditeur qui réutilise les données de mes patients pour ses propres études devient-il "
                             "responsable du traitement ?", "oui")
    leave = Proposition("Mon éditeur a-t-il le droit de réutiliser les données de mes patients ?", "depend")
    close = [(controller, 0.919), (leave, 0.918)]
    assert read_verdict(close, proper="dans ce cas, reste-t-il simplement mon prestataire ?")[0] == "non"
    assert read_verdict(close, proper="dans ce cas, devient-il responsable du traitement ?")[0] == "oui"
    # a provider named as such asks no role: still the near-tie, no verdict
    assert read_verdict(close, proper="dans ce cas, est-ce toujours mon prestataire ?")[0] is None
    # a role the question concedes (« even though we are the controller ») is not the role it asks
    fined = [(Proposition("Can the CNIL fine a software vendor acting as processor?", "oui"), 0.95)]
    conceded = "can the cnil fine our vendor, even though we are the data controller?"
    assert read_verdict(fined, proper=conceded)[0] == "oui"
    assert read_verdict(fined, proper="can the cnil fine our vendor as data controller?")[0] == "non"


def test_who_is_told_is_read_in_french_and_english_but_not_in_what_the_question_sets_aside():
    from kb.compose.verdict import told_whom

    assert told_whom("Can I wait for the full picture before notifying the CNIL?") == {"cnil"}
    assert told_whom("Is it up to me, telling my patients?") == {"patients"}
    assert told_whom("En plus de notifier la CNIL, dois-je prévenir mes patients ?") == {"patients"}
    assert told_whom("Besides notifying the CNIL, do I have to tell my patients?") == {"patients"}
    assert told_whom("Dois-je notifier la CNIL et prévenir mes patients ?") == {"cnil", "patients"}


def test_doing_without_a_duty_asks_leave_not_to_do_it():
    """« puis-je me passer du chiffrement ? » asks the contrary of « dois-je chiffrer les données ? »."""
    from kb.compose.query import folded_form
    from kb.compose.verdict import _asks_leave_not_to

    duty = "Dois-je chiffrer les données de mes patients ?"
    assert _asks_leave_not_to(duty, folded_form("Puis-je me passer du chiffrement sur les postes ?"))
    assert _asks_leave_not_to(duty, folded_form("Can we do without encryption on the workstations?"))
    assert not _asks_leave_not_to(duty, folded_form("Puis-je passer au chiffrement des postes ?"))
