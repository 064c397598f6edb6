"""Plan pages (issue 5): options, choose, adjust, present, quote and PDF, consent; access and
query budgets."""

import io
import re
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.consultations.consultation_factories import (
    TODAY,
    PatientFactory,
    assessment_for,
    submit_intake,
)
from treatments.plans import services
from treatments.plans.models import ConsentText, Plan, PlanStatus

pytestmark = pytest.mark.django_db
SIGNATURE = "data:image/png;base64," + "A" * 400


@pytest.fixture(autouse=True)
def fixed_today():
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        yield


@pytest.fixture
def assessment(provider):
    a = assessment_for(provider)
    submit_intake(a.patient)
    return a


@pytest.fixture
def plan(assessment, provider):
    return services.plan_create_from_option(
        assessment=assessment, treatment_code="deoxycholic_injection", by=provider, today=TODAY
    )


def url(name, plan, *extra):
    return reverse(f"plans:{name}", args=[plan.patient_id, plan.pk, *extra])


def test_options_side_by_side_and_excluded_with_why(client_for, provider, assessment):
    page = client_for(provider).get(
        reverse("plans:plan-options", args=[assessment.patient_id, assessment.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="option"') == 3
    for word in ("Sessions", "Dates", "Downtime", "Results", "Why", "Deposit"):
        assert word in html


def test_excluded_treatments_say_why(client_for, provider):
    a = assessment_for(
        provider, areas=(("upper_back", 15, "large"),)
    )  # thinner than the laser's 20 mm
    page = (
        client_for(provider)
        .get(reverse("plans:plan-options", args=[a.patient_id, a.pk]))
        .content.decode()
    )
    assert 'data-testid="excluded"' in page
    assert "thinner than the 20 mm" in page


def test_pregnancy_page_says_why_and_offers_nothing(client_for, provider):
    a = assessment_for(provider)
    submit_intake(a.patient, pregnant="yes")
    page = (
        client_for(provider)
        .get(reverse("plans:plan-options", args=[a.patient_id, a.pk]))
        .content.decode()
    )
    assert "No plan can be offered" in page
    assert "pregnant or breastfeeding" in page
    assert 'data-testid="option"' not in page
    response = client_for(provider).post(
        reverse("plans:plan-options", args=[a.patient_id, a.pk]),
        {"treatment": "cryolipolysis"},
    )
    assert response.status_code == 200
    assert not Plan.objects.exists()


def test_choosing_an_option_makes_a_draft(client_for, provider, assessment):
    response = client_for(provider).post(
        reverse("plans:plan-options", args=[assessment.patient_id, assessment.pk]),
        {"treatment": "cryolipolysis"},
    )
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("plan-detail", plan)
    assert plan.status == PlanStatus.DRAFT and plan.treatment.code == "cryolipolysis"


def adjust_data(plan, **changes):
    data = {
        "session_count": plan.sessions.count(),
        "start_date": plan.start_date.isoformat(),
        "extra_discount": "",
        "extra_discount_reason": "",
        "internal_notes": "",
        "patient_notes": "",
    }
    for s in plan.sessions.all():
        data[f"date_{s.number}"] = s.planned_date.isoformat()
        for a in s.areas:
            data[f"units_{a['area']}"] = a["units"]
    data.update(changes)
    return data


def test_adjust_with_a_clear_message_when_refused(client_for, provider, plan):
    first = plan.sessions.first().planned_date
    response = client_for(provider).post(
        url("plan-adjust", plan), adjust_data(plan, date_2=(first + timedelta(days=8)).isoformat())
    )
    assert response.status_code == 400
    assert "needs at least 28 days between sessions" in response.content.decode()
    response = client_for(provider).post(
        url("plan-adjust", plan), adjust_data(plan, extra_discount="100")
    )
    assert "Say why this discount is given" in response.content.decode()


def test_adjust_saves_and_recomputes(client_for, provider, plan):
    total = plan.total
    response = client_for(provider).post(
        url("plan-adjust", plan),
        adjust_data(plan, extra_discount="150.00", extra_discount_reason="Friends and family"),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.total == total - 150
    page = client_for(provider).get(url("plan-detail", plan)).content.decode()
    assert "Friends and family" in page


def test_present_then_consent_accepts(client_for, provider, plan):
    client = client_for(provider)
    client.post(url("plan-status", plan), {"to_status": "presented"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PRESENTED
    page = client.get(url("plan-consent", plan))
    text = ConsentText.objects.get(treatment=plan.treatment)
    assert text.title in page.content.decode()
    refused = client.post(
        url("plan-consent", plan), {"consent_text_id": text.pk, "full_name": "", "agree": ""}
    )
    assert "Sign in the box." in refused.content.decode() or "This field is required" in (
        refused.content.decode()
    )
    response = client.post(
        url("plan-consent", plan),
        {
            "consent_text_id": text.pk,
            "full_name": plan.patient.full_name,
            "signature": SIGNATURE,
            "agree": "on",
        },
        REMOTE_ADDR="192.0.2.10",
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    consent = plan.consents.get()
    assert plan.status == PlanStatus.ACCEPTED
    assert (consent.ip_address, consent.text_version, consent.witnessed_by) == (
        "192.0.2.10",
        1,
        provider,
    )
    # The tablet goes back to staff with their password (the hand-back screen), then the page.
    client.post(url("plan-consent-done", plan), {"password": "pw"})
    detail = client.get(url("plan-detail", plan)).content.decode()
    assert "Ready to book" in detail and "Signed by" in detail


def test_quote_page_and_pdf(client_for, provider, plan):
    page = client_for(provider).get(url("plan-quote", plan)).content.decode()
    assert plan.patient.full_name in page
    assert "reduce stubborn fat" in page and "weight-loss</span> solution" in page
    assert "Valid until" in page
    response = client_for(provider).get(url("plan-quote-pdf", plan))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split()).replace("weight- loss", "weight-loss")  # a line break
    assert plan.patient.full_name in text
    assert f"${plan.total:,.2f}" in text
    assert "not a weight-loss solution" in text


def test_front_desk_may_view_but_not_change(client_for, front_desk, plan, assessment):
    client = client_for(front_desk)
    assert client.get(url("plan-detail", plan)).status_code == 200
    assert client.get(url("plan-quote-pdf", plan)).status_code == 200
    assert client.post(url("plan-status", plan), {"to_status": "presented"}).status_code == 403
    assert client.post(url("plan-adjust", plan), adjust_data(plan)).status_code == 403
    assert client.get(url("plan-consent", plan)).status_code == 403
    options = reverse("plans:plan-options", args=[assessment.patient_id, assessment.pk])
    assert client.get(options).status_code == 403


def test_another_patients_or_an_unknown_plan_is_404(client_for, provider, plan):
    other = PatientFactory()
    client = client_for(provider)
    for name in ("plan-detail", "plan-quote", "plan-quote-pdf", "plan-consent"):
        assert client.get(reverse(f"plans:{name}", args=[other.pk, plan.pk])).status_code == 404
        assert (
            client.get(reverse(f"plans:{name}", args=[plan.patient_id, 99999])).status_code == 404
        )


def test_outsider_gets_403(client_for, outsider, plan):
    assert client_for(outsider).get(url("plan-detail", plan)).status_code == 403


def test_plan_page_query_budget(client_for, provider, assessment, django_assert_num_queries):
    client = client_for(provider)
    for code in ("cryolipolysis", "deoxycholic_injection"):  # 3 sessions, then 2 with 4 rows
        plan = services.plan_create_from_option(
            assessment=assessment, treatment_code=code, by=provider, today=TODAY
        )
        services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)
        client.get(url("plan-detail", plan))
        # 1 session, 2 user, 3-4 the user's and the groups' permissions, 5 patient,
        # 6 plan with treatment/assessment/supersedes/created_by, 7 sessions, 8 line items,
        # 9 status changes with their users, 10 consents, 11 superseded_by, 12 consent links,
        # 13-15 the pregnancy check (latest intake response, the assessment's condition
        # changes, which of those conditions block treatment), 16 the user's groups (role
        # badge in the header).
        with django_assert_num_queries(16):
            assert client.get(url("plan-detail", plan)).status_code == 200


def test_options_page_query_budget(client_for, provider, django_assert_num_queries):
    client = client_for(provider)
    for areas in (
        (("upper_back", 30, "large"),),
        (("upper_back", 30, "large"), ("flanks", 25, "small"), ("abdomen", 35, "medium")),
    ):
        a = assessment_for(provider, areas=areas)
        submit_intake(a.patient)
        options = reverse("plans:plan-options", args=[a.patient_id, a.pk])
        client.get(options)
        # 1 session, 2 user, 3-4 permissions, 5 patient, 6 assessment, 7 its areas, 8 their
        # body areas, 9 condition changes; the engine's input: 10 latest intake response,
        # 11 condition codes, 12 catalog settings, 13 treatments, 14 their cleared areas,
        # 15 condition rules, 16 suitability rules, 17 area names, 18 applicators (the
        # treatment map), 19 closures; 20 the user's groups (header).
        with django_assert_num_queries(20):
            assert client.get(options).status_code == 200


def test_signing_through_a_link(client_for, provider, plan, client):
    staff = client_for(provider)
    staff.post(url("plan-status", plan), {"to_status": "presented"})
    staff.post(url("plan-consent-link", plan))
    link = plan.consent_links.get()
    detail = staff.get(url("plan-detail", plan)).content.decode()
    assert reverse("plans:consent-link", args=[link.token]) in detail
    public = reverse("plans:consent-link", args=[link.token])
    page = client.get(public)  # anonymous: the patient's own phone
    assert page.status_code == 200
    assert plan.patient.full_name in page.content.decode()
    assert "/patients/" not in page.content.decode()  # no staff links
    text = ConsentText.objects.get(treatment=plan.treatment)
    done = client.post(
        public,
        {
            "consent_text_id": text.pk,
            "full_name": plan.patient.full_name,
            "signature": SIGNATURE,
            "agree": "on",
        },
    )
    assert "Thank you" in done.content.decode(), done.content.decode()[-3000:]
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACCEPTED
    consent = plan.consents.get()
    assert (consent.channel, consent.witnessed_by) == ("link", None)
    again = client.get(public)
    assert 'data-reason="used"' in again.content.decode()


def test_unknown_and_replaced_links_show_a_friendly_page(client, client_for, provider, plan):
    assert client.get(reverse("plans:consent-link", args=["nope"])).status_code == 404
    services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)
    first = services.consent_link_create(plan=plan, by=provider)
    services.consent_link_create(plan=plan, by=provider)
    response = client.get(reverse("plans:consent-link", args=[first.token]))
    assert response.status_code == 410
    assert plan.patient.full_name not in response.content.decode()


def test_a_link_needs_a_presented_plan(client_for, provider, plan):
    response = client_for(provider).post(url("plan-consent-link", plan), follow=True)
    assert "Present the plan before sending a link" in response.content.decode()
    assert not plan.consent_links.exists()


def test_a_pregnancy_reported_after_presenting_blocks_signing(client_for, provider, plan):
    services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)
    submit_intake(plan.patient, pregnant="yes")  # a newer intake
    client = client_for(provider)
    detail = client.get(url("plan-detail", plan)).content.decode()
    assert "pregnant or breastfeeding" in detail
    assert 'data-testid="sign-consent"' not in detail
    text = ConsentText.objects.get(treatment=plan.treatment)
    page = client.post(
        url("plan-consent", plan),
        {
            "consent_text_id": text.pk,
            "full_name": plan.patient.full_name,
            "signature": SIGNATURE,
            "agree": "on",
        },
    )
    assert "pregnant or breastfeeding" in page.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PRESENTED


def test_replacing_a_plan_keeps_the_old_one_readable(client_for, provider, plan):
    client = client_for(provider)
    response = client.post(url("plan-supersede", plan))
    new = Plan.objects.exclude(pk=plan.pk).get()
    assert response["Location"] == url("plan-detail", new)
    assert "Replaces" in client.get(url("plan-detail", new)).content.decode()
    old = client.get(url("plan-detail", plan)).content.decode()
    assert "This plan was replaced by" in old and "Cancelled" in old


def test_a_status_change_the_workflow_does_not_allow_says_so(client_for, provider, plan):
    response = client_for(provider).post(
        url("plan-status", plan), {"to_status": "completed"}, follow=True
    )
    assert "A draft plan cannot become completed." in response.content.decode()


def test_the_provider_sets_another_goal_pinch(client_for, provider, assessment):
    options = reverse("plans:plan-options", args=[assessment.patient_id, assessment.pk])
    client = client_for(provider)
    page = client.get(options, {"goal": "12"}).content.decode()
    assert "goal pinch 12 mm" in page
    assert client.get(options, {"goal": "banana"}).status_code == 200  # falls back quietly
    client.post(options, {"treatment": "deoxycholic_injection", "goal": "12"})
    plan = Plan.objects.get()
    assert plan.goal_pinch_mm == 12
    default = services.plan_generate_options(assessment=assessment, today=TODAY)
    injections = next(o for o in default.result.options if o.treatment == "deoxycholic_injection")
    assert plan.sessions.count() > len(injections.sessions)  # a thinner goal needs more


def action_buttons(html):
    actions = html.split('data-testid="plan-actions"', 1)[1].split("</div>", 1)[0]
    return re.findall(r"<(?:button|a)[^>]*>([^<]+)</(?:button|a)>", actions)


def test_each_role_sees_the_actions_the_lifecycle_gives(client_for, provider, front_desk, plan):
    desk, staff = client_for(front_desk), client_for(provider)
    always = ["Printable quote", "Download PDF"]
    draft = staff.get(url("plan-detail", plan)).content.decode()
    assert action_buttons(draft) == [
        *always,
        "Present to the patient",
        "Cancel plan",
        "Replace with a new draft",
    ]
    assert 'data-testid="adjust"' in draft
    services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)
    presented = staff.get(url("plan-detail", plan)).content.decode()
    assert action_buttons(presented) == [
        *always,
        "Patient signs consent",
        "Signing link for the patient",
        "Back to draft",
        "Patient declined",
        "Cancel plan",
        "Replace with a new draft",
    ]
    assert 'data-testid="adjust"' not in presented
    assert "After the patient accepts and signs" in presented
    page = desk.get(url("plan-detail", plan)).content.decode()
    assert action_buttons(page) == always


def test_the_tablet_page_of_a_plan_not_presented_has_nothing_to_sign(client_for, provider, plan):
    page = client_for(provider).get(url("plan-consent", plan)).content.decode()
    assert "This plan is draft; there is nothing to sign." in page
    assert 'data-testid="consent-form"' not in page
    services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)
    page = client_for(provider).get(url("plan-consent", plan)).content.decode()
    assert 'data-testid="consent-form"' in page


# --- Issue 15: day-one defects ------------------------------------------------------------


def presented(plan, provider):
    services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)
    return ConsentText.objects.get(treatment=plan.treatment)


