"""The first consent text for each treatment, written from its catalog entry.

Called by a data migration (with the migration's `apps`) and by tests after a transactional
flush (with `django.apps.apps`). Idempotent: a treatment that has any version keeps it.
"""

NOT_WEIGHT_LOSS = (
    "I understand that this treatment reduces fat in the treated area; it is not a weight-loss "
    "solution, and results last only if my weight stays stable."
)


def consent_body(treatment) -> str:
    paragraphs = [
        f"I, the undersigned, consent to {treatment.name} as set out in my treatment plan.",
    ]
    if treatment.how_it_works:
        paragraphs.append(f"How it works: {treatment.how_it_works.strip()}")
    if treatment.side_effects:
        paragraphs.append(f"Common side effects: {treatment.side_effects.strip()}")
    if treatment.serious_risks:
        paragraphs.append(f"Rare but serious risks: {treatment.serious_risks.strip()}")
    if treatment.regulatory_note:
        paragraphs.append(treatment.regulatory_note.strip())
    paragraphs += [
        NOT_WEIGHT_LOSS,
        "Results vary from person to person and are not guaranteed. More sessions than planned "
        "may be suggested, and would be quoted separately.",
        "I have told the clinic about my medical history, medicines, allergies and whether I "
        "am or may be pregnant or breastfeeding, and I will tell them of any change before "
        "each session.",
        "I have had the chance to ask questions, and they were answered to my satisfaction. "
        "I may withdraw this consent at any time before a session.",
    ]
    return "\n\n".join(paragraphs)


def seed_consent_texts(apps, app_label: str = "consultations") -> None:
    """`app_label`: where ConsentText lives in `apps` (`consultations` in migration 0005's
    historical models; `plans` for live models, since plans/0001)."""
    Treatment = apps.get_model("treatments", "Treatment")
    ConsentText = apps.get_model(app_label, "ConsentText")
    for treatment in Treatment.objects.all():
        if ConsentText.objects.filter(treatment=treatment).exists():
            continue
        ConsentText.objects.create(
            treatment=treatment,
            version=1,
            title=f"Consent to {treatment.name}",
            body=consent_body(treatment),
        )
