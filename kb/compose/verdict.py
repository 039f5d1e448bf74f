"""The verdict of a yes/no question: the closest proposition's « oui », « non » or « cela dépend », turned around
when the question asks its contrary (done « sans », leave to skip it, a premise narrower than the rule, a claim that
denies it…). Read on folded text; the words are French and English."""

from __future__ import annotations

import re
from functools import lru_cache

from kb.compose.query import INVERTED, folded_form, negations, set_aside_removed
from kb.responsibilities import Proposition
from kb.text import question_proper, tokenize

# an act done « sans » (or that it is « trop tard pour » doing), its object pronouns skipped, and one more act « ni »
# adds (« sans me prévenir ni me demander »); its verb, or a light verb and the words that say the act (« sans passer
# par un organisme » : the body, not « passer »), up to the next « ni », « ou », « et »
_PRONOUNS = r"(?:(?:me|m'|te|t'|le|la|l'|les|lui|leur|nous|vous|en|y|se|s')\s*)*"
_MUST_OR_MAY = re.compile(r"\b(?:doi[st]|doivent|devons|devez|faut|oblige\w*|peu[tx]|peuvent|puis|pouvons|pouvez|"
                          r"droit|trop tard|must|should|have to|has to|need|may|can)\b")
_DETERMINERS = r"(?:(?:my|your|his|her|its|our|their|the|an?|any|me|us|them|him|prior|first|being|having)\s+)*"
_ACT = r"(\w+(?:[ '](?!(?:ni|nor|ou|or|et|and|mais|but)\b)\w+){0,3})"
_LIGHT_VERBS = frozenset({"passer", "faire", "recourir", "going", "getting", "making", "doing"})
_WITHOUT = re.compile(rf"\b(?:sans|trop tard pour) {_PRONOUNS}(?:(?:etre|avoir) )?{_ACT}|\bni {_PRONOUNS}{_ACT}|"
                      rf"\b(?:without|too late to) {_DETERMINERS}{_ACT}|\bnor {_DETERMINERS}{_ACT}")
# a quality denied (« un hébergeur qui n'est pas certifié », « non certifié »): a state done « sans »
_DENIED_QUALITY = re.compile(rf"\b(?:n'(?:est|etait|etaient)|ne (?:sont|soit|soient)) pas {_ACT}|"
                             r"\bnon[- ](\w+(?:e|ee|es|ees))\b")
_OPPOSITE = {"oui": "non", "non": "oui"}
# acts that undo each other: keeping the data, and giving it back or erasing it (« peut-il garder une copie ? » non;
# « doit-il me rendre les données et effacer ses copies ? » oui)
_OPPOSITE_ACTS = (re.compile(r"\b(?:gard(?:e|er|es|ent|era|erait)|conserv(?:e|er|es|ent|era|erait)|keeps?|"
                             r"retain)\b"),
                  re.compile(r"\b(?:rend(?:re|e|ra)?|restitu\w*|effac\w*|supprim\w*|detrui\w*|return|delete|"
                             r"erase|destroy)\b"))
# a question on whether one may refuse asks the exception itself, not the act it stops (« elle peut refuser ? »)
ASKS_TO_REFUSE = re.compile(r"\b(?:refuser|s'(?:y )?opposer|object|refuse)\b")
# a proposition asking whether someone else may act (« un éditeur peut-il faire héberger… ? »), which the asker may
# then refuse
_OTHERS_MAY = re.compile(r"\b(?:peut|peuvent|peut-il|peut-elle|peuvent-ils|(?:a|ont)(?:-t-il|-t-elle)? le droit|"
                         r"can|may|is allowed|are allowed)\b")
_CAN = r"peu[tx]|peuvent|puis|pouvons|pouvez|pourr\w+|peut-(?:on|il|elle)|can|may|could"  # the modal of leave
# being exempt from a duty (« suis-je dispensé de notifier ? », « is it optional? ») asks its contrary, and so do
# asking leave to skip it (« peut-on se passer d'un contrat ? », « can I skip encrypting? ») and whether a right is
# lost (« a-t-il perdu le droit de s'opposer ? »)
_EXEMPT = re.compile(r"\b(?:dispens\w*|exempt\w*|decharg\w*|exoner\w*|liberee?s? de|relieved?|off the hook|"
                     r"facultati\w*|optionn?(?:el|elle|al)s?|(?:perdu|perd|perdre|lost|lose|loses) (?:le|son|leur|the|"
                     r"their|his|her|its) (?:droit|right)|"
                     r"a l'abri|echapp\w*|escap\w*|safe from|immune)\b|"
                     rf"\b(?:{_CAN})\W+(?:\w+\W+){{0,3}}?(?:(?:se|me|nous|vous|te) passer|[smt]'en passer|"
                     r"passer outre|omettre|rester muet|negliger|ignorer|faire l'impasse|skip|omit|leave out|"
                     r"do without|forgo|ignore|dispense with)\b")
