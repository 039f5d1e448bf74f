"""The « Réponse » : one to three sentences from the map that state the conclusion to the question asked —
« Oui : … », « Non : … » when a map entry settles the yes/no question, then the duties that answer it."""

from __future__ import annotations

import re

from kb.compose.entries import DECISION_PREFIXES, ScoredEntry, from_decision, words_pattern
from kb.compose.query import (FIGURES_SAID, INCIDENT_TOPIC, SECURITY_TOPIC, WHO, YES_NO, Query, folded_form,
                              negations)
from kb.legalrefs import asks_sanctions
from kb.responsibilities import (RESPONSIBILITY_TOPICS, SANCTION_TOPICS, Failure, MapEntry, Proposition,
                                 called_controller_before)
from kb.text import tokenize

VERDICT_WORDS = {"oui": "Oui", "non": "Non", "depend": "Cela dépend"}
# an act done « sans » (or that it is « trop tard pour » doing), its object pronouns skipped, and one more act « ni »
# adds (« sans me prévenir ni me demander »)
_PRONOUNS = r"(?:(?:me|m'|te|t'|le|la|l'|les|lui|leur|nous|vous|en|y|se|s')\s*)*"
_MUST_OR_MAY = re.compile(r"\b(?:doi[st]|doivent|devons|devez|faut|oblige\w*|peu[tx]|peuvent|puis|pouvons|pouvez|"
                          r"droit|trop tard|must|should|have to|has to|need|may|can)\b")
_DETERMINERS = r"(?:(?:my|your|his|her|its|our|their|the|an?|any|me|us|them|him|prior|first|being|having)\s+)*"
_WITHOUT = re.compile(rf"\b(?:sans|trop tard pour) {_PRONOUNS}(?:(?:etre|avoir) )?(\w+)|\bni {_PRONOUNS}(\w+)|"
                      rf"\b(?:without|too late to) {_DETERMINERS}(\w+)|\bnor {_DETERMINERS}(\w+)")
_OPPOSITE = {"oui": "non", "non": "oui"}
# acts that undo each other: keeping the data, and giving it back or erasing it (« peut-il garder une copie ? » non;
# « doit-il me rendre les données et effacer ses copies ? » oui)
_OPPOSITE_ACTS = (re.compile(r"\b(?:gard(?:e|er|es|ent|era|erait)|conserv(?:e|er|es|ent|era|erait)|keeps?|"
                             r"retain)\b"),
                  re.compile(r"\b(?:rend(?:re|e|ra)?|restitu\w*|effac\w*|supprim\w*|detrui\w*|return|delete|"
                             r"erase|destroy)\b"))
# a story's words told under a negation just before them (« il ne s'y était jamais opposé ») tell nothing broken,
# unless they are themselves a negation (« la clé n'était pas chiffrée »)
_NEGATION_WORD = r"\b(?:ne|n'|pas|jamais|aucune?|sans|non|sauf|not|no|never)"
_NEGATED_BEFORE = re.compile(rf"{_NEGATION_WORD}\W+(?:\w+\W+){{0,2}}$")
_NEGATES = re.compile(_NEGATION_WORD)
# a question on whether one may refuse asks the exception itself, not the act it stops (« elle peut refuser ? »)
_ASKS_TO_REFUSE = re.compile(r"\b(?:refuser|s'(?:y )?opposer|object|refuse)\b")
# a proposition asking whether someone else may act (« un éditeur peut-il faire héberger… ? »), which the asker may
# then refuse
_OTHERS_MAY = re.compile(r"\b(?:peut|peuvent|peut-il|peut-elle|peuvent-ils|(?:a|ont)(?:-t-il|-t-elle)? le droit|"
                         r"can|may|is allowed|are allowed)\b")
