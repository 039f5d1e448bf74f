"""Personal data never reaches a log, the history or an LLM; legal wording always does."""

import pytest

from kb.privacy import Redaction, redact


def test_legal_question_is_unchanged():
    question = "Suis-je responsable selon l'article L1111-8 et l'art. 33 du RGPD sous 72 heures ?"
    result = redact(question)
    assert result.text == question
    assert result.kinds == ()
    assert not result.found


@pytest.mark.parametrize("text", [
    "Le RGPD (règlement 2016/679) et la délibération 2020-081 de la CNIL.",
    "La sanction SAN-2020-015 et l'arrêt ce-2022-07-22-449694.",
    "Les articles 226-13 et 226-16 du code pénal, l'article R1111-8-8 du CSP.",
    "Le règlement s'applique depuis le 25 mai 2018 ; je ne sais pas en 2018 ce qu'il imposait.",
    "Les données de santé des patients hébergées chez un hébergeur HDS.",
    "Le patient RGPD, le patient Article 9 ?",
])
def test_references_dates_of_law_and_ordinary_words_survive(text):
    assert redact(text) == Redaction(text, ())


@pytest.mark.parametrize("nir", [
    "1 85 05 78 006 084 36",
    "185057800608436",
    "2850578006084",
    "2 85 05 2A 006 084 36",
    "1 72 03 2B 123 456",
])
def test_nir_is_redacted_with_or_without_spaces_and_in_corsica(nir):
    result = redact(f"Mon NIR est {nir}, est-ce grave ?")
    assert result.text == "Mon NIR est [NIR], est-ce grave ?"
    assert result.kinds == ("numéro de sécurité sociale",)


def test_email_is_redacted():
    result = redact("Écrire à paul.durand+cabinet@example-sante.fr pour le dossier.")
    assert result.text == "Écrire à [e-mail] pour le dossier."
    assert result.kinds == ("adresse e-mail",)


@pytest.mark.parametrize("phone", [
    "06 12 34 56 78", "0612345678", "01.23.45.67.89", "06-12-34-56-78", "+33 6 12 34 56 78", "+33612345678",
    "0033 1 23 45 67 89", "+33 (0)6 12 34 56 78",
])
def test_french_phone_numbers_are_redacted(phone):
    result = redact(f"Rappeler le {phone} demain.")
    assert result.text == "Rappeler le [téléphone] demain."
    assert result.kinds == ("numéro de téléphone",)


@pytest.mark.parametrize("text, expected", [
    ("née le 12/03/1975", "née le [date]"),
    ("né le 3 mars 1972", "né le [date]"),
    ("né le 1er mars 1972", "né le [date]"),
    ("né en 1972", "né en [date]"),
    ("date de naissance : 1975-03-12", "date de naissance : [date]"),
    ("DDN 03/03/72", "DDN [date]"),
])
def test_dates_of_birth_are_redacted(text, expected):
    result = redact(text)
    assert result.text == expected
    assert result.kinds == ("date de naissance",)


def test_any_full_numeric_date_is_redacted_as_a_plain_date():
    # A consultation date identifies a patient as well as a birth date does.
    result = redact("Consultation du 12/05/2023, compte rendu perdu.")
    assert result.text == "Consultation du [date], compte rendu perdu."
    assert result.kinds == ("date",)


@pytest.mark.parametrize("text, expected", [
    ("M. Dupont a perdu son ordonnance.", "M. [nom] a perdu son ordonnance."),
    ("Mme Martin demande son dossier.", "Mme [nom] demande son dossier."),
    ("Monsieur Jean Dupont est venu.", "Monsieur [nom] est venu."),
    ("Madame X se plaint.", "Madame [nom] se plaint."),
    ("mon patient Paul Durand refuse.", "mon patient [nom] refuse."),
    ("la patiente Sophie Leroy, suivie depuis 2019.", "la patiente [nom], suivie depuis 2019."),
    ("Mme Jean-Pierre de La Fontaine est là.", "Mme [nom] est là."),
    ("le patient DUPONT", "le patient [nom]"),
])
def test_patient_names_after_civility_or_patient_word_are_redacted(text, expected):
    result = redact(text)
    assert result.text == expected
    assert result.kinds == ("nom de patient",)


