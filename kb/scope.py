"""Is a question within what the corpus covers? Out-of-scope topics (medicine, tax, other law, cooking, sport,
travel, gibberish…), instructions to break the rules (role-play and English variants included) and small talk
are refused before retrieval; weak evidence is refused after it. `check_question` cleans the raw text and
caps its length (MAX_QUESTION_CHARS) before anything else runs."""

from __future__ import annotations

import re

from kb.errors import KbError
from kb.folding import fold
from kb.legalrefs import GDPR_ROLES, find_references
from kb.text import SENTENCES, question_proper

# Words of the corpus' field. Strong ones are about health data and its liability wherever they appear;
# context words (logiciel, cabinet, serveur…) belong to the practice's everyday life too, so they put a
# question in the field but do not rescue an explicit off-topic request (« logiciel de comptabilité… impôts »).
_STRONG = re.compile(
    r"\b(?:donnees?|data|rgpd|gdpr|cnil|heberg\w*|hds|host\w*|editeurs?|saas|vendor|"
    r"sous-trait\w*|processor|controller|responsab\w*|liab\w*|violations?|breach\w*|fuites?|fuit\w*|leak\w*|"
    r"secur\w*|secret(?! des affaires)|confidential\w*|certifi(?:e|ee|es|ees|cations?|er)|"
    r"certificats? (?:hds|de conformite)|"
    r"notif\w*|chiffr\w*|encrypt\w*|pirat\w*|cyber\w*|"
    r"ransomware|rancongiciel|dossiers? (?:medica|patient)\w*|(?:patients?|medical|health) records?|aipd|dpo|"
    r"dpia|(?:data )?processing agreements?|data processing|"
    r"(?:liste|fichier|coordonnees|noms) (?:de |des )?(?:mes |nos |ses )?patient(?:e|s|es)?|"
    r"delegue|consentement|equipe de soins|"
    r"referentiel|deliberation|code penal|sante publique|pseudonym\w*|anonym\w*|dmp|"
    r"(?:informations?|infos?) (?:medicales?|de sante)|religion|opinions? politiques?|orientation sexuelle|"
    r"origines? (?:ethniques?|raciales?))\b"
)
_CONTEXT = re.compile(
    r"\b(?:logiciels?|software|contrats?|contract|sanction\w*|amendes?|fine[ds]?|sauvegardes?|backup|serveurs?|"
    r"cloud|prestataires?|informaticien|acces|conservation|archivage|transfert|cabinet|messagerie|dossiers?|"
    r"applis?|applications?|plateformes?|platforms?|teleconsultations?|records?|exposed|telesurveillance|"
    r"telemonitoring|remote monitoring|telemedecine|telemedicine|tele-?expertise|"
    r"organi[sz]ational measures?|technical measures?|cause of death|deceased|heirs?|"
    # the professionals a doctor shares with (« the dentist is asking me for his treatment »)
    r"dentistes?|dentists?|pharmaciens?|pharmacists?|kinesitherapeutes?|physiotherapists?|infirmier\w*|nurses?)\b"
)
# Instructions to the assistant rather than questions to the corpus. Matched on folded text. « ignorer les
# instructions » is refused only when addressed to the assistant (imperative at the start of a clause, or
# « tes / vos / your / previous » rules): « mon éditeur peut-il ignorer mes instructions ? » is a legal question.
_RULES = (r"(?:instructions?|regles?|consignes?|directives?|rules|prompts?|contraintes?|restrictions?|limites?|"
          r"guidelines|guardrails|filtres?|programmation|parametres|system)")
_YOURS = (r"(?:tes|ton|ta|vos|votre|your|toutes? (?:les|tes|vos)|all (?:the |your )?(?:previous|prior)|"
          r"les (?:instructions|regles|consignes) (?:precedentes|ci-dessus|initiales)|previous|prior|above|earlier|"
          r"initial|original)")
