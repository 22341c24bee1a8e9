"""Cold start of the Lambda handlers: each run is a fresh Python process that imports the handler
module, then invokes it once (the first invocation builds the clients: "init") and once more (warm),
against the test stack. Median of the runs per figure; target: import + first invocation < 300 ms.

    .venv/bin/python bench/cold_start_bench.py [--repeat 5] [--functions DIR] [--imports]

- API: `deeplens.entrypoints.api.handler` with an API Gateway HTTP API (v2) `GET /api/health` event,
  and (api-chats) with `GET /api/chats` and a bearer token, a first request that needs no S3/Redis.
- Ingest: `deeplens.entrypoints.ingest.handler` with an SQS event of one record holding a tiny inline
  batch (two messages).

`--functions DIR` puts DIR first on the children's path (a copy of `functions/` with changes, to
compare before/after without touching the tree). `--imports` adds the heaviest imports of each
handler's first invocation (`-X importtime`, cumulative, one run). A fresh database per run of the
bench (dropped at the end); every child gets its own batch id, so each ingests for real."""

from __future__ import annotations

# The standard library only at module level: the children run this file (see main).
import argparse
import hashlib
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

SESSION = "coldstart"
TOKEN = [""]  # the bearer token of the authenticated API request, made per run of the bench
TARGET_MS = 300.0
HEAVY = ("boto3", "botocore", "fastapi", "starlette", "pydantic", "pydantic_settings", "psycopg",
         "psycopg_pool", "redis", "mangum", "aws_lambda_powertools", "deeplens")  # fmt: skip


def api_event(path: str, query: str = "", token: str | None = None) -> dict[str, Any]:
    """A GET as API Gateway HTTP API sends it (payload format 2.0)."""
    headers = {"host": "api.example.com", "user-agent": "cold-start-bench"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    return {
        "version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012", "apiId": "api", "domainName": "api.example.com",
            "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": "198.51.100.7", "userAgent": "cold-start-bench"},
            "requestId": uuid.uuid4().hex, "routeKey": "$default", "stage": "$default",
            "time": "24/Nov/2025:12:00:00 +0000", "timeEpoch": 1764000000000,
        },
        "isBase64Encoded": False,
    }  # fmt: skip


def sqs_event(run: int) -> dict[str, Any]:
    """One SQS record: a batch pointer with two messages inline (new ids per run: really applied)."""
    from deeplens.domain.batch import BatchPointer, encode_pointer

    at = 1_764_000_000_000 + run * 10_000
    events = [
        {
            "v": 1, "event_id": f"cold-{run}-{n}", "session": SESSION, "kind": "message",
            "occurred_at_ms": at + n, "source": "live", "chat_jid": "4915112345678@s.whatsapp.net",
            "chat_kind": "direct", "message_id": f"3EB0COLD{run:04d}{n:04d}",
            "sender_jid": "4915112345678@s.whatsapp.net", "sender_alt_jid": None, "from_me": False,
            "push_name": "Cold", "timestamp_ms": at + n, "type": "text", "text": f"cold start {run} {n}",
            "media": None, "quoted": None, "mentions": [],
            "flags": {"view_once": False, "ephemeral": False, "forwarded": False},
            "location": None, "contacts": [], "poll": None, "raw": {"conversation": f"cold start {run}"},
        }
        for n in range(2)
    ]  # fmt: skip
    batch_id = f"cold{run:04d}{uuid.uuid4().hex[:8]}"
    pointer = BatchPointer(
        batch_id=batch_id,
        session=SESSION,
        bucket="deeplens-events",
        key=f"events/{SESSION}/2025/11/24/{batch_id}.jsonl.gz",
        count=len(events),
        events=events,
    )
    record = {
        "messageId": str(uuid.uuid4()), "receiptHandle": "r", "body": encode_pointer(pointer),
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1764000000000"},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:deeplens-ingest", "awsRegion": "us-east-1",
    }  # fmt: skip
    return {"Records": [record]}


class _Context:
    function_name = "cold-start-bench"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:cold-start-bench"
    aws_request_id = "cold-start"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


