"""The fuzzer: schemathesis against a live server, every check, a Clinic admin's token and a
Front desk token — zero failures (issue 12).

The server is pytest-django's live server over the test database, seeded with the demo data
(`seed_demo`: the catalog, patients, an accepted and signed plan of three sessions). The
schemathesis CLI runs in a subprocess with every check (`--checks all`), both generation
modes (valid and invalid data), and its four phases: the document's examples, the coverage
phase (each constraint's boundaries and just past them), fuzzing and stateful sequences
(created patient -> its page -> an intake link). `tests/schemathesis_hooks.py` holds what
the document can say only in words (a date of birth in the past, `end` after `start`...).

Environment: CONTOUR_FUZZ_EXAMPLES (fuzzing examples per operation: default 20 with the
admin's token, half that with the front desk's, whose writes are mostly the same) and
CONTOUR_FUZZ_SEED (default fixed, so CI is reproducible; set another to explore).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from clinic.models import ApiToken
from treatments.plans.models import Plan

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("CONTOUR_FUZZ_EXAMPLES", "20"))
SEED = os.environ.get("CONTOUR_FUZZ_SEED", "20261202")


def _token(username: str) -> str:
    token = ApiToken(user=get_user_model().objects.get(username=username), name="Fuzzer")
    raw_key = token.set_new_key()
    token.save()
    return raw_key


def _fuzz(url: str, raw_key: str, config: Path, examples: int) -> subprocess.CompletedProcess:
    # Run from the config's folder: schemathesis keeps a cache there, not in the checkout.
    st = Path(sys.executable).with_name("st")
    return subprocess.run(
        [
            str(st),
            "--config-file",
            str(config),
            "run",
            f"{url}/api/v1/openapi.json",
            "--checks",
            "all",
            "--mode",
            "all",
            "--header",
            f"Authorization: Bearer {raw_key}",
            "--max-examples",
            str(examples),
            "--seed",
            SEED,
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--request-timeout",
            "30",
        ],
        cwd=config.parent,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks",
            "NO_COLOR": "1",
        },
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def seeded(live_server, tmp_path) -> tuple[str, Path]:
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    plan = Plan.objects.filter(status="accepted").order_by("pk").first()
    assert plan is not None and plan.sessions.count() == 3, "the demo's signed course"
    config = tmp_path / "schemathesis.toml"
    # The booking operations on the demo's signed course (random ids would only find 404s).
    config.write_text(
        f'[[operations]]\ninclude-path-regex = "/plans/"\nparameters = {{ plan_id = {plan.pk} }}\n'
    )
    return live_server.url, config


@pytest.mark.parametrize(("username", "share"), [("admin", 1), ("frontdesk", 2)])
def test_the_fuzzer_finds_nothing(seeded, username, share):
    url, config = seeded
    result = _fuzz(url, _token(username), config, max(EXAMPLES // share, 1))
    report = result.stdout + result.stderr
    assert result.returncode == 0, report[-12000:]
    assert "9 selected / 9 total" in report, report[-3000:]
