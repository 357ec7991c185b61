"""Print how long a day's Operation Encompass notifications take to compose and send.

    .venv/bin/python benchmarks/encompass_speed.py [--children 150] [--schools 40]
        [--pg-url postgres://postgres@127.0.0.1:5432/scratch]

Builds, on a fresh embedded SQLite database in a temporary directory (or the given
PostgreSQL database, whose tables are flushed), the seven LPAs, a set of schools with
Key Adult addresses spread over them, and one school day's DA incidents with one child
each (about 150 children a day at full scale, seed 000 §6.1), each known to two systems and
linked (--unlinked: to one, so every save also tries to link them), runs the rules,
then, as an Encompass officer would, composes each child's notification from the
permitted fields and sends it through the shared outbox to a real SMTP server (aiosmtpd
on a free port) with delivery in-process (VIGIL_JOBS_SYNC): the audit rows, the outbox
rows, the SMTP conversation and the rules answering (each task turns Met) are all in the
time. Target: under 30 s for the day. Prints the total, per child, and what the server
received.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=150)
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--pg-url", default="")
    parser.add_argument("--unlinked", action="store_true",
                        help="children known to one system only: each save links them anew")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="vigil-bench-")
    os.environ["VIGIL_DATA_DIR"] = tmp
    os.environ["DJANGO_SETTINGS_MODULE"] = "vigil.settings"
    if args.pg_url:
        os.environ["VIGIL_DATABASE_URL"] = args.pg_url
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    if args.pg_url:
        call_command("flush", interactive=False, verbosity=0)

    from tests import factories
    from tests.factories import at
    from vigil.core.models import School
    from vigil.encompass import services
    from vigil.encompass.models import EncompassNotification
    from vigil.safeguarding import engine
    from vigil.safeguarding.models import Task

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
            received.append(envelope.rcpt_tos)
            return "250 Message accepted for delivery"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(Handler(), hostname="127.0.0.1", port=port)
    smtp.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.VIGIL_JOBS_SYNC = True

    areas = factories.make_areas()
    lpas = [a for code, a in areas.items() if code != "WMP"]
    schools = [School.objects.create(urn=f"B{i:05d}", name=f"School {i}", phase="primary",
                                     local_authority=lpas[i % len(lpas)],
                                     key_adult_email=f"key.adult{i}@school{i}.sch.uk")
               for i in range(args.schools)]
    day = at(2026, 11, 26, 0)  # a Thursday in term: due Friday 08:30
    t0 = time.perf_counter()
    for i in range(args.children):
        born = date(2012 + i % 10, 1 + i % 12, 1 + i % 28)
        kid = factories.make_person(surname=f"Child{i}", forename="Sam", dob=born)
        if not args.unlinked:  # also known to the crime system, linked (as most are)
            factories.make_person(surname=f"Child{i}", forename="Sam", dob=born,
                                  system="CONNECT", person=kid.person)
        school = schools[i % len(schools)]
        incident = factories.make_incident(
            school.local_authority, day + timedelta(minutes=9 * i),
            victim=factories.make_person(f"Parent{i}"), children=[kid],
            location=f"{i} Example Road")
        incident.parties.filter(role="child").update(school=school)
    engine.run(as_of=day + timedelta(hours=23, minutes=59))
    setup_s = time.perf_counter() - t0
    tasks = list(Task.objects.filter(kind="encompass", status="open").order_by("due_at"))
    officer = factories.make_user(role="encompass", username="bench-encompass")

    compose_s, send_s = [], []
    started = time.perf_counter()
    for task in tasks:
        from vigil.incidents.models import Incident

        incident = Incident.objects.get(pk=int(task.subject.partition(":")[2]))
        party = incident.parties.select_related("person", "school").get(role="child")
        a = time.perf_counter()
        note = services.compose(incident, party.person, actor=officer, destination="school",
                                school=party.school, child_present=party.present,
                                circumstances="Police attended an argument at home.",
                                voice_of_child="Said they were scared.",
                                at=incident.reported_at + timedelta(hours=1))
        b = time.perf_counter()
        services.send(EncompassNotification.objects.select_related(
            "incident", "child", "school", "local_authority").get(pk=note.pk), actor=officer)
        c = time.perf_counter()
        compose_s.append(b - a)
        send_s.append(c - b)
    total = time.perf_counter() - started
    smtp.stop()
    met = Task.objects.filter(kind="encompass", status="met").count()
    print(f"database: {'PostgreSQL' if args.pg_url else 'SQLite'}; setup (incidents, rules) "
          f"{setup_s:.1f} s")
    print(f"children: {len(tasks)}; composed and sent in {total:.1f} s "
          f"({total / max(len(tasks), 1) * 1000:.0f} ms a child; target under 30 s)")
    print(f"compose: median {statistics.median(compose_s) * 1000:.0f} ms, "
          f"send (outbox, SMTP, rules): median {statistics.median(send_s) * 1000:.0f} ms, "
          f"max {max(send_s) * 1000:.0f} ms")
    print(f"SMTP server received {len(received)} emails; tasks met {met} of {len(tasks)}")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