def sign_data(text, name, **more):
    return {
        "consent_text_id": text.pk,
        "full_name": name,
        "signature": SIGNATURE,
        "agree": "on",
        **more,
    }


def test_the_tablet_refuses_a_name_that_is_not_the_patients(client_for, provider, plan):
    text = presented(plan, provider)
    page = client_for(provider).post(url("plan-consent", plan), sign_data(text, "Mickey Mouse"))
    html = page.content.decode()
    assert page.status_code == 200
    error = html.split('data-testid="full-name-error"', 1)[1][:400]
    assert "not the patient&#x27;s name" in error
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PRESENTED and not plan.consents.exists()


def test_the_link_refuses_a_name_that_is_not_the_patients(client, provider, plan):
    text = presented(plan, provider)
    link = services.consent_link_create(plan=plan, by=provider)
    public = reverse("plans:consent-link", args=[link.token])
    page = client.post(public, sign_data(text, "Mickey Mouse"))
    assert 'data-testid="full-name-error"' in page.content.decode()
    assert not plan.consents.exists()
    done = client.post(
        public, sign_data(text, "Ana Guardian", for_patient="on", guardian_relationship="aunt")
    )
    assert "Thank you" in done.content.decode()
    consent = plan.consents.get()
    assert (consent.signer_role, consent.guardian_relationship) == ("guardian", "aunt")


