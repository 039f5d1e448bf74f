"""The « Réponse » : one to three sentences from the map that state the conclusion to the question asked —
« Oui : … », « Non : … » when a map entry settles the yes/no question, then the duties that answer it."""

from __future__ import annotations

import re

from kb.compose.counts import amount_told_wrong, delay_told_wrong
from kb.compose.entries import DECISION_PREFIXES, ScoredEntry, basis_documents, from_decision, words_pattern
from kb.compose.query import FIGURES_SAID, INCIDENT_TOPIC, PROVIDERS, SECURITY_TOPIC, WHO, YES_NO, Query
from kb.compose.verdict import (ASKS_TO_REFUSE, asked_in_the_negative, asks_the_contrary, condition_told,
                                duty_without_the_cnil, modal, read_verdict, tells_another, the_cnil_acts, told_whom)
from kb.legalrefs import asks_sanctions, decisions_by_party
from kb.responsibilities import (RESPONSIBILITY_TOPICS, SANCTION_TOPICS, Failure, MapEntry, Proposition,
                                 ResponsibilityMap, called_controller_before)

VERDICT_WORDS = {"oui": "Oui", "non": "Non", "depend": "Cela dépend"}
# a story's words told under a negation just before them (« il ne s'y était jamais opposé ») tell nothing broken,
# unless they are themselves a negation (« la clé n'était pas chiffrée »)
_NEGATION_WORD = r"\b(?:ne|n'|pas|jamais|aucune?|sans|non|sauf|not|no|never)"
_NEGATED_BEFORE = re.compile(rf"{_NEGATION_WORD}\W+(?:\w+\W+){{0,2}}$")
# nor do words told as what is not known yet (« on ne sait pas encore si le disque était chiffré », « not sure
# whether the laptop was encrypted »): a hypothesis the asker poses (« si le disque était chiffré, … ? ») still holds
_NOT_KNOWN_WHETHER = re.compile(r"\b(?:sai[st]|savons|savez|savent|savoir|sure?|certaine?|know|knows|knew|unsure|"
                                r"unclear|verifier|check|checking|confirm)\b\W+(?:\w+\W+){0,3}?"
                                r"(?:si|s'|whether|if)\W+(?:\w+\W+){0,3}$")
_NEGATES = re.compile(_NEGATION_WORD)
# what an attacker did to the data (« chiffrés par le rançongiciel ») is no protection of them
_BY_ATTACKER = re.compile(r"\s+(?:par|by) (?:le |les |un |une |l'|the |an? )?(?:pirates?|rancongiciels?|ransomware|"
                          r"attaquants?|attackers?|hackers?|virus|malware|cyberattaque|criminels?|criminals?)\b")
# in a ransomware story, files « sont chiffrés » by the attack: only what « était chiffré » before protected them
_RANSOM = re.compile(r"\b(?:rancongiciels?|rancons?|ransomware|ransom|cryptolocker)\b")
_BEFORE = ("etait ", "etaient ")
# the asker's own risk (« qu'est-ce que je risque ? »): the one they say they are (Query.asker), else the doctor's
# when the question names him (actors come in the order médecin, éditeur, hébergeur), else the first actor it names
_ASKER_RISKS = re.compile(r"\b(?:je|j'|moi|nous|on) (?:\w+ ){0,2}?risqu\w*|\brisque-je\b|\b(?:i|we) (?:\w+ )?risk\b")
# what a decision held, asked (« que dit l'arrêt du Conseil d'État… ? », « what did the CNIL decide against… ? »)
_ASKS_WHAT_IT_HELD = re.compile(r"\b(?:que (?:dit|disent|retenir|prevoit|decide)|"
                                r"qu'(?:a|ont)-?t?-?(?:il|elle|ils|elles)? ?(?:decide|juge|retenu|dit|sanctionne|"
                                r"reproche)|que (?:lui|leur) (?:a|ont)-t-(?:il|elle|on) reproche|"
                                r"what (?:did|does|do) [^?]{0,60}\b(?:say|hold|decide|rule|find)|resume[rz]?|"
                                r"summari[sz]e)\b")