_CLAUSE = r"(?:^|[.!?:;,\n(\[]|\bet\b|\band\b|\bthen\b|\bpuis\b)\s*"
_INJECTION = re.compile(
    # forget / ignore / bypass the rules
    rf"{_CLAUSE}(?:oublie|ignore|disregard|forget|contourne|outrepasse|bypass|override|skip)[sz]?\b"
    rf".{{0,40}}?\b(?:{_RULES}|corpus|base documentaire|documentation|tout ce qu|everything|the above|"
    r"ce qui precede|ci-dessus)"
    # answer from elsewhere than the texts, or whatever they say
    r"|\b(?:(?:tes|vos) (?:propres )?connaissances(?: generales)?|(?:ta|votre) (?:propre )?connaissance|"
    r"(?:your|its) own knowledge|"
    r"your general knowledge)\b"
    r"|\brepon(?:ds|dez) (?:uniquement|seulement|toujours|systematiquement|juste) (?:par )?[«\"']?\s*(?:oui|non)\b"
    r"|\b(?:always|only) answer [\"']?(?:yes|no)\b"
    rf"|\b(?:oublie|ignore|disregard|forget|contourne|outrepasse|bypass|override)[rsz]?\b.{{0,20}}?\b{_YOURS}\b"
    rf".{{0,25}}?\b{_RULES}"
    rf"|\bne (?:tiens?|tenez) (?:plus |pas |aucun )?compte\b.{{0,30}}\b{_RULES}"
    # « passe outre tes restrictions », not « peut-on passer outre son refus ? »
    rf"|\bpasse[rz]? outre\b.{{0,20}}?\b{_RULES}|\bpassez outre\b.{{0,20}}?\b{_RULES}"
    rf"|\b(?:nouvelles?|new|updated) (?:instructions?|consignes?|regles?|rules|directives?|system prompt)\s*:"
    # a new role, role-play
    r"|\btu es (?:maintenant|desormais|a present|dorenavant)\b|\b(?:desormais|dorenavant|a present),? tu\b"
    r"|\ba partir de maintenant\b|\bfrom now on\b|\byou are now\b|\byou're now\b"
    rf"|(?:{_CLAUSE}|\btu )(?:joue[sz]?|jouons|incarne[sz]?|simule[sz]?|act|acts)\b "
    r"(?:le role|un role|as|like|un |une )"
    r"|\bjeux? de roles?\b|\brole[- ]?play"
    r"|\bmets?-toi dans la peau\b|\bimagine[rsz]? (?:que tu (?:es|sois)|etre)\b|\bfais(?:ons)? semblant\b"
    r"|\bfais comme si\b|\bfaites comme si\b|\bagis (?:comme|en tant que)\b|\bcomporte-toi comme\b"
    r"|\bpretend(?:ing)? (?:you|to be|that)\b|\bplay the role\b|\blet'?s play\b"
    # reveal the rules
    r"|\b(?:tes|vos|your) (?:\w+ )?(?:instructions|consignes|regles|rules|directives|guidelines)\b"
    r"|\bsystem prompt\b|\bprompt (?:systeme|system|initial)\b|\b(?:ton|votre|your) prompt\b"
    r"|\b(?:repete|recopie|affiche|revele|print|repeat|reveal|show)\w*\b.{0,30}\b(?:au-dessus|above|ci-dessus|"
    r"precede|initial)"
    # known jailbreak wording and chat-template markers
    r"|\bjailbreak|\bdan\b|\bmode (?:developpeur|dev|debug|admin)\b|\bdeveloper mode\b|\bgod mode\b"
    r"|\bsans (?:aucune )?(?:censure|filtre)\b|\bwithout (?:any )?(?:filters?|restrictions|rules|censorship)\b"
    r"|\bno (?:rules|restrictions|filters?)\b|\bunrestricted\b|\bunfiltered\b|\bassistant sans limites?\b"
    r"|\[/?(?:system|inst|sys)\]|<\|?/?(?:system|im_start|im_end)|^\s*#+\s*(?:system|instruction)"
    r"|\bsans (?:citer|sources?)\b.{0,30}\binvente"
    r"|\b(?:tu n'as|vous n'avez) plus (?:aucune |de )?(?:regles?|limites?|restrictions?|consignes?|filtres?)\b"
    r"|\bmode expert\b|\bexpert mode\b|\bsans (?:aucun )?(?:disclaimer|avertissement|mise en garde)\b"
    r"|\bsans citer (?:les |tes |vos |de |le moindre |la moindre |aucun |aucune )?(?:textes?|sources?|articles?)\b"
    r"|\bwithout (?:citing|citations|disclaimers?)\b"
    rf"|{_CLAUSE}(?:repete|recopie|affiche|revele|repeat|print|reveal)\w*\b.{{0,60}}\b(?:au debut|"
    r"at the (?:start|beginning)|(?:premier|first) message|message (?:initial|systeme))"
)
_PRODUCTS = (r"(?:logiciel|hebergeur|editeur|solution|outil|prestataire|fournisseur|marque|software|vendor|host|"
             r"assureur|assurance|contrat d'assurance|mutuelle|offre|cloud|messagerie|antivirus|pare-feu|firewall|vpn|"
             r"insurer|insurance)s?")