_CAN = r"peu[tx]|peuvent|puis|pouvons|pouvez|pourr\w+|peut-(?:on|il|elle)|can|may|could"  # the modal of leave
# being exempt from a duty (« suis-je dispensé de notifier ? ») asks its contrary, and so does asking leave to skip it
# (« peut-on se passer d'un contrat ? », « can I skip encrypting? »)
_EXEMPT = re.compile(r"\b(?:dispens\w*|exempt\w*|decharg\w*|exoner\w*|liberee?s? de|relieved?|off the hook|"
                     r"a l'abri|echapp\w*|escap\w*|safe from|immune)\b|"
                     rf"\b(?:{_CAN})\W+(?:\w+\W+){{0,3}}?(?:se passer|s'en passer|passer outre|omettre|rester muet|"
                     r"negliger|ignorer|faire l'impasse|skip|omit|leave out|do without|forgo|ignore|dispense with)\b")
# leave not to do something (« peut-il ne rien prévoir dans le contrat ? ») asks the contrary of a duty to do it
# (« le contrat doit-il prévoir… ? »)
_MAY = re.compile(rf"\b(?:{_CAN}|a-t-(?:il|elle) le droit|ai-je le droit|est-il (?:libre|permis|possible)|"
                  r"is (?:it|he|she|they) allowed|are (?:we|they) allowed)\b")
_MUST = re.compile(r"\b(?:doi[st]|doivent|devons|devez|faut|faut-il|oblig\w*|tenue?s? (?:de|a)|impos\w*|must|"
                   r"have to|has to|need|needs|required|requires|should)\b")
# refusing to do it (« l'éditeur peut-il refuser de m'aider ? ») is not doing it
_REFUSES_TO = re.compile(r"\b(?:refuser|refuse|decline) (?:de |d'|to )|\bse desinteresser\b")
# putting off what is due (« signer le contrat plus tard », « attendre », « tell me afterwards ») is not doing it
_PUT_OFF = re.compile(r"\b(?:attendre|patienter|tarder|differer|repousser|wait|postpone)\b|"
                      r"\b(?:tell|inform|notify|ask|sign|signer|prevenir|informer|demander|dire|notifier)\w* "
                      r"(?:\w+ ){0,3}?(?:afterwards|later|plus tard|apres coup|ensuite)\b")
# what a proposition asks failed (« le défaut de notification est-il un délit ? ») is no duty to skip
_FAILED = re.compile(r"\b(?:fail\w*|defaut|manqu\w*|omission|absence)\b")
# whether a lesser step suffices (« une poignée de main suffit-elle, sans contrat écrit ? ») is answered by the duty the
# law sets: the duty a proposition says holds (« faut-il un contrat écrit ? » oui) says that it does not
_SUFFICES = re.compile(r"\b(?:suffi(?:t|sent|ra|rait)(?:-(?:il|elle|ils|elles))?|"
                       r"(?:est|sont)(?:-(?:il|elle|ce|ils|elles))? (?:bien |vraiment )?suffisante?s?|"
                       r"(?:is|are) (?:it|that|this|they) (?:enough|sufficient)|enough to|suffices?)\b")
# what an attacker did to the data (« chiffrés par le rançongiciel ») is no protection of them
_BY_ATTACKER = re.compile(r"\s+(?:par|by) (?:le |les |un |une |l'|the |an? )?(?:pirates?|rancongiciels?|ransomware|"
                          r"attaquants?|attackers?|hackers?|virus|malware|cyberattaque|criminels?|criminals?)\b")