@pytest.mark.parametrize("text", [
    "a discharge summary of a patient I have never seen",
    "the patient I'm treating asked for his file",
    "the patient I saw yesterday",
])
def test_words_after_patient_that_are_not_names_are_kept(text):
    assert redact(text) == Redaction(text, ())


def test_everything_in_one_question_is_redacted_and_listed_once_in_order():
    question = ("Mon patient Paul Durand (NIR 1 85 05 78 006 084 36, né le 12/03/1985, paul.durand@gmail.com, "
                "06 12 34 56 78) a vu son dossier fuiter : dois-je notifier selon l'art. 33 du RGPD ?")
    result = redact(question)
    assert result.text == ("Mon patient [nom] (NIR [NIR], né le [date], [e-mail], [téléphone]) a vu son dossier "
                           "fuiter : dois-je notifier selon l'art. 33 du RGPD ?")
    assert result.kinds == ("nom de patient", "numéro de sécurité sociale", "date de naissance", "adresse e-mail",
                            "numéro de téléphone")
    assert result.found


def test_redaction_is_idempotent():
    once = redact("M. Dupont, 0612345678, NIR 1850578006084, dupont@example.fr, né le 12/03/1985").text
    assert redact(once) == Redaction(once, ())


# --- the measure shared with `python -m kb.bench privacy` ------------------------------------------------

def test_redaction_recall_on_the_variant_list_is_at_least_95_percent():
    from kb.bench.privacy import TARGET_RECALL, VARIANTS, measure

    score = measure()
    assert len(VARIANTS) >= 80
    assert score.recall >= TARGET_RECALL, "\n".join(f"{q!r} → {out!r}" for q, out in score.missed)


def test_legal_questions_are_never_redacted():
    from kb.bench.privacy import legal_questions, measure

    assert len(legal_questions()) >= 30
    assert measure().false_positives == ()


@pytest.mark.parametrize("text, expected", [
    ("NIR 1-85-05-78-006-084-36 perdu.", "NIR [NIR] perdu."),
    ("Le Dr Martin a lu le dossier.", "Le Dr [nom] a lu le dossier."),
    ("mme martin demande son dossier.", "mme [nom] demande son dossier."),
    ("Martin, mon patient, a vu ses résultats.", "[nom], mon patient, a vu ses résultats."),
    ("Le patient né le 12031975 se plaint.", "Le patient né le [date] se plaint."),
    ("Il habite 12 rue des Lilas 75011 Paris.", "Il habite [adresse]."),
    ("Les contrôles ISO 27001 Annex A et ISO/IEC 27701 Clause 6 suffisent ?",
     "Les contrôles ISO 27001 Annex A et ISO/IEC 27701 Clause 6 suffisent ?"),  # a standard, not a postcode
    ("Les contrôles iso 27001 Annex A, ou Iso 27001 Annex B ?", "Les contrôles iso 27001 Annex A, ou Iso 27001 Annex B ?"),
    ("IBAN FR76 3000 6000 0112 3456 7890 189 volé.", "IBAN [IBAN] volé."),
    ("RPPS 10001234567 et ADELI 751234567.", "RPPS [identifiant] et ADELI [identifiant]."),
    ("IPP 123456 : dossier visible.", "IPP [identifiant] : dossier visible."),
])
def test_each_kind_missed_before_is_redacted(text, expected):
    assert redact(text).text == expected


@pytest.mark.parametrize("text", [
    "article 33", "L. 1111-8", "72 heures", "2020-081", "SAN-2020-015", "n° 449694", "2016/679", "45 000 euros",
    "3 ans", "R1111-8-8", "délibération n° 2020-081 du 8 juin 2020",
])
def test_each_legal_reference_of_the_issue_is_untouched(text):
    assert redact(f"Que dit {text} ?") == Redaction(f"Que dit {text} ?", ())


def test_redaction_of_a_long_text_is_quick():
    import time

    text = "M. Dupont, 12 rue des Lilas, IPP 123456, né le 12031975. " * 2000
    started = time.perf_counter()
    redact(text)
    assert time.perf_counter() - started < 3