_TAX = "une question fiscale ou comptable"
_LAW = "un autre domaine du droit"
_FINANCE = "une question financière ou immobilière"
_LABOUR = "une question de droit du travail"
_SOCIAL = "une question fiscale ou sociale"
_OFF_TOPIC = {
    # what the practice may deduct: never the corpus's, whatever it deducts (« l'hébergement HDS en charges
    # déductibles ? »); who may see the records stays a question of secrecy
    _TAX: r"\b(?:charges? deductibles?|deductib\w*|deduction fiscale|declaration 2035|ma 2035|tax-deductible|tva|"
          r"deduire (?:de|des) (?:mes |mon |ses )?(?:impots|revenus|benefices)|deduct\w*|tax return)\b",
    "une question médicale (traitement, posologie, diagnostic)":
        r"\b(?:posologie|dosage|doses?|mg|milligrammes?|paracetamol|ibuprofene|antibiotiques?|medicaments?|"
        r"symptomes?|symptoms?|fievre|diagnostiquer|diagnostics?|diagnos[ie]s|biops\w*|pet scan|prescri\w*|"
        r"ordonnance|vaccin\w*|guerir|angines?|"
        r"otites?|grippes?|rhumes?|bronchites?|migraines?|asthme|glycemies?|cholesterol|insuline|covid|"
        r"hydroxychloroquine|soign(?:er|e|es|ent|ez|ons)|grains? de beaute|tousse\w*|toux|douleurs?|"
        r"mal (?:au|a la|aux) (?:ventre|tete|dos|gorge|dents)|cancers?|tumeurs?|diabet\w*|epilep\w*|hypertension|"
        r"enceinte|grossesse|allergi\w*|infections?|antidepresseurs?|anticoagulants?|poids lourds?|"
        r"reprendre le volant|plongee|cephalees?|vomissements?|nausees?|vertiges?|irm en urgence|erythemes?|"
        r"tiques?|plaques? rouges?|rougeurs?|eruptions? cutanees?|maladie de lyme|eczema|psoriasis|melanomes?|"
        r"carcinomes?|naevus|melanoma|clairance|dfg|debit de filtration|insuffisan\w* renale?s?|crises? de goutte|"
        r"comprimes?|gelules?|produits? de contraste|scanner injecte|"
        # drug names by their endings (amoxicilline, oméprazole, apixaban, metformine…)
        r"\w{2,}(?:cilline|cillin|mycine|prazole|olol|pril|sartan|statine|xaban|gatran|formine|floxacine|cycline|"
        r"triptan|parine|thyroxine|azepam)|colchicine)\b",
    # a pension (« ma retraite », « caisse de retraite »), not leaving practice (« je pars à la retraite », « jeune
    # retraité »)
    _SOCIAL: r"\b(?:impots?|fiscal\w*|urssaf|carmf|cotisations?|tva|bnc|charges sociales|"
             r"conges? (?:maternite|paternite|parental)|indemnites journalieres|maternity leave|paternity leave|"
             r"cpam|chomage|france travail|pole emploi|unemployment|taux de remboursement|"
             r"rembours\w* (?:les |la |des )?(?:consultations?|actes?|teleconsultations?)|"
             r"declaration de revenus|(?:ma|sa|votre|notre|leur|une|de) retraite|taxes?|"
             r"comptabl\w*|deductibles?|deduire)\b",
    "une recommandation de produit":
        rf"\b(?:quel(?:le)?s? {_PRODUCTS}(?: \w+){{0,3}} (?:acheter|choisir|prendre|souscrire|recommand\w*|"
        r"moins cher\w*|plus fiables?|plus sur\w*)|(?:prendre|souscrire) (?:une |un )?(?:assurance|contrat d'assurance|"
        r"mutuelle)|"
        rf"meilleur(?:e|s)? {_PRODUCTS}|quel(?:le)?s? {_PRODUCTS}\b[^?]{{0,40}}\b(?:le |la |les )?(?:plus|moins) "
        r"(?:pratiques?|simples?|fiables?|surs?|chers?|performant\w*|efficaces?|ergonomiques?|complets?)|"
        r"(?:ton|votre|your) top (?:\d+|trois|cinq|dix|three|five|ten)|"
        r"(?:tu|vous) (?:me |nous )?(?:conseill|recommand)\w*|"
        r"(?:conseill|recommand)(?:ez-vous|es-tu|eriez-vous|erais-tu)|"
        r"(?:me|nous) recommande[rsz]?|(?:recommande|conseille)[rsz]?-(?:moi|nous)|"
        # « which host… » asks for a product; « under which the host… » does not
        r"(?<!under )(?<!in )(?<!by )(?<!with )(?<!to )(?<!of )(?<!from )(?<!for )(?<!on )"
        # « find out which host my vendor uses » asks what is, not what to buy
        r"(?<!out )(?<!know )(?<!check )(?<!ask )(?<!tell me )(?<!tells me )(?<!say )(?<!says )(?<!disclose )"
        # « which hosting provider does it use? » asks what is, too
        r"which (?:[\w-]+ )?(?:software|vendor|host|provider|insurer)(?! (?:does|do|did) (?:\w+ ){1,2}(?:use|rely))|"
        r"best (?:software|host)|"
        # « entre Doctolib et Maiia, lequel je devrais prendre ? », not « lequel doit notifier ? »
        r"(?:lequel|laquelle|lesquels) (?:je |j'|on |nous )?(?:devrais |devrions |dois |faut-il )?"
        r"(?:choisir|choisis|prendre|prends|acheter|achete|souscrire|conseill\w*|recommand\w*)|"
        r"(?:fais|faites)-(?:moi|nous) (?:ton|votre|un) classement|"
        r"(?:lequel|laquelle|lesquels|lesquelles) (?:est|sont|serait|seraient)\b[^?]{0,40}\bmoins cher|"
        # « Doctolib ou Maiia, lequel est le plus pratique ? », not « lequel est responsable ? »
        r"(?:lequel|laquelle|lesquels|lesquelles) (?:est|sont|serait|seraient) (?:le |la |les )?(?:plus |moins )?"
        r"(?:pratiques?|simples?|ergonomiques?|complets?|fiables?|intuiti\w*)|"
        r"should i (?:pick|choose|buy)|(?:can|could|would) you (?:recommend|suggest)|recommend (?:me )?(?:a|an|the)|"
        # « the cheapest host? » asks for a product; « we move to a cheaper provider » tells the situation
        r"cheapest (?:\w+ )?(?:host\w*|provider|software|vendor))\b",
    "une demande hors du rôle de l'assistant (traduction, code, texte à écrire)":
        r"\b(?:tradui\w*|traduction|translate|poemes?|poem|chansons?|songs?|blagues?|jokes?|haikus?|"
        r"python|javascript|scraper|scraping|redige[sz]?-(?:moi|nous)|ecri[st]-(?:moi|nous)|write me|draft me|"
        r"(?:pouvez-vous|pourriez-vous|peux-tu|pourrais-tu|vous pouvez|tu peux) (?:me |nous )?(?:rediger|ecrire))\b",
    _LAW: r"\b(?:divorc\w*|voisinage|(?:mon|ma|mes) voisine?s?|secret des affaires|bail|non-concurrence|"
          r"loyer|bail commercial|landlord|commercial lease|rent increase|licenciement|succession|heritage|"
          r"testament|notaire|garde d'enfants?|"
          r"permis de conduire|prud'?hom\w*|refus de soins|"
          r"refuser (?:un|une|des|de soigner|de recevoir) (?:patients?|patientes?|malades?)|"
          r"scm|selarl|parts sociales|creances?|mandataire judiciaire|syndic|copropriete|plaque professionnelle|"
          r"contrefacon|marques? deposees?|droit des marques|propriete intellectuelle|trademark|"
          r"accidents? de (?:voiture|la route|la circulation)|constat amiable|"
          r"car accident|stationnement|contraventions?|exces de vitesse|parking ticket|speeding|pension)\b",
    _LABOUR:
        r"\b(?:conges? payes?|rtt|salaires?|smic|fiches? de paie|bulletins? de (?:paie|salaire)|heures? sup\w*|"
        r"convention collective|periode d'essai|demission|rupture conventionnelle|paid leave|salary|wages?|"
        r"overtime|payslip|minimum wage|contrat de travail|employment contract)\b",
    _FINANCE:
        r"\b(?:pret immobilier|credit immobilier|emprunt|taux d'interet|placements?|bourse|actions en bourse|"
        r"assurance[- ]vie|scpi|livret a|crypto\w*|bitcoin|acheter (?:un|mon) (?:appartement|local|cabinet)|"
        r"mortgage|stock market)\b",
    "une question de cuisine": r"\b(?:recettes?|recipes?|cuisiner|cuire|cuisson|baguettes?|crepes?|gateaux?|"
                               r"patisseries?|farine|levure|gigot|blanquette|omelettes?|pate a \w+|bake|baking|"
                               r"cooking|sourdough|bread|dessert)\b",
    "une question de sport": r"\b(?:football|foot|tennis|rugby|basket|marathon|match|coupe du monde|ligue 1|"
                             r"ligue des champions|champions league|world cup|jeux olympiques|olympics|"
                             r"tour de france|psg|nba|(?<!medecin du )(?<!medecins du )(?<!medecine du )sport)\b",
    "une question de voyage": r"\b(?:voyages?|partir en vacances|(?:partez|pars|partir|allez|vas) (?:ou )?en vacances|"
                              r"billets? d'avion|vols? pour|hotels?|visiter|"
                              r"tourisme|touristiques?|itineraire|valise|week-end a|places to|flights?|"
                              r"trip to|travel\w*|holidays? in)\b",
    "une question sans rapport": r"\b(?:meteo|pleuvoir|pluie|neige|orage|canicule|quel temps|weather|"
                                 r"football|horoscope|devinettes?|capitale|capital of|"
                                 r"films?|movies?|jeux? video|video games?)\b",
}
# Topics that a context word (logiciel, cabinet…) brings back into the field: « la recette du logiciel » is its
# acceptance test, « en voyage, mon remplaçant peut-il utiliser mon logiciel ? » a question of access.
_CONTEXT_RESCUES = ("une question de cuisine", "une question de sport", "une question de voyage")
# A medical word in a question about records and what is done with them, or who asks for them (« le diagnostic d'un
# patient raconté à ma femme », « son assureur me demande son diagnostic », « consulter le dossier d'un patient
# qu'il ne soigne pas ») is the field's, not a clinical question; so is a loan in one (« le médecin-conseil d'un
# assureur me demande le dossier d'un patient pour son prêt immobilier »).
_MEDICAL = "une question médicale (traitement, posologie, diagnostic)"
_RECORDS = re.compile(r"\b(?:dossiers?|resultats?|comptes? rendus?|enregistr\w*|partag\w*|transm\w*|communiqu\w*|"
                      r"consult\w*|racont\w*|divulg\w*|revel\w*|equipes?|utilis\w*|dire|dise|prevenir|"
                      r"inform\w*|registres?|heritiers?|ayants? droit|causes? de (?:sa |la )?mort|"
                      r"fichiers?|famil\w*|proches?|personne de confiance|etudes?|recherches?|publi\w*|"
                      # what a relative who calls is told (« sa fille m'appelle : ai-je le droit de lui répondre ? »)
                      r"(?:lui|leur) (?:en )?(?:repondre|expliquer|annoncer|parler)|"
                      # a relative who asks (« sa fille m'appelle pour savoir où on en est »)
                      r"(?:sa|ta) fille|(?:son|ton) fils|(?:son|ton) mari|(?:sa|ta) femme|epou(?:x|se)|daughter|"
                      r"husband|wife|"
                      r"telesurveillance|"
                      # a document gone to the wrong person (« une ordonnance envoyée au mauvais patient »)
                      r"par erreur|(?:au |a la )?mauvaise? (?:patiente?|destinataire)|by mistake|"
                      r"wrong (?:patient|recipient)|"
                      # a medium lost or stolen (« I lost a USB stick with scanned prescriptions »)
                      r"usb|scanned|scannee?s?|stole|stolen|theft|"
                      r"(?:lost|perdu\w*|egare\w*) (?:a|an|my|our|the|une?|mon|ma|mes|notre|nos|le|la|les) (?:\w+ )?"
                      r"(?:laptop|ordinateur|portable|phone|telephone|hard drive|disque|disk|cle|files?|dossiers?|"
                      r"records?)|"
                      r"bases? (?:patients?|de donnees)|copies?|"
                      r"assureurs?|employeurs?|patron|mutuelles?|police|gendarm\w*|avocats?|juges?|tiers|"
                      r"confreres?|infirmi\w*|kine\w*|pharmacien\w*|professionnels?|soignants?|"
                      # the same in English: « pass on a patient's details to the physiotherapist »
                      r"records?|files?|reports?|details|data|shar\w*|pass(?:es|ed|ing)? on|disclos\w*|"
                      r"transmit\w*|physio\w*|nurses?|employers?|insurers?|tell|told|telling|relatives?|"
                      r"family|friends?|next of kin|prognosis|remote monitoring|telemonitoring|"
                      # what someone asks the doctor to tell of a patient (« the dentist is asking me for his
                      # treatment »), not for a drug (« my patient asks me for a stronger painkiller »)
                      r"(?:asks?|asking|asked) (?:me|us) for (?:his|her|their))\b")
