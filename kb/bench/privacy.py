"""The measure of redaction: questions holding personal data (each with the data it holds) and legal
questions that must come out untouched. Shared by `python -m kb.bench privacy` and tests/test_privacy.py,
so the figure printed and the figure asserted are the same."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from kb.bench.common import QUESTIONS
from kb.privacy import redact

TARGET_RECALL = 0.95

# (question, the personal data it holds: each must be gone after redaction)
VARIANTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # NIR: spaced, packed, dotted, dashed, Corsica, without key
    ("Mon NIR est 1 85 05 78 006 084 36, est-ce grave ?", ("85 05 78 006 084",)),
    ("NIR 185057800608436 transmis par erreur.", ("185057800608436",)),
    ("Le numéro 2850578006084 figure dans le fichier.", ("2850578006084",)),
    ("Sécu : 2 85 05 2A 006 084 36.", ("85 05 2A 006 084",)),
    ("NIR 1 72 03 2B 123 456 perdu.", ("72 03 2B 123 456",)),
    ("Le NIR 1-85-05-78-006-084-36 est dans le mail fuité.", ("85-05-78-006-084",)),
    ("NIR : 2-85-05-78-006-084 dans le dossier.", ("85-05-78-006-084",)),
    ("numéro de sécu 1.85.05.78.006.084.36, que faire ?", ("85.05.78.006.084",)),
    ("Son numéro de sécurité sociale 285057800608436 a fuité.", ("285057800608436",)),
    # e-mail
    ("Écrire à paul.durand+cabinet@example-sante.fr pour le dossier.", ("paul.durand", "example-sante")),
    ("Le patient jean.martin@gmail.com a reçu le dossier d'un autre.", ("jean.martin",)),
    ("Mail de la patiente : s.leroy@orange.fr, fuite ?", ("s.leroy",)),
    ("J'ai envoyé les résultats à DUPONT.Marie@Free.FR par erreur.", ("DUPONT.Marie",)),
    # phone
    ("Rappeler le 06 12 34 56 78 demain.", ("06 12 34 56 78",)),
    ("Son portable 0612345678 est dans le fichier volé.", ("0612345678",)),
    ("Tél. 01.23.45.67.89 du patient.", ("01.23.45.67.89",)),
    ("Numéro 06-12-34-56-78 transmis.", ("06-12-34-56-78",)),
    ("Appeler le +33 6 12 34 56 78.", ("6 12 34 56 78",)),
    ("Le +33612345678 a reçu un SMS.", ("33612345678",)),
    ("Contact 0033 1 23 45 67 89.", ("1 23 45 67 89",)),
    ("Tel +33 (0)6 12 34 56 78 du patient.", ("6 12 34 56 78",)),
    # dates (birth or not), numeric, spelled, bare
    ("Patient né le 12/03/1975, son dossier a fuité.", ("12/03/1975",)),
    ("née le 3 mars 1972, dossier perdu", ("3 mars 1972",)),
    ("né le 1er mars 1972", ("1er mars 1972",)),
    ("né en 1972, suivi au cabinet", ("1972",)),
    ("date de naissance : 1975-03-12", ("1975-03-12",)),
    ("DDN 03/03/72, dossier envoyé au mauvais patient", ("03/03/72",)),
    ("Consultation du 12/05/2023, compte rendu perdu.", ("12/05/2023",)),
    ("Hospitalisé le 02.11.2021, son compte rendu a fuité.", ("02.11.2021",)),
    ("Le patient né le 12031975 a vu son dossier publié.", ("12031975",)),
    ("DDN 12031975, que faire ?", ("12031975",)),
    ("Sa date de naissance 19750312 apparaît dans l'export.", ("19750312",)),
    ("Le fichier contient 05121980 comme mot de passe du patient.", ("05121980",)),
    # names: civility, doctor, lower case, patient words, name before « mon patient »
    ("M. Dupont a perdu son ordonnance.", ("Dupont",)),
    ("Mme Martin demande son dossier.", ("Martin",)),
    ("Monsieur Jean Dupont est venu.", ("Jean Dupont",)),
    ("Madame X se plaint.", (" X ",)),
    ("mon patient Paul Durand refuse.", ("Paul Durand",)),
    ("la patiente Sophie Leroy, suivie depuis 2019.", ("Sophie Leroy",)),
    ("Mme Jean-Pierre de La Fontaine est là.", ("Jean-Pierre", "Fontaine")),
    ("le patient DUPONT a fuité", ("DUPONT",)),
    ("Le Dr Martin a consulté le dossier sans droit.", ("Martin",)),
    ("Le Dr. Bernard Petit a accès à mes dossiers.", ("Bernard", "Petit")),
    ("Le docteur Lefebvre, mon remplaçant, a exporté les fichiers.", ("Lefebvre",)),
    ("Pr Moreau a publié des données de patients.", ("Moreau",)),
    ("mme martin demande la copie de son dossier.", ("martin",)),
    ("m. dupont se plaint d'une fuite.", ("dupont",)),
    ("madame durand veut porter plainte.", ("durand",)),
    ("monsieur leroy a reçu le dossier d'un autre.", ("leroy",)),
    ("Martin, mon patient, a vu ses résultats en ligne.", ("Martin",)),
    ("Paul Durand, mon patient, a reçu le compte rendu d'un autre.", ("Paul Durand",)),
    ("Sophie Leroy, ma patiente, veut savoir qui a lu son dossier.", ("Sophie Leroy",)),
    ("Bernard est mon patient depuis dix ans : puis-je transmettre son dossier ?", ("Bernard",)),
    ("Ma patiente Mme Lambert a reçu le SMS d'un autre patient.", ("Lambert",)),
    ("Le malade Roux a vu son dossier affiché.", ("Roux",)),
    ("Mlle Fontaine a demandé l'effacement.", ("Fontaine",)),
    # postal addresses
    ("Le patient habite 12 rue des Lilas 75011 Paris.", ("12 rue des Lilas", "75011")),
    ("Adresse : 3 bis avenue Jean Jaurès, 69007 Lyon.", ("avenue Jean Jaurès", "69007")),
    ("Le courrier est parti au 5 boulevard Victor Hugo à Nice.", ("boulevard Victor Hugo",)),
    ("Il vit 8, place de la République, 13001 Marseille.", ("place de la République", "13001")),
    ("Envoyé au 27 allée des Peupliers 31000 Toulouse par erreur.", ("allée des Peupliers", "31000")),
    ("Domicile : 14 chemin du Moulin, 44000 Nantes.", ("chemin du Moulin", "44000")),
    ("Le dossier mentionne 2 impasse des Roses 33000 Bordeaux.", ("impasse des Roses", "33000")),
    ("Il habite 75011 Paris, le courrier a été perdu.", ("75011",)),
    # IBAN
    ("Son IBAN FR76 3000 6000 0112 3456 7890 189 est dans le fichier.", ("3000 6000 0112",)),
    ("IBAN : FR7630006000011234567890189, fuite ?", ("FR7630006000011234567890189",)),
    ("Le RIB (FR14 2004 1010 0505 0001 3M02 606) du patient a fuité.", ("2004 1010 0505",)),
    ("Virement sur DE89 3704 0044 0532 0130 00 par erreur.", ("3704 0044 0532",)),
    # RPPS (11 digits), ADELI (9 digits), IPP, dossier numbers
    ("Mon RPPS 10001234567 apparaît dans la fuite.", ("10001234567",)),
    ("Le numéro 10101234567 du remplaçant a fuité.", ("10101234567",)),
    ("ADELI 751234567, est-ce une donnée personnelle ?", ("751234567",)),
    ("Le kiné (n° 691234567) a reçu le dossier.", ("691234567",)),
    ("IPP 123456 : son dossier est visible par tous.", ("123456",)),
    ("Le patient IPP: 00987654 a vu son dossier en ligne.", ("00987654",)),
    ("Numéro de dossier 2023-45678 envoyé au mauvais patient.", ("45678",)),
    ("N° de dossier A123456 perdu.", ("A123456",)),
    ("identifiant patient 7788991 publié sur le site.", ("7788991",)),
    # written after the patterns, to check they generalise
    ("Mon patient M. Jean-Luc Moreau (IPP: 88213) est furieux.", ("Jean-Luc", "Moreau", "88213")),
    ("Le Pr. Laurent a consulté le dossier de Mme Dubois-Martin.", ("Laurent", "Dubois-Martin")),
    ("adresse du patient : 45, avenue de la Gare, 59000 Lille", ("avenue de la Gare", "59000")),
    ("Son RIB FR76 1027 8060 0000 0201 2340 115 a été envoyé au labo.", ("1027 8060 0000",)),
    ("Rappeler Mme Petit au 07 81 22 33 44 ou petit.c@wanadoo.fr", ("Petit", "07 81 22 33 44", "petit.c")),
    ("NIR 2 91 12 75 115 003 42 de la patiente", ("91 12 75 115 003",)),
    ("Né le 30.04.1988, il conteste.", ("30.04.1988",)),
    ("madame lefebvre et monsieur dupuis ont reçu le même courrier", ("lefebvre", "dupuis")),
    ("Thomas, mon patient, habite 3 impasse Verte.", ("Thomas", "impasse Verte")),
    ("ADELI n° 75 1234567 du kiné", ("75 1234567",)),
    ("RPPS: 10 00123 4567", ("10 00123 4567",)),
    ("Le dossier n° 2024-00123 a été envoyé par erreur.", ("00123",)),
    ("Dupont Jean, patient du cabinet, a reçu la facture d'un autre.", ("Dupont Jean",)),
    ("Mme. Garnier a appelé le 0145678912", ("Garnier", "0145678912")),
    ("le docteur dupont a lu le dossier", ("dupont",)),
    # several kinds in one question
    ("Mon patient Paul Durand (NIR 1 85 05 78 006 084 36, né le 12/03/1985, paul.durand@gmail.com, "
     "06 12 34 56 78) a vu son dossier fuiter.", ("Paul Durand", "85 05 78 006 084", "12/03/1985", "paul.durand",
                                                "06 12 34 56 78")),
    ("Mme Lefèvre, 12 rue des Lilas 75011 Paris, IPP 445566, tél 0612345678.",
     ("Lefèvre", "rue des Lilas", "445566", "0612345678")),
    ("Dr Martin (RPPS 10001234567) a envoyé le dossier de M. Petit par mail.", ("Martin", "10001234567", "Petit")),
    ("Leroy, mon patient, né le 12031975, habite 4 rue Pasteur 67000 Strasbourg.",
     ("Leroy", "12031975", "rue Pasteur", "67000")),
    ("IBAN FR7630006000011234567890189 et NIR 1-85-05-78-006-084-36 de mme durand dans le fichier.",
     ("FR7630006000011234567890189", "85-05-78-006-084", "durand")),
    ("My patient Mr Smith, born 12/03/1975, email john.smith@example.com, had his file leaked.",
     ("Smith", "12/03/1975", "john.smith")),
    ("Mrs Johnson's phone 06 98 76 54 32 was in the leaked file.", ("Johnson", "06 98 76 54 32")),
)

# Legal questions written for this measure: references, durations, amounts and the law's own dates.
LEGAL_WRITTEN: tuple[str, ...] = (
    "Que prévoit l'article 33 du RGPD ?",
    "L'article L. 1111-8 du code de la santé publique s'applique-t-il à mon éditeur ?",
    "Faut-il notifier la CNIL sous 72 heures ?",
    "Que dit le référentiel 2020-081 de la CNIL sur les cabinets médicaux ?",
    "Pourquoi la sanction SAN-2020-015 vise-t-elle un médecin ?",
    "Que juge le Conseil d'État dans la décision n° 449694 ?",
    "Le règlement (UE) 2016/679 s'applique-t-il aux médecins libéraux ?",
    "Un médecin a-t-il été condamné à 45 000 euros d'amende par la CNIL ?",
    "Un hébergement sans certificat est-il puni de 3 ans d'emprisonnement ?",
    "Que dit l'article R1111-8-8 sur la certification des hébergeurs ?",
    "Que recommande la délibération n° 2020-081 du 8 juin 2020 ?",
    "Les articles 226-13 et 226-16 du code pénal s'appliquent-ils au médecin ?",
    "Le RGPD s'applique depuis le 25 mai 2018 : qu'a-t-il changé pour mon cabinet ?",
    "Quelle amende de 20 000 000 euros ou 4 % du chiffre d'affaires prévoit l'article 83 ?",
    "Les articles 32 à 35 du RGPD imposent-ils une AIPD à mon éditeur ?",
    "Que prévoit l'article 226-17 (5 ans et 300 000 euros d'amende) ?",
    "Le décret n° 2018-137 du 26 février 2018 a-t-il réformé l'hébergement des données de santé ?",
    "L'ordonnance n° 2021-581 a-t-elle abrogé l'article L1110-4-1 ?",
    "Le décret n° 2026-209 modifie-t-il les articles R1111-8-8 à R1111-11 ?",
    "Que disent les articles L1110-4, L1110-12 et L1115-1 du CSP ?",
    "Le patient peut-il s'opposer à l'hébergement de ses données selon l'art. L. 1111-8 ?",
    "SAN-2022-009 : pourquoi Dedalus Biologie a-t-il payé 1,5 million d'euros ?",
    "La sanction SAN-2024-013 contre Cegedim Santé s'élève-t-elle à 800 000 euros ?",
    "Le JO L 119 du 4 mai 2016 publie-t-il le RGPD ?",
    "Selon l'article 9.2 h) du RGPD, puis-je traiter des données de santé sans consentement ?",
    "Mon patient peut-il demander l'accès à son dossier sous 1 mois (art. 12 § 3 RGPD) ?",
    "La patiente peut-elle demander réparation selon l'article 82 du RGPD ?",
    "Que change la loi n° 2023-379 du 19 mai 2023 pour l'article L1110-4-1 ?",
    "Dans l'arrêt ce-2022-07-22-449694, le Conseil d'État valide-t-il l'hébergement chez Microsoft ?",
    "Combien de temps conserver un dossier médical : 20 ans après la dernière consultation ?",
)


@dataclass(frozen=True)
class PrivacyScore:
    variants: int
    caught: int  # variants with every piece of personal data gone
    missed: tuple[tuple[str, str], ...]  # (variant, its redacted text) for the others
    legal: int
    false_positives: tuple[tuple[str, str], ...]  # (legal question, what redaction made of it)

    @property
    def recall(self) -> float:
        return self.caught / self.variants if self.variants else 1.0


def dev_legal_questions() -> list[str]:
    """Questions of the `dev` split that are in scope (never `test`: that split stays unseen)."""
    items = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8")) or []
    return [str(i["question"]) for i in items if i.get("split") == "dev" and not i.get("must_refuse")]


def legal_questions() -> list[str]:
    return dev_legal_questions() + list(LEGAL_WRITTEN)


def measure() -> PrivacyScore:
    missed = []
    for text, data in VARIANTS:
        out = redact(text).text
        if any(d in out for d in data):
            missed.append((text, out))
    legal = legal_questions()
    false_positives = tuple((q, r.text) for q in legal if (r := redact(q)).found or r.text != q)
    return PrivacyScore(len(VARIANTS), len(VARIANTS) - len(missed), tuple(missed), len(legal), false_positives)


def report(score: PrivacyScore) -> str:
    """The two figures, then what was missed or wrongly redacted."""
    lines = [
        f"rappel sur les variantes : {score.caught}/{score.variants} = {score.recall:.3f} "
        f"(objectif ≥ {TARGET_RECALL:.2f})",
        f"faux positifs sur les questions juridiques : {len(score.false_positives)}/{score.legal} (objectif 0)",
    ]
    lines += [f"  manqué : {q!r} → {out!r}" for q, out in score.missed]
    lines += [f"  faux positif : {q!r} → {out!r}" for q, out in score.false_positives]
    return "\n".join(lines)


def add_parser(sub) -> None:
    """`python -m kb.bench privacy`: redaction recall and false positives (no index needed)."""
    p = sub.add_parser("privacy", help="expurgation : rappel sur les variantes, faux positifs sur le juridique")
    p.set_defaults(run=lambda args: print(report(measure())))
