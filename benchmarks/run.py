"""Contour's load benchmark: `python -m benchmarks.run` (or `make bench`).

For each size (1,000 and 100,000 patients unless told otherwise) it recreates a PostgreSQL
database, migrates it, seeds it with `manage.py seed_scale`, serves the app with gunicorn
(2 sync workers, DEBUG off), logs in, and loads every page of PAGES with wrk (4 connections)
beside an empty login-required view and a generic Django admin changelist over the same
patients, in the same run. It prints, per page: requests/s, p50 and p95 in ms, the SQL
queries of one request, and the page's p95 over the empty view's. Then 200 patients submit
their intake at the same moment: p95 and the number of stored responses.

Needs: PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/contour_bench;
the database is dropped and created), wrk on the PATH, and the project's requirements.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/contour_bench"

# Every page the benchmark loads: (name, path). {placeholders} come from the seeded data
# (see DATA_SCRIPT). Append pages here, e.g. new reports or API list endpoints.
PAGES: list[tuple[str, str]] = [
    ("empty view (login required)", "/bench/empty/"),
    ("admin changelist (baseline)", "/bench/admin/consultations/patient/"),
    ("admin changelist ?q=Garcia (baseline)", "/bench/admin/consultations/patient/?q=Garcia"),
    ("dashboard", "/"),
    ("patient list", "/patients/"),
    ("patient list, newest first", "/patients/?sort=-created"),
    ("patient list, a later page", "/patients/?after={cursor}"),
    ("patient search ?q=Garcia", "/patients/?q=Garcia"),
    ("patient search, phone digits", "/patients/?q={phone}"),
    ("patient search, date of birth", "/patients/?q={dob}"),
    ("patient page", "/patients/{patient}/"),
    ("calendar week, everyone", "/sessions/calendar/?view=week&date={week}"),
    (
        "calendar week, one provider",
        "/sessions/calendar/?view=week&date={week}&resource=provider:{provider}",
    ),
    ("calendar week, one room", "/sessions/calendar/?view=week&date={week}&resource=room:{room}"),
    ("calendar day, everyone", "/sessions/calendar/?view=day&date={day}"),
    ("calendar day, one room", "/sessions/calendar/?view=day&date={day}&resource=room:{room}"),
    ("book sessions /sessions/to-book/", "/sessions/to-book/"),
    ("a plan's sessions", "/sessions/plans/{plan}/"),
    ("API GET /me", "/api/v1/me"),
    ("API GET /patients/{id}", "/api/v1/patients/{patient}"),
    (
        "API GET /appointments (a week, one room)",
        "/api/v1/appointments?start={week}&end={week_end}&room={room}",
    ),
    ("API GET /patients (first page)", "/api/v1/patients"),
    ("API GET /patients?q=Garcia", "/api/v1/patients?q=Garcia"),
    # Reports (issue 14: each within 200 ms at p95), over their default period.
    ("report: business (funnel, value, attendance)", "/reports/business/"),
    ("report: utilisation", "/reports/utilisation/"),
    ("report: treatment outcomes", "/reports/outcomes/"),
]
EMPTY = PAGES[0][0]
ADMIN = PAGES[1][0]

# Values for the placeholders, read from the seeded database (printed as JSON).
DATA_SCRIPT = """
import json, datetime
from django.utils import timezone
from consultations.models import Patient
from clinic.keyset import encode
from treatments.appointments.models import Room
from treatments.plans.models import Plan
from django.contrib.auth import get_user_model
scale = Patient.objects.filter(email__endswith="@scale.example")
middle = scale.order_by("pk")[scale.count() // 2]
deep = Patient.objects.order_by("last_name", "first_name", "pk")[scale.count() // 3]
today = timezone.localdate()
week = today - datetime.timedelta(days=today.weekday() + 7)
plan = Plan.objects.filter(patient=middle).order_by("-pk").first()
print(json.dumps({
    "patient": middle.pk,
    "phone": str(middle.phone)[-7:],
    "dob": middle.date_of_birth.isoformat(),
    "cursor": encode(deep, ("last_name", "first_name", "pk")),
    "week": week.isoformat(),
    "week_end": (week + datetime.timedelta(days=6)).isoformat(),
    "day": (week + datetime.timedelta(days=2)).isoformat(),
    "provider": get_user_model().objects.get(username="scale-provider-1").pk,
    "room": Room.objects.get(name="Room S1").pk,
    "plan": plan.pk,
}))
"""

INTAKES_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from consultations import services
from consultations.demo import SUBMITTED_ANSWERS
from consultations.models import Patient
from django.utils import timezone
admin = get_user_model().objects.get(username="admin")
tokens = []
for patient in Patient.objects.filter(email__endswith="@scale.example").order_by("pk")[:COUNT]:
    intake = services.intake_link_create(patient=patient, by=admin, expires_in_days=7)
    intake.draft = SUBMITTED_ANSWERS
    intake.started_at = timezone.now()
    intake.save(update_fields=["draft", "started_at"])
    tokens.append(intake.token)
print(json.dumps(tokens))
"""

COUNT_SCRIPT = """
import json
from consultations.models import IntakeResponse
print(json.dumps(IntakeResponse.objects.filter(intake__token__in=TOKENS).count()))
"""

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("BENCH %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), summary.errors.status))
end
"""


@dataclass
class Result:
    page: str
    rps: float
    p50: float
    p95: float
    queries: str
    status: int


def env_for(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        DEBUG="0",
        SECRET_KEY="benchmark-only-" + "x" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
    )
    return env


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return done.stdout or ""


def shell(env: dict[str, str], code: str):
    return json.loads(manage(env, "shell", "-c", code, capture=True).strip().splitlines()[-1])


def psql(database_url: str, sql: str, *, on: str = "postgres") -> None:
    parts = urlparse(database_url)
    subprocess.run(
        [
            "psql",
            "-q",
            "-h",
            parts.hostname or "127.0.0.1",
            "-p",
            str(parts.port or 5432),
            "-U",
            parts.username or "postgres",
            "-d",
            on,
            "-c",
            sql,
        ],
        check=True,
    )


def prepare(database_url: str, patients: int, *, reuse: bool) -> dict[str, str]:
    env = env_for(database_url)
    name = urlparse(database_url).path.lstrip("/")
    if not reuse:
        psql(database_url, f'DROP DATABASE IF EXISTS "{name}"')
        psql(database_url, f'CREATE DATABASE "{name}"')
    manage(env, "migrate", "--noinput", "-v0")
    started = time.monotonic()
    manage(env, "seed_scale", "--patients", str(patients))
    print(f"seed_scale --patients {patients}: {time.monotonic() - started:.0f} s", flush=True)
    psql(database_url, "VACUUM ANALYZE", on=name)
    manage(env, "collectstatic", "--noinput", "-v0")
    return env


class Server:
    def __init__(self, env: dict[str, str], port: int, workers: int) -> None:
        self.port = port
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "clinic.wsgi:application",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "--backlog",
                "2048",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(300):
            try:
                if request(port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def request(port: int, method: str, path: str, *, body: str = "", cookies: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Host": "127.0.0.1"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://127.0.0.1:{port}{path}"
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    text = response.read().decode(errors="replace")
    set_cookies = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            set_cookies[key] = rest.split(";", 1)[0]
    conn.close()
    return response.status, text, set_cookies, dict(response.getheaders())


def csrf_form(port: int, path: str, cookies: dict) -> str:
    status, text, new, _ = request(port, "GET", path, cookies=cookies)
    cookies.update(new)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    if status != 200 or not match:
        raise RuntimeError(f"GET {path}: {status}, no form")
    return match.group(1)


def login(port: int, username: str, password: str) -> dict:
    cookies: dict[str, str] = {}
    token = csrf_form(port, "/accounts/login/", cookies)
    body = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    status, _, new, _ = request(port, "POST", "/accounts/login/", body=body, cookies=cookies)
    cookies.update(new)
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"login as {username} failed ({status})")
    return cookies


def check(port: int, path: str, cookies: dict) -> tuple[int, str]:
    """One request first: its status, and its SQL queries (the X-Queries header)."""
    status, _, _, headers = request(port, "GET", path, cookies=cookies)
    return status, headers.get("X-Queries", "?")


def wrk(port: int, path: str, cookies: dict, seconds: int, args) -> tuple[int, float, int, int]:
    """(requests, seconds, p50 µs, p95 µs) of one wrk run; errors make the page fail."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    out = subprocess.run(
        [
            args.wrk,
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{seconds}s",
            "-s",
            script.name,
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{port}{path}",
        ],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    os.unlink(script.name)
    found = re.search(r"BENCH (\d+) (\d+) (\d+) (\d+) (\d+)", out)
    if not found:
        raise RuntimeError(f"wrk said: {out}")
    count, micros, p50, p95, errors = (int(x) for x in found.groups())
    if errors:
        raise RuntimeError(f"{path}: {errors} error responses under load")
    return count, micros / 1e6, p50, p95


def measure(port: int, pages: list[tuple[str, str]], cookies: dict, args) -> list[Result]:
    """Every page in turn, `rounds` times round-robin, so a machine busy at one moment slows
    every page and the baselines alike; req/s over all rounds, the median round's p50/p95."""
    checked = {name: check(port, path, cookies) for name, path in pages}
    runs: dict[str, list] = {name: [] for name, _ in pages}
    seconds = max(1, args.duration // args.rounds)
    for _ in range(args.rounds):
        for name, path in pages:
            if checked[name][0] == 200:
                runs[name].append(wrk(port, path, cookies, seconds, args))
    results = []
    for name, _ in pages:
        status, queries = checked[name]
        if status != 200:
            results.append(Result(name, 0, 0, 0, queries, status))
            continue
        rows = runs[name]
        rps = sum(r[0] for r in rows) / sum(r[1] for r in rows)
        p50 = statistics.median(r[2] for r in rows) / 1000
        p95 = statistics.median(r[3] for r in rows) / 1000
        results.append(Result(name, rps, p50, p95, queries, status))
        print(f"  {name}: {rps:.0f} req/s, p95 {p95:.1f} ms", flush=True)
    return results


def intake_burst(port: int, env: dict[str, str], count: int) -> tuple[float, float, int, int]:
    """`count` patients post their intake at the same moment: p50, p95 (ms), the number of
    2xx/3xx answers, and the responses stored for their links."""
    tokens = shell(env, INTAKES_SCRIPT.replace("COUNT", str(count)))
    forms = []
    for token in tokens:
        cookies: dict[str, str] = {}
        forms.append((token, cookies, csrf_form(port, f"/intake/{token}/review/", cookies)))
    barrier = threading.Barrier(len(forms))
    times: list[float] = []
    ok: list[int] = []

    def submit(token: str, cookies: dict, csrf: str) -> None:
        body = urlencode({"csrfmiddlewaretoken": csrf})
        barrier.wait()
        began = time.perf_counter()
        status = request(port, "POST", f"/intake/{token}/review/", body=body, cookies=cookies)[0]
        times.append((time.perf_counter() - began) * 1000)
        if status in (200, 302):
            ok.append(status)

    threads = [threading.Thread(target=submit, args=form) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = shell(env, COUNT_SCRIPT.replace("TOKENS", json.dumps(tokens)))
    cuts = statistics.quantiles(times, n=100)
    return cuts[49], cuts[94], len(ok), stored


def table(size: int, results: list[Result], machine: str) -> str:
    empty = next(r for r in results if r.page == EMPTY)
    admin = next(r for r in results if r.page == ADMIN)
    lines = [
        f"### {size:,} patients — {machine}",
        "",
        "| page | req/s | p50 ms | p95 ms | queries | p95 / empty | req/s / admin |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.status != 200:
            lines.append(f"| {r.page} | HTTP {r.status} | | | {r.queries} | | |")
            continue
        if not r.p95:
            lines.append(f"| {r.page} | no answer within wrk's 2 s timeout | | | {r.queries} | | |")
            continue
        lines.append(
            f"| {r.page} | {r.rps:.0f} | {r.p50:.1f} | {r.p95:.1f} | {r.queries} | "
            f"{r.p95 / empty.p95:.1f}x | {r.rps / admin.rps:.1f}x |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0
    return f"{os.cpu_count()} cores, {cpu}, load average {load:.1f} at the start"


def run_size(size: int, args) -> str:
    env = prepare(args.database_url, size, reuse=args.reuse)
    data = shell(env, DATA_SCRIPT)
    server = Server(env, args.port, args.workers)
    try:
        cookies = login(args.port, "admin", "contour-demo")
        described = machine()
        pages = [
            (name, path.format(**data))
            for name, path in PAGES
            # The baselines always run: every ratio is against them, in the same minutes.
            if name in (EMPTY, ADMIN) or not args.only or any(o in name for o in args.only)
        ]
        results = measure(args.port, pages, cookies, args)
        out = table(size, results, described)
        if args.intake:
            p50, p95, ok, stored = intake_burst(args.port, env, args.intake)
            out += (
                f"\n\nIntake submit, {args.intake} patients at once: p50 {p50:.0f} ms, "
                f"p95 {p95:.0f} ms, {ok} answered, {stored} responses stored."
            )
    finally:
        server.stop()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100000])
    parser.add_argument("--duration", type=int, default=12, help="seconds of wrk per page")
    parser.add_argument("--rounds", type=int, default=3, help="round-robin passes over the pages")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8110")))
    parser.add_argument(
        "--intake", type=int, default=200, help="concurrent intake submits (0: skip)"
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database (seed_scale adds nothing to a seeded one): one size only",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="measure only the pages whose name contains this (repeatable; baselines always)",
    )
    parser.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    parser.add_argument("--out", type=Path, help="also write the tables to this file")
    args = parser.parse_args(argv)
    tables = [run_size(size, args) for size in args.sizes]
    text = "\n\n".join(tables)
    print("\n" + text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