# Another branch of law is the field's only around the patients' records: « en SCM, mon associé peut-il consulter
# les dossiers de mes patients ? » is a question of secrecy; « comment créer une SCM ? » and « comment déclarer ma
# créance contre mon éditeur en liquidation ? » are not…
_PATIENTS = re.compile(r"\bpatient(?:e|s|es)?\b|\bpatientele\b")
# …and so is a question proper on what the GDPR makes of the associates (« en SCM, sommes-nous responsables
# conjoints du traitement ? »), not on the company itself
_PROCESSING = re.compile(rf"{GDPR_ROLES}|\b(?:traitements? (?:de|des) donnees|donnees (?:personnelles|de sante|"
                         r"des patients)|rgpd|gdpr)\b")
# Another branch of law asked in the question proper, whatever breach the story told: a dismissal or a furlough
# (labour law), a complaint for defamation (« le patient m'insulte sur Facebook depuis l'erreur d'envoi : comment
# porter plainte pour diffamation ? »). Told before (« j'ai licencié ma secrétaire, elle se connecte encore »), a
# dismissal is the story of an access.
_ASKED_ELSEWHERE = (
    (re.compile(r"\b(?:licencier|entretien prealable|indemnites? de licenciement|activite partielle|"
                r"chomage (?:partiel|technique)|furlough|(?:indemnites?|allocations?) de teletravail|"
                r"(?:avenant a son|son) contrat de travail|remote work allowance)\b"), _LABOUR),
    (re.compile(r"\b(?:diffamation|diffamatoires?|injures? publiques?|defamation|libel)\b"), _LAW),
)
# Care asked for: a drug, a dose, what to prescribe (« je lui prescris quoi, et à quelle dose ? »); not the
# « délai de prescription » a patient has to sue in.
_CARE = re.compile(r"\b(?:prescri(?:re|s|t|vez|rai\w*)|posologie|doses?|dosage|mg|milligrammes?|medicaments?|"
                   r"(?:lancer|commencer|debuter|instaurer) un traitement|diabetique|hypertendue?|"
                   r"antidepresseurs?|anxiolytiques?|somniferes?|prescribe|medication|drugs?|"
                   # a diagnosis asked (« c'est un mélanome, oui ou non ? »)
                   r"(?:c'est|est-ce) (?:un|une) (?:melanome|cancer|carcinome|tumeur|naevus)|"
                   r"is (?:it|this) (?:a )?(?:melanoma|cancer|carcinoma|tumou?r)|"
                   # symptoms to read (« d'après ces symptômes, c'est plutôt un trouble anxieux ? »)
                   r"(?:d'apres|vu|selon) (?:ces|ses|les|leurs) symptomes|"
                   r"(?:based on|given|from) (?:these|her|his|the|their) symptoms)\b")