def test_after_signing_the_tablet_asks_for_staff_to_take_it_back(client_for, provider, plan):
    text = presented(plan, provider)
    client = client_for(provider)
    signed = client.post(url("plan-consent", plan), sign_data(text, plan.patient.full_name))
    assert signed["Location"] == url("plan-consent-done", plan)
    page = client.get(url("plan-consent-done", plan))
    html = page.content.decode()
    assert "please hand the tablet back" in html.lower()
    assert f"Thank you, {plan.patient.first_name}" in html
    assert plan.patient.last_name not in html  # no patient data beyond the first name
    assert 'data-testid="nav-links"' not in html  # no staff navigation
    assert reverse("consultations:patient-list") not in html
    assert page["Cache-Control"] == "no-store, private"  # every page (clinic.middleware)
    wrong = client.post(url("plan-consent-done", plan), {"password": "not-it"})
    assert wrong.status_code == 200
    assert "not the password" in wrong.content.decode()
    assert 'data-testid="hand-back"' in wrong.content.decode()
    right = client.post(url("plan-consent-done", plan), {"password": "pw"})
    assert right["Location"] == url("plan-detail", plan)


def test_until_a_staff_password_every_page_leads_back_to_the_hand_back_screen(
    client_for, provider, plan
):
    text = presented(plan, provider)
    client = client_for(provider)
    client.post(url("plan-consent", plan), sign_data(text, plan.patient.full_name))
    done = url("plan-consent-done", plan)
    # The back button, the staff navigation or a typed URL: all lead to the screen.
    for page in (url("plan-detail", plan), reverse("consultations:patient-list"), "/"):
        assert client.get(page)["Location"] == done
    assert client.post(done, {"password": "not-it"}).status_code == 200
    assert client.get(reverse("consultations:patient-list"))["Location"] == done
    client.post(done, {"password": "pw"})
    assert client.get(reverse("consultations:patient-list")).status_code == 200


