"""The question, read once: its words, the actors and texts it names, its form (yes/no, who, what to do,
what risk), the topics of the who-does-what map it asks about, and what it names that the corpus never
mentions (a brand, a standard, a neighbouring regime, a price), whether it asks for a figure, and what a tag
question (« …, c'est légal ? ») asks to confirm."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from kb.compose.counts import patient_count
from kb.folding import fold
from kb.legalrefs import (CNIL_PREFIX, CSP_PREFIX, GDPR_PREFIX, GDPR_ROLES, PENAL_PREFIX, actors_asked, asks_sanctions,
                           decisions_by_party, family_of, find_references, outside_texts)
from kb.responsibilities import Topic
from kb.spelling import is_english
from kb.text import SENTENCES, question_proper, tokenize

YES_NO, WHO, OTHER = "oui-non", "qui", "autre"  # the forms the answer treats apart
PROVIDERS = ("editeur", "hebergeur")  # the askers who are not the doctor
# A French yes/no question inverts its subject (« doit-il », « puis-je », « est-ce que ») and does not open with an
# interrogative word; an English one opens with an auxiliary.
# « quand » or « when » opening a clause told before the question (« Quand je résilie mon logiciel, est-ce à moi… ? »,
# « …, when we think an instruction breaches GDPR? »): a time, not a question of when
_TEMPORAL_FR = (r"\s+(?:je|j'|tu|il|elle|on|nous|vous|ils|elles|le|la|les|l'|un|une|des|mon|ma|mes|notre|nos|"
                r"votre|vos|son|sa|ses|leur|leurs|ce|cet|cette|ces)\b[^?]*,")
_TEMPORAL_EN = r"\s+(?:i|we|you|he|she|it|they|a|an|the|my|our|your|his|her|its|their|this|that|there)\b"
_NOT_CONCESSIVE = r"(?! qu(?:e\b|'))"  # « quelle qu'elle soit » asks nothing
_INTERROGATIVE = re.compile(rf"^(?:qui|que|qu'|quoi|quel\w*{_NOT_CONCESSIVE}|comment|pourquoi|"
                            rf"quand(?! meme)(?!{_TEMPORAL_FR})|"
                            r"combien|ou |"
                            r"dans quel\w*|a qui|en quoi|"
                            r"de quoi|jusqu'ou|jusqu'(?:a|en) (?:quand|combien)|"
                            r"(?:(?:a partir|au-dela|aupres|au bout|en dessous|au-dessus|en fonction) d[e']|de|en|"
                            r"pendant|sous|pour|a|par|avec|sur|depuis|selon|contre|chez|entre) ?"
                            r"(?:combien|quel\w*|qui|quand)|"
                            rf"what|who|which|how|why|when(?!{_TEMPORAL_EN})|where)\b")
# Interrogative words that never open a relative clause (« qui », « que », « où » do: « mon hébergeur, qui est
# certifié, doit-il… ? »).
_ASKING_WHAT = re.compile(rf"^(?:quel\w*{_NOT_CONCESSIVE}|comment|pourquoi|combien|qu'est-ce|what|how|why|which)\b")
_OPENING_CONJUNCTION = re.compile(r"^(?:et|mais|alors|puis|ensuite|and|but) ")  # « Et comment … ? » asks how
INVERTED = re.compile(r"\b(?:(?<!qu')est-ce\b|\w+-t-(?:il|elle|on)|\w+-(?:il|elle|ils|elles|on|je|nous|vous)\b)")
_ASKS_WHICH = re.compile(rf"^(?:qui|que|qu'est)\b|\b(?:quoi|quel\w*{_NOT_CONCESSIVE}|lequel|laquelle|comment|"
                         r"pourquoi|"
                         rf"quand(?! meme)(?!{_TEMPORAL_FR})|combien|"
                         rf"what|who|which|how|why|when(?!{_TEMPORAL_EN})|where)\b")
_CLAUSES = re.compile(r"[,;:]")
# how serious it is: what follows from it, the duties and risks, not a « Oui » or « Non »
_HOW_SERIOUS = re.compile(r"\b(?:c'est|est-ce|ce serait|ca serait|ca (?:va etre|sera)) (?:tres |si |vraiment |bien )?"
                          r"grave\b|\bis (?:it|that|this) (?:very |really |that )?(?:serious|bad)\b|"
                          r"\bhow (?:serious|bad) is\b")
POINTS_BACK = 2  # a last sentence of so few words asks about what came before it (« Est-ce autorisé ? »)
_ALTERNATIVE = re.compile(r",\s*ou\b|\bou (?:seulement|bien|alors|plutot|c'est|pour|les deux)\b")
# A question asking to confirm what was just said, and the negations that turn a claim around.
_TAG = re.compile(r"^(?:(?:et )?(?:c'est|est-ce|ce serait) (?:vrai|exact|legal|permis|autorise|normal|possible|"
                  r"correct|acceptable|conforme|valable|suffisant|ok)"
                  r"\w*|(?:il|elle|ils|elles|on|j') ?(?:en |y )?(?:avait|a|avaient|ont|ai) le droit|"
                  # whether someone who says it is right (« Mon confrère dit que… A-t-il raison ? »)
                  r"(?:a-t-(?:il|elle)|ont-(?:ils|elles)|avait-(?:il|elle)|ai-je) raison|"
                  r"(?:is|was) (?:he|she) right|(?:are|were) (?:they|we) right|am i right|"
                  r"is (?:that|it|this) (?:true|legal|allowed|right|acceptable|ok|okay|compliant|lawful|enough|"
                  r"sufficient|correct|accurate)|"
                  r"(?:can|could|may) (?:they|he|she|it|we|you) (?:do|have done) (?:that|this|it)|"
                  r"(?:are|is|were|was) (?:they|he|she|it) allowed to do (?:that|this|it)|"
                  r"(?:et )?(?:c'est|est-ce) (?:bien )?comme ca que (?:ca|cela) (?:marche|fonctionne|se passe)|"
                  # « Il nous demande de ne rien déclarer. On peut faire comme il dit ? »
                  r"(?:on|je|j'|nous) (?:peut|peux|pouvons|doit|dois|devons) (?:faire|agir) comme "
                  r"(?:il|elle|ils|elles) (?:le )?(?:dit|demande|propose|veut))")
# A tag opening the question asks to confirm what follows it.
_LEADING_TAG = re.compile(r"^(?:et |donc |alors )?(?:c'est (?:bien )?(?:ca|cela)|est-ce bien (?:ca|cela)|"
                          r"si je comprends bien|so (?:is it|it's) (?:true|right)|(?:am i|i'm) right)\s*,\s*(?=\S)")
# The asker's own refusal (« je peux refuser ? », « can we object? »), not the patient's right to object.
_ASKER_REFUSES = re.compile(r"(?:\b(?:je|j'|on|nous)\s+(?:\w+\s+){0,2}|-je\s+|\b(?:can|may|could) (?:i|we)\s+)"
                            r"(?:refuser|(?:m'|nous |s')opposer|refuse|object)\b")
_THIRD_PERSON_TAG = re.compile(r"\b(?:il|elle|ils|elles)\b")
_ASKER_SPEAKS = re.compile(r"(?:^|[\s,;:])(?:je|j'|m'|me|moi)\b|-je\b")
# someone's claim reported to the asker by the sentence's own subject and verb (« mon éditeur me dit que… », « he
# assures me that… »; not a second verb, « il demande… et dit que… ») is what a tag asks to confirm, though the
# asker speaks in it
_REPORTED = re.compile(r"^(?:(?!(?:et|and|mais|but)\b)[\w'-]+\W+){0,8}?"
                       r"(?:(?:dit|disent|affirm\w*|assur\w*|expliqu\w*|pretend\w*|soutien\w*|certifi\w*|jur\w*|"
                       r"repond\w*|estim\w*|conclu\w*)\b[^.;]{0,30}?\b(?:que|qu')|"
                       r"(?:says?|said|tells? (?:me|us)|told (?:me|us)|claims?|insists?|assures? (?:me|us)|argues?)"
                       r"(?: that)?)\b")
_REFERS_BACK = re.compile(r"\b(?:ca|cela|ceci|le faire|l'avoir fait|lui|leur|that|this|it|him|her|them)\b")
# What the asker would write or say (« je voudrais répondre sous l'avis qu'il n'a jamais pris son traitement ») is
# the act a tag asks about: the negations of its content deny nothing.
_ASKER_SAYS = re.compile(r"(\b(?:je|j'|moi|nous|i|we)\b[^,;:]*?\b(?:repondre|dire|ecrire|expliquer|preciser|"
                         r"indiquer|mentionner|publier|raconter|signaler|reply|say|write|post|tell)\b[^,;:]*?)"
                         r"\s(?:que|qu'|that)\b.*$")
# The asker's own conclusion to confirm (« Donc moi je n'ai plus rien à faire ? », « …, autant ne rien faire ? »).
_INFERENCE = re.compile(r"^(?:et )?(?:donc|du coup|autant|so)\b,?\s*")
# the same conclusion with « donc » after its verb (« je n'ai donc pas besoin de l'encadrer ? »), or drawn from a
# reason given first (« Puisque je ne l'ai pas fait exprès, une erreur ne peut pas me valoir de poursuites ? »): a
# claim when it denies something, which a question asked straight (« puisque…, dois-je signer ? ») does not
_THEREFORE = re.compile(r"\s*\b(?:donc|du coup)\b")
_REASON_FIRST = re.compile(r"^(?:puisqu\w*|since|vu qu\w*|etant donne qu\w*)\b[^,;:]*[,;:]\s*")
_NEGATION = re.compile(r"\b(?:ne|n')\s+(?:\S+\s+){0,3}?(?:pas|plus|jamais|rien|aucun\w*|personne|nulle part)\b|"
                       # the negative subject before « ne » (« aucun texte ne limite », « rien n'a été volé »),
                       # one negation with what follows it (« aucune donnée n'a jamais fuité »)
                       r"\b(?:aucun\w*|rien|nul(?:le)?s?)\s+(?:[^\s,;:.?!]+\s+){0,3}?(?:ne|n')\s"
                       r"(?:(?:\S+\s+){0,3}?(?:pas|plus|jamais)\b)?|"
                       r"\bsans\b|\bnot\b|n't\b|\bno\b|\bwithout\b|\bnever\b|\bnothing\b|\bnobody\b|\bno one\b|"
                       r"\blacking\b|"  # « lacking HDS certification » is « without » it
                       # optional is not required (« demander conseil au DPO est facultatif »), and so is being
                       # exempt from it or its being useless (« est-il dispensé de signer ? »)
                       r"\bfacultati(?:f|ve|fs|ves)\b|\boptional\b|\bdispense(?:e|s|es|r)?\b|\bexempte?e?s?\b|"
                       r"\binutiles?\b|\bexempt\b|\bunnecessary\b|"
                       # doing without is not doing (« puis-je me passer de la notification ? »)
                       r"\b(?:me|nous|se|te|vous) passer d(?:e|u|es|')|\bdo without\b|"
                       # forbidden is not allowed (« il est interdit de… »)
                       r"\binterdi(?:t|te|ts|tes|re)\b|\bforbidden\b|\bprohibited\b|"
                       # data said outside the GDPR are data it does not govern (« pseudonymisées donc hors RGPD »)
                       r"\bhors (?:du )?(?:champ (?:d'application )?du )?rgpd\b|"
                       r"\boutside (?:the )?(?:scope of )?(?:the )?gdpr\b|"
                       # acting alone denies acting on instructions (« il avait le droit de décider ça tout seul ? »);
                       # « tout seul au cabinet », « un médecin tout seul » are who practises
                       r"(?<!\bmedecin )(?<!\bpraticien )(?<!\bradiologue )(?<!\bgeneraliste )(?<!\bdoctor )"
                       r"\btout(?:e|es)? seule?s?\b(?! (?:au|en|dans|a) )|\bunilateralement\b|"
                       # (« on my own server » is whose server, not acting alone)
                       r"\bon (?:my|our|his|her|its|their) own\b(?! (?!initiative|authority|decision)[a-z])|"
                       r"\bunilaterally\b")
_ELIDED_NE = re.compile(r"\bn'")  # « n'a pas », not the « n't » of « can't »
# « pas » and « jamais » left once every « ne … » is read: spoken French drops the « ne » (« il a pas le droit »);
# not « sans jamais » (one negation), a contrast (« contre l'éditeur, pas contre moi »), « pourquoi pas », « pas mal »
# (a good deal), « pas à pas », « pas de problème »
_SPOKEN_NEGATION = re.compile(r"(?<!\bpourquoi )(?<!\bpas a )(?<!_neg_ )(?<![,;] )(?<!\bmais )(?<!\bet )"
                              r"\b(?:pas|jamais)\b(?! (?:mal|a pas|de probleme|de souci|grave)\b)")
# A negation in a purpose clause does not deny the claim (« de ne rien déclarer pour ne pas affoler les patients »),
_NOT_A_DENIAL = re.compile(r"\b(?:pour|afin de) (?:ne|n')\s+(?:\S+\s+){0,2}?(?:pas|plus|rien)\b|"
                           r"\b(?:so as|in order) not\b|"
                           # nor does an idiom that only asks whether it is fine (« la faire après coup sans
                           # problème ? »)
                           r"\bsans (?:aucun )?(?:probleme|souci|difficulte)s?\b|"
                           r"\bwithout (?:any )?(?:problem|issue)s?\b")
_ENGLISH_YES_NO = re.compile(r"^(?:is|are|does|do|did|can|could|must|should|may|am|has|have|was|were|will|would|"
                             r"shall)\b")
# A choice offered without an inverted verb (« elle est responsable de traitement ou sous-traitant ? », « c'est moi
# qui paie ou la boîte ? »), read unfolded (« où » is not « ou »): « Oui » would not answer it.
_CHOICE = re.compile(r"\b(?:c'est|c'était|il est|elle est|ils sont|elles sont)\b[^?]*\bou\b(?! (?:pas|non)\b)|"
                     r"\bou (?:il|elle|on|ils|elles|je|j'|moi|lui|eux|ça|c'est|à|au|aux|juste|seulement|plutôt)\b|"
                     r"\b(?:an?|the) (?:[\w-]+ )?[\w-]+ or (?:an?|the) [\w-]+\b|"  # « a processor or a controller? »
                     # another actor offered (« is the host responsible, or are we? », « …or is it me? »)
                     r"\bor (?:are we|am i|is it (?:me|us|them|him|her|the \w+))\b|"
                     # whom to warn (« on doit prévenir la police ou la CNIL ? »)
                     r"\b(?:pr[ée]venir|avertir|notifier|signaler|d[ée]clarer|informer|appeler|contacter)\b[^?,]* "
                     r"ou (?:la|le|les|l'|mes|nos|ses|son|sa)\b")
# A yes/no question followed by its contrary as a clause of its own: the verdict answers the first one
# (« La CNIL peut sanctionner un libéral, ou ça ne vise que les grosses entreprises ? »); « à moi ou à eux ? » and
# « …, ou c'est à lui ? » still offer a choice of actors.
_CONTRARY = re.compile(r",\s*ou (?:bien )?(?:il|elle|on|ils|elles|je|j'|ça|ca|faut-il\b|c'est (?!à\b|a\b|moi\b|"
                       r"lui\b|eux\b|elle\b|nous\b|vous\b|l'|le |la |les |au |aux ))")
# A permission asked first (« J'ai le droit d'exiger ça, ou c'est à l'éditeur de fixer ses règles ? »): what follows
# the « ou » is its contrary, even naming an actor.
_PERMISSION_FIRST = re.compile(r"^(?:j'ai le droit|ai-je le droit|je peux|puis-je|on peut|peut-on|avons-nous le droit|"
                               r"nous pouvons|pouvons-nous)\b[^,]*,\s*ou\b")
# « qui ? » asked last or after the verb (« Je dois prévenir qui ? », « C'est à qui de… ? ») asks who as well
_WHO = re.compile(r"^qui\b|\bqui (?:est|sont|doit|doivent|paie|previent|notifie|informe|repond|supporte)\b|\bwho\b|"
                  r"\bqui\s*\?|\bc'est a qui\b|"
                  r"\b(?:previen\w*|prevenir|informer|dire|signaler|avertir|contacter) qui\b")
_LIABILITY = re.compile(r"\b(?:responsab\w*|liab\w*|qui|faute|obligations?|doi[st]|devoirs?|fuite|violation|"
                        r"piratage|breach|who)\b")
# Who is at fault, asked (« qui est fautif ? », « qui est en faute ? », « who is to blame? »).
_FAULT = re.compile(r"\bqui (?:est|sont|serait|sera|etait) (?:fautifs?|en faute|coupables?)\b|"
                    r"\b(?:a qui|de qui) (?:la|est la) faute\b|\bfaute de qui\b|"
                    r"\bwho(?:'s| is| are| was)? (?:at fault|to blame)\b")
# Who answers to the asker for what went wrong (« c'est à qui de me rendre des comptes ? », « qui est responsable
# envers moi ? », « who is liable to me? »): the chain of providers, not the duties the incident triggers.
_ACCOUNTABLE = re.compile(r"\b(?:me|nous) (?:rendre|rend|rendra|doit) (?:des )?comptes\b|"
                          r"\bresponsables? (?:envers|devant|vis-a-vis de) (?:moi|nous)\b|"
                          r"\b(?:repond|repondra|doit repondre) (?:envers|devant) (?:moi|nous)\b|"
                          r"\b(?:liable|accountable|answerable|answers?) to (?:me|us)\b")
# A role asked by its name (« qui est responsable de traitement ? », « qui est sous-traitant de qui ? »): that role,
# however much the situation told (« quatre associés avec un logiciel partagé ») speaks of another topic.
_ROLE_ASKED = re.compile(GDPR_ROLES)
# What the corpus cannot answer however it is asked: a price or a named product, standard or firm.
_PRICE = re.compile(r"\b(?:combien (?:coute|coutent|ca coute)|(?:ca|ils?|elles?) coute(?:nt)? combien|"
                    r"c'est combien|ce que coute(?:nt)?|"
                    r"combien (?:\w+ ){0,6}(?:par mois|factur\w*)|prix|tarifs?|cout d[eu]|"
                    # « how much is it? », not « on how much data my practice processes »
                    r"how much(?! (?:and|or|data|information|personal|health|of|processing|risk)\b)|"
                    r"price|prices|pricing)\b")
# A count of things in the world (« combien d'hébergeurs sont certifiés ? »): the corpus holds no statistics.
_STATISTIC = re.compile(r"\bcombien (?:de |d')(?!temps|jours|mois|ans|annees|heures|minutes|semaines|mes |nos )\w+"
                        r"(?: \w+){0,5}? (?:sont|ont ete|ont|existe\w*|y a-t-il|y en a)\b|"
                        # what a body counted (« combien de notifications la CNIL a-t-elle reçues en 2024 »)
                        r"\bcombien (?:de |d')\w+\b[^?]{0,80}?\b(?:a|ont)-t-(?:il|elle|ils|elles) (?:\w+ ){0,2}?"
                        r"(?:recu|enregistr|prononc|inflig|notifi|sanctionn|condamn|publi)\w*|"
                        r"\bhow many (?!days|hours|years|weeks|months)\w+(?: \w+){0,5}? (?:are|were|have|exist)\b|"
                        # an average over cases (« en moyenne, combien les tribunaux accordent-ils ? »)
                        r"\ben moyenne\b|\b(?:montants?|sommes?) moyen\w*|\bon average\b|"
                        r"\baverage (?:amount|award|fine)|"
                        # a share of cases (« quelle proportion de ces dossiers finit par une sanction ? »)
                        r"\b(?:quelle proportion|quel pourcentage|what (?:proportion|percentage)) "
                        r"(?:de |d'|des |of )")
# Today's world, which no text holds: the bodies or providers at work now, an up-to-date list, a data centre, a
# service's hours or hotline (« quels organismes sont accrédités aujourd'hui ? », « dans quel datacenter ? »).
_WORLD = re.compile(r"\b(?:quel(?:le)?s?|lesquel(?:le)?s|which) (?:sont )?(?:les )?(?:organismes?|certificateurs?|"
                    r"hebergeurs?|prestataires?|societes?|entreprises?|editeurs?|bodies|providers?|companies)\b"
                    r"[^?]{0,80}\b(?:aujourd'hui|actuellement|a jour|en ce moment|currently|today)\b|"
                    r"\bla liste (?:a jour|actuelle|complete)\b|\bup-to-date list\b|"
                    r"\bchez quel (?:hebergeur|prestataire)\b|\bdans quels? (?:datacenters?|centres? de donnees)\b|"
                    r"\bwhich data ?cent(?:er|re)s?\b|\bouvert\w* (?:le|la|les) (?:week-end|samedi|dimanche|nuit)\b|"
                    r"\bnumero d'astreinte\b|\bhoraires? d'ouverture\b|\bhotline\b|\bopening hours\b|"
                    # how a fine is paid (« puis-je payer en plusieurs fois, à quel service ? »)
                    r"\bpayer (?:l'amende |la sanction )?en plusieurs fois\b|\bechelonn\w*|"
                    r"\ba quel service (?:faut-il |dois-je |doit-on )?(?:regler|payer)\b|"
                    r"\bin instalments\b")
# A figure asked, by kind: a duration or time limit, a date, an amount, a rate, a length (the answer states one of
# that kind, or says it has none: « 1 % du chiffre d'affaires » does not give a password's length).
_WHICH = r"quel(?:le)?s? (?:est |sont )?(?:la |le |les )?"
_NUMBER = r"(?:\d[\d  ,.]*|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze|vingt|trente|cent|mille)"
# What states a figure of each kind: in the réponse, the figure asked for; in the question, the figure it asks to judge
FIGURES_SAID = {
    "duree": re.compile(rf"\b{_NUMBER}\s*(?:heures?|jours?|semaines?|mois|ans|ann[ée]es)\b", re.I),
    "date": re.compile(r"\b(?:1[89]|20)\d\d\b"),
    "montant": re.compile(rf"\b{_NUMBER}\s*(?:millions?|euros?|€|%)", re.I),
    "taux": re.compile(r"\d\s*%"),
    "longueur": re.compile(rf"\b{_NUMBER}\s*(?:caract[èe]res|signes)\b", re.I),
}
# A figure told, then judged (« un mot de passe de 6 caractères. C'est suffisant ? »): the kind of figure is asked
_JUDGED = re.compile(r"\b(?:suffisant\w*|assez|trop (?:court|long|bas|haut|peu)\w*|conformes?|acceptables?|"
                     r"raisonnables?|enough|sufficient|too (?:short|long|low))\b(?:\s+\S+){0,3}\s*\?\s*$")
FIGURES = {
    "duree": re.compile(rf"\b(?:combien (?:de (?:temps|jours|mois|ans|annees|heures)|d'(?:annees|heures))|"
                        rf"pendant combien|jusqu'(?:a|en) quand|depuis quand|a partir de quand|"
                        rf"{_WHICH}(?:delais?|durees?)|how long|"
                        r"what (?:is the )?(?:deadline|time limit)|how many (?:days|hours|years))\b"),
    "date": re.compile(rf"\b{_WHICH}dates?\b"),
    "montant": re.compile(rf"\b{_WHICH}(?:montants?|plafonds?)\b"),
    "taux": re.compile(rf"\b{_WHICH}(?:taux|pourcentages?)\b"),
    "longueur": re.compile(rf"\b(?:{_WHICH}(?:longueurs?|tailles?|nombres? (?:minimum |minimal )?de caracteres)|"
                           r"combien de caracteres|how many (?:characters|digits)|"
                           r"(?:minimum|required) (?:password )?length)\b"),
}
# Several controllers deciding together: associates, a group practice (joint controllership is then in question).
_JOINT = re.compile(r"\b(?:associ(?:e|es|ee|ees|ation)|conjoint\w*|ensemble|groupe|maison de sante|centre de sante|"
                    r"co-?responsab\w*|partners?|jointly|joint|group practice|(?:\d+|deux|trois|quatre|cinq|six|sept|"
                    r"huit|two|three|four|five) (?:medecins|praticiens|confreres|professionnels|gps|doctors))\b")
# The two sanction regimes, as doctors name them.
_PENAL = re.compile(r"\b(?:penal\w*|prison|emprisonnement|correctionnel\w*|barreaux|delits?|casier|criminal|"
                    r"226-\d+|l\.? ?1115-1)\b")
_CNIL = re.compile(r"\b(?:cnil|amendes? administratives?|administrative fines?|article 83|art\.? 83)\b")
# A capitalised name (words, then maybe a small number: « NIS 2 ») or a code (« ISO 27001 »).
_NAMED = re.compile(r"(?<!\w)([A-Z]{2,}\s?\d{3,}|[A-ZÀ-Ý][\wÀ-ÿ]+(?:\s+[A-ZÀ-Ý][\wÀ-ÿ]+)*"
                    r"(?:\s\d{1,2}(?![\d,.]))?)(?!\w)")
_NAME_SHAPE = re.compile(r"^\w[^\W\d_]*?[A-Z0-9]")  # WhatsApp, MSSanté, OVHcloud: a name even opening a sentence
_SENTENCE_START = re.compile(r"(?:^|[.?!:]\s+|[«\"(]\s*)$")
_URL = re.compile(r"https?://\S+")
_DETERMINER = re.compile(r"^(?:Le|La|Les|L'|Un|Une|Des|Mon|Ma|Mes|Ce|Cette|Notre|Votre|"
                         r"Our|My|The|An?|This|Your|Their)\s+")
# the auxiliary or question word opening a question (« Is Doctolib HDS-certified? », « Which ISO 27001
# controls… ») is no part of the name after it
_AUXILIARY = re.compile(r"^(?:Is|Are|Was|Were|Does|Do|Did|Can|Could|Should|Must|May|Has|Have|Will|Would|Which|What|"
                        r"Whose|Quel|Quelle|Quels|Quelles)\s+")
# Products, firms, standards and neighbouring regimes doctors name, often in lower case (« par whatsapp », « le
# dmp », « le code de déontologie »): flagged, like a capitalised name, only when no corpus text names them.
_KNOWN_NAMES = re.compile(
    r"\b(?:whatsapp|messenger|telegram|gmail|hotmail|outlook|yahoo|dropbox|onedrive|icloud|google(?: drive)?|"
    r"gdrive|doctolib|maiia|keldoc|skype|zoom|slack|chatgpt|openai|copilot|aws|azure|ovh(?:cloud)?|scaleway|"
    r"sharepoint|wetransfer|docusign|facebook|instagram|linkedin|tiktok|hipaa|iso ?\d{4,5}|nis ?2|soc ?2|"
    r"microsoft(?: 365| teams)?|office 365|apple|amazon|"
    r"code de deontologie|deontologie|ordre des medecins|chambre disciplinaire|sanctions? disciplinaires?|dmp|"
    r"dossier medical partage|mon espace sante|mssante|messagerie securisee de sante|e-?cps|carte cps|"
    r"pro sante connect|segur|hds v3|cloud act|ai act|intelligence artificielle|ehds|pgssi-?s?|eidas|"
    r"espace (?:europeen )?des donnees de sante|"
    r"teleconsultations?|teleexpertises?|identifiant national de sante|cyber-?assurances?|assurances? cyber|"
    r"assureurs?|rc pro|"
    r"contrats? d'assurance|assurances? (?:professionnelle|responsabilite civile|rc)|"
    r"responsabilite civile professionnelle)\b")
# Patients' rights and duties doctors ask about that other texts govern (the RGPD's articles on patients' rights
# and on the record of processing, the CSP's on access to the record): named by the project's label, as the
# question may word them, when no corpus text names them.
_SUBJECTS = {
    "droit à l'effacement": r"droit (?:a l'effacement|a l'oubli|de suppression)|"
                            r"(?:supprim|effac)\w* (?:son|ses|leur|leurs|tout son|toutes ses) (?:dossiers?|donnees)",
    "droit de rectification": r"droit de rectification|"
                              r"(?:rectifi|corrig)\w* (?:son|ses|leur|leurs) (?:dossiers?|donnees)",
    "accès du patient à son dossier": r"(?:acces|acceder) a (?:son|leur) dossier|"
                                      r"copie (?:de|du) (?:son |leur )?dossier|"
                                      r"(?:consulter|communiquer|transmettre) (?:a un patient |au patient )?"
                                      r"son dossier|refuser a (?:un|mon|le|ce|une|ma|la|cette) patiente? l'acces|"
                                      r"patiente?s? (?:me )?(?:demande|veut|exige|reclame)\w* "
                                      r"(?:l'acces|acces|a acceder|la copie|une copie)",
    "registre des activités de traitement": r"registre (?:des (?:activites de )?traitements?|rgpd|de traitements?)",
    "cookies": r"cookies?|traceurs",
}
_SUBJECT_PATTERNS = {subject: re.compile(rf"\b(?:{pattern})\b") for subject, pattern in _SUBJECTS.items()}
# what a dead patient's relatives may know is the corpus's (L1110-4), not the patient's own access to his file
_SUBJECT_UNLESS = {"accès du patient à son dossier": re.compile(
    r"\b(?:decede\w*|deces|defunte?s?|mort|morte|deceased|died|dead|ayants? droit|heritiers?|heirs?)\b")}
# the map's topic that says what the corpus does hold on such a subject (who helps the doctor answer the patients)
SUBJECT_WEIGHT = 1.0  # a subject's topic counts as clearly asked; the others, half as much at most
SUBJECT_TOPICS = {"droit à l'effacement": "patients", "droit de rectification": "patients",
                  "accès du patient à son dossier": "patients", "registre des activités de traitement": "roles"}


# a provider the question proper asks whether a duty is theirs (« est-ce à lui de prévenir mes patients ? », « c'est
# bien à l'hébergeur de déclarer ? », « is it up to the vendor to…? »): named, or the one provider told for « lui »
_WHOSE_DUTY = re.compile(r"\b(?:est-ce|c'est|ce serait|serait-ce|ce sera)\s+(?:bien |vraiment |quand meme |donc |"
                         r"toujours |aussi |seulement )?(?:a|au|aux) ([\w' -]{1,40}?)\s+(?:de|d')(?=\s|\w)|"
                         r"\bis it (?:really |still |also )?(?:up to|for|the job of) ([\w' -]{1,40}?)\s+to\b")
_TOLD_PROVIDER = frozenset({"lui", "elle"})  # « him », « them » name the practice as often as the provider


@dataclass(frozen=True)
class Query:
    text: str
    folded: str
    tokens: frozenset[str]
    actors: tuple[str, ...]
    references: tuple[str, ...]
    form: str
    topics: dict[str, float] = field(default_factory=dict)  # topic id → how strongly the question asks it
    asks_sanctions: bool = False
    liability: bool = False  # a « who answers for it » question: every actor's row when none is named
    fault: bool = False  # the question proper asks who is at fault (« qui est fautif ? », « who is to blame? »)
    accountable: bool = False  # it asks who answers to the asker (« qui me rend des comptes ? »), not what to do now
    role_asked: bool = False  # its question proper names the role it asks about (_ROLE_ASKED)
    unknown: tuple[str, ...] = ()  # what the question names that the corpus never mentions
    # the names in `unknown` the question gives as an actor's (« mon éditeur Doctolib »), with that actor
    named_actors: tuple[tuple[str, str], ...] = ()
    price: bool = False
    statistic: bool = False  # a count of things in the world (_STATISTIC)
    world: bool = False  # a fact of today's world the texts cannot hold (_WORLD): who is accredited now, a hotline
    asks_unknown: bool = False  # the question proper (its last sentence) is about something in `unknown`
    asks_figure: str = ""  # the kind of figure asked (FIGURES): a duration, a date, an amount, a rate, a length
    figure_judged: str = ""  # the kind of figure told and asked to judge (« 6 caractères, c'est suffisant ? »)
    claim: str | None = None  # what a tag question (« …, c'est légal ? ») asks to confirm, folded
    proper: str = ""  # the question proper (its last sentence that asks), folded
    choice: bool = False  # a yes/no form offering a choice (« elle est responsable ou sous-traitant ? »)
    asker_refuses: bool = False  # the asker asks whether they may refuse (« je peux refuser ? »), not the patient
    unknown_references: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (a text named but not held, closest ids)
    patients: int | None = None  # how many patients the question tells (« environ 15 000 patients par an »)
    joint: bool = False  # the question speaks of several controllers deciding together (_JOINT)
    incident: bool = False  # a story tells an incident and the question proper names no other topic (_incident)
    regime: str | None = None  # the one sanction regime named (« côté pénal », « la CNIL »), its map topic
    recalled: frozenset[str] = frozenset()  # decisions named by party (« comme Dedalus »), and their fiches
    named: frozenset[str] = frozenset()  # the texts named (`references`) and the fiches that stand for them
    asker: str | None = None  # the actor the asker speaks as, when they say (asker_role)
    staff: bool = False  # the question proper asks about the practice's staff, not the asker (about_staff)
    own_duties: bool = False  # the asker asks their own duties (« que dois-je faire ? », « mes obligations »)
    duty_of: str | None = None  # the provider whose duty the question asks it is (« est-ce à lui de… ? »: _duty_of)
    story: bool = False  # the question tells a situation before it asks (more than one sentence)
    english: bool = False  # the question is written in English (is_english): the map's English twins match it


def read_query(question: str, topics: dict[str, Topic], corpus_words: frozenset[str],
               known_ids: frozenset[str] = frozenset(), fiches: Mapping[str, tuple[str, ...]] | None = None) -> Query:
    """`known_ids`: the documents the corpus holds or knows of (index and manifest); other named texts are
    reported, with the closest known ids. `fiches`: what each fiche that is not transversal stands for (its
    `about`), so that a fiche counts as the text it summarises when the question names or recalls it."""
    folded = folded_form(question)
    proper = question_proper(folded)
    tokens = frozenset(tokenize(question, bare_articles_are_gdpr=True, query=True))
    if _certification_told(folded, proper):
        folded_topics, tokens = _CERTIFIED.sub("prestataire", folded), tokens - _CERTIFIED_TOKENS
    else:
        folded_topics = folded
    found = find_references(question, bare_articles_are_gdpr=True)
    references = tuple(dict.fromkeys(r.doc_id for r in found))
    unknown_refs = tuple((question[r.start:r.end].strip(), tuple(_closest(r.doc_id, known_ids)))
                         for r in found if known_ids and r.doc_id not in known_ids)
    outside = outside_texts(question)  # a décret, a loi, another code: never a corpus document
    unknown_refs += tuple((text, ()) for text in outside)
    unknown = _unknown_names(question, corpus_words) + outside_subjects(folded, corpus_words)
    sentences = [m.strip() for m in SENTENCES.findall(folded) if m.strip()]  # read once for what follows
    claim, story = _claim(sentences), len(sentences) > 1
    asker = asker_role(folded)
    actors_named = actors_asked(question)
    return Query(
        text=question, folded=folded, tokens=tokens, actors=_actors(actors_named, proper, asker),
        references=references,
        form=_form(proper), topics=_subjects_topics(_story_first(topic_scores(folded_topics, tokens, topics),
                                                                 story and claim is None),
                                           outside_subjects(proper, corpus_words)),
        incident=_incident(folded, proper if story else _what_now_asked(proper), topics), story=story,
        asks_sanctions=asks_sanctions(question),
        liability=bool(_LIABILITY.search(folded)), fault=bool(_FAULT.search(proper)), unknown=unknown,
        named_actors=tuple((name, actor) for name in unknown if (actor := _actor_named(folded, name))),
        accountable=bool(_ACCOUNTABLE.search(proper)), role_asked=bool(_ROLE_ASKED.search(proper)),
        price=bool(_PRICE.search(proper)), statistic=bool(_STATISTIC.search(proper)),
        world=bool(_WORLD.search(proper)),
        unknown_references=tuple(dict.fromkeys(unknown_refs)),
        asks_unknown=_asks_unknown(proper, unknown + tuple(outside), _sentence_before(sentences, proper, folded),
                                   corpus_words),
        asks_figure=next((kind for kind, asked in FIGURES.items() if asked.search(folded)), ""),
        figure_judged=_figure_judged(folded, proper), claim=claim,
        proper=proper,
        choice=_offers_choice(question), asker_refuses=bool(_ASKER_REFUSES.search(proper)),
        patients=patient_count(folded), regime=_regime(folded),
        joint=bool(_JOINT.search(folded)), recalled=_standing_for(decisions_by_party(question), fiches),
        named=_standing_for(references, fiches), asker=asker, staff=about_staff(proper),
        own_duties=bool(_OWN_DUTIES.search(proper)),
        duty_of=_duty_of(proper, actors_named, asker), english=is_english(question),
    )


def _subjects_topics(scores: dict[str, float], subjects: tuple[str, ...]) -> dict[str, float]:
    """A subject the question proper asks that the corpus does not cover (« une copie de son dossier, en combien de
    temps dois-je répondre ? ») is asked on its map topic (SUBJECT_TOPICS) as clearly as a topic named, not on the
    one its other words name (« combien de temps » : retention): what follows the gap is what the corpus says of
    that subject."""
    asked = {SUBJECT_TOPICS[s] for s in subjects if s in SUBJECT_TOPICS and SUBJECT_TOPICS[s] in scores}
    if not asked:
        return scores
    return {t: max(score, SUBJECT_WEIGHT) if t in asked else min(score, SUBJECT_WEIGHT / 2)
            for t, score in scores.items()}


def _duty_of(proper: str, actors: tuple[str, ...], asker: str | None) -> str | None:
    """The provider, not the asker, that the question proper asks whether a duty is theirs (_WHOSE_DUTY): the one
    provider the question names for « lui », or the one named; None when it is not clear."""
    asked = _WHOSE_DUTY.search(proper)
    if not asked:
        return None
    who = (asked.group(1) or asked.group(2)).strip()
    named = [a for a in actors if a in PROVIDERS] if who in _TOLD_PROVIDER else list(actors_asked(who))
    return named[0] if len(named) == 1 and named[0] in PROVIDERS and named[0] != asker else None


# The practice's staff, who are none of the map's actors (« qu'est-ce que ma secrétaire risque ? »), and the asker
# speaking of themself in the same question proper (« dois-je sanctionner ma secrétaire ? » is the doctor's question)
_STAFF = re.compile(r"\b(?:ma|mon|mes|notre|nos|votre|vos|la|le|les|l'|cette|ce|cet|son|sa|ses|leur|leurs|une?|"
                    r"my|our|your|the|this|that|a|an|his|her|their)\s*(?:secretaires?|telesecretaires?|assistante?s?|"
                    r"infirmiere?s?|aides?-soignante?s?|salariee?s?|employee?s?|stagiaires?|standardistes?|"
                    r"agents? d'entretien|personnel|secretar(?:y|ies)|receptionists?|nurses?|employees?|staff|interns?|"
                    r"cleaners?)\b")
_ASKER_TOO = re.compile(r"(?:^|[\s,;:])(?:je|j'|moi|nous|i|we)\b|-je\b|-nous\b")


def about_staff(proper: str) -> bool:
    """The question proper asks about the practice's staff, not about the asker: the map's sentences speak of the
    doctor, the vendor and the host, and the reader is told so."""
    return bool(_STAFF.search(proper)) and not _ASKER_TOO.search(proper)


# Who the asker says they are (« je suis DPO d'un éditeur », « je dirige une société d'infogérance », « I work at an
# HDS-certified host », « nous sommes hébergeur »): the first actor named after they introduce themselves.
_INTRODUCES = re.compile(r"\b(?:je suis|je travaille|je bosse|je dirige|je gere|je m'occupe|je reponds|nous sommes|"
                         # a newcomer (« je viens d'arriver comme juriste chez un hébergeur », « I just joined »)
                         r"je viens d'(?:arriver|etre (?:embauchee?|recrutee?|nommee?))|je viens de rejoindre|"
                         r"i (?:just |recently )?joined|i've (?:just )?joined|i (?:just )?started (?:at|as|working)|"
                         r"on est|notre (?:\w+ )?(?:societe|entreprise|boite|start-?up)|i'm|i am|i work|i run|i manage|"
                         r"we are|we're|our (?:\w+ )?(?:company|firm|start-?up))\b"
                         # not a state or an act (« je suis obligé d'avoir un hébergeur », « we're choosing a host »)
                         r"(?!\s+(?:obligee?s?|tenue?s?|sure?s?|certaine?s?|inquiete?s?|en train|pret|prete|"
                         r"content|contente|d'accord|allowed|required|obliged|sure|worried|about|\w+ing)\b)"
                         r"([^.;:!?]{0,80})")
_ASKER_ROLES = (
    ("hebergeur", re.compile(r"\b(?:hebergeur\w*|hebergement|hds|host|hosts|hosting|infogeran\w*|infogereur\w*|"
                             r"data ?cent(?:er|re)s?|datacenters?|cloud provider)\b")),
    ("editeur", re.compile(r"\b(?:editeurs?|edit(?:e|ons|ent)|software|vendors?|publishers?)\b")),
    ("medecin", re.compile(r"\b(?:medecins?|generalistes?|cabinets?|docteur|praticien\w*|psychiatre|pediatre|"
                           r"dermatologue|cardiologue|radiologue|gynecologue|specialiste|secretaire|maison de sante|"
                           r"doctor|physician|gp|practice|practitioner|psychiatrist|surgery)\b")),
)


# a provider the asker has or works with (« je suis inquiet, mon hébergeur… », « I work with a host ») is not who
# the asker is
_SOMEONE_ELSES = re.compile(r"\b(?:mon|ma|mes|notre|nos|son|sa|ses|leur|leurs|my|our|his|her|their|avec|with|par|"
                            r"by)\s+(?:[\w-]+\s+){0,2}$")


# the role is theirs: said right after they introduce themselves, or where they work (« chez », « at », « of »)
_LINKED = re.compile(r"(?:^\s*|\b(?:chez|at|of|d'|de|du|des|dans|in|for|pour|un|une|le|la|l'|les|a|an|the|notre|"
                     r"our)\s*)(?:[\w-]+\s+){0,2}$")


def asker_role(folded: str) -> str | None:
    """The actor the asker speaks as, when they introduce themselves; None when they do not."""
    introduced = _INTRODUCES.search(folded)
    if not introduced:
        return None
    said = introduced.group(1)
    found = [(m.start(), actor) for actor, pattern in _ASKER_ROLES for m in pattern.finditer(said)
             if _LINKED.search(said[:m.start()]) and not _SOMEONE_ELSES.search(said[:m.start()])]
    return min(found)[1] if found else None


# The asker's own duties asked (« c quoi mes obligations ? », « que dois-je faire ? »): the doctor's, whatever the
# story names around them (a software, a box), unless the question proper names another actor too; a provider's
# when the asker says they speak for one (« je suis juriste chez un hébergeur… que devons-nous faire ? »).
_OWN_DUTIES = re.compile(r"\b(?:mes|nos) (?:obligations|devoirs|responsabilites)\b|"
                         r"\bque (?:dois-je|devons-nous) faire\b|"
                         r"\bwhat (?:are my|are our|do i|do we) (?:obligations|have to do|need to do)\b")


# A provider the story says is certified (« je travaille chez un hébergeur certifié HDS ») meets the certification:
# unless the question proper asks about it, certification is not what is asked, and its words, « hébergeur »
# included, do not pull the HDS entries: it is read as a mere « prestataire ». « pas certifié HDS » is not a premise
# met.
_CERTIFIED = re.compile(r"(?<!pas )(?<!non )(?<!plus )(?<!jamais )\b(?:hebergeur |prestataire |)"
                        r"(?:certifies?|certifiees?) hds\b|\bhebergeurs? hds\b|"
                        r"(?<!not )(?<!non-)\bhds[- ]certified(?: (?:cloud )?(?:host|hosting provider|provider)'?s?)?\b|"
                        r"(?<!not )(?<!non-)\bcertified health[- ]data (?:host|hosting provider|provider)s?\b")
_ASKS_CERTIFICATION = re.compile(r"\b(?:hds|certifi\w*|certificat\w*|agre\w*)\b")
_CERTIFIED_TOKENS = frozenset(tokenize("certifié HDS"))


def _certification_told(folded: str, proper: str) -> bool:
    story = folded.replace(proper, " ") if proper else folded
    return bool(_CERTIFIED.search(story)) and not _ASKS_CERTIFICATION.search(proper)


def _actors(actors: tuple[str, ...], proper: str, asker: str | None) -> tuple[str, ...]:
    """The actors the question is about (`actors`: all it names), or only the asker when it asks its own duties."""
    # what follows a colon asks (« Fuite chez mon éditeur : quelles sont mes obligations ? »)
    if _OWN_DUTIES.search(proper) and set(actors_asked(proper.rsplit(":", 1)[-1])) <= {"medecin"}:
        return (asker or "medecin",)
    return actors


def _standing_for(ids: tuple[str, ...], fiches: Mapping[str, tuple[str, ...]] | None) -> frozenset[str]:
    """The `ids` and the fiches that summarise one of them."""
    return frozenset(ids) | {fiche for fiche, about in (fiches or {}).items() if set(about) & set(ids)}


# what a question sets aside (« À part une amende CNIL, peut-il être poursuivi au pénal ? », « En plus de la CNIL,
# dois-je prévenir les patients ? ») is not what it asks
_SET_ASIDE = re.compile(r"\b(?:a part(?! entiere)(?![- ](?:time|of|in|for)\b)|en dehors d(?:e|u|es|')|hormis|"
                        r"outre (?:la|le|les|l'|une?|des)|en plus d(?:e|u|es|')|besides|apart from|aside from|"
                        r"other than|on top of|in addition to)"
                        r"\b[^,.;:?]*")


def set_aside_removed(folded: str) -> str:
    """The folded question without what it sets aside (_SET_ASIDE)."""
    return _SET_ASIDE.sub(" ", folded)


def _regime(folded: str) -> str | None:
    """The sanction regime the question names, when it names only one (what it sets aside left out): the criminal
    courts or the CNIL."""
    folded = set_aside_removed(folded)
    penal, cnil = bool(_PENAL.search(folded)), bool(_CNIL.search(folded))
    return "sanctions-penales" if penal and not cnil else "sanctions-cnil" if cnil and not penal else None


def _figure_judged(folded: str, proper: str) -> str:
    """The kind of figure the question tells and asks to judge (« un délai de 30 jours, c'est acceptable ? »), or
    ""."""
    if not _JUDGED.search(proper):
        return ""
    return next((kind for kind, said in FIGURES_SAID.items() if said.search(folded)), "")


def _asks_unknown(last: str, unknown: tuple[str, ...], before: str, corpus_words: frozenset[str]) -> bool:
    """Whether the question proper (`last`) is about a name or a subject (_SUBJECTS) the corpus never mentions: it
    is in it, or it only points back at the sentence told just `before` it, which holds it (« J'utilise Dropbox.
    Est-ce autorisé ? », « Un patient me demande de supprimer tout son dossier. Je suis obligé ? »; not « …publié
    sur Facebook. Le patient me réclame des dommages et intérêts. Dois-je l'indemniser ? »)."""
    names = [fold(name) for name in unknown]
    points_back = len(tokenize(last)) <= POINTS_BACK
    return (any(name in last for name in names) or bool(outside_subjects(last, corpus_words))
            or points_back and (any(name in before for name in names) or bool(outside_subjects(before, corpus_words))))


def _sentence_before(sentences: list[str], proper: str, folded: str) -> str:
    """The sentence just before the question proper, or the whole text (`folded`) when none is found."""
    at = sentences.index(proper) if proper in sentences else -1
    return sentences[at - 1] if at > 0 else folded


def _claim(sentences: list[str]) -> str | None:
    """What a tag question asks to confirm: the situation told before « C'est légal ? », « Il avait le droit ? »,
    or what follows « c'est vrai que »; or the asker's own conclusion (« Donc je n'ai rien à faire ? »). None for
    any other question. `sentences`: the question's, folded."""
    if not sentences:
        return None
    last = sentences[-1]
    leading = _LEADING_TAG.match(last)
    if leading:  # « C'est bien ça, un cabinet comme le nôtre ne risque rien ? »
        return last[leading.end():]
    clause = _CLAUSES.split(last)[-1].strip()
    tag = _TAG.match(clause)
    if not tag:
        for text in (clause, last):
            inference = _INFERENCE.match(text)
            if inference:
                return text[inference.end():]
        drawn = (_REASON_FIRST.sub("", last) if _REASON_FIRST.match(last)
                 else _THEREFORE.sub("", clause) if _THEREFORE.search(clause) else "")
        if negations(drawn) % 2:
            return drawn
        return None
    rest = clause[tag.end():].strip()
    if rest.startswith(("que ", "qu'")):
        return rest
    if len(sentences) > 1:  # what the asker would say is the act asked about, not a claim to confirm or deny
        sentences = sentences[:-2] + [_ASKER_SAYS.sub(r"\1", sentences[-2]), last]
    # what the tag itself adds qualifies the claim (« Il a le droit de faire ça sans mon accord ? »); when it says
    # the act itself (« Il avait le droit d'écrire à mes patients sans passer par moi ? »), the story is not the claim
    rest = rest.rstrip(" ?")
    story = _act_told(sentences[:-1], tag.group(0)) if _REFERS_BACK.search(rest) or len(rest.split()) < 4 else []
    story = [_what_is_reported(told) for told in story]
    parts = story + [last[:len(last) - len(clause)].strip(), rest]
    return " ".join(p for p in parts if p) or None


def _what_is_reported(sentence: str) -> str:
    """What someone is reported to say (« mon éditeur me dit qu'aucun texte ne limite… » : « aucun texte ne
    limite… »), or the sentence itself."""
    reported = _REPORTED.search(sentence)
    return sentence[reported.end():].strip() if reported else sentence


def _act_told(before: list[str], tag: str) -> list[str]:
    """The sentence that tells the act a tag asks about: the last one before it, unless the tag asks about someone
    else (« elle avait le droit ? ») and that sentence is the asker's own (« Elle ne m'en avait pas parlé, je l'ai
    appris après. »), not a claim reported to the asker (« Il me dit que… »): then the one before."""
    if not before:
        return []
    if (_THIRD_PERSON_TAG.search(tag) and len(before) > 1 and _ASKER_SPEAKS.search(before[-1])
            and not _REPORTED.search(before[-1])):
        return before[-2:-1]
    return before[-1:]


def negations(text: str) -> int:
    """How many negations a text holds (« ne … pas », « sans », « aucun », « dispensé », « interdit »…, and the
    « pas » or « jamais » of spoken French without its « ne »: « c'est pas obligatoire »): their parity tells
    whether a claim denies what a proposition states."""
    text = _NOT_A_DENIAL.sub(" ", _ELIDED_NE.sub("n' ", folded_form(text)))
    rest, written = _NEGATION.subn("_neg_", text)  # one pass: the « ne … » forms counted and marked
    return written + len(_SPOKEN_NEGATION.findall(rest)) - len(_COORDINATED.findall(rest))


# two denials joined (« n'est pas de l'hébergement et ne demande aucun certificat ») deny once, not cancel out; not
# a consequence (« aucune donnée n'a fuité, donc elle ne peut rien reprocher »): its premise may be the case asked
_COORDINATED = re.compile(r"_neg_(?:(?!_neg_)[^.;:?!])*?\b(?:et|and)\s+"
                          r"(?=(?:(?:il|elle|ils|elles|on|ca|it|he|she|they|we)\s+)?"
                          r"(?:(?:does|do|did|is|are|was|were|has|have|can|may|must|should|needs?)\s+)?_neg_)")


def folded_form(text: str) -> str:
    """Folded, with the typographic apostrophe as the plain one the patterns use."""
    return fold(text).replace("\u2019", "'")


def _closest(doc_id: str, known_ids: frozenset[str]) -> list[str]:
    """Known ids spelled like `doc_id`, as a reader writes them (« SAN-2020-015 », « L1110-4 »)."""
    family = family_of(doc_id)
    if not family:  # a reference is always of a family; guard anyway: '' would match every id
        return []
    close = difflib.get_close_matches(doc_id, [k for k in known_ids if k.startswith(family)], n=2, cutoff=0.85)
    return [_readable(k) for k in close]


def _readable(doc_id: str) -> str:
    for prefix, shown in ((CNIL_PREFIX, ""), (CSP_PREFIX, "CSP "), (PENAL_PREFIX, "Code pénal "),
                          (f"{GDPR_PREFIX}art-", "RGPD art. ")):
        if doc_id.startswith(prefix):
            return shown + doc_id[len(prefix):]
    return doc_id


def _offers_choice(question: str) -> bool:
    """The last clause, with no inverted verb, offers a choice: the answer names the option, with no verdict."""
    last = question_proper(question.lower().replace("\u2019", "'"))
    if _CONTRARY.search(last) or _PERMISSION_FIRST.search(last):  # « c'est à moi de vérifier, ou je peux faire
        return False  # confiance ? » asks the first
    return not INVERTED.search(last) and bool(_CHOICE.search(_CLAUSES.split(last)[-1]))


def _form(last: str) -> str:
    """The form of the question asked, read in the question proper (`last`: « J'ai un serveur… Je dois le
    certifier ? »). An inverted verb makes it yes/no even when a clause asks more (« est-il obligé de me prévenir,
    et dans quel délai ? », « faut-il … même quand … ? »), unless a clause opening with an interrogative word comes
    first (_asks_what_first) or the sentence offers alternatives; an inverted question then « ou » and its contrary
    (« peut-il être sanctionné, ou est-ce toujours moi qui paie ? »), or any question then its contrary as a clause
    (_CONTRARY: « c'est à moi de vérifier, ou je peux faire confiance ? »), still asks yes or no."""
    if _HOW_SERIOUS.search(last):
        return OTHER  # « j'ai perdu une clé USB, c'est grave ? » asks what follows, not yes or no
    alternative = _ALTERNATIVE.search(last)
    first = last[:alternative.start()] if alternative else ""
    if alternative and not _INTERROGATIVE.match(first) and (INVERTED.search(first) or _ENGLISH_YES_NO.match(first)
                                                            or _PERMISSION_FIRST.search(last)
                                                            or (_CONTRARY.search(last) and not _WHO.search(first))):
        return YES_NO  # « Peut-il A, ou est-ce toujours B qui paie ? » asks A; B is its contrary
    who = _WHO.search(last)
    if who and not _relative(last, who) and not _embedded(last, who):
        return WHO
    clause = _CLAUSES.split(last)[-1].strip()  # « Un rançongiciel a chiffré le serveur, que dois-je faire ? »
    if (_INTERROGATIVE.match(_OPENING_CONJUNCTION.sub("", last)) or _INTERROGATIVE.match(clause)
            or _asks_what_first(last) or alternative):
        return OTHER
    if INVERTED.search(last) or _opens_english_yes_no(last):
        return YES_NO  # « Before signing: does my contract have to say… ? », « As a vendor, must we… ? »
    return OTHER if _ASKS_WHICH.search(last) or not last.endswith("?") else YES_NO


def _embedded(sentence: str, who: re.Match) -> bool:
    """« who » or « qui … » inside a yes/no question asked before it (« Does a doctor who reveals a diagnosis risk
    prison? », « faut-il vérifier qui est certifié ? »): it says of whom, it does not ask who."""
    if not who.group(0).startswith(("who", "qui ")):
        return False
    before = sentence[:who.start()]
    return bool(INVERTED.search(before)) or _opens_english_yes_no(before)


def _opens_english_yes_no(text: str) -> bool:
    """The text, or one of its clauses, opens with an English auxiliary: « As a vendor, must we… ? »."""
    return any(_ENGLISH_YES_NO.match(c.strip()) for c in [text, *_CLAUSES.split(text)])


def _relative(sentence: str, who: re.Match) -> bool:
    """« qui » inside the sentence, then a clause with an inverted verb: a relative clause (« Pour cette partie,
    qui est faite pour les patients, l'hébergement doit-il être certifié ? »), not « qui ? », nor a « qui » that
    opens what the question asks after a colon (« …a été piraté : qui doit prévenir les patients, et y a-t-il… ? »)."""
    rest = sentence[who.end():]
    comma = _CLAUSES.search(rest)
    opens = sentence[:who.start()].rstrip().endswith(":")
    return who.start() > 0 and not opens and comma is not None and bool(INVERTED.search(rest[comma.end():]))


def _asks_what_first(sentence: str) -> bool:
    """A clause opening with an interrogative word (_ASKING_WHAT) comes before any inverted verb: « Dans cette
    décision, qu'est-ce que la CNIL a reproché à Cegedim, et pourquoi n'a-t-il pas… ? » asks what; « est-il obligé
    de me prévenir, et dans quel délai ? » asks yes or no first."""
    for clause in _CLAUSES.split(sentence):
        clause = _OPENING_CONJUNCTION.sub("", clause.strip())
        if _ASKING_WHAT.match(clause):
            return True
        if INVERTED.search(clause):
            return False
    return False


ROLES_IN_A_STORY = 0.5  # « qui est responsable ? » after a story asks the duties of that story more than the roles


def _story_first(scores: dict[str, float], told: bool) -> dict[str, float]:
    """The roles topic weighs less once a situation is `told`: its duties are what the reader needs. A claim to
    confirm (« Il dit qu'il n'est que sous-traitant. C'est vrai ? ») is no story: it is what is asked."""
    if "roles" in scores and told:
        scores["roles"] *= ROLES_IN_A_STORY
    return scores


# the damage a patient claims is what a story of a leak asks about, however its question proper is worded
_DAMAGES = re.compile(r"\b(?:dommages?|prejudices?|reparation|indemnis\w*|dedommag\w*|damages?|compensation)\b")
_ACTOR_NAMED = re.compile(r"\b(?:editeur|hebergeur|vendor|host)s?\b(?! (?:hds|certifie))")


INCIDENT_TOPIC = "violation"  # the map's topic of incidents: what a story of a lost disk or a leak tells
SECURITY_TOPIC = "securite"  # the map's topic of security duties: whose failure let the incident happen


# « …, je dois faire quoi ? », « …, what should I do? »: a sentence that tells what happened, then asks what now
_WHAT_NOW = re.compile(r"[,;:]\s*(?:(?:et )?(?:maintenant )?(?:(?:je|on|nous) )?(?:(?:dois|doit|devons) )?"
                       r"(?:fais|fait|faisons|faire) quoi|que (?:dois-je|devons-nous|doit-on|faire)|"
                       r"quoi faire|what (?:should|do|must) (?:i|we) do|what now)\b[^,;:]*$")


def _what_now_asked(proper: str) -> str | None:
    """The question proper of a one-sentence story (« Mon éditeur a eu une fuite, je dois faire quoi ? »): its
    last clause when that only asks what to do now, else none (the sentence asks its own topic)."""
    asked = _WHAT_NOW.search(proper)
    return asked.group(0)[1:] if asked else None


def _incident(folded: str, proper: str | None, topics: dict[str, Topic]) -> bool:
    """The story tells an incident (a disk lost, a file sent to the wrong person) and the question proper names no
    topic of its own (« Qui doit faire quoi maintenant ? », « Qui est responsable de quoi ? »: roles are who answers
    for it): what happened is what it asks about. `proper` is None for a one-sentence question that asks its own
    point (_what_now_asked)."""
    if proper is None:
        return False
    incident = topics.get(INCIDENT_TOPIC)
    asked = _ACTOR_NAMED.sub(" ", proper)  # « entre l'éditeur, l'hébergeur et moi, qui est fautif ? » names no topic
    return (incident is not None and _names_topic(folded, incident) and not _DAMAGES.search(folded)
            and not any(_names_topic(asked, topic) for topic in topics.values() if topic.id != "roles"))


def _names_topic(text: str, topic: Topic) -> bool:
    return any(keyword.search(text) for _, keyword in _topic_terms(topic)[0])


def topic_scores(folded: str, tokens: frozenset[str], topics: dict[str, Topic]) -> dict[str, float]:
    """Keyword hits (a phrase counts more than a word) plus the share of the question's words in the description."""
    scores = {}
    for topic in topics.values():
        keywords, described_by = _topic_terms(topic)
        hits = sum(weight for weight, keyword in keywords if keyword.search(folded))
        scores[topic.id] = min(hits, 4) / 4 + len(tokens & described_by) / (1 + len(tokens))
    return scores


@lru_cache(maxsize=256)
def _topic_terms(topic: Topic) -> tuple[tuple[tuple[int, re.Pattern], ...], frozenset[str]]:
    """A topic's keywords compiled once, with their weight (a phrase counts more than a word), and the words of its
    label and description: read for every question, built once."""
    keywords = tuple((1 + keyword.count(" "), re.compile(rf"(?<!\w){re.escape(fold(keyword))}(?!\w)"))
                     for keyword in topic.keywords)
    return keywords, frozenset(tokenize(f"{topic.label} {topic.description}"))


def corpus_vocabulary(texts, documents=()) -> frozenset[str]:
    """Folded words of `texts` (the corpus, the map), their pairs of adjacent words, and the known names
    (_KNOWN_NAMES) they mention, to tell a name the corpus never mentions (« Health Data Hub »: every word is known,
    not the name); and the subjects (_SUBJECTS) the `documents` cover: a map question asks, it covers nothing."""
    words = set()
    for text in texts:
        sequence = _words(_URL.sub(" ", text))  # a source's address (health-data-hub.fr) names nothing
        words.update(_with_pairs(sequence))
        words.update(" ".join(_words(name)) for name in _KNOWN_NAMES.findall(" ".join(sequence)))
    for text in documents:
        words.update(_label(subject) for subject in outside_subjects(folded_form(text)))
    return frozenset(words)


def outside_subjects(folded: str, corpus_words: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The subjects (_SUBJECTS) a folded text asks about that no corpus text names (`corpus_words`)."""
    return tuple(subject for subject, pattern in _SUBJECT_PATTERNS.items()
                 if pattern.search(folded) and _label(subject) not in corpus_words
                 and not (subject in _SUBJECT_UNLESS and _SUBJECT_UNLESS[subject].search(folded)))


def _label(subject: str) -> str:
    return "subject: " + subject


# Capitalised words that are common nouns of the field, not names (« les IRM », « our EHR vendor », « Four GPs »).
_PLAIN_WORDS = frozenset({"irm", "mri", "scanner", "ecg", "gp", "gps", "ehr", "emr", "it", "pc", "dpo", "dpia", "one",
                          "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "ok", "okay",
                          # a job, a disease, a month: words, not names of something the corpus should hold
                          "dsi", "rssi", "esn", "ssii", "ist", "mst", "vih", "hiv", "sida", "avc", "nda",
                          "january", "february", "march", "april", "may", "june", "july", "august", "september",
                          "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                          "saturday", "sunday",
                          # a country: where data go, which the texts answer in general (UE, EEE, pays tiers)
                          "allemagne", "germany", "belgique", "belgium", "espagne", "spain", "italie", "italy",
                          "pologne", "poland", "portugal", "irlande", "ireland", "luxembourg", "pays-bas",
                          "netherlands", "roumanie", "romania", "bulgarie", "bulgaria", "suisse", "switzerland",
                          "royaume-uni", "uk", "angleterre", "england", "maroc", "morocco", "tunisie", "tunisia",
                          "inde", "india", "chine", "china", "canada", "israel", "usa", "us",
                          # an English word opening a sentence before a name (« Since Poland is in the EU… »)
                          "since", "because", "although", "if", "when", "as"})


def _unknown_names(question: str, corpus_words: frozenset[str]) -> tuple[str, ...]:
    """Names and codes inside the question (Google Drive, ISO 27001, le DMP) that no corpus text contains:
    capitalised ones with a word the corpus never uses, known ones (_KNOWN_NAMES) the corpus never names."""
    found = []
    for m in _NAMED.finditer(question):
        if " " not in m[1] and _SENTENCE_START.search(question[:m.start()]) and not _NAME_SHAPE.match(m[1]):
            continue  # one capitalised word opening a sentence is just a word (« Bonjour », « Puis-je »)
        name = _known_acronyms_off(_DETERMINER.sub("", _AUXILIARY.sub("", m[1])), corpus_words)
        if any(w not in corpus_words for w in _with_pairs([w for w in _words(name) if w not in _PLAIN_WORDS])):
            found.append(name)
    folded = fold(question)
    for m in _KNOWN_NAMES.finditer(folded):
        name = question[m.start():m.end()] if len(folded) == len(question) else m[0]  # as typed, accents kept
        if any(m[0] in fold(n) for n in found) or " ".join(_words(name)) in corpus_words:
            continue
        part = next((i for i, n in enumerate(found) if fold(n) in m[0]), None)  # « ISO » of « Which ISO 27001 »
        if part is None:
            found.append(name)
        else:
            found[part] = name
    return tuple(dict.fromkeys(found))


def _known_acronyms_off(name: str, corpus_words: frozenset[str]) -> str:
    """A name without the acronyms the corpus knows that close it: « Doctolib HDS » is Doctolib."""
    words = name.split()
    while len(words) > 1 and words[-1].isupper() and fold(words[-1]) in corpus_words:
        words.pop()
    return " ".join(words)


# A name given as an actor's: after the actor (« mon éditeur Doctolib », « notre hébergeur certifié, OVH », « my
# vendor Doctolib ») or set beside it (« Weda, mon logiciel »). What the corpus says of that actor applies to it.
_ACTOR_NOUNS = {"editeur": r"editeurs?|logiciels?|software|vendors?|publishers?",
                "hebergeur": r"hebergeurs?|hosts?|hosting (?:company|provider)|cloud provider"}
_POSSESSIVE = r"(?:mon|ma|notre|son|leur|l'|le|la|my|our|their|the)"
# the words between the actor and the name describe the actor, never link it to the name (« mon logiciel sur Google
# Drive », « l'éditeur de notre RIS »)
_NOT_LINKING = r"(?!(?:sur|dans|chez|de|du|des|d'|pour|avec|par|en|a|au|aux|vers|on|in|at|to|for|with|from|of|by)\b)"


def _actor_named(folded: str, name: str) -> str | None:
    """The actor whose name the question gives `name` as, if it does."""
    said = re.escape(fold(name))
    for actor, nouns in _ACTOR_NOUNS.items():
        if re.search(rf"\b{_POSSESSIVE}\s*(?:{nouns})\b(?:\s+{_NOT_LINKING}\w+){{0,2}}?,?\s+{said}(?!\w)|"
                     rf"(?<!\w){said}\s*(?:,|\(|-)\s*{_POSSESSIVE}\s*(?:{nouns})\b", folded):
            return actor
    return None


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


def _with_pairs(words: list[str]) -> list[str]:
    """The words and each pair of adjacent ones: a name of several words is known only whole."""
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]