# Care asked whatever the question also says of the data (« je lui maintiens quelle dose en attendant de récupérer
# les données ? », « what's the most likely diagnosis? »)
_CARE_ASKED = re.compile(r"\b(?:(?:a |de )?quel(?:le)?s? (?:dose|posologie)|what dose|which dose|"
                         r"(?:most likely|probable|differential) diagnos[ie]s|diagnostic (?:le plus )?probable|"
                         r"(?:order|prescribe|request) (?:a |an )?(?:pet|ct|mri|biopsy)|go (?:straight )?to biopsy)\b")
# Requests no word of the field makes the corpus's: a product to choose, a text to translate or write.
_NEVER_RESCUED = ("une recommandation de produit",
                  "une demande hors du rôle de l'assistant (traduction, code, texte à écrire)")
_OFF_TOPIC_RE = {label: re.compile(p) for label, p in _OFF_TOPIC.items()}
# What the asker says is not about the field does not bring the question into it: « Rien à voir avec les données,
# mais tant que je vous tiens : … je l'envoie faire une IRM ? »
_DISCLAIMER = re.compile(r"\b(?:rien [aà] voir avec|sans (?:aucun )?rapport avec|nothing to do with|unrelated to)"
                         r"[^,:;.!?]*", re.IGNORECASE)