def test_the_hand_back_screen_is_for_staff_who_record_consents(client_for, front_desk, plan):
    assert client_for(front_desk).get(url("plan-consent-done", plan)).status_code == 403


def test_a_link_signature_is_the_patients_in_the_history(client, client_for, provider, plan):
    text = presented(plan, provider)
    link = services.consent_link_create(plan=plan, by=provider)
    client.post(
        reverse("plans:consent-link", args=[link.token]),
        sign_data(text, plan.patient.full_name),
    )
    detail = client_for(provider).get(url("plan-detail", plan)).content.decode()
    history = detail.split('data-testid="status-history"', 1)[1]
    accepted = history.split("Accepted", 1)[1].split("</li>", 1)[0]
    assert f"{plan.patient.full_name} (patient, through the link)" in accepted
    assert provider.get_full_name() not in accepted


@pytest.fixture
def noted(plan, provider, client_for):
    """A draft with a clinical note and a note for the patient, then presented."""
    client_for(provider).post(
        url("plan-adjust", plan),
        adjust_data(
            plan,
            internal_notes="Patient on apixaban, check with cardiologist",
            patient_notes="Bring a sports bra to each session",
        ),
    )
    plan.refresh_from_db()
    assert plan.warnings  # the injection off the chin is off-label, and more
    return plan


