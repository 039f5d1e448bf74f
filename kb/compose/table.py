"""« Qui fait quoi » : a row for each actor the question concerns: at most ROW_MAX statements of the map on the
topics of the réponse (and sanctions when asked, what the réponse would say next had it room, and an entry nearly
as good as the best, whatever its topic, and in a thin row the actor's next entries among the answer's best), then
what the actor risks, once: under each regime (CNIL fine and penalty) when sanctions are asked, else what it risks
for a duty said (an entry shown triggers it) or, to « qui ? », what it risks at all, and neither after a réponse on a
topic with a penalty of its own (L1470-6); sorted into obligations, responsibility, sanctions by their topic, none
repeating the réponse, none calling a processor the provider the réponse makes a controller. What the réponse's first
sentence triggers (the host that warns the doctor then helps him) joins its row whatever its topic, unless a
penalty. An incident's qualification (a letter sent to the wrong patient is a breach) comes first in its row when
the réponse says the duties it triggers, in the place of the last duty of a full obligations cell."""

from __future__ import annotations

from collections.abc import Sequence

from kb.compose.entries import ScoredEntry, unasked_decision
from kb.compose.query import INCIDENT_TOPIC, WHO, Query
from kb.responsibilities import (OWN_PENALTY_TOPICS, RESPONSIBILITY_TOPICS, SANCTION_TOPICS, MapEntry,
                                 called_controller_before)
from kb.types import ACTORS

ROW_MAX = 3  # statements per row on the réponse's topics, then what the actor risks (dev)
OFF_TOPIC_SHARE = 0.9  # an entry off the réponse's topics joins its row if it scores this share of the best (dev)
ROW_FILL = 2  # a row with fewer statements on the réponse's topics takes the actor's next best ones (dev)
FILL_AMONG = 6  # …among this many of the answer's best entries, whatever their topic (dev)
ROW_FLOOR = 0.65  # a row's further statements score at least this share of the best entry's score (dev)


def table_actors(query: Query, entries: list[ScoredEntry]) -> list[str]:
    if query.actors and (query.form != WHO or len(query.actors) > 1):  # « lui ou moi ? »: those two
        return list(query.actors)
    if query.form == WHO and query.actors:  # « chez mon hébergeur, qui prévient la CNIL ? »: him and the doctor
        return [a for a in ACTORS if a in ("medecin", *query.actors)]
    if query.form == WHO or query.liability:
        return list(ACTORS)
    top = {s.entry.actor for s in entries[:3]}
    return [a for a in ACTORS if a in top]


def category(topic: str) -> str:
    if topic in SANCTION_TOPICS:
        return "sanctions"
    if topic in RESPONSIBILITY_TOPICS:
        return "responsibility"
    return "obligations"


def _incident_qualification(own: list[ScoredEntry], said: list[MapEntry]) -> ScoredEntry | None:
    """The row's qualification of an incident (« toute divulgation non autorisée est une violation ») whose duties
    the réponse says (its `then`): a detail never offered alone, said first in its row, before the duties whose
    reason it gives."""
    duties = {e.id for e in said}
    return next((s for s in own if s.entry.topic == INCIDENT_TOPIC and s.entry.detail
                 and duties & set(s.entry.then)), None)