# Placeholder text and keyboard mashing: most words without a vowel or with a long run of consonants.
_LOREM = re.compile(r"\blorem ipsum\b|\bdolor sit amet\b|\bconsectetur\b")
_MASH = re.compile(r"[bcdfghjklmnpqrstvwxz]{4,}|^[^aeiouy]+$|(\w)\1{3,}|qwert|azert|asdf|qsdf|zxcv|wxcv|hjkl|uiop")
_SMALL_TALK = re.compile(r"^\W*(?:bonjour|salut|hello|hi|coucou|merci|ca va|comment (?:ca va|vas-tu|allez-vous)|"
                         r"qui es-tu|tu vas bien)\b")

COVERAGE = ("Ce corpus couvre la responsabilité du médecin, de l'éditeur de logiciel et de l'hébergeur de données "
            "de santé : RGPD (articles 4, 5, 9, 24, 26, 28, 29, 32 à 35, 82, 83), Code de la santé publique "
            "(hébergement HDS, secret, équipe de soins), Code pénal (secret, sécurité des données), référentiel "
            "CNIL des cabinets médicaux et sanctions de la CNIL.")
SUGGESTIONS = (
    "Qui est responsable en cas de fuite de données : moi, l'éditeur ou l'hébergeur ?",
    "Mon éditeur de logiciel doit-il être certifié HDS ?",
    "Dans quel délai dois-je notifier une violation de données à la CNIL ?",
)