# in a ransomware story, files « sont chiffrés » by the attack: only what « était chiffré » before protected them
_RANSOM = re.compile(r"\b(?:rancongiciels?|rancons?|ransomware|ransom|cryptolocker)\b")
_BEFORE = ("etait ", "etaient ")
# the asker's own risk (« qu'est-ce que je risque ? »): the doctor's when the question names him (actors come in
# the order médecin, éditeur, hébergeur), else the first actor it names
_ASKER_RISKS = re.compile(r"\b(?:je|j'|moi|nous|on) (?:\w+ ){0,2}?risqu\w*|\brisque-je\b|\b(?:i|we) (?:\w+ )?risk\b")
# a premise narrower than the rule (« seuls les diagnostics… ? », « ne risque-t-il qu'une amende ? », « forcément
# en France ? », « obligatoirement par écrit ? », « just because… ? »): a rule the proposition states without that
# restriction says it does not hold; not a role said of someone (« un éditeur qui n'est que sous-traitant »), an
# alternative offered (« …ou ça ne vise que les grandes entreprises ? ») or a restriction denied or set aside
# (« pas seulement », « quand même »)
_UNDENIED = r"(?!pas\b|plus\b|jamais\b|rien\b)[\w']+ "  # « ne … que », not « ne … pas ce que »
_RESTRICTS = re.compile(r"\b(?:seulement|uniquement|only|solely|merely|just because|a (?:lui|elle|eux) seule?s?|"
                        r"(?:le|la|les|l'|moi|lui) seule?s?|seule?s? (?:le|la|les|l')|automatiquement|automatically|"
                        r"forcement|necessarily|obligatoirement|necessairement|imperativement|de toute facon|"
                        rf"mandatorily|n(?:e |')[\w-]+ (?:{_UNDENIED}){{0,4}}?que?\b)")
_ROLE_SAID = re.compile(r"\bn'(?:est|etait|etaient|sont|etre)(?: plus)? que?\b|\b(?:is|was|are|being) only an?\b")
_ALTERNATIVE = re.compile(r"\b(?:ou|or)\b")
_RESTRICTION_LIFTED = re.compile(r"\b(?:pas|not|non) (?:seulement|only|just|uniquement)|"
                                 r"\b(?:quand meme|tout de meme|still|even|aussi|also|as well)\b")
# a rule that depends on conditions does not hold always, in every case, freely or of one's own initiative
# (« dois-je systématiquement consulter tous mes patients ? », « puis-je les lui envoyer librement ? »)
_UNCONDITIONAL = re.compile(r"\b(?:toujours|systematiquement|dans tous les cas|en toutes? circonstances?|"
                            r"automatiquement|librement|sans (?:aucune )?(?:limite|condition|restriction)|"
                            r"quel(?:le)?s? que soi(?:t|ent)|n'importe (?:quel\w*|quoi|qui)|"
                            r"de (?:sa|leur|son) propre initiative|par curiosite|whatever|always|automatically|"
                            r"in (?:all|every|any) cases?|freely|without (?:any )?(?:limit|condition|restriction)s?|"
                            r"no matter)\b")
# the reason given for a claim (« …, puisque c'est à moi de notifier », « d'autant qu'elle n'était pas certifiée »)
# neither states nor denies it
_REASONS = re.compile(r"\b(?:puisqu\w*|parce qu\w*|d'autant (?:plus )?qu\w*|vu qu\w*|etant donne qu\w*|car|"
                      r"since|because|as long as|tant qu\w*)\b[^,.;:]*")
VERDICT_MARGIN = 0.01  # how far its closest proposition must lead its closest one with another verdict (dev)
MAX_SENTENCES = 3
ASKED_AMONG = 3  # the entry a yes/no or « qui » question asks is among this many best (dev)
ASKED_MATCH_WEIGHT = 0.03  # how well the entry answers the question counts a little next to its proposition (dev)
COVER_FLOOR = 0.8  # to « qui ? », each actor asked is said early if its best entry scores this share of the best
TOPIC_FIRST = 0.8  # the clearly named topic's best entry opens the réponse if it scores this share of the best
INCIDENT_FIRST = 0.6  # an incident told leads the réponse with its best entry if it scores this share of the best
TOPIC_STAY = 0.25  # the next sentences stay on the first one's topic when they match about as well (dev)


