"""The default intake questionnaire, seeded by a data migration.

Like `treatments.catalog.migrations._seed`, the function takes an app registry so the migration (historical
models) and test fixtures (live models) can both call it, and it is idempotent: it does
nothing when the questionnaire already exists. Clinic admins change it in the admin, which
makes a new version; this seed is only the first one.

Every condition code of the catalog (shared/DOMAIN.md) is raised by at least one answer.
"""

from django.utils import timezone

SLUG = "intake"
TITLE = "Before your consultation"
INTRO = (
    "These questions help your provider plan a safe treatment. It takes about ten minutes. "
    "Your answers are saved as you go, so you can stop and come back to this link later."
)

# Each section: (title, intro, questions). Each question is a dict with key, text, type and
# optional required, help, unit, min, max, choices [(value, label)], show_if (key, value),
# rules [(value, condition code, severity)].
SECTIONS = [
    (
        "About you",
        "Your height and weight help your provider judge which treatments suit you.",
        [
            dict(
                key="height",
                text="Your height",
                type="number",
                required=True,
                unit="cm",
                min=100,
                max=230,
                help="In centimetres, e.g. 165.",
            ),
            dict(
                key="weight",
                text="Your weight",
                type="number",
                required=True,
                unit="kg",
                min=30,
                max=300,
                help="In kilograms, e.g. 68.",
            ),
            dict(
                key="weight_stable",
                type="yes_no",
                required=True,
                text="Has your weight been stable (within about 5 kg) for the last 6 months?",
            ),
            dict(
                key="weight_history",
                type="long_text",
                show_if=("weight_stable", "no"),
                text="How has your weight changed, and are you trying to lose weight now?",
            ),
        ],
    ),
    (
        "Pregnancy",
        "",
        [
            dict(
                key="pregnant",
                type="yes_no",
                required=True,
                text="Are you pregnant, trying to become pregnant, or breastfeeding?",
                help="Answer no if this does not apply to you.",
                rules=[("yes", "pregnancy", "exclude")],
            ),
        ],
    ),
    (
        "Medical history",
        "Some conditions make a treatment unsafe. If you are unsure, say yes and add a note.",
        [
            dict(
                key="medical_history",
                type="long_text",
                text="Any illnesses, conditions or operations we should know about?",
                help="For example diabetes, heart or liver problems, past surgery.",
            ),
            dict(
                key="cold_disorders",
                type="multiple_choice",
                text="Do you have any of these cold-related conditions?",
                help="Tick all that apply, or leave blank if none.",
                choices=[
                    ("cryoglobulinemia", "Cryoglobulinemia"),
                    ("cold_agglutinin_disease", "Cold agglutinin disease"),
                    ("paroxysmal_cold_hemoglobinuria", "Paroxysmal cold hemoglobinuria"),
                    ("raynauds", "Raynaud's phenomenon, cold urticaria (hives) or chilblains"),
                ],
                rules=[
                    ("cryoglobulinemia", "cryoglobulinemia", "exclude"),
                    ("cold_agglutinin_disease", "cold_agglutinin_disease", "exclude"),
                    ("paroxysmal_cold_hemoglobinuria", "paroxysmal_cold_hemoglobinuria", "exclude"),
                    ("raynauds", "raynauds", "warn"),
                ],
            ),
            dict(
                key="bleeding_disorder",
                type="yes_no",
                required=True,
                text="Do you have a bleeding or clotting disorder, or bruise very easily?",
                rules=[("yes", "bleeding_disorder", "warn")],
            ),
            dict(
                key="bleeding_details",
                type="short_text",
                show_if=("bleeding_disorder", "yes"),
                text="Which bleeding or clotting disorder?",
            ),
        ],
    ),
    (
        "Medicines and allergies",
        "",
        [
            dict(
                key="takes_medicines",
                type="yes_no",
                required=True,
                text="Do you take any medicines, including the pill, supplements or creams?",
            ),
            dict(
                key="medicine_kinds",
                type="multiple_choice",
                show_if=("takes_medicines", "yes"),
                text="Are any of your medicines one of these?",
                help="Tick all that apply, or leave blank if none.",
                choices=[
                    (
                        "anticoagulant",
                        "A blood thinner (e.g. warfarin, apixaban, rivaroxaban, clopidogrel, daily aspirin)",
                    ),
                    ("isotretinoin", "Isotretinoin (Accutane, Roaccutane) in the last 6 months"),
                    (
                        "photosensitizing",
                        "A medicine that makes skin sensitive to light (e.g. doxycycline, St John's wort)",
                    ),
                ],
                rules=[
                    ("anticoagulant", "anticoagulants", "warn"),
                    ("isotretinoin", "isotretinoin_recent", "warn"),
                    ("photosensitizing", "photosensitizing_medication", "warn"),
                ],
            ),
            dict(
                key="medicine_list",
                type="long_text",
                show_if=("takes_medicines", "yes"),
                required=True,
                text="Please list your medicines and doses.",
            ),
            dict(
                key="has_allergies",
                type="yes_no",
                required=True,
                text="Do you have any allergies (medicines, latex, foods)?",
            ),
            dict(
                key="allergy_details",
                type="short_text",
                show_if=("has_allergies", "yes"),
                required=True,
                text="What are you allergic to, and what happens?",
            ),
            dict(
                key="deoxycholic_allergy",
                type="yes_no",
                required=True,
                text="Have you ever reacted badly to a fat-dissolving injection "
                "(deoxycholic acid, Kybella) or its ingredients?",
                rules=[("yes", "deoxycholic_acid_allergy", "exclude")],
            ),
        ],
    ),
    (
        "The area to treat",
        "Tell us where you would like treatment and about the skin there.",
        [
            dict(
                key="areas_of_concern",
                type="multiple_choice",
                required=True,
                text="Which areas would you like treated?",
                choices=[
                    ("upper_back", "Upper back"),
                    ("bra_line", "Bra line (bra bulge)"),
                    ("lower_back", "Lower back"),
                    ("flanks", "Flanks (love handles)"),
                    ("abdomen", "Abdomen"),
                    ("upper_arms", "Upper arms"),
                    ("inner_thighs", "Inner thighs"),
                    ("outer_thighs", "Outer thighs"),
                    ("submental", "Under the chin"),
                ],
            ),
            dict(
                key="infection_at_site",
                type="yes_no",
                required=True,
                text="Is there an infection, open wound or sore on or near these areas?",
                rules=[("yes", "infection_at_site", "exclude")],
            ),
            dict(
                key="skin_condition_at_site",
                type="yes_no",
                required=True,
                text="Is there eczema, dermatitis or a rash on these areas?",
                rules=[("yes", "skin_condition_at_site", "warn")],
            ),
            dict(
                key="hernia",
                type="yes_no",
                required=True,
                text="Do you have a known or suspected hernia at or near these areas?",
                rules=[("yes", "hernia_at_site", "exclude")],
            ),
            dict(
                key="numbness",
                type="yes_no",
                required=True,
                text="Is any of these areas numb, so you might not feel pain, cold or heat?",
                rules=[("yes", "impaired_sensation_at_site", "warn")],
            ),
            dict(
                key="implant_at_site",
                type="yes_no",
                required=True,
                text="Do you have a metal implant or an electronic device (e.g. pacemaker, "
                "stimulator) under or near these areas?",
                rules=[("yes", "implanted_device_at_site", "exclude")],
            ),
            dict(
                key="implant_details",
                type="short_text",
                show_if=("implant_at_site", "yes"),
                text="What kind of implant or device?",
            ),
            dict(
                key="recent_surgery",
                type="yes_no",
                required=True,
                text="Have you had surgery on these areas in the last 6 months?",
                rules=[("yes", "recent_surgery_at_site", "warn")],
            ),
            dict(
                key="previous_procedures",
                type="yes_no",
                required=True,
                text="Have you had a cosmetic procedure on these areas before "
                "(liposuction, fat freezing, injections, laser)?",
            ),
            dict(
                key="previous_procedure_details",
                type="long_text",
                show_if=("previous_procedures", "yes"),
                text="What was done, and how did it go?",
            ),
            dict(
                key="previous_procedure_date",
                type="date",
                show_if=("previous_procedures", "yes"),
                text="When was the most recent one?",
                help="An approximate date is fine.",
            ),
        ],
    ),
    (
        "Your goals",
        "",
        [
            dict(
                key="goals",
                type="long_text",
                required=True,
                text="What would you like to change, and what result would make you happy?",
            ),
            dict(
                key="downtime_tolerance",
                type="single_choice",
                required=True,
                text="How much downtime (swelling, bruising) could you accept after a session?",
                choices=[
                    ("none", "None, I need to carry on as normal"),
                    ("few_days", "A few days"),
                    ("week", "About a week"),
                    ("two_weeks", "Two weeks or more"),
                ],
            ),
            dict(
                key="budget",
                type="single_choice",
                required=True,
                text="What budget do you have in mind for the whole course?",
                choices=[
                    ("under_1500", "Under $1,500"),
                    ("1500_3000", "$1,500 to $3,000"),
                    ("3000_6000", "$3,000 to $6,000"),
                    ("over_6000", "Over $6,000"),
                    ("unsure", "Not sure yet"),
                ],
            ),
            dict(
                key="referral_source",
                type="single_choice",
                text="How did you hear about us?",
                choices=[
                    ("search", "Web search"),
                    ("social", "Social media"),
                    ("friend", "A friend or family member"),
                    ("doctor", "My doctor"),
                    ("returning", "I have been here before"),
                    ("other", "Other"),
                ],
            ),
            dict(
                key="referral_other",
                type="short_text",
                show_if=("referral_source", "other"),
                text="Where did you hear about us?",
            ),
        ],
    ),
    (
        "Consent",
        "",
        [
            dict(
                key="photo_consent",
                type="yes_no",
                required=True,
                text="Do you agree to the clinic taking photographs of the treatment areas "
                "for your medical record?",
                help="Photos are kept in your confidential record and used only to track "
                "your results. You can change your mind at any time.",
            ),
        ],
    ),
]


