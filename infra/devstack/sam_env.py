"""`python -m devstack env --sam [--host H]`: the `sam local --env-vars` file for the running local
stack, one object per function of template.yaml.

- endpoints rewritten for the function containers: `--host host.docker.internal` (Docker Desktop,
  the default) or `--host 127.0.0.1` with `sam local ... --docker-network host` (Linux: the
  stack's servers listen on the loopback only, which the bridge gateway cannot reach);
- the admin password as the hash `make run` stored in the archive (the API's first start keeps it);
- media as a 302 to URLs presigned for the address the *browser* reaches s3rver at (127.0.0.1),
  not the container's, as in AWS (MEDIA_DELIVERY=redirect, MEDIA_PUBLIC_ENDPOINT).
SAM only overrides variables the template declares for a function (template.yaml declares these)."""

from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

import psycopg
from deeplens.adapters import auth_store

LOOPBACK = ("127.0.0.1", "localhost")
FUNCTIONS = ("ApiFunction", "IngestFunction", "ReconcileFunction", "MigrateFunction", "TransferJobFunction")


def rehost(url: str, host: str) -> str:
    """`url` with a loopback host replaced by `host` (port, path and credentials kept)."""
    parts = urlsplit(url)
    if parts.hostname not in LOOPBACK:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    address = netloc[-1].replace(parts.hostname, host, 1)
    return urlunsplit(parts._replace(netloc="@".join([*netloc[:-1], address])))


def stored_admin_hash(database_url: str) -> str:
    with psycopg.connect(database_url, connect_timeout=5) as conn:
        stored = auth_store.stored_password_hash(conn)
    if stored is None:
        raise RuntimeError("no admin password in this archive yet: run `make run` once and set it")
    return stored


def sam_env(env: dict[str, str], host: str, admin_hash: str) -> dict[str, dict[str, str]]:
    """Per function, the variables that point it at the local stack."""
    on_host = env["MINIO_ENDPOINT"] if env["MINIO_ENDPOINT"] not in LOOPBACK else host
    common = {
        "DATABASE_URL": rehost(env["DATABASE_URL"], host),
        "MINIO_ENDPOINT": on_host,
        "MINIO_PORT": env["MINIO_PORT"],
        "MINIO_ACCESS_KEY": env["MINIO_ACCESS_KEY"],
        "MINIO_SECRET_KEY": env["MINIO_SECRET_KEY"],
        "MINIO_BUCKET": env["MINIO_BUCKET"],
        "SESSION_ID": env.get("SESSION_ID", "primary_agent"),
        "LOG_LEVEL": "DEBUG",
    }
    queue = {
        "EVENTS_BUCKET": env["EVENTS_BUCKET"],
        "SQS_ENDPOINT_URL": rehost(env["SQS_ENDPOINT_URL"], host),
        "SQS_ACCESS_KEY": env["SQS_ACCESS_KEY"],
        "SQS_SECRET_KEY": env["SQS_SECRET_KEY"],
        "INGEST_QUEUE_URL": rehost(env["INGEST_QUEUE_URL"], host),
    }
    api = {
        "REDIS_HOST": host if env["REDIS_HOST"] in LOOPBACK else env["REDIS_HOST"],
        "REDIS_PORT": env["REDIS_PORT"],
        "REDIS_TLS": "false",
        "REDIS_USERNAME": "",
        "REDIS_PASSWORD": env.get("REDIS_PASSWORD", ""),
        "ADMIN_PASSWORD_HASH": admin_hash,
        "COOKIE_SECURE": "false",  # http://127.0.0.1:3000
        "ORIGIN_VERIFY_SECRET": "",
        "MEDIA_DELIVERY": "redirect",
        "MEDIA_PUBLIC_ENDPOINT": f"http://127.0.0.1:{env['MINIO_PORT']}",
        # sam local triggers no function from a queue: the API runs import/export jobs itself.
        "TRANSFER_QUEUE_URL": "",
        "SQS_ENDPOINT_URL": queue["SQS_ENDPOINT_URL"],
        "SQS_ACCESS_KEY": queue["SQS_ACCESS_KEY"],
        "SQS_SECRET_KEY": queue["SQS_SECRET_KEY"],
    }
    return {
        "ApiFunction": common | api,
        "TransferJobFunction": common | queue,  # `sam local invoke` with an SQS event of a job
        "IngestFunction": common | {"EVENTS_BUCKET": env["EVENTS_BUCKET"]},
        "ReconcileFunction": common | queue,
        "MigrateFunction": {"DATABASE_URL": common["DATABASE_URL"], "MIGRATIONS_DIR": "/var/task/migrations"},
    }


def render(env: dict[str, str], host: str) -> str:
    return json.dumps(sam_env(env, host, stored_admin_hash(env["DATABASE_URL"])), indent=2) + "\n"