def pdf_text(response):
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    return " ".join(text.split())


def test_internal_notes_are_never_printed(client_for, provider, noted):
    client = client_for(provider)
    detail = client.get(url("plan-detail", noted)).content.decode()
    assert "Bring a sports bra" in detail and "apixaban" in detail  # in the adjust form
    for page in (client.get(url("plan-quote", noted)).content.decode(),):
        assert "Bring a sports bra" in page
        assert "apixaban" not in page
    text = pdf_text(client.get(url("plan-quote-pdf", noted)))
    assert "Bring a sports bra" in text and "apixaban" not in text


def test_the_front_desk_sees_no_warnings_nor_internal_notes(
    client_for, provider, front_desk, noted
):
    services.plan_transition(plan=noted, to_status=PlanStatus.PRESENTED, by=provider)
    staff = client_for(provider).get(url("plan-detail", noted)).content.decode()
    assert 'data-testid="plan-warnings"' in staff and "apixaban" in staff
    desk = client_for(front_desk)
    page = desk.get(url("plan-detail", noted)).content.decode()
    assert 'data-testid="plan-warnings"' not in page
    assert "apixaban" not in page
    assert "Bring a sports bra" in page
    quote = desk.get(url("plan-quote", noted)).content.decode()
    pdf = pdf_text(desk.get(url("plan-quote-pdf", noted)))
    for warning in noted.warnings:
        assert warning not in page and warning not in quote
        assert warning[:40] not in pdf
    assert "apixaban" not in quote and "apixaban" not in pdf