def seed_default_questionnaire(apps) -> None:
    Questionnaire = apps.get_model("consultations", "Questionnaire")
    Section = apps.get_model("consultations", "Section")
    Question = apps.get_model("consultations", "Question")
    Choice = apps.get_model("consultations", "Choice")
    ScreeningRule = apps.get_model("consultations", "ScreeningRule")
    Condition = apps.get_model("treatments", "Condition")

    if Questionnaire.objects.filter(slug=SLUG).exists():
        return
    conditions = {c.code: c for c in Condition.objects.all()}
    # Built as a draft and published once complete: a published version's parts are frozen.
    questionnaire = Questionnaire.objects.create(slug=SLUG, version=1, title=TITLE, intro=INTRO)
    by_key = {}
    for section_order, (title, intro, questions) in enumerate(SECTIONS, start=1):
        section = Section.objects.create(
            questionnaire=questionnaire, title=title, intro=intro, order=section_order
        )
        for order, spec in enumerate(questions, start=1):
            show_if = spec.get("show_if")
            question = Question.objects.create(
                section=section,
                key=spec["key"],
                text=spec["text"],
                help_text=spec.get("help", ""),
                type=spec["type"],
                required=spec.get("required", False),
                unit=spec.get("unit", ""),
                min_value=spec.get("min"),
                max_value=spec.get("max"),
                order=order,
                show_if_question=by_key[show_if[0]] if show_if else None,
                show_if_value=show_if[1] if show_if else "",
            )
            by_key[question.key] = question
            for choice_order, (value, label) in enumerate(spec.get("choices", []), start=1):
                Choice.objects.create(
                    question=question, value=value, label=label, order=choice_order
                )
            for value, code, severity in spec.get("rules", []):
                ScreeningRule.objects.create(
                    question=question, value=value, condition=conditions[code], severity=severity
                )
    Questionnaire.objects.filter(pk=questionnaire.pk).update(published_at=timezone.now())