OUT_OF_FIELD = "la question ne porte pas sur la responsabilité en matière de données de santé"
MAX_QUESTION_CHARS = 2000  # a question, not a document: a longer one would only slow the search down
_BREAKS = re.compile(r"[\t\n\r\v\f\x85\u2028\u2029]+")
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_UNDECODABLE = re.compile(r"[\ud800-\udfff]")  # what Python makes of bytes that are not UTF-8
_NOT_UTF8 = ("La question contient des caractères illisibles (texte qui n'est pas en UTF-8) : la retaper, ou la "
             "copier depuis un texte enregistré en UTF-8.")


def check_question(question: str | bytes) -> str:
    """The question cleaned (control and invisible characters out, line breaks as spaces) and stripped;
    a clear error when it is empty, unreadable or longer than MAX_QUESTION_CHARS."""
    if isinstance(question, bytes):
        try:
            question = question.decode("utf-8")
        except UnicodeDecodeError:
            raise KbError(_NOT_UTF8) from None
    if _UNDECODABLE.search(question):
        raise KbError(_NOT_UTF8)
    question = _INVISIBLE.sub("", _BREAKS.sub(" ", question)).strip()
    if not question:
        raise KbError("Question vide : écrire une question.")
    if len(question) > MAX_QUESTION_CHARS:
        raise KbError(f"Question trop longue ({_thousands(len(question))} caractères) : "
                      f"{_thousands(MAX_QUESTION_CHARS)} caractères au plus. Poser la question en quelques phrases, "
                      "sans coller de document.")
    return question


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def refusal_before_retrieval(question: str) -> str | None:
    """The reason to refuse without searching, or None when the question may be in scope."""
    question = _DISCLAIMER.sub(" ", question)
    folded = fold(question)
    if _INJECTION.search(folded):
        return "la question demande d'ignorer les règles de l'assistant"
    domain = _in_domain(folded, question)
    label = _off_topic(folded) or ""
    rescued = (names_the_field(question) or (domain and label in _CONTEXT_RESCUES)
               or (label in (_MEDICAL, _FINANCE) and bool(_RECORDS.search(folded))))
    proper = question_proper(folded)
    if label == _LAW:  # only the patients' records make it the field's; a vendor named in a claim to file does not,
        # unless the other law is only told before a question proper on the field (« « secret des affaires », dit
        # l'hébergeur : que doit-il nous dire ? »)
        rescued = _about_the_records(folded) or bool(_PROCESSING.search(proper)) or (
            names_the_field(question) and not _OFF_TOPIC_RE[_LAW].search(proper))
    if label == _SOCIAL:  # « une patiente en congé maternité demande la copie de son dossier » is the field's
        rescued = rescued or _about_the_records(folded)
    if label == _MEDICAL and _asks_care(proper):
        rescued = False  # « depuis la fuite, ma patiente ne dort plus : je lui prescris quoi ? » asks for care
    if label and label != _MEDICAL:
        # what the field told before does not rescue what is asked once the question leaves it (« …référente RGPD…
        # Cette prime est-elle soumise aux cotisations URSSAF ? »); the patients' records do, unless the question
        # proper itself asks for tax advice (« l'hébergement HDS en charges déductibles ? »)
        tail = _from_first(folded, _OFF_TOPIC_RE[label])
        field = _in_domain(tail, tail) if label in _CONTEXT_RESCUES else names_the_field(tail)
        if label == _TAX:
            rescued = _about_the_records(tail) and not _OFF_TOPIC_RE[_TAX].search(proper.rsplit(":", 1)[-1])
        elif not (field or _about_the_records(tail)):
            rescued = False
    for asked, branch in _ASKED_ELSEWHERE:  # « la CNIL est prévenue ; je veux la licencier : quelle procédure ? »
        if asked.search(proper) and not _RECORDS.search(proper):
            return f"il s'agit d'{branch}"
    if label in _NEVER_RESCUED or (label and not rescued):
        return f"il s'agit d'{label}"
    if not domain and _gibberish(folded):
        return "la question n'est pas lisible (texte de remplissage ou suite de lettres au hasard)"
    if not domain and (_SMALL_TALK.search(folded) or len(folded.split()) <= 3):
        return OUT_OF_FIELD
    return None


