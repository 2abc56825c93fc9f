"""Prepare the django-helpdesk peer for one data size (run with the peer's own virtualenv).

Migrates its database, creates a staff user with an API token and a session, one queue, and
`--size` tickets with follow-ups spread over a year in the same proportions of open and closed
work as Laksana's generated complaints, using the same demo texts. Prints one JSON line.

Rows are built as model instances (so every default, e.g. the ticket's secret key, is the model's
own, as bulk_create would store them) and loaded with PostgreSQL COPY like Laksana's generator:
at 10^6 tickets bulk_create's INSERTs would take most of the bench's half hour. Then ANALYZE, as
Laksana's bench database gets.
"""

import argparse
import json
import random
import sys
import time
from datetime import timedelta

import django

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from laksana.bench.sequences import reserve_ids  # noqa: E402  (Django alone: see its docstring)

BATCH = 5000
# helpdesk statuses: 1 open, 2 reopened, 3 resolved, 4 closed, 5 duplicate
STATUSES = [(1, 22), (2, 2), (3, 8), (4, 64), (5, 4)]


def copy(model, objs: list) -> None:
    """COPY model instances (primary keys already set) with the values bulk_create would send.

    The instances hold plain values psycopg adapts itself (str, int, bool, aware datetimes,
    None): only JSON goes through the field (Django's per-field preparation would double the
    load time). Unlike bulk_create, the ticket's auto_now(_add) `created` and `modified` keep
    the times given (bulk_create set every ticket to the moment of loading), so the tickets
    are spread over a year as meant, like Laksana's complaints."""
    fields = model._meta.concrete_fields
    json = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    names = [f.attname for f in fields]
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as out:
        for obj in objs:
            values = obj.__dict__
            out.write_row(
                [
                    Jsonb(values[name]) if name in json and values[name] is not None
                    else values[name]
                    for name in names
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, required=True)
    parser.add_argument("--texts", required=True)
    parser.add_argument("--seed", type=int, default=2611)
    args = parser.parse_args()
    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    user, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    user.set_unusable_password()
    user.save()
    token, _created = Token.objects.get_or_create(user=user)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    queue, _created = Queue.objects.get_or_create(
        slug="pengaduan", defaults={"title": "Pengaduan", "allow_public_submission": True}
    )
    texts = json.loads(open(args.texts, encoding="utf-8").read())
    templates = [
        t
        for cat in texts["categories"].values()
        for kind in ("pengaduan", "aspirasi", "permintaan_informasi")
        for t in cat.get(kind, [])
    ]
    fill = {"street": "Jl. Merdeka", "landmark": "dekat pasar", "kelurahan": "Sukarasa",
            "kecamatan": "Tangerang"}
    rng = random.Random(args.seed)
    now = timezone.now()
    tickets = followups = 0
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")  # throwaway data, as for Laksana's
    for start in range(0, args.size, BATCH):
        n = min(BATCH, args.size - start)
        batch = []
        for _i in range(n):
            t = rng.choice(templates)
            created = now - timedelta(days=365 * rng.random() ** 1.4)
            status = rng.choices([s for s, _w in STATUSES], weights=[w for _s, w in STATUSES])[0]
            batch.append(
                Ticket(
                    title=t["title"],
                    queue=queue,
                    created=created,
                    modified=created + timedelta(hours=rng.uniform(1, 400)),
                    submitter_email=f"warga{rng.randrange(10**6)}@example.id",
                    status=status,
                    description=t["description"].format(**fill),
                    priority=rng.choice([2, 3, 3, 3, 4]),
                )
            )
        first = reserve_ids(Ticket, n)
        for k, ticket in enumerate(batch):
            ticket.id = first + k
        with transaction.atomic():
            copy(Ticket, batch)
            notes = []
            for ticket in batch:
                steps = 1 if ticket.status in (1, 2) else 4
                for k in range(steps):
                    notes.append(
                        FollowUp(
                            ticket=ticket,
                            date=ticket.created + timedelta(hours=k * 20),
                            title="Ticket Opened" if k == 0 else "Update",
                            comment=ticket.description if k == 0 else "Sedang ditindaklanjuti.",
                            public=True,
                            user=user if k else None,
                            new_status=ticket.status if k == steps - 1 and k else None,
                        )
                    )
            first = reserve_ids(FollowUp, len(notes))
            for k, note in enumerate(notes):
                note.id = first + k
            copy(FollowUp, notes)
        tickets += n
        followups += len(notes)
        sys.stderr.write(f"\r  helpdesk tickets {tickets}/{args.size}")
        sys.stderr.flush()
    sys.stderr.write("\n")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        json.dumps(
            {
                "token": token.key,
                "session": session.session_key,
                "queue": queue.id,
                "tickets": Ticket.objects.count(),
                "followups": followups,
                "seconds": time.monotonic() - started,
            }
        )
    )


if __name__ == "__main__":
    main()