# leave not to do something (« peut-il ne rien prévoir dans le contrat ? ») asks the contrary of a duty to do it
# (« le contrat doit-il prévoir… ? »)
_MAY = re.compile(rf"\b(?:{_CAN}|a-t-(?:il|elle) le droit|ai-je le droit|est-il (?:libre|permis|possible)|"
                  r"is (?:it|he|she|they) allowed|are (?:we|they) allowed)\b")
_MUST = re.compile(r"\b(?:doi[st]|doivent|devons|devez|faut|faut-il|oblig\w*|tenue?s? (?:de|a)|impos\w*|must|"
                   r"have to|has to|need|needs|required|requires|should)\b")
# a duty that comes with an act (« dois-je être certifié HDS si je garde mes dossiers au cabinet ? », « do I need a
# contract to host with him? »): the clause that names the act
_DUTY_WITH_ACT = re.compile(r"\b(?:doi[st]|dois-je|doit-il|doit-elle|faut-il|ai-je besoin|besoin|oblige\w*|tenue? de|"
                            r"need|needs|must|have to|has to|required)\b.*?\b(?:si|s'il|pour|quand|lorsqu\w*|if|to|"
                            r"when)\b(.*)")
# a fault or a penalty that comes with an act (« suis-je en tort si je confie mes données à un prestataire peu
# sérieux ? », « risque-t-il une sanction s'il héberge sans certificat ? »): the clause that names the act
_FAULT_WITH_ACT = re.compile(r"\b(?:en tort|en faute|fautif\w*|risqu\w*|sanctionn\w*|puni\w*|condamn\w*|"
                             r"at fault|liable|fined|punished|risk\w*)\b.*?\b(?:si|s'il|s'ils|quand|lorsqu\w*|if|"
                             r"when)\b(.*)")
# refusing to do it (« l'éditeur peut-il refuser de m'aider ? ») is not doing it; doing without it (« puis-je me
# passer du chiffrement ? ») is a negation (`negations`)
_REFUSES_TO = re.compile(r"\b(?:refuser|refuse|decline) (?:de |d'|to |tous |toute?s? |any |all )|\bse desinteresser\b")
# putting off what is due (« signer le contrat plus tard », « attendre », « tell me afterwards ») is not doing it
_PUT_OFF = re.compile(r"\b(?:attendre|patienter|tarder|differer|repousser|wait|postpone)\b|"
                      r"\b(?:tell|inform|notify|ask|sign|signer|prevenir|informer|demander|dire|notifier)\w* "
                      r"(?:\w+ ){0,3}?(?:afterwards|later|plus tard|apres coup|ensuite)\b")
# what a proposition asks failed (« le défaut de notification est-il un délit ? ») is no duty to skip
_FAILED = re.compile(r"\b(?:fail\w*|defaut|manqu\w*|omission|absence)\b")
# whether a lesser step suffices (« une poignée de main suffit-elle, sans contrat écrit ? », « peut-il se contenter
# d'un rapport ? », « un niveau moindre ? ») is answered by the duty the law sets: the duty a proposition says holds
# (« faut-il un contrat écrit ? » oui) says that it does not; not « la moindre raison » (any reason at all)
_SUFFICES = re.compile(r"\b(?:suffi(?:t|sent|ra|rait)(?:-(?:il|elle|ils|elles))?|se contenter|s'en tenir|make do|"
                       r"settle for|(?<!la )(?<!le )moindres?|inferieure?s?|plus faibles?|weaker|lesser|"
                       r"(?:est|sont)(?:-(?:il|elle|ce|ils|elles))? (?:bien |vraiment )?suffisante?s?|"
                       r"(?:is|are) (?:it|that|this|they) (?:enough|sufficient)|enough to|suffices?)\b")