def table(query: Query, entries: list[ScoredEntry], shown: Sequence[str],
          next_said: set[str] = frozenset()) -> dict[str, list[ScoredEntry]]:
    """actor → the entries of its row, best first after an incident's qualification (entries already in the
    conclusion, `shown` in its order, are left out; `next_said`: what the réponse would say next, kept on any
    topic)."""
    rows = {}
    actors = table_actors(query, entries)
    floor = ROW_FLOOR * entries[0].score if entries else 0.0
    by_id = {s.entry.id: s.entry for s in entries}
    said = [by_id[i] for i in shown if i in by_id]
    topics = {e.topic for e in said}  # the réponse's topics: rows stay on them
    # a réponse opening on a penalty of its own regime (L1470-6) is not followed by a CNIL fine or a penalty
    own_regime = not query.regime and bool(said) and said[0].topic in OWN_PENALTY_TOPICS
    if query.asks_sanctions and not own_regime:
        topics |= set(SANCTION_TOPICS)
    regimes = [(query.regime,)] if query.regime else [(t,) for t in SANCTION_TOPICS]  # « côté pénal »: that one
    if own_regime:
        regimes = []
    said_triggers = {f for e in said for f in e.then}
    first_triggers = set(said[0].then) if said else set()  # what the réponse's answer brings next, on any topic
    # what fills a thin row; not to a bare « qui ? », whose rows stay on the réponse's topics (« qui prévient la
    # CNIL ? »), but to one after a story (« Qui est responsable de quoi ? »: what each one answers for)
    among = {s.entry.id for s in entries[:FILL_AMONG]} if query.form != WHO or query.story else set()
    for actor in actors:
        # a provider the réponse makes a controller (a vendor reusing data) is not called a processor in its row
        own = [s for s in entries if s.entry.actor == actor and s.entry.id not in shown
               and not called_controller_before(s.entry, said)]
        # the duty said brings the same actor's next one (the vendor warns the doctor, then assists him), except to
        # « qui ? », whose rows stay on the réponse's topics (« qui doit prévenir la CNIL ? »: notifications only)
        own_triggers = ({f for e in said if e.actor == actor and e.topic not in SANCTION_TOPICS for f in e.then}
                        if query.form != WHO else set())
        on_topic = [s for s in own if not topics or s.entry.topic in topics or s.entry.id in next_said
                    or (s.entry.id in first_triggers | own_triggers and s.entry.topic not in SANCTION_TOPICS)
                    or s.score >= OFF_TOPIC_SHARE * entries[0].score]
        if own_regime:
            on_topic = [s for s in on_topic if s.entry.topic not in SANCTION_TOPICS]
        # every row keeps its best, unless that is a penalty under a regime the réponse already gives this actor, or
        # a decision's story nobody asked about (Dedalus's FTP server, to « mon éditeur a eu une fuite »)
        penalties_said = {e.topic for e in said if e.actor == actor and e.topic in SANCTION_TOPICS}
        picked = [s for i, s in enumerate(on_topic[:ROW_MAX])
                  if s.score >= floor or (i == 0 and s.entry.topic not in penalties_said
                                          and not unasked_decision(s.entry, query))]
        # a thin row takes the actor's next entries among the answer's best, whatever their topic (`among`)
        for s in own:
            if len(picked) >= ROW_FILL:
                break
            if (s.entry.id in among and s not in picked and s.score >= floor and s.entry.topic not in SANCTION_TOPICS
                    and not unasked_decision(s.entry, query)):
                picked.append(s)
        # what the actor risks, once per row; when sanctions are asked, under each regime (CNIL fine, penalty)
        # unasked, only a penalty for a duty said (an entry shown triggers it: hosting without a certificate), or
        # what each one risks when the question asks who answers for it
        triggered = said_triggers | {f for s in picked for f in s.entry.then}
        for regime in regimes if query.asks_sanctions else [SANCTION_TOPICS]:
            risk = next((s for s in own if s.entry.topic in regime
                         and (query.asks_sanctions or query.form == WHO or s.entry.id in triggered)), None)
            in_row = any(s.entry.topic in regime for s in picked)
            if risk is not None and not in_row and risk.score >= floor:
                picked.append(risk)
        qualification = _incident_qualification(own, said)
        if qualification is not None and qualification not in picked:
            picked.insert(0, qualification)  # why the duties the réponse says apply: what happened is a breach
            duties = [s for s in picked if category(s.entry.topic) == "obligations"]
            if len(duties) > ROW_MAX:
                picked.remove(duties[-1])
        if picked:
            rows[actor] = picked
    return rows
