"""`devstack env --sam`: every variable it sets is one template.yaml declares for that function
(SAM local silently ignores the others), with endpoints the function containers can reach."""

from __future__ import annotations

from typing import Any

from devstack.sam_env import FUNCTIONS, rehost, sam_env

from tests.unit.test_template import _template

STACK = {
    "DATABASE_URL": "postgresql://deeplens:pw@127.0.0.1:25432/deeplens",
    "MINIO_ENDPOINT": "127.0.0.1", "MINIO_PORT": "24568", "MINIO_ACCESS_KEY": "S3RVER",
    "MINIO_SECRET_KEY": "S3RVER", "MINIO_BUCKET": "whatsapp-media", "EVENTS_BUCKET": "deeplens-events",
    "SQS_ENDPOINT_URL": "http://127.0.0.1:24566", "SQS_ACCESS_KEY": "test", "SQS_SECRET_KEY": "test",
    "INGEST_QUEUE_URL": "http://127.0.0.1:24566/123456789012/deeplens-ingest",
    "REDIS_HOST": "127.0.0.1", "REDIS_PORT": "26379",
}  # fmt: skip
HASH = "scrypt$16384$8$1$c2FsdA==$aGFzaA=="


def _declared(template: dict[str, Any], function: str) -> set[str]:
    globals_ = set(template["Globals"]["Function"]["Environment"]["Variables"])
    own = template["Resources"][function]["Properties"].get("Environment", {}).get("Variables", {})
    return globals_ | set(own)


def test_every_variable_is_declared_for_its_function() -> None:
    template = _template()
    for function, variables in sam_env(STACK, "host.docker.internal", HASH).items():
        assert set(variables) <= _declared(template, function), function


def test_every_function_of_the_template_gets_its_variables() -> None:
    functions = {n for n, r in _template()["Resources"].items() if r["Type"] == "AWS::Serverless::Function"}
    assert set(sam_env(STACK, "host.docker.internal", HASH)) == functions == set(FUNCTIONS)


def test_endpoints_point_at_the_host_and_media_at_the_browser() -> None:
    api = sam_env(STACK, "host.docker.internal", HASH)["ApiFunction"]
    assert api["DATABASE_URL"] == "postgresql://deeplens:pw@host.docker.internal:25432/deeplens"
    assert (api["MINIO_ENDPOINT"], api["REDIS_HOST"]) == ("host.docker.internal", "host.docker.internal")
    assert (api["MEDIA_DELIVERY"], api["MEDIA_PUBLIC_ENDPOINT"]) == ("redirect", "http://127.0.0.1:24568")
    assert api["ADMIN_PASSWORD_HASH"] == HASH and api["COOKIE_SECURE"] == "false"
    reconcile = sam_env(STACK, "host.docker.internal", HASH)["ReconcileFunction"]
    assert reconcile["INGEST_QUEUE_URL"] == "http://host.docker.internal:24566/123456789012/deeplens-ingest"
    assert api["TRANSFER_QUEUE_URL"] == ""  # no queue trigger under sam local: the API runs jobs
    jobs = sam_env(STACK, "host.docker.internal", HASH)["TransferJobFunction"]
    assert jobs["INGEST_QUEUE_URL"] == reconcile["INGEST_QUEUE_URL"]


def test_rehost_keeps_credentials_port_and_path_and_leaves_other_hosts() -> None:
    assert rehost("postgresql://u:p@localhost:5/db", "h") == "postgresql://u:p@h:5/db"
    assert rehost("http://db.example:5/x", "h") == "http://db.example:5/x"
