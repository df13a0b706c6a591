"""A scratch PostgreSQL database for a benchmark, made empty again at each run."""

import subprocess
from urllib.parse import urlparse


def recreate_database(url: str) -> None:
    """Drop and create the database `url` names (postgres://user@host:port/name), through psql."""
    parts = urlparse(url)
    base = ["psql", "-h", parts.hostname, "-p", str(parts.port or 5432), "-U", parts.username, "-d", "postgres", "-qc"]
    name = parts.path.lstrip("/")
    subprocess.run([*base, f"DROP DATABASE IF EXISTS {name}"], check=True)
    subprocess.run([*base, f"CREATE DATABASE {name}"], check=True)