def conclusion(query: Query, entries: list[ScoredEntry], propositions: list[tuple[MapEntry, Proposition, float]],
               limit: int = MAX_SENTENCES) -> list[tuple[MapEntry, str]]:
    """(entry, sentence) pairs, the conclusion first; `limit` sentences at most."""
    if not entries:
        return []
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
    # (propositions are yes/no questions), a situation told alike weighing less than the point asked; for « qui »,
    # the best duty, not a sanction nobody asked about.
    if query.form == WHO:  # « qui doit faire quoi maintenant ? » after an incident: the incident's duty
        asked = (query.incident and _on_clear_topic(leads, query)) or best
    else:
        lapsed = {i for i, failure in broken.items() if failure is not None and not failure.opening}  # exemptions
        among = {s.entry.id: s.score for s in [s for s in entries if not s.follows
                                               and s.entry.id not in lapsed][:ASKED_AMONG]}
        closest: dict[str, tuple[float, MapEntry]] = {}  # its closest proposition first (propositions: best first)
        for entry, _, score in propositions:
            if entry.id in among and entry.id not in closest:
                closest[entry.id] = (score + ASKED_MATCH_WEIGHT * among[entry.id], entry)
        asked = max(closest.values(), key=lambda c: c[0])[1] if closest else None
    # a yes/no on something the corpus never names gets no verdict (a name in the situation told first does not
    # stop it: « J'ai exporté un fichier Excel. Mon éditeur devait-il m'alerter ? »)
    asks_unknown = query.asks_unknown or query.price or query.statistic or query.world
    # nor does a figure to judge that the entry states none of (« 6 caractères, c'est suffisant ? »)
    unjudged = bool(query.figure_judged) and asked is not None and not FIGURES_SAID[query.figure_judged].search(
        asked.statement)
    if asked is not None and query.form == YES_NO and not asks_unknown and not query.choice and not unjudged:
        word = _verdict([(p, score) for e, p, score in propositions if e.id == asked.id], query.claim,
                        query.proper, query.asker_refuses)
        failure = broken.get(asked.id)
        if failure is not None and (word != "non" or not failure.opening):  # the story breaks the rule's condition
            if failure.opening:  # an exemption that no longer holds settles nothing
                out.append((asked, f"{failure.opening} : {_lower_first(asked.statement)}"))
        elif word:
            opening = asked.opening(word) or VERDICT_WORDS[word]
            out.append((asked, f"{opening} : {_lower_first(asked.statement)}"))
    elif asked is not None and (query.form == WHO or query.choice):  # the duty it asks says who, or which
        said = held.get(asked.id, asked)
        out.append((said, said.statement))
    first = (out[0][0] if out else
             _on_clear_topic(leads, query) or _risk_asked(leads, query) or best or leads[0].entry)
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
            if (not _NEGATED_BEFORE.search(query.folded[max(0, told.start() - 40):told.start()])
                    and not _BY_ATTACKER.match(query.folded, told.end())
                    and not (ransom and not told[0].startswith(_BEFORE))):
                held.setdefault(holding.instead_of, scored.entry)
                break
    return held


def _failure_told(entry: MapEntry, query: Query) -> Failure | None:
    """The entry's condition the story says is broken (« elle m'a demandé de ne rien en dire », « sa nièce, pas
    héritière »), told without a negation before it; none when the question asks whether one may refuse."""
    if not entry.fails_when or _ASKS_TO_REFUSE.search(query.proper):
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
    return next((s.entry for s in entries if s.entry.topic == topic and s.score >= share * best), None)


def _risk_asked(entries: list[ScoredEntry], query: Query) -> MapEntry | None:
    """To « je risque quoi ? », the best penalty, if it scores near the best: what one risks is the answer, and a
    penalty with its amount says it better than what lightens or weighs on it."""
    if not asks_sanctions(query.proper):
        return None
    best = entries[0].score
    near = [s.entry for s in entries if s.entry.topic in SANCTION_TOPICS and s.score >= TOPIC_FIRST * best]
    own = [e for e in near if e.actor == query.actors[0]] if _ASKER_RISKS.search(query.proper) and query.actors else []
    return next((e for e in own or near if FIGURES_SAID["montant"].search(e.statement)), near[0] if near else None)


def _best_answer(entries: list[ScoredEntry], query: Query) -> MapEntry | None:
    """The best entry, not a penalty nobody asked about (« c'est combien, un hébergeur HDS ? »)."""
    return next((s.entry for s in entries if query.asks_sanctions or s.entry.topic not in SANCTION_TOPICS), None)


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


