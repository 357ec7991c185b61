"""Load: N concurrent users on realistic journeys against the production server.

  # 1. A force on PostgreSQL (generate, import, link, rules, snapshot), then users:
  VIGIL_DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> VIGIL_DATA_DIR=<dir> \\
    .venv/bin/python benchmarks/load.py setup --out /tmp/load-users.json
  # 2. The production server (gunicorn), in another shell, on the same settings:
  VIGIL_DATABASE_URL=... VIGIL_DATA_DIR=<dir> VIGIL_SECRET_KEY=... \\
    .venv/bin/vigil serve --production --addr 127.0.0.1:8105
  # 3. The load (needs `pip install -c constraints.txt -e '.[load]'` for Locust):
  .venv/bin/python benchmarks/load.py run --host http://127.0.0.1:8105 \\
    --users-file /tmp/load-users.json --users 50 --duration 120

Journeys, each a signed-in user with a password and (for the privileged roles) a
TOTP code, as a browser would make them:
  casework (DA desk / safeguarding): search by a surname, open a person from the
    results, open an incident page now and then
  queue worker (R&A, safeguarding, MARAC): open the team queue, complete a task
    with an outcome (the form's CSRF token and task version read from the page)
  commander / analyst: home page and the performance dashboard
Prints the sign-in phase (every user signs in first), then the steady state from
when the last user is in: the load, median/p95/max per request kind and overall,
failures and throughput; the target is p95 under 300 ms with no errors on 2 cores.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import sys
import time

PASSWORD = "load-Test-passphrase-2026"
JOURNEYS = {"casework": ("da_desk", "safeguarding"),
            "queue": ("referral_allocation", "safeguarding", "marac_coordinator"),
            "dashboard": ("lpa_commander", "analyst")}


# --- setup: users, TOTP devices and search terms (Django, no Locust) --------------

def setup(args) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.settings")
    import django

    django.setup()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vigil.core.models import User
    from vigil.people.models import Person

    users = []
    for journey, roles in JOURNEYS.items():
        for i in range(args.per_journey):
            role = roles[i % len(roles)]
            name = f"load-{journey}-{i}"
            user = User.objects.filter(username=name).first() or User(username=name)
            user.role, user.area = role, None
            user.set_password(PASSWORD)
            user.save()
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="load",
                                                         defaults={"confirmed": True})
            users.append({"username": name, "journey": journey, "totp_key": device.key})
    surnames = list(Person.objects.exclude(surname="").values_list("surname", flat=True)
                    .distinct()[:500])
    with open(args.out, "w") as fh:
        json.dump({"password": PASSWORD, "users": users, "surnames": surnames}, fh)
    print(f"{len(users)} load users and {len(surnames)} surnames written to {args.out}")
    return 0


# --- run: Locust in this process ------------------------------------------------------

def _totp(hex_key: str) -> str:
    import hmac
    from hashlib import sha1
    from struct import pack

    counter = int(time.time()) // 30
    digest = hmac.new(bytes.fromhex(hex_key), pack(">Q", counter), sha1).digest()
    offset = digest[-1] & 0xF
    code = (int.from_bytes(digest[offset:offset + 4], "big") & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PERSON = re.compile(r'href="/people/(\d+)/')
INCIDENT = re.compile(r'href="/incidents/(\d+)/')
TASK_FORM = re.compile(r'action="(/queues/[a-z_]+/tasks/\d+/complete/)">\s*<input type="hidden" '
                       r'name="csrfmiddlewaretoken" value="([^"]+)">\s*<input type="hidden" '
                       r'name="version" value="(\d+)">')


def _loadavg() -> list[str]:
    with open("/proc/loadavg") as fh:
        return fh.read().split()[:3]


def run(args) -> int:
    from locust import HttpUser, between, events, task
    from locust.env import Environment

    with open(args.users_file) as fh:
        data = json.load(fh)
    pools = {j: [u for u in data["users"] if u["journey"] == j] for j in JOURNEYS}
    # Round robin: one account per simulated user (a TOTP code is good once).
    turns = {j: itertools.count() for j in JOURNEYS}
    surnames = data["surnames"] or ["Smith"]
    errors: list[str] = []
    signed_in: list[str] = []

    class Signed(HttpUser):
        abstract = True
        wait_time = between(1, 3)  # a person reading a page before the next click
        journey = ""

        def on_start(self):
            pool = pools[self.journey]
            account = pool[next(turns[self.journey]) % len(pool)]
            page = self.client.get("/login/", name="sign in (page)")
            token = CSRF.search(page.text).group(1)
            response = self.client.post("/login/", name="sign in", data={
                "username": account["username"], "password": data["password"],
                "csrfmiddlewaretoken": token})
            if "/account/two-factor/" in response.url:
                token = CSRF.search(response.text).group(1)
                self.client.post(response.url, name="second factor", data={
                    "token": _totp(account["totp_key"]), "csrfmiddlewaretoken": token})
            signed_in.append(account["username"])

    class Casework(Signed):
        weight = 3
        journey = "casework"

        @task
        def search_and_open(self):
            surname = random.choice(surnames)
            found = self.client.get("/search/", params={"name": surname}, name="search")
            people = PERSON.findall(found.text)
            if people:
                page = self.client.get(f"/people/{random.choice(people[:10])}/",
                                       name="person page")
                incidents = INCIDENT.findall(page.text)
                if incidents and random.random() < 0.3:
                    self.client.get(f"/incidents/{random.choice(incidents)}/",
                                    name="incident page")

    class QueueWorker(Signed):
        weight = 1
        journey = "queue"

        @task
        def queue_and_complete(self):
            home = self.client.get("/queues/", name="queues")
            teams = re.findall(r'href="/queues/([a-z_]+)/"', home.text)
            if not teams:
                return
            queue = self.client.get(f"/queues/{random.choice(teams)}/", name="team queue")
            forms = TASK_FORM.findall(queue.text)
            if forms:
                action, token, version = random.choice(forms[:20])
                self.client.post(action, name="complete a task", data={
                    "csrfmiddlewaretoken": token, "version": version,
                    "outcome": "Contacted the victim; safety plan agreed (load test)"})

    class Dashboard(Signed):
        weight = 1
        journey = "dashboard"

        @task(3)
        def dashboard(self):
            self.client.get("/analytics/", name="dashboard")

        @task(1)
        def home(self):
            self.client.get("/", name="home")

    @events.request.add_listener
    def on_request(request_type, name, response_time, response_length, exception=None,
                   response=None, **kw):
        if exception is not None or (response is not None and response.status_code >= 400):
            errors.append(f"{name}: {exception or response.status_code}")

    env = Environment(user_classes=[Casework, QueueWorker, Dashboard], host=args.host,
                      events=events)
    runner = env.create_local_runner()
    load_before = _loadavg()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    # Everyone signs in first (password hashing is slow by design); the journeys are
    # measured from when the last user is in, so the figures are the steady state.
    spawn_started = time.monotonic()
    while len(signed_in) < args.users and time.monotonic() - spawn_started < 300:
        time.sleep(0.2)
    sign_in = {e.name: (e.num_requests, e.get_response_time_percentile(0.5),
                        e.get_response_time_percentile(0.95))
               for e in env.stats.entries.values()
               if e.name in ("sign in (page)", "sign in", "second factor")}
    sign_in_errors = list(errors)
    errors.clear()
    env.stats.reset_all()
    started = time.monotonic()
    while time.monotonic() - started < args.duration:
        time.sleep(1)
    runner.quit()
    load_after = _loadavg()

    stats = env.stats
    print(f"{args.users} users for {args.duration} s against {args.host}; "
          f"load average before {' '.join(load_before)}, after {' '.join(load_after)}; "
          f"{os.cpu_count()} cores")
    print(f"sign-in of all {len(signed_in)} users took {started - spawn_started:.1f} s "
          f"(errors {len(sign_in_errors)}): " + "; ".join(
              f"{name} x{n} median {p50:.0f} ms p95 {p95:.0f} ms"
              for name, (n, p50, p95) in sorted(sign_in.items())))
    print("then, every user signed in:")
    print(f"{'request':22} {'count':>7} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} "
          f"{'fails':>6}")
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        if not entry.num_requests:
            continue  # the sign-in requests, reported above
        print(f"{entry.name[:22]:22} {entry.num_requests:7d} "
              f"{entry.get_response_time_percentile(0.5):10.0f} "
              f"{entry.get_response_time_percentile(0.95):8.0f} {entry.max_response_time:8.0f} "
              f"{entry.num_failures:6d}")
    total = stats.total
    print(f"{'ALL':22} {total.num_requests:7d} {total.get_response_time_percentile(0.5):10.0f} "
          f"{total.get_response_time_percentile(0.95):8.0f} {total.max_response_time:8.0f} "
          f"{total.num_failures:6d}")
    print(f"throughput {total.num_requests / args.duration:.1f} requests/s; "
          f"errors {len(errors)}" + (f" (first: {errors[:5]})" if errors else ""))
    p95 = total.get_response_time_percentile(0.95)
    print(f"target p95 < 300 ms with no errors: {'met' if p95 < 300 and not errors else 'NOT met'}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("setup")
    p.add_argument("--out", default="/tmp/vigil-load-users.json")
    p.add_argument("--per-journey", type=int, default=20)
    p.set_defaults(func=setup)
    p = sub.add_parser("run")
    p.add_argument("--host", default="http://127.0.0.1:8105")
    p.add_argument("--users-file", default="/tmp/vigil-load-users.json")
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--spawn-rate", type=float, default=10)
    p.add_argument("--duration", type=int, default=120)
    p.set_defaults(func=run)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