def child(kind: str, event_path: str, started_ns: int) -> dict[str, Any]:
    """In the fresh process: import the handler module, invoke it twice, report the times."""
    entered = time.perf_counter()
    interpreter_ms = (time.time_ns() - started_ns) / 1e6  # from the parent's spawn to here
    event = json.loads(Path(event_path).read_text())
    before = time.perf_counter()
    if kind.startswith("api"):
        from deeplens.entrypoints import api as module
    else:
        from deeplens.entrypoints import ingest as module  # type: ignore[no-redef]
    imported = time.perf_counter()
    first = module.handler(event, _Context())
    invoked = time.perf_counter()
    if kind == "ingest":
        event = json.loads(Path(event_path + ".warm").read_text())
    second = module.handler(event, _Context())
    warm = time.perf_counter()
    check(kind, first)
    check(kind, second)
    return {
        "interpreter_ms": interpreter_ms,
        "import_ms": (imported - before) * 1000,
        "first_ms": (invoked - imported) * 1000,
        "warm_ms": (warm - invoked) * 1000,
        "total_ms": (invoked - entered) * 1000 + interpreter_ms,
        "modules": len(sys.modules),
        "rss_mb": peak_rss_mb(),
    }


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM); ru_maxrss would say max(parent, child): Linux carries the
    parent's RSS at spawn time into a child's ru_maxrss across exec."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


def child_phases(kind: str, event_path: str) -> dict[str, Any]:
    """In the fresh process: the same work as `child`, step by step, to see where the time goes."""
    event = json.loads(Path(event_path).read_text())
    marks = [time.perf_counter()]
    if kind.startswith("api"):
        from deeplens import bootstrap  # settings, pool, Redis and S3 adapters and their libraries

        marks.append(time.perf_counter())
        from deeplens.entrypoints.api import make_handler
        from deeplens.entrypoints.http import app  # noqa: F401  FastAPI, the routes, the schemas

        marks.append(time.perf_counter())
        deps = bootstrap.api_deps()  # settings, pool (first connection), Redis and S3 clients
        marks.append(time.perf_counter())
        handler = make_handler(deps)  # the app and Mangum
        marks.append(time.perf_counter())
        check(kind, handler(event, _Context()))
        marks.append(time.perf_counter())
        names = ("bootstrap imports", "web imports", "clients", "app", "request")
    else:
        from deeplens import bootstrap

        marks.append(time.perf_counter())
        from deeplens.entrypoints import ingest

        marks.append(time.perf_counter())
        ingest_deps = bootstrap.ingest_deps()
        marks.append(time.perf_counter())
        check(kind, ingest.handler(event, _Context(), ingest_deps))  # type: ignore[arg-type]
        marks.append(time.perf_counter())
        names = ("bootstrap imports", "handler imports", "clients", "request")
    return {name: (end - start) * 1000 for name, start, end in zip(names, marks[:-1], marks[1:], strict=True)}


def check(kind: str, response: Any) -> None:
    if kind.startswith("api") and response.get("statusCode") != 200:
        raise SystemExit(f"{kind} answered {response.get('statusCode')}: {response.get('body')}")
    if kind == "ingest" and response.get("batchItemFailures"):
        raise SystemExit(f"ingest failed: {response}")


def run_child(
    kind: str,
    env: dict[str, str],
    event_dir: Path,
    seed: int,
    *,
    flags: tuple[str, ...] = (),
    phases: bool = False,
) -> tuple[dict[str, Any], str]:
    path = event_dir / f"{kind}-{seed}.json"
    if kind.startswith("api"):
        event = api_event("/api/health") if kind == "api" else api_event("/api/chats", "limit=50", TOKEN[0])
        path.write_text(json.dumps(event))
        Path(str(path) + ".warm").write_text(json.dumps(event))
    else:
        path.write_text(json.dumps(sqs_event(seed * 2)))
        Path(str(path) + ".warm").write_text(json.dumps(sqs_event(seed * 2 + 1)))
    mode = "phases" if phases else kind
    done = subprocess.run(
        [sys.executable, *flags, __file__, "--child", mode, kind, str(path), str(time.time_ns())],
        capture_output=True, text=True, check=False, env=env, cwd=event_dir,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{kind} child failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def heaviest_imports(stderr: str) -> list[tuple[str, float]]:
    """The cumulative import time of each heavy package (where it was first imported), from
    `-X importtime`; nested packages count inside their importer too (botocore inside boto3)."""
    totals: dict[str, float] = {}
    for row in stderr.splitlines():
        parts = row.removeprefix("import time:").split("|")
        if not row.startswith("import time:") or len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].strip()
        if name in HEAVY:
            totals[name] = int(parts[1]) / 1000
    return sorted(totals.items(), key=lambda item: -item[1])