MAX_SENTENCES = 3
ASKED_AMONG = 4  # the entry a yes/no or « qui » question asks is among this many best (dev)
ASKED_MATCH_WEIGHT = 0.03  # how well the entry answers the question counts a little next to its proposition (dev)
COVER_FLOOR = 0.8  # to « qui ? », each actor asked is said early if its best entry scores this share of the best
TOPIC_FIRST = 0.8  # the clearly named topic's best entry opens the réponse if it scores this share of the best
INCIDENT_FIRST = 0.6  # an incident told leads the réponse with its best entry if it scores this share of the best
OWN_RISK_FIRST = 0.6  # to a provider who says it asks, its own penalty if it scores this share of the best
TOPIC_STAY = 0.25  # the next sentences stay on the first one's topic when they match about as well (dev)
OWN_DUTY_FIRST = 0.8  # to « que dois-je faire ? », the asker's own duty opens if it scores this share of the best
BREACH_TOLD = frozenset({"patients", "cnil"})  # those a breach is told to (told_whom), not the doctor a provider warns
MODAL_BONUS = 0.005  # a proposition asking leave or a duty as the question does counts this much more (dev)
CHAIN_TIE = 0.2  # an actor's earlier duty (`then`) opens before the later one it triggers when it scores this close


def conclusion(query: Query, entries: list[ScoredEntry], propositions: list[tuple[MapEntry, Proposition, float]],
               limit: int = MAX_SENTENCES, responsibilities: ResponsibilityMap | None = None
               ) -> list[tuple[MapEntry, str]]:
    """(entry, sentence) pairs, the conclusion first; `limit` sentences at most. `responsibilities`: the map, where
    the entry that holds when a condition fails (Failure.instead) is found."""
    if not entries:
        return []
    # to « qui ? », a provider the question does not name does not answer for the one it names (« mon hébergeur a eu
    # une fuite, qui est responsable de quoi ? » : not the vendor's warning)
    other = set(PROVIDERS) - set(query.actors)
    if query.form == WHO and len(other) == 1:
        entries = [s for s in entries if s.entry.actor not in other] or entries
    # asked who tells someone, or whether it is a provider's duty (« qui doit prévenir mes patients ? », « est-ce à
    # lui de prévenir mes patients ? »), an entry whose duty tells someone else answers another question (the vendor
    # warns the doctor; the doctor, the CNIL)
    asked_told = told_whom(query.proper) if query.duty_of or query.form == WHO else frozenset()
    propositions = [(e, p, score) for e, p, score in propositions if not tells_another(e.statement, asked_told)]
    # a yes/no question on telling the CNIL or the patients is not answered by a proposition that tells someone
    # else, from an entry that does too (« do I have to notify the CNIL if my laptop is stolen? » is not « …do I
    # have to warn my patients? »); the duty that tells them may be the one asked, even if it follows another
    told_yes_no = (told_whom(query.proper) & BREACH_TOLD if query.form == YES_NO and not asked_told
                   else frozenset())
    propositions = [(e, p, score) for e, p, score in propositions
                    if not (tells_another(p.text, told_yes_no) and tells_another(e.statement, told_yes_no))]
    # nor, asked a duty to tell the CNIL (« …dois-je le déclarer à la CNIL ? »), by a proposition asking neither a duty
    # nor leave that tells nobody (« un compte rendu envoyé au mauvais patient, ça compte comme une fuite ? »): what
    # the incident is, not what is owed for it; unless it asks what a decision held (« did the Conseil d'État find…? »)
    if "cnil" in told_yes_no and modal(query.proper) == "must" and not decisions_by_party(query.proper):
        propositions = [(e, p, score) for e, p, score in propositions if modal(p.text) or told_whom(p.text)]
    if duty_without_the_cnil(query.folded):
        propositions = [(e, p, score) for e, p, score in propositions if not the_cnil_acts(p.text)]
    out: list[tuple[MapEntry, str]] = []
    # an entry whose condition the story breaks (« la clé n'était pas chiffrée » for the encrypted-data exemption)
    # does not lead the réponse
    broken = {s.entry.id: _failure_told(s.entry, query) for s in entries}
    held = _held_exemptions(entries, query, broken)  # duty id → the exemption the story says holds, in its place
    # nor does an exemption whose condition the story does not tell (files « chiffrés » by a ransomware)
    holding = {e.id for e in held.values()}
    unheld = {s.entry.id for s in entries if s.entry.holds_when and s.entry.id not in holding}
    leads = [s for s in entries if broken[s.entry.id] is None and s.entry.id not in unheld] or entries
    best = _best_answer(leads, query)
    # The entry the question asks: for yes/no, among the best ones, the one with the proposition closest to it
    # (propositions are yes/no questions), a situation told alike weighing less than the point asked, one asking
    # leave or a duty as the question does a little more (« dois-je prévenir le patient ? »: not « la CNIL peut-elle
    # m'obliger à prévenir mes patients ? »); for « qui »,
    # the best duty, not a sanction nobody asked about, or the best on the topic clearly asked when an incident is
    # told (« qui doit faire quoi maintenant ? »: the incident's duty) or a role named (« qui est responsable de
    # traitement ? »).
    if query.form == WHO:
        telling = (asked_told and ([s for s in leads if told_whom(s.entry.statement) & asked_told]
                                   or [s for s in leads if not tells_another(s.entry.statement, asked_told)])
                   or leads)
        asked = (((query.incident and not query.accountable) or query.role_asked) and _on_clear_topic(telling, query)
                 or _best_answer(telling, query))
    else:
        lapsed = {i for i, failure in broken.items() if failure is not None and not failure.opening}  # exemptions
        pool = [s for s in entries if (not s.follows or told_whom(s.entry.statement) & told_yes_no)
                and s.entry.id not in lapsed]
        # a penalty is asked of the actors the question names (« un médecin… peut-il être poursuivi ? »: not the
        # host's penalty for the same failing)
        pool = [s for s in pool if s.entry.topic not in SANCTION_TOPICS or not query.actors
                or s.entry.actor in query.actors] or pool
        # « est-ce à mon hébergeur d'informer les patients ? »: among the duties that tell them, whatever follows
        telling = [s for s in entries if asked_told and s.entry.id not in lapsed
                   and told_whom(s.entry.statement) & asked_told]
        among = {s.entry.id: s.score for s in (telling or pool)[:ASKED_AMONG]}
        closest: dict[str, tuple[float, MapEntry]] = {}  # its closest proposition first (propositions: best first)
        asks = modal(query.proper)
        for entry, proposition, score in propositions:
            if entry.id in among and entry.id not in closest:
                alike = MODAL_BONUS if asks and modal(proposition.text) == asks else 0.0
                closest[entry.id] = (score + ASKED_MATCH_WEIGHT * among[entry.id] + alike, entry)
        asked = max(closest.values(), key=lambda c: c[0])[1] if closest else None
        # a duty whose exemption the story says holds (« mon portable chiffré a été volé ») is answered by it
        asked = held.get(asked.id, asked) if asked is not None else None
    # a yes/no on something the corpus never names gets no verdict (a name in the situation told first does not
    # stop it: « J'ai exporté un fichier Excel. Mon éditeur devait-il m'alerter ? »)
    asks_unknown = query.asks_unknown or query.price or query.statistic or query.world
    # nor does a figure to judge that the entry states none of (« 6 caractères, c'est suffisant ? »)
    unjudged = bool(query.figure_judged) and asked is not None and not FIGURES_SAID[query.figure_judged].search(
        asked.statement)
    if asked is not None and query.form == YES_NO and not asks_unknown and not query.choice and not unjudged:
        word, read_from = read_verdict([(p, score) for e, p, score in propositions if e.id == asked.id],
                                       query.claim, query.proper, query.asker_refuses)
        failure = broken.get(asked.id)
        # the story breaks the rule's condition and says the rule that holds instead (« Non, pas quand il réutilise
        # les données à ses propres fins : l'éditeur… devient responsable du traitement »), whatever the verdict, or
        # the broken rule's own limit
        if failure is not None and (word != "non" or not failure.opening or failure.instead):
            instead = responsibilities.get(failure.instead) if failure.instead and responsibilities else None
            said = instead or asked
            if failure.opening:  # an exemption that no longer holds settles nothing, but may say what holds
                out.append((said, f"{failure.opening} : {_lower_first(said.statement)}"))
                if instead is not None and not called_controller_before(asked, [instead]):
                    out.append((asked, asked.statement))  # then the rule the story does not meet: where it holds
            elif instead is not None:
                out.append((instead, instead.statement))
        elif word and word != "non" and (query.duty_of and asked.actor != query.duty_of
                                         or delay_told_wrong(query.proper, asked.statement)
                                         or amount_told_wrong(query.proper, asked.statement)):
            # « est-ce à lui de prévenir mes patients ? » answered by the doctor's duty: not his; « ai-je 7 jours pour
            # notifier ? » by the duty to notify within 72 hours, « plafonnée à quelques milliers d'euros ? » by a
            # fine of up to 10 million: not that delay, not that amount
            out.append((asked, f"{VERDICT_WORDS['non']} : {_lower_first(asked.statement)}"))
        elif word:
            out.append((asked, f"{_opening(asked, word, read_from, query)} : {_lower_first(asked.statement)}"))
    elif asked is not None and (query.form == WHO or query.choice):  # the duty it asks says who, or which
        said = held.get(asked.id, asked)
        out.append((said, said.statement))
    first = (out[0][0] if out else
             _own_duty(leads, query, _on_clear_topic(leads, query) or _risk_asked(leads, query, propositions) or best
                       or leads[0].entry))
    # a duty of the incident told stays near the first sentence too, unless that one says who answers for it
    told = INCIDENT_TOPIC if query.incident and first.topic not in SANCTION_TOPICS + RESPONSIBILITY_TOPICS else ""
    order = _reading_order(entries, first, best, told)
    if len(query.actors) > 1 and (query.form == WHO or query.liability):
        order = _each_actor_first(order, query.actors, first, COVER_FLOOR * entries[0].score)
    for scored in order:
        if len(out) >= limit:
            break
        if scored.entry.id in held:
            scored = ScoredEntry(held[scored.entry.id], scored.score, scored.follows)
        if any(scored.entry.id == e.id for e, _ in out) or _cited_already(scored.entry, out):
            continue
        if called_controller_before(scored.entry, (e for e, _ in out)):
            continue  # the vendor the réponse makes a controller (reusing data) is not then called a processor
        if (scored.entry.id in unheld and out
                and not any(e.id == scored.entry.holds_when.instead_of for e, _ in out)):
            continue  # an exemption the story does not tell holds comes after the duty it lifts, or not at all
        if (from_decision(scored.entry) and any(from_decision(e) for e, _ in out)
                and not any(r.startswith(DECISION_PREFIXES) for r in query.references)):
            continue  # one decision's story tells the example; a second repeats it
        triggered = scored.follows and any(scored.entry.id in e.then for e, _ in out)
        if (triggered and scored.entry.topic not in SANCTION_TOPICS
                and any(scored.entry.id in e.then and e.actor == scored.entry.actor != "medecin" for e, _ in out)):
            continue  # a provider's next duty (to assist, once it has warned the doctor) is the table's
        if (scored.entry.topic in SANCTION_TOPICS and not query.asks_sanctions and out and not triggered
                and out[0][0].topic not in SANCTION_TOPICS):  # a penalty nobody asked about is not the answer
            continue
        if (query.form != WHO and query.actors and scored.entry.actor not in query.actors and out
                and not triggered):  # what an entry said triggers is said, whoever's duty it is
            continue
        out.append((scored.entry, scored.entry.statement))
    return out