def test_no_engine_version_nor_condition_codes_for_people(client_for, provider, noted):
    client = client_for(provider)
    pages = [
        client.get(url("plan-detail", noted)).content.decode(),
        client.get(url("plan-quote", noted)).content.decode(),
    ]
    pages.append(pdf_text(client.get(url("plan-quote-pdf", noted))))
    codes = noted.option["patient"]["conditions"]
    assert codes  # the intake's Raynaud's and anticoagulant
    for page in pages:
        assert "engine" not in page.lower()
        for code in codes:
            assert code not in page


@pytest.mark.parametrize(("country", "size"), [("US", (612, 792)), ("DE", (595, 842))])
def test_the_pdf_is_on_the_countrys_paper(client_for, provider, plan, settings, country, size):
    settings.CLINIC_COUNTRY = country
    response = client_for(provider).get(url("plan-quote-pdf", plan))
    box = PdfReader(io.BytesIO(response.content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_patients_see_the_clinics_phone_and_email(client, client_for, provider, plan, settings):
    settings.CLINIC_PHONE, settings.CLINIC_EMAIL = "(555) 010-2000", ""
    text = presented(plan, provider)
    link = services.consent_link_create(plan=plan, by=provider)
    public = reverse("plans:consent-link", args=[link.token])
    assert "(555) 010-2000" in client.get(public).content.decode()
    assert "mailto:" not in client.get(public).content.decode()  # an empty email is left out
    settings.CLINIC_EMAIL = "hello@clinic.example"
    done = client.post(public, sign_data(text, plan.patient.full_name)).content.decode()
    assert "(555) 010-2000" in done and "hello@clinic.example" in done
    assert "hello@clinic.example" in client.get(public).content.decode()  # used link page
    staff = client_for(provider)
    hand_back = staff.get(url("plan-consent-done", plan)).content.decode()
    assert "(555) 010-2000" in hand_back


@pytest.mark.parametrize("value", ["9999-12-31", "0001-01-01"])
def test_adjust_refuses_dates_at_the_ends_of_time_beside_the_field(
    client_for, provider, plan, value
):
    for changes in ({"start_date": value}, {"date_2": value}):
        response = client_for(provider).post(url("plan-adjust", plan), adjust_data(plan, **changes))
        assert response.status_code in (200, 400)
        assert "Enter a date between 1900 and 2199" in response.content.decode()
    assert plan.sessions.filter(planned_date__year__gt=2199).count() == 0


@pytest.mark.parametrize(
    ("last_name", "expected"),
    [
        ('O"Brien\r\nX-Injected: yes', 'attachment; filename="quote-obrien-x-injected-yes-'),
        ("Łukasiewicz", "attachment; filename*=utf-8''quote-%C5%82ukasiewicz-"),
    ],
)
def test_the_pdf_file_name_survives_any_last_name(client_for, provider, plan, last_name, expected):
    """A name stored before names were kept to one line (or typed with letters beyond ASCII)
    still gives a PDF and a well-formed header."""
    type(plan.patient).objects.filter(pk=plan.patient_id).update(last_name=last_name)
    response = client_for(provider).get(url("plan-quote-pdf", plan))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith(expected)
    assert "\n" not in response["Content-Disposition"]
    assert "X-Injected" not in response.headers


def test_a_signed_plan_offers_booking_to_whoever_books(client_for, provider, front_desk, plan):
    """From the plan page straight to booking the course (the front desk books; a provider
    sees the course's sessions but no booking button)."""
    text = services.consent_text_current(treatment=plan.treatment)
    services.plan_transition(plan=plan, to_status=PlanStatus.PRESENTED, by=provider)
    before = client_for(front_desk).get(url("plan-detail", plan)).content.decode()
    assert 'data-testid="book-course"' not in before  # not signed yet
    services.consent_record(
        plan=plan,
        signature=SIGNATURE,
        consent_text_id=text.pk,
        ip_address=None,
        full_name=plan.patient.full_name,
        by=provider,
    )
    desk = client_for(front_desk).get(url("plan-detail", plan)).content.decode()
    book = reverse("appointments:plan-book", args=[plan.pk])
    assert f'href="{book}" data-testid="book-course"' in desk
    clinician = client_for(provider).get(url("plan-detail", plan)).content.decode()
    assert 'data-testid="book-course"' not in clinician
    sessions = reverse("appointments:plan-sessions", args=[plan.pk])
    assert f'href="{sessions}" data-testid="course-sessions"' in clinician