def child_env(stack: dict[str, str], url: str, functions: str | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG", "TZ")}
    env |= stack | {
        "DATABASE_URL": url,
        "SESSION_ID": SESSION,
        "ADMIN_PASSWORD": "cold-start-" + uuid.uuid4().hex,
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_SERVICE_NAME": "cold-start-bench",
    }
    if functions:
        env["PYTHONPATH"] = str(Path(functions).resolve())
    return env


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--functions", help="also measure deeplens imported from this functions/ copy")
    parser.add_argument("--imports", action="store_true", help="also list the heaviest imports")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, kind, path, started_ns = args.child
        result = child_phases(kind, path) if mode == "phases" else child(kind, path, int(started_ns))
        sys.stdout.write(json.dumps(result) + "\n")
        return
    # Imported here, not at the top: a child must start with nothing but the standard library.
    import psycopg
    from devstack.config import StackConfig
    from devstack.databases import create_database, drop_database
    from devstack.stack import up

    stack = up(StackConfig.load("test"), ("s3rver",))["s3rver"]
    admin = stack["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    url = create_database(admin, "bench_cold")
    try:
        TOKEN[0] = secrets.token_urlsafe(32)
        with psycopg.connect(url) as conn:
            conn.execute(
                "INSERT INTO api_credentials (id, kind, name, secret_hash)"
                " VALUES (gen_random_uuid(), 'token', 'cold start bench', %s)",
                (hashlib.sha256(TOKEN[0].encode()).digest(),),
            )
        variants = {"tree": child_env(stack, url, None)}
        if args.functions:
            variants[Path(args.functions).resolve().parent.name] = child_env(stack, url, args.functions)
        with tempfile.TemporaryDirectory(prefix="cold-start-") as folder:
            report(args, variants, Path(folder))
    finally:
        drop_database(admin, url)


def report(args: argparse.Namespace, variants: dict[str, dict[str, str]], folder: Path) -> None:
    print(f"cold start benchmark: median of {args.repeat} fresh processes per figure (variants alternate)")
    print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"  {'handler':<16} {'python':>7} {'import':>7} {'1st call':>9} {'import+1st':>11} {'warm':>6}"
        f" {'modules':>8} {'RSS MB':>7}  target import+1st < {TARGET_MS:g} ms | SnapStart: 1st call"
    )
    seeds = iter(range(10_000))
    for kind in ("api", "api-chats", "ingest"):
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in variants}
        phases: dict[str, list[dict[str, Any]]] = {name: [] for name in variants}
        for _ in range(args.repeat):
            for name, env in variants.items():
                runs[name].append(run_child(kind, env, folder, next(seeds))[0])
                phases[name].append(run_child(kind, env, folder, next(seeds), phases=True)[0])
        for name, env in variants.items():
            print_runs(f"{kind} ({name})", runs[name], phases[name])
            if args.imports:
                _, stderr = run_child(kind, env, folder, next(seeds), flags=("-X", "importtime"))
                heavy = ", ".join(f"{package} {ms:.0f}" for package, ms in heaviest_imports(stderr))
                print(f"      heaviest imports (ms, cumulative, one run): {heavy}")
    print("  (ms; python = interpreter start until the child runs; import = the handler module;")
    print("   1st call = the first invocation, which builds settings, pool, clients (init) and answers;")
    print("   warm = the second invocation; steps = the same work step by step in another process;")
    print("   api = GET /api/health (PostgreSQL, Redis and S3 checked), api-chats = GET /api/chats with a")
    print("   bearer token (PostgreSQL only), ingest = one SQS record with an inline batch of two messages;")
    print("   SnapStart (template.yaml): import is in the snapshot, a restore pays the 1st call)")


def print_runs(label: str, runs: list[dict[str, Any]], phases: list[dict[str, Any]]) -> None:
    def median(key: str) -> float:
        return statistics.median(run[key] for run in runs)

    cold = statistics.median(run["import_ms"] + run["first_ms"] for run in runs)
    print(
        f"  {label:<16} {median('interpreter_ms'):>7.0f} {median('import_ms'):>7.0f}"
        f" {median('first_ms'):>9.0f} {cold:>11.0f} {median('warm_ms'):>6.1f} {median('modules'):>8.0f}"
        f" {median('rss_mb'):>7.0f}  {'met' if cold < TARGET_MS else 'MISSED':<6}"
        f" | {'met' if median('first_ms') < TARGET_MS else 'MISSED'}"
    )
    steps = ", ".join(f"{step} {statistics.median(p[step] for p in phases):.0f}" for step in phases[0])
    print(f"      steps: {steps}")


if __name__ == "__main__":
    main()
