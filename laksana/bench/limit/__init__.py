"""The stack limit: a bare Django app the bench serves beside Laksana, on the same server
(granian, 2 workers), settings (DEBUG=0, secret, ALLOWED_HOSTS, DATABASE_URL, psycopg pool) and
database, reading the same complaints table, with no middleware, sessions, translations or
templates beyond what each endpoint needs. What it answers in a run is what Django, django-ninja
and PostgreSQL can do on this machine at that moment; Laksana's figures are reported against it
(bench/README.md, "The stack limit").

Settings: laksana.bench.limit.settings. Served by `python -m laksana.bench.limit.serve`.
"""
