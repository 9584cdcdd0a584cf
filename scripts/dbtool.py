"""Small database chores for the shell scripts: (re)create or drop a database named by a URL.

Kept in Python (psycopg from the project's virtualenv) because psql may not be installed.
Usage: dbtool.py create|recreate|drop DATABASE_URL
"""

from __future__ import annotations

import sys
from urllib.parse import urlparse

import psycopg


def main(action: str, url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and action in {"recreate", "drop"}:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if action in {"create", "recreate"} and (action == "recreate" or not exists):
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