def _opening(entry: MapEntry, word: str, read_from: Proposition | None, query: Query) -> str:
    """The réponse's first words: the entry's own opening for the verdict (« Oui, sauf si… »); for « Cela dépend »,
    the way the rule leans (« Oui, si… »: the proposition's, else the entry's), turned round (« Non, si… ») when the
    question asks the proposition's contrary, none when it asks it in the negative (asks_the_contrary); a bare
    « Oui » when the question says the condition holds (condition_told). Asked in the negative (« je n'ai pas à
    notifier la CNIL ? »), a rule that holds opens on « Si », as French answers it, and one that holds not on
    « Non » (asked_in_the_negative): « Oui » would confirm the negation."""
    if word != "depend":
        opening = entry.opening(word) or VERDICT_WORDS[word]
        if read_from is None or not asked_in_the_negative(query.proper):
            return opening
        # a claim in the negative is wrong when the rule holds; a proposition, read in the positive, says it holds
        negative = bool(asked_in_the_negative(read_from.text))
        holds = word == "non" if query.claim is not None else (word == "oui") != negative
        return ("Si" if holds else "Non") + opening[3:]
    lean = read_from is not None and read_from.opening or entry.opening(word)
    if not lean:
        return VERDICT_WORDS[word]
    contrary = asks_the_contrary(read_from.text, query.claim, query.proper) if read_from is not None else False
    if contrary is None:
        return VERDICT_WORDS[word]
    if contrary:
        return ("Non" if lean.startswith("Oui") else "Oui") + lean[3:]
    return lean[:3] if condition_told(lean, query.proper) else lean