# a premise narrower than the rule (« seuls les diagnostics… ? », « ne risque-t-il qu'une amende ? », « forcément
# en France ? », « just because… ? »): a rule the proposition states without that restriction says it does not
# hold; not a role said of someone (« un éditeur qui n'est que sous-traitant »), an alternative offered (« …ou ça
# ne vise que les grandes entreprises ? ») or a restriction denied or set aside (« pas seulement », « quand même »);
# nor a duty stressed (« dois-je obligatoirement notifier ? » asks the duty itself: right 3 times of 6 on dev)
_UNDENIED = r"(?!pas\b|plus\b|jamais\b|rien\b)[\w']+ "  # « ne … que », not « ne … pas ce que »
_RESTRICTS = re.compile(r"\b(?:seulement|uniquement|only|solely|merely|just because|a (?:lui|elle|eux) seule?s?|"
                        r"(?:le|la|les|l'|moi|lui) seule?s?|seule?s? (?:le|la|les|l')|automatiquement|automatically|"
                        rf"forcement|de toute facon|n(?:e |')[\w-]+ (?:{_UNDENIED}){{0,4}}?que?\b)")
_ROLE_SAID = re.compile(r"\bn'(?:est|etait|etaient|sont|etre)(?: plus)? que?\b|"  # matched where the restriction is
                        r"(?:(?<=\bis )|(?<=\bwas )|(?<=\bare )|(?<=\bbeing )|(?<=\bit's )|(?<=\bthey're ))"
                        r"only (?:an?|our|my|their|his|her)\b")