def _verdict(asked: list[tuple[Proposition, float]], claim: str | None = None, proper: str = "",
             refusing: bool = False) -> str | None:
    """The verdict of the entry's proposition closest to the question (`asked`: with their scores, best first).
    When one with another verdict is about as close, the one that denies as the question proper does (`proper`:
    « …sans lui demander ? » asks « sans son accord ? », not « les infos nécessaires ? »), if only one does; if
    both do, the one sharing more words with it (« il reste juste mon sous-traitant ? »); else none: a wrong « Oui »
    or « Non » misleads more than none (a twin of opposite polarity is no rival: it says the same rule, « je peux
    conserver sans limite ? » non, « dois-je supprimer un jour ? » oui). A claim to confirm
    (« sans m'en avoir parlé. Il avait le droit ? ») that denies what the proposition states (« peut-il changer de
    sous-traitant avec mon autorisation ? ») gets the opposite verdict, and so does a question asking the very act
    the proposition says done « sans » (_asks_the_converse), whether one is exempt from what it asks or may skip
    it (_asks_the_exemption), or leave not to do it (_asks_leave_not_to); and whether a lesser step suffices or the
    duty may be put off is answered « Non » by a duty the proposition says holds. Asked whether one may refuse
    (`refusing`) what a proposition asks someone else may do, the answer is its contrary: a move to an uncertified
    host may be refused. A « Oui » to a premise narrower than the proposition (_narrower) is a « Non », and so is
    « Cela dépend » to whether the rule holds unconditionally (« toujours », « librement »)."""
    if not asked:
        return None
    word = _verdict_read(asked, claim, proper, refusing)
    said = folded_form(asked[0][0].text)
    if word == "oui" and _narrower(claim and folded_form(claim) or proper, said):
        return "non"
    if word == "depend" and _UNCONDITIONAL.search(proper.rsplit(":", 1)[-1]) and not _UNCONDITIONAL.search(said):
        return "non"
    return word


def _verdict_read(asked: list[tuple[Proposition, float]], claim: str | None, proper: str,
                  refusing: bool) -> str | None:
    """_verdict, but for a premise narrower than the rule or asking it unconditionally."""
    best, score = asked[0]
    rival = next(((p, s) for p, s in asked if p.verdict != best.verdict and not _same_rule(p, best)), None)
    if rival is not None and score - rival[1] < VERDICT_MARGIN:
        agree = [p for p in (best, rival[0]) if (negations(p.text) - negations(proper)) % 2 == 0]
        if len(agree) == 2:  # both deny alike: the one in the question proper's own words, if one is
            shared = [len(_asked_words(p.text) & _asked_words(proper)) for p in agree]
            agree = [agree[shared.index(max(shared))]] if shared[0] != shared[1] else agree
        if len(agree) != 1:
            return None
        best = agree[0]
    if (claim is not None and best.verdict in _OPPOSITE
            and (negations(_REASONS.sub(" ", claim)) - negations(best.text)) % 2):
        return _OPPOSITE[best.verdict]
    if (refusing and best.verdict in _OPPOSITE and _OTHERS_MAY.search(folded_form(best.text))
            and not _ASKS_TO_REFUSE.search(folded_form(best.text))):
        return _OPPOSITE[best.verdict]
    said = folded_form(best.text)
    if best.verdict == "oui" and any(p.search(claim or proper) and not p.search(said) for p in (_SUFFICES, _PUT_OFF)):
        return "non"
    if claim is None and best.verdict in _OPPOSITE and (_asks_the_converse(best.text, proper)
                                                        or _asks_the_undoing(best.text, proper)
                                                        or _asks_the_exemption(best.text, proper)
                                                        or _asks_leave_not_to(best.text, proper)):
        return _OPPOSITE[best.verdict]
    return best.verdict