def _held_exemptions(entries: list[ScoredEntry], query: Query,
                      broken: dict[str, Failure | None]) -> dict[str, MapEntry]:
    """Duty id → the exemption whose condition the story tells (« le disque était chiffré »), told without a negation
    before it and not by an attacker (« chiffrés par le rançongiciel », or « sont chiffrés » in a ransomware story),
    none of its own conditions broken (`broken`: _failure_told of each entry)."""
    held = {}
    for scored in entries:
        holding = scored.entry.holds_when
        if holding is None or broken[scored.entry.id] is not None:
            continue
        ransom = bool(_RANSOM.search(query.folded))
        for told in words_pattern(holding.words).finditer(query.folded):
            before = query.folded[max(0, told.start() - 60):told.start()]
            if (not _NEGATED_BEFORE.search(before[-40:]) and not _NOT_KNOWN_WHETHER.search(before)
                    and not _BY_ATTACKER.match(query.folded, told.end())
                    and not (ransom and not told[0].startswith(_BEFORE))):
                held.setdefault(holding.instead_of, scored.entry)
                break
    return held


def _failure_told(entry: MapEntry, query: Query) -> Failure | None:
    """The entry's condition the story says is broken (« elle m'a demandé de ne rien en dire », « sa nièce, pas
    héritière »), told without a negation before it; none when the question asks whether one may refuse."""
    if not entry.fails_when or ASKS_TO_REFUSE.search(query.proper):
        return None
    for failure in entry.fails_when:
        for told in words_pattern(failure.words).finditer(query.folded):
            if _NEGATES.match(told[0]) or not _NEGATED_BEFORE.search(query.folded[max(0, told.start() - 40):
                                                                                 told.start()]):
                return failure
    return None