def _asks_care(proper: str) -> bool:
    """The question proper itself asks for care (what to prescribe, which dose), whatever data the situation told
    before; a diagnosis named in a question about records (« puis-je lui donner son diagnostic ? ») is not care."""
    return bool(_CARE_ASKED.search(proper)) or (
        bool(_CARE.search(proper)) and not (names_the_field(proper) or _RECORDS.search(proper)))


def _from_first(folded: str, pattern: re.Pattern) -> str:
    """The question from its first sentence matching `pattern` on: what it asks once it leaves the field."""
    sentences = SENTENCES.findall(folded)
    start = next((i for i, sentence in enumerate(sentences) if pattern.search(sentence)), 0)
    return "".join(sentences[start:])


def _about_the_records(text: str) -> bool:
    """The patients' records are at stake: a records word and the patients."""
    return bool(_RECORDS.search(text) and _PATIENTS.search(text))


def _gibberish(folded: str) -> bool:
    if _LOREM.search(folded):
        return True
    words = [w for w in re.findall(r"[a-z]+", folded) if len(w) > 2]
    return not words or sum(bool(_MASH.search(w)) for w in words) >= max(1, len(words) / 2)


def _off_topic(folded: str) -> str | None:
    return next((label for label, pattern in _OFF_TOPIC_RE.items() if pattern.search(folded)), None)


def is_in_domain(question: str) -> bool:
    return _in_domain(fold(question), question)


def names_the_field(question: str) -> bool:
    """A word of health data and its liability (données, hébergeur, RGPD, secret…) or a reference to a text."""
    return bool(_STRONG.search(fold(question)) or find_references(question))


def _in_domain(folded: str, question: str) -> bool:
    """A domain word, or a reference to a text of the corpus (« ordonnance », « R1111-9 » alone say little)."""
    return bool(_CONTEXT.search(folded)) or names_the_field(question)