def _narrower(asked: str, said: str) -> bool:
    """The question (`asked`, folded; after its last colon: what comes before tells the situation) restricts what the
    proposition (`said`, folded) states without restriction: « le consentement est-il la seule base… ? » against
    « le consentement peut-il permettre… ? »."""
    asked = asked.rsplit(":", 1)[-1]
    if _RESTRICTS.search(said) or _RESTRICTION_LIFTED.search(asked):
        return False
    return any(not _ROLE_SAID.match(asked, m.start()) and not _ALTERNATIVE.search(asked[:m.start()])
               for m in _RESTRICTS.finditer(asked))


def _asks_the_converse(proposition: str, proper: str) -> bool:
    """The question proper asks, without negation, the very act the proposition asks done « sans » (« peut-il
    changer d'hébergeur sans me prévenir ? » non; « doit-il me prévenir s'il change d'hébergeur ? » oui), or asks done
    « sans » an act the proposition asks (« ai-je besoin d'une certification ? » non; « puis-je héberger au cabinet
    sans certification ? » oui), or « trop tard pour » doing it (« dois-je notifier ? » oui; « est-il trop tard pour
    notifier ? » non)."""
    if not proper or not _MUST_OR_MAY.search(proper):
        return False
    without, asked_without = _done_without(proposition), _done_without(proper)
    asks_it = negations(proper) % 2 == 0 and bool((without - asked_without) & _asked_words(proper))
    asks_without = bool((asked_without - without) & _asked_words(proposition))
    return asks_it != asks_without


def _asks_the_undoing(proposition: str, proper: str) -> bool:
    """The question proper asks only the act that undoes the proposition's only act (_OPPOSITE_ACTS), both alike
    denied or not: « doit-il effacer ses copies ? » asks the contrary of « peut-il garder une copie ? »."""
    said, asked = folded_form(proposition), proper
    for acts, undoing in (_OPPOSITE_ACTS, _OPPOSITE_ACTS[::-1]):
        if (acts.search(said) and not undoing.search(said) and undoing.search(asked) and not acts.search(asked)
                and (negations(said) - negations(asked)) % 2 == 0):
            return True
    return False


def _asks_the_exemption(proposition: str, proper: str) -> bool:
    """The question proper asks whether one is exempt from what a proposition denying nothing asks: « suis-je
    dispensé de notifier la CNIL ? » asks the contrary of « dois-je notifier la CNIL ? », not of « je n'ai donc plus
    rien à faire ? »."""
    said = folded_form(proposition)
    return (bool(_EXEMPT.search(proper)) and not _EXEMPT.search(said) and not negations(said)
            and not _FAILED.search(said))


def _asks_leave_not_to(proposition: str, proper: str) -> bool:
    """The question proper asks leave not to do, to do without or to refuse what a proposition denying nothing asks
    as a duty: « peut-il ne rien prévoir sur la réversibilité ? » asks the contrary of « le contrat doit-il la
    prévoir ? »."""
    said = folded_form(proposition)
    declined = negations(proper) % 2 == 1 or bool(_REFUSES_TO.search(proper))
    return (bool(_MAY.search(proper)) and declined and bool(_MUST.search(said)) and not _MAY.search(said)
            and not negations(said))


def _done_without(proposition: str) -> frozenset[str]:
    """The words of the acts a proposition says done « sans » (« sans me prévenir ni me demander » : prévenir,
    demander), as _asked_words reads them."""
    acts = [next((a for a in groups if a), "") for groups in _WITHOUT.findall(folded_form(proposition))]
    return frozenset(w for act in acts for w in tokenize(act, query=True))


def _asked_words(text: str) -> frozenset[str]:
    """A question's words with the texts' own terms for the doctor's words (« prévenir » → « informer »), folded
    first: the question proper is, and « certifié » must stem as « certifie » does."""
    return frozenset(tokenize(folded_form(text), query=True))


def _same_rule(a: Proposition, b: Proposition) -> bool:
    """Opposite verdicts on propositions of opposite polarity (an odd number of negations apart) state one rule."""
    if not {a.verdict, b.verdict} <= set(_OPPOSITE):
        return False
    return (a.verdict != b.verdict) == bool((negations(a.text) - negations(b.text)) % 2)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[1:2].islower() or text[1:2] == "'" else text