def _each_actor_first(order: list[ScoredEntry], actors: tuple[str, ...], first: MapEntry,
                      floor: float) -> list[ScoredEntry]:
    """« Lui ou moi ? » : the best entry of each actor asked that `first` does not speak for, if it scores above
    `floor`, ahead of the rest, in reading order."""
    leads, covered = [], {first.actor}
    for scored in order:
        if scored.entry.actor in actors and scored.entry.actor not in covered and scored.score >= floor:
            leads.append(scored)
            covered.add(scored.entry.actor)
    ahead = {first.id} | {s.entry.id for s in leads}
    return [s for s in order if s.entry.id == first.id] + leads + [s for s in order if s.entry.id not in ahead]


def _on_clear_topic(entries: list[ScoredEntry], query: Query) -> MapEntry | None:
    """The best entry on the topic the question's own words clearly name (twice any other, by keywords), if it
    scores near the best and no penalty is asked: « une patiente a reçu le compte rendu d'un autre patient : que
    faire ? » is a breach."""
    ranked = sorted(query.topics.items(), key=lambda t: -t[1])
    clear = ranked and ranked[0][1] >= 1.0 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1])
    if query.asks_sanctions or not (clear or query.incident):
        return None
    # an incident told asks what to do now; who is at fault for it, whose security failed
    told = SECURITY_TOPIC if query.fault else INCIDENT_TOPIC
    topic, share = (told, INCIDENT_FIRST) if query.incident else (ranked[0][0], TOPIC_FIRST)
    best = entries[0].score
    found = next((s.entry for s in entries if s.entry.topic == topic and s.score >= share * best), None)
    return _earliest_duty(found, entries) if found is not None and query.incident else found


def _earliest_duty(entry: MapEntry, entries: list[ScoredEntry]) -> MapEntry:
    """The same actor's duty that triggers `entry` (`then`), if it scores about as well (CHAIN_TIE), and so on up:
    after a breach, the doctor notifies the CNIL before informing the patients."""
    score = {s.entry.id: s.score for s in entries}
    seen = {entry.id}
    while True:
        earlier = next((s.entry for s in entries if entry.id in s.entry.then and s.entry.actor == entry.actor
                        and s.entry.id not in seen and s.score >= score[entry.id] - CHAIN_TIE), None)
        if earlier is None:
            return entry
        entry = earlier
        seen.add(entry.id)


def _own_duty(entries: list[ScoredEntry], query: Query, first: MapEntry) -> MapEntry:
    """To « que dois-je faire ? », the asker's own best duty (the doctor's, unless they speak for a provider) on
    the topic of the entry that would open, if it scores near the best, instead of another actor's, and their
    earlier duty before it (_earliest_duty): « Mon hébergeur a une fuite, que dois-je faire ? » opens on notifying
    the CNIL, not on the host's warning nor on informing the patients."""
    asker = query.asker or "medecin"
    if not query.own_duties or query.form == WHO:
        return first
    top = entries[0].score
    own = first if first.actor == asker else next(
        (s.entry for s in entries if s.entry.actor == asker and s.entry.topic == first.topic
         and s.score >= OWN_DUTY_FIRST * top), None)
    return first if own is None else _earliest_duty(own, entries)