_ALTERNATIVE = re.compile(r"\b(?:ou|or)\b")
_DENIED = re.compile(r"\b(?:sans|without)(?: (?:etre|avoir|being))?\s*$")  # « sans être automatiquement en faute »
_RESTRICTION_LIFTED = re.compile(r"\b(?:pas|plus|not|non|no longer) (?:seulement|only|just|uniquement)|"
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
# nor does what a claim concedes (« even though we never signed anything with the host »); a proposition's concession
# is the case it asks the rule in (« …même si aucune donnée n'a jamais fuité ? ») and counts
_CONCEDES = re.compile(r"\b(?:even though|even if|although|bien qu\w*|meme si|quoiqu\w*)\b[^,.;:]*")
# whose fault it is, asked; and what a proposition must speak of to answer it (fault, liability, damage, penalty)
_FAULT_ASKED = re.compile(r"\b(?:c'est|est-ce|serait-ce|ce serait|ce sera|suis-je|sommes-nous|serais-je)\b[^?,.;:]*"
                          r"\b(?:(?:ma|ta|sa|notre|votre|leur|la) faute|fautifs?)\b|"
                          r"\b(?:is it|was it|would it be|am i|are we)\b[^?,.;:]*\b(?:fault|to blame)\b")
_FAULT_SAID = re.compile(r"\b(?:faute|fautif|responsab\w*|repond\w*|liab\w*|responsible|fault|blame|dommages?|"
                         r"reparation|tort|sanction\w*|amendes?|exoner\w*|fine[ds]?|damages?|puni\w*|prison|"
                         r"penal\w*)\b")
# what a service costs, asked (« il me facture 2 000 € l'export, c'est légal ? », « can they charge me? »); and what
# a proposition must speak of to answer it (a price, a charge, or what a failure costs: a fine, damages, a penalty,
# a liability: « l'éditeur devra-t-il payer lui aussi ? » is answered by whether he answers for the damage)
# (a care « facturé » is no price asked: « un soin ne devient-il une donnée de santé qu'une fois facturé ? »)
_PRICE_ASKED = re.compile(r"\b(?:(?:me|nous|vous|lui|leur|l'|la|le|les|est|sont|soit|etre|sera) ?factur\w*|"
                          r"(?:est|sont)-(?:il|elle|ils|elles) factur\w*|factur\w*-(?:t-)?(?:il|elle|ils|elles|on)|"
                          r"factur(?:er|ation)|frais|payer|payant\w*|gratuit\w*|couts?|couter|coute|coutent|prix|"
                          r"tarifs?|euros?|rembours\w*|fees?|costs?|pay|paid|charges? (?:me|us|for)|free of charge|"
                          r"invoic\w*|bill(?:s|ed|ing)?)\b|€")
_PRICE_SAID = re.compile(_PRICE_ASKED.pattern + "|" + _FAULT_SAID.pattern
                         + r"|\b(?:indemn\w*|emprisonnement|compensation|penalt\w*|"
                         # a sale is paid for (« can I sell my patients' data if they consent? »)
                         r"vend\w*|revend\w*|vente|sell\w*|sold|sale|achat|achet\w*|buy\w*|remuner\w*)\b")
# someone else doing the asker's duty in his stead (« est-ce à mon hébergeur de faire l'analyse d'impact à ma
# place ? »): the law helps the asker with it, it does not move it, unless the proposition says so
_INSTEAD = re.compile(r"\b(?:a (?:ma|notre) place|a la place (?:du cabinet|du medecin|des medecins)|"
                      r"instead of (?:me|us|the practice|the doctor))\b")
# who is told (« prévenir mes patients », « notifier la CNIL », « doit-il me prévenir ? »): a proposition that tells
# someone else answers another duty (« l'éditeur doit-il nous prévenir ? » is no answer to « est-ce à lui de prévenir
# mes patients ? »)
_TELL = (r"(?:prevenir|previen\w*|preven\w*|inform(?:er|e|es|ent|ons|ez|era|erait|ee?s?|s|ed|ing)?|notifi\w*|"
         r"avert\w*|alert\w*|signal(?:er|e|es|ent|era|ee?s?)|declar(?:er|e|es|ent|era|ee?s?)|annonc\w*|tell(?:s|ing)?|"
         r"told|notif(?:y|ies|ied|ying)|warn\w*|report(?:s|ed|ing)?)\b")
_TOLD = {
    "patients": r"(?:(?:les|mes|nos|ses|leurs?|chaque|des|aux?|the|my|our|each|its|affected|all) )*(?:patients?|"
                r"patientes?|personnes concernees|personnes|patientele|data subjects?|individuals|people)\b",
    "cnil": r"(?:la |the |l')?(?:cnil|autorite(?: de controle)?|supervisory authority|authority|regulator)\b",
    "medecin": r"(?:(?:le|au|du|son|mon|notre|votre|the|my|his|her|its|our) )?(?:medecins?|cabinet|praticiens?|"
               r"doctors?|practice|clients?)\b|(?:me|us|moi|nous)\b",
}
_TOLD_AFTER = {who: re.compile(rf"\b{_TELL}(?:-(?:il|elle|on|je|nous))? (?:[\w'-]+ ){{0,3}}?(?:a |to )?(?:{words})")
               for who, words in _TOLD.items()}
_TOLD_BEFORE = {"medecin": re.compile(rf"\b(?:me|m'|nous) ?(?:le |la |l')?{_TELL}"),
                "patients": re.compile(rf"\b(?:les|leur) {_TELL}")}
_MADE_TO = re.compile(r"\b(?:m'|me|nous|l'|le|la|les)\s*(?:obliger|imposer|forcer|contraindre)\b|\bexiger\b|"
                      r"\b(?:make|force|order|require|compel) (?:me|us)\b")
# the GDPR roles that exclude each other: a joint controller is a controller too, so not one of them
_ROLES = {"controller": re.compile(r"\bresponsables? (?:du|de|des) traitements?\b|"
                                   r"(?<!joint )\b(?:data )?controllers?\b"),
          "processor": re.compile(r"\bsous-traitants?\b|\bprocessors?\b|"
                                  r"\b(?:simple|simplement|seulement|juste|qu'un) (?:mon |notre |un |son )?"
                                  r"prestataires?\b")}
# a role the question says the actor no longer is (« devient-il responsable du traitement, et plus un simple
# prestataire ? »): not the role it asks
_ROLE_DENIED = re.compile(r"\b(?:et |mais )?(?:plus|non|pas|no longer|not) "
                          r"(?:seulement |simplement |juste |just |only )?"
                          r"(?:mon |notre |un |une |son |leur |a |an |my |our )?(?:simple |mere )?"
                          r"(?:prestataire|sous-traitant|processor)s?\b")
_CNIL_ACTS = re.compile(r"(?:^|[:;]\s*)(?:(?:can|could|may|does|did|will|would|has|is|should) )?(?:la|the) cnil\b")
# leave asked despite something (« peut-on quand même partager ? »): the story tells what may stand in the way
_DESPITE = re.compile(r"\b(?:quand meme|tout de meme|malgre|meme si|anyway|still|even if|despite|regardless)\b")
# a question asked in the negative: its main clause denied (« je n'ai pas à notifier ? », « mon hébergeur n'a pas
# besoin d'être certifié ? », « n'oblige-t-il pas… ? », « don't I have to…? »), not a circumstance it tells
# (« le prestataire (il ne touche pas au logiciel) doit-il… ? », « alors que ce n'est pas ma faute ? », a participle:
# « le référentiel n'étant pas contraignant, … ? »)
_ASKED_IN_THE_NEGATIVE = re.compile(r"^(?!(?:si|s'il|s'ils|if|quand|lorsqu\w*|when|comme|as|puisqu\w*|since|meme si|"
                                    r"even if)\b)"
                                    r"(?:[\w'-]+ ){0,4}?(?:ne |n')(?!\w+ant\b)[\w'-]+ (?:\w+ )?(?:pas|plus|jamais|rien)\b|"
                                    r"^(?:is|are|do|does|did|can|must|should|has|have|was|were)n't\b|"
                                    r"^(?:can|won)'t\b")
# « je pense que non, mais je dois… ? », « donc moi je n'ai plus rien à faire ? », not « je n'ai donc pas… ? »
_LAST_CLAUSE = re.compile(r"^.*(?:\b(?:mais|but)\b|(?:^|,)\s*donc\b)\s*")
LEAVE_SHARED = 3  # the words a question asking leave shares at least with the act a proposition names (bench)
VERDICT_MARGIN = 0.01  # how far its closest proposition must lead its closest one with another verdict (dev)


def read_verdict(asked: list[tuple[Proposition, float]], claim: str | None = None, proper: str = "",
                 refusing: bool = False) -> tuple[str | None, Proposition | None]:
    """The verdict of the entry's proposition closest to the question (`asked`: with their scores, best first).
    When one with another verdict is about as close, the one that denies as the question proper does (`proper`:
    « …sans lui demander ? » asks « sans son accord ? », not « les infos nécessaires ? »), if only one does; if
    both do, the one sharing more words with it (« il reste juste mon sous-traitant ? »), then the one asking leave or
    a duty as it does (« can my vendor use…? »: not « …does that make it the controller? »); else none: a wrong « Oui »
    or « Non » misleads more than none (a twin of opposite polarity is no rival: it says the same rule, « je peux
    conserver sans limite ? » non, « dois-je supprimer un jour ? » oui). A claim to confirm
    (« sans m'en avoir parlé. Il avait le droit ? ») that denies what the proposition states (« peut-il changer de
    sous-traitant avec mon autorisation ? »), the reasons either gives and what the claim concedes aside, gets the
    opposite verdict, and so does a question asking the very act the proposition says done « sans »
    (_asks_the_converse), whether one is exempt from what it asks or may skip it (_asks_the_exemption), or leave not
    to do it (_asks_leave_not_to); and whether a lesser step suffices or the duty may be put off is answered « Non »
    by a duty the proposition says holds. Asked whether one may refuse (`refusing`) what a proposition asks someone
    else may do, the answer is its contrary: a move to an uncertified host may be refused. A « Oui » to a premise
    narrower than the proposition (_narrower) is a « Non », and so are « Oui » and « Cela dépend » to whether
    someone else does the asker's duty in his stead (« à ma place ») and « Cela dépend » to whether the rule holds
    unconditionally (« toujours », « librement »). Whose fault it is (« c'est ma faute ? ») gets no verdict from a
    proposition that speaks of no fault, liability, damage or penalty, and what a service costs (« il me facture
    l'export, c'est légal ? ») none from one that speaks of no price, charge, fine or damages. With the
    proposition it is read from."""
    if not asked:
        return None, None
    role = _roles_named(_CONCEDES.sub(" ", _asked_part(claim or proper)))  # not « even though we are the controller »
    word, best = _verdict_read(_naming_the_role_asked(asked, role), claim, proper, refusing)
    word = _role_turned(word, best, role)
    said = folded_form(best.text)
    if _FAULT_ASKED.search(claim and folded_form(claim) or proper) and not _FAULT_SAID.search(said):
        return None, best  # « c'est ma faute ? » is not answered by a duty: « Oui : l'éditeur prévient le médecin »
    if _PRICE_ASKED.search(claim and folded_form(claim) or proper) and not _PRICE_SAID.search(said):
        return None, best  # « il me facture l'export, c'est légal ? » is not answered by the duty to return the data
    if word == "oui" and _narrower(claim and folded_form(claim) or proper, said):
        return "non", best
    if word in ("oui", "depend") and _INSTEAD.search(_asked_part(proper)) and not _INSTEAD.search(said):
        return "non", best
    if word == "depend" and _UNCONDITIONAL.search(_asked_part(proper)) and not _UNCONDITIONAL.search(said):
        return "non", best
    return word, best


@lru_cache(maxsize=8192)  # each proposition's, read once for every question asking a role
def _roles_named(text: str) -> frozenset[str]:
    """The GDPR roles a text names, controller or processor (_ROLES): not a provider named as such (« mon
    prestataire étranger »), only one said to be no more than that (« reste-t-il simplement mon prestataire ? »)."""
    said = _ROLE_DENIED.sub(" ", folded_form(text))
    return frozenset(role for role, pattern in _ROLES.items() if pattern.search(said))


def _naming_the_role_asked(asked: list[tuple[Proposition, float]],
                           role: frozenset[str]) -> list[tuple[Proposition, float]]:
    """Asked one role (`role`: « reste-t-il simplement mon prestataire ? »), the propositions naming a role, when the
    best of them is about as close as the closest of all: « a-t-il le droit de réutiliser les données ? » does not
    say what the vendor then is."""
    if len(role) != 1:
        return asked
    naming = [(p, s) for p, s in asked if _roles_named(p.text)]
    return naming if naming and naming[0][1] >= asked[0][1] - VERDICT_MARGIN else asked


def _role_turned(word: str | None, best: Proposition, role: frozenset[str]) -> str | None:
    """A role asked (`role`: processor) answered by a proposition on the other one (« devient-il responsable du
    traitement ? » oui): the roles exclude each other, so the contrary verdict (« reste-t-il simplement mon
    prestataire ? » non)."""
    said = _roles_named(best.text)
    if len(role) == 1 and len(said) == 1 and role != said and word in _OPPOSITE:
        return _OPPOSITE[word]
    return word


def asks_the_contrary(proposition: str, claim: str | None, proper: str) -> bool | None:
    """Whether the question proper asks the contrary of a proposition: True when it asks the exemption from it or
    leave not to do it (« suis-je dispensé de prévenir mes patients ? », « puis-je ne pas les prévenir ? » against
    « dois-je prévenir mes patients ? »); None when it holds one more negation or one fewer, what either says done
    « sans » aside (a circumstance, not the answer): a negative question (« je ne peux pas lui en parler ? ») wants
    « Si » or « Non », which a turned opening would not say; False otherwise, and for a claim, whose story's negations
    tell the situation as often as the claim (« aucun contrat… c'est légal ? »)."""
    if claim is None and (_asks_the_exemption(proposition, proper) or _asks_leave_not_to(proposition, proper)):
        return True
    asked, said = _asked_part(proper), _asked_part(folded_form(proposition))
    if claim is None and (negations(_WITHOUT.sub(" ", asked)) - negations(_WITHOUT.sub(" ", said))) % 2:
        return None
    return False


# the condition a lean opening states (« Oui, si c'est proportionné à vos traitements »), not an exception (« sauf… »)
_CONDITION = re.compile(r"^(?:oui|non), (?:seulement )?(?:si\b|s'ils?\b|lorsque?\b|quand\b|a condition\b)?")
CONDITION_TOLD = 0.75  # the share of a condition's words a question must say for it to tell that condition (bench)


def condition_told(opening: str, proper: str) -> bool:
    """The question proper, with no negation, says the condition a lean opening states (« Lorsque c'est proportionné
    à nos traitements, devons-nous… ? » and « Oui, si c'est proportionné à vos traitements »): at least two of its
    words and CONDITION_TOLD of them. Then the rule holds: a bare « Oui »."""
    said = folded_form(opening)
    if said.startswith(("oui, sauf", "non, sauf", "oui, pas", "non, pas")) or negations(proper):
        return False
    words = _asked_words(_CONDITION.sub("", said))
    shared = len(words & _asked_words(proper))
    return shared >= 2 and shared >= CONDITION_TOLD * len(words)


def _verdict_read(asked: list[tuple[Proposition, float]], claim: str | None, proper: str,
                  refusing: bool) -> tuple[str | None, Proposition]:
    """verdict, but for a premise narrower than the rule or asking it unconditionally; with the proposition read."""
    best, score = asked[0]
    rival = next(((p, s) for p, s in asked if p.verdict != best.verdict and not _same_rule(p, best)), None)
    if rival is not None and score - rival[1] < VERDICT_MARGIN:
        agree = [p for p in (best, rival[0]) if (negations(p.text) - negations(proper)) % 2 == 0]
        if len(agree) == 2:  # both deny alike: the one in the question proper's own words, if one is
            shared = [len(_asked_words(p.text) & _asked_words(proper)) for p in agree]
            agree = [agree[shared.index(max(shared))]] if shared[0] != shared[1] else agree
        asks = modal(proper) if len(agree) == 2 and claim is None else ""
        if asks:  # still alike: the one asking leave or a duty as the question does
            alike = [p for p in agree if modal(p.text) == asks]
            agree = alike if len(alike) == 1 else agree
        if len(agree) != 1:
            return None, best
        best = agree[0]
    if (claim is not None and best.verdict in _OPPOSITE
            and (negations(_CONCEDES.sub(" ", _REASONS.sub(" ", claim)))
                 - negations(_REASONS.sub(" ", folded_form(best.text))))
            % 2):
        return _OPPOSITE[best.verdict], best
    said = folded_form(best.text)
    if refusing and best.verdict in _OPPOSITE and _OTHERS_MAY.search(said) and not ASKS_TO_REFUSE.search(said):
        return _OPPOSITE[best.verdict], best
    if best.verdict == "oui" and any(p.search(claim or proper) and not p.search(said) for p in (_SUFFICES, _PUT_OFF)):
        return "non", best
    if claim is None and best.verdict in _OPPOSITE and (_asks_the_converse(best.text, proper)
                                                        or _asks_the_undoing(best.text, proper)
                                                        or _asks_the_exemption(best.text, proper)
                                                        or _asks_leave_not_to(best.text, proper)):
        return _OPPOSITE[best.verdict], best
    if claim is None and best.verdict in _OPPOSITE and _asks_leave_for_the_act(best.text, proper, _DUTY_WITH_ACT):
        return "oui", best
    if claim is None and best.verdict in _OPPOSITE and _asks_leave_for_the_act(best.text, proper, _FAULT_WITH_ACT):
        return _OPPOSITE[best.verdict], best
    return best.verdict, best


def asked_in_the_negative(question: str) -> str:
    """How a question (or a proposition) asks in the negative what it asks (_ASKED_IN_THE_NEGATIVE), read in its
    last clause (« …ça ne vaut pas une déclaration, mais je dois quand même garder une trace ? » does not):
    "inverted" (« n'oblige-t-il pas… ? », « don't I have to…? »: it asks its positive form), "stated" (« je n'ai pas
    à notifier ? »: it asks whether the negation holds), or "" when it does not."""
    asked = _LAST_CLAUSE.sub("", _asked_part(question_proper(folded_form(question)))).strip()
    negative = _ASKED_IN_THE_NEGATIVE.match(asked)
    if negative is None:
        return ""
    return "inverted" if INVERTED.search(negative[0]) or negative[0].endswith("n't") else "stated"


def _narrower(asked: str, said: str) -> bool:
    """The question (`asked`, folded; its _asked_part) restricts what the proposition (`said`, folded) states
    without restriction: « le consentement est-il la seule base… ? » against « le consentement peut-il
    permettre… ? »."""
    asked = _asked_part(asked)
    if _RESTRICTS.search(said) or _RESTRICTION_LIFTED.search(asked):
        return False
    return any(not _ROLE_SAID.match(asked, m.start()) and not _ALTERNATIVE.search(asked[:m.start()])
               and not _DENIED.search(asked[:m.start()]) for m in _RESTRICTS.finditer(asked))


def _asked_part(question: str) -> str:
    """What a question asks: after its last colon; what comes before tells the situation."""
    return question.rsplit(":", 1)[-1]


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


def _asks_leave_for_the_act(proposition: str, proper: str, comes_with: re.Pattern) -> bool:
    """The question proper asks leave to do (« puis-je garder mes dossiers sur un serveur au cabinet ? ») the act
    that a proposition asks what comes with (`comes_with`): a duty (_DUTY_WITH_ACT: « dois-je être certifié HDS si je
    garde mes dossiers sur mon serveur ? »): whether or not it holds, the act is allowed (« Oui », with the duty if
    it holds); a fault or a penalty (_FAULT_WITH_ACT: « suis-je en tort si je confie… ? »): the act is allowed
    when none comes with it."""
    if (not _MAY.search(proper) or _MUST.search(proper) or negations(proper) or _EXEMPT.search(proper)
            or _REFUSES_TO.search(proper) or _DESPITE.search(proper) or _MAY.search(folded_form(proposition))):
        return False
    act = comes_with.search(_asked_part(folded_form(proposition)))
    if act is None:
        return False
    words = _asked_words(act.group(1))
    shared = len(words & _asked_words(proper))  # the same act: most of its words
    return shared >= LEAVE_SHARED and 2 * shared >= len(words)


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
    demander; « sans passer par un organisme » : passer, organisme), or the qualities it denies (« qui n'est pas
    certifié », « non certifié »), as _asked_words reads them."""
    folded = folded_form(proposition)
    acts = [next((a for a in groups if a), "") for pattern in (_WITHOUT, _DENIED_QUALITY)
            for groups in pattern.findall(folded)]
    acts = [act if act.split(" ")[0] in _LIGHT_VERBS else act.split(" ")[0] for act in acts]
    return frozenset(w for act in acts for w in tokenize(act, query=True))


@lru_cache(maxsize=8192)  # each proposition's, read for every question asking a duty to tell the CNIL
def modal(text: str) -> str:
    """What a question asks of its act: leave (« peut-il… ? », « can it…? »), a duty (« doit-il… ? »), or neither
    (« est-il responsable du traitement ? »), read in what it asks (_asked_part)."""
    asked = _asked_part(folded_form(text))
    return "may" if _MAY.search(asked) else "must" if _MUST.search(asked) else ""


def _asked_words(text: str) -> frozenset[str]:
    """A question's words with the texts' own terms for the doctor's words (« prévenir » → « informer »), folded
    first: the question proper is, and « certifié » must stem as « certifie » does."""
    return frozenset(tokenize(folded_form(text), query=True))


def _same_rule(a: Proposition, b: Proposition) -> bool:
    """Opposite verdicts on propositions of opposite polarity (an odd number of negations apart) state one rule."""
    if not {a.verdict, b.verdict} <= set(_OPPOSITE):
        return False
    return (a.verdict != b.verdict) == bool((negations(a.text) - negations(b.text)) % 2)


@lru_cache(maxsize=4096)
def told_whom(text: str) -> frozenset[str]:
    """Who the asked part of a question or proposition says is told (patients, cnil, medecin): _TOLD; not who it
    sets aside (« en plus de notifier la CNIL, dois-je prévenir les patients ? »)."""
    asked = set_aside_removed(_asked_part(folded_form(text)))
    return frozenset(who for patterns in (_TOLD_AFTER, _TOLD_BEFORE) for who, p in patterns.items()
                     if p.search(asked))


def duty_without_the_cnil(question: str) -> bool:
    """The question asks a duty without naming the CNIL or asking who may make the asker act (« peut-on m'obliger
    à… ? »): « je ne suis pas obligé de prévenir mes patients ? » asks the doctor's duty, which a proposition on what
    the CNIL may do (the_cnil_acts) does not answer; nor does « En plus de la CNIL, dois-je prévenir les
    patients ? », which sets the CNIL aside."""
    asked = set_aside_removed(folded_form(question))
    return modal(question) == "must" and "cnil" not in asked and not _MADE_TO.search(asked)


@lru_cache(maxsize=8192)
def the_cnil_acts(proposition: str) -> bool:
    """The proposition asks what the CNIL may do (« la CNIL peut-elle m'obliger à prévenir mes patients ? »)."""
    return bool(_CNIL_ACTS.search(folded_form(proposition)))


def tells_another(proposition: str, asked_told: frozenset[str]) -> bool:
    """The proposition tells someone the question (who it tells: `asked_told`) does not."""
    if not asked_told:
        return False
    said = told_whom(proposition)
    return bool(said and not said & asked_told)
