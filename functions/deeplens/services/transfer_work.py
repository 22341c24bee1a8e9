"""The job function's work (AWS): one message of the jobs queue is one import or export job, run
with the code the API's worker threads run locally (services/import_jobs.py, export_jobs.py) and
the job's heartbeat kept while it runs."""

from __future__ import annotations

from deeplens.domain.errors import InvalidRequest, NotFound
from deeplens.services.export_jobs import run_export_job
from deeplens.services.import_jobs import run_import
from deeplens.services.transfer_jobs import TransferDeps, for_account, logger, parse_job_message


def run_job_message(deps: TransferDeps, body: str) -> bool:
    """Runs the job the message names; False when there is nothing to run (a malformed message, a
    job this session does not have), which is logged and dropped. A failure before the job started
    (the database unreachable) is raised, so the queue delivers the message again; a failure of
    the job itself is recorded in its row (failed, with the reason)."""
    try:
        job = parse_job_message(body)
    except InvalidRequest as error:
        logger.error("jobs queue: message dropped", extra={"reason": error.message})
        return False
    scoped = for_account(deps, job.session)
    work = {
        "import": lambda: run_import(scoped, job.job_id),
        "export": lambda: run_export_job(scoped, job.job_id),
    }
    try:
        scoped.runner.run_here(job.job_id, work[job.kind])
    except NotFound:
        logger.error("jobs queue: no such job", extra={"kind": job.kind, "job": str(job.job_id)})
        return False
    return True