def _risk_asked(entries: list[ScoredEntry], query: Query,
                propositions: list[tuple[MapEntry, Proposition, float]] = ()) -> MapEntry | None:
    """To « je risque quoi ? », the best penalty, if it scores near the best or has the closest proposition (« que
    risque mon hébergeur s'il ne me prévient pas ? »: « …risque-t-il une sanction de la CNIL ? »): what one risks is
    the answer, and a penalty with its amount says it better than what lightens or weighs on it."""
    if not asks_sanctions(query.proper):
        return None
    best = entries[0].score
    closest = propositions[0][0].id if propositions else None
    near = [s.entry for s in entries if s.entry.topic in SANCTION_TOPICS
            and (s.score >= TOPIC_FIRST * best or s.entry.id == closest)]
    asker = query.asker or (query.actors[0] if query.actors else None)
    own = []
    if _ASKER_RISKS.search(query.proper) and asker:  # a provider who says so asks its own risk, if it matches
        share = OWN_RISK_FIRST if query.asker in PROVIDERS else TOPIC_FIRST
        own = [s.entry for s in entries if s.entry.topic in SANCTION_TOPICS and s.entry.actor == asker
               and s.score >= share * best]
    return next((e for e in own or near if FIGURES_SAID["montant"].search(e.statement)), near[0] if near else None)


def _best_answer(entries: list[ScoredEntry], query: Query) -> MapEntry | None:
    """The best entry, not a penalty nobody asked about (« c'est combien, un hébergeur HDS ? »), unless it tells
    what a decision the question names or recalls held, asked (_ASKS_WHAT_IT_HELD), and nothing else answers nearly
    as well (« que dit l'arrêt du Conseil d'État du 22 juillet 2022 ? »: not the Nîmes ruling)."""
    best = next((s for s in entries if query.asks_sanctions or s.entry.topic not in SANCTION_TOPICS), None)
    named = query.named | query.recalled
    decision = next((s for s in entries if basis_documents(s.entry) & named), None)
    if (decision is not None and decision.entry.topic in SANCTION_TOPICS and _ASKS_WHAT_IT_HELD.search(query.proper)
            and (best is None or best.score < TOPIC_FIRST * decision.score)):
        return decision.entry
    return best.entry if best is not None else None


def _cited_already(entry: MapEntry, said: list[tuple[MapEntry, str]]) -> bool:
    """Another wording of passages the réponse already cites: it says nothing new."""
    basis = {b.chunk_id for b in entry.basis}
    return bool(basis) and basis <= {b.chunk_id for e, _ in said for b in e.basis}


def _reading_order(entries: list[ScoredEntry], first: MapEntry, best: MapEntry | None = None,
                   told: str = "") -> list[ScoredEntry]:
    """The `first` entry, then the `best` match whatever its topic, then best first, an entry on the first one's
    topic or on the incident `told` a little ahead (TOPIC_STAY), and what an entry triggers (`then`) right after
    it, unless it ranks above it on its own: the host warns the doctor, who notifies the CNIL, however little the
    story speaks of the CNIL."""
    by_id = {s.entry.id: s for s in entries}
    ordered: dict[str, ScoredEntry] = {}

    def place(scored: ScoredEntry) -> None:
        if scored.entry.id in ordered:
            return
        ordered[scored.entry.id] = scored
        for follower in scored.entry.then:
            if follower in by_id and (by_id[follower].follows or by_id[follower].score < scored.score):
                place(by_id[follower])
    ranked = sorted(entries, key=lambda s: -(s.score + TOPIC_STAY * (s.entry.topic in (first.topic, told))))
    lead = [by_id[e.id] for e in (first, best) if e is not None and e.id in by_id]
    for scored in lead + ranked:
        place(scored)
    return list(ordered.values())


def _lower_first(text: str) -> str:
    """After « Oui : », the statement's first word in lower case (« à la fin… »), not an acronym (« CNIL »)."""
    return text[:1].lower() + text[1:] if text[1:2].islower() or text[1:2] in ("'", " ") else text
