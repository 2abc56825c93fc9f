"""Large exports off the request: a console list of more than JOB_ROWS rows is written to a file
by the worker (`laksana worker`), with its progress on a page the browser polls; small ones stay
direct and streamed (views.export).

Steps: `start` counts the rows and records an ExportJob, queued after the commit; the task
`run` rebuilds the table as the owner may see it now (their roles are read again: a role taken
away since stops the export), writes it under EXPORTS_DIR batch by batch, counting rows as it
goes, and renames the finished file into place; `open_file` hands it back to its owner only.
Jobs and files older than KEEP are removed when the next job runs.
"""

import csv
import logging
import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from laksana.agencies.services import Staff, staff_in
from laksana.common import clock
from laksana.common.errors import NotFound
from laksana.console import search

from . import exports
from .models import ExportJob
from .periods import Period
from .services import Scope

log = logging.getLogger("laksana.reports")
S = ExportJob.State
PROGRESS_EVERY = 500  # rows between two progress updates
KEEP = timedelta(days=7)  # finished exports and their files are removed after this


def job_rows() -> int:
    """Above this many rows a list export runs as a job (settings.REPORTS_EXPORT_JOB_ROWS)."""
    return int(getattr(settings, "REPORTS_EXPORT_JOB_ROWS", 5000))


def exports_dir() -> Path:
    return Path(getattr(settings, "REPORTS_EXPORTS_DIR", settings.DATA_DIR / "exports"))


def list_rows(staff: Staff, query: QueryDict) -> int:
    """How many rows the console list's export would have (the same filters, the same scope)."""
    return search.filtered(staff, search.Filters.from_query(query)).count()


def start(staff: Staff, report: str, fmt: str, query: QueryDict, *, total: int, name: str):
    job = ExportJob.objects.create(
        region=staff.region,
        user=staff.user,
        report=report,
        fmt=fmt,
        query=query.urlencode(),
        total=total,
        download_name=f"{name}.{fmt}",
        created_at=clock.now(),
    )
    transaction.on_commit(lambda: queue(job.pk), robust=True)
    return job


def queue(job_id: int) -> None:
    """Hand the job to the worker. If the queue is away the job stays queued, and
    `laksana report export-jobs` runs what waits."""
    from .tasks import export

    try:
        export.enqueue(job_id)
    except DatabaseError:
        log.warning("reports: could not queue export %s", job_id, exc_info=True)


def _rows_of(job: ExportJob, staff: Staff) -> exports.Table:
    query = QueryDict(job.query)
    if job.report == "daftar":
        return exports.complaint_list(staff, query)
    today = clock.now().astimezone(staff.region.tz).date()
    period = Period.from_query(query, today=today)
    return exports.REPORTS[job.report](Scope.for_staff(staff), period)


def _counting(job: ExportJob, rows):
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk).update(done=done)
    job.done = done


def prune() -> int:
    """Remove the jobs older than KEEP and their files; how many."""
    old = ExportJob.objects.filter(created_at__lt=clock.now() - KEEP)
    for name in old.exclude(file_name="").values_list("file_name", flat=True):
        (exports_dir() / name).unlink(missing_ok=True)
    return old.delete()[0]


def run(job_id: int) -> ExportJob:
    """Write the job's file (idempotent: a finished or failed job is left as it is; a running
    one is the job of a worker that died, which the worker runs again after its lease)."""
    prune()
    claimed = ExportJob.objects.filter(pk=job_id, state__in=[S.QUEUED, S.RUNNING]).update(
        state=S.RUNNING, done=0
    )
    job = ExportJob.objects.select_related("region", "user").get(pk=job_id)
    if not claimed:
        return job
    folder = exports_dir()
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{job.pk}-{os.urandom(8).hex()}.{job.fmt}"
    partial = final.with_suffix(final.suffix + ".part")
    try:
        staff = staff_in(job.user, job.region)
        table = _rows_of(job, staff)
        table.rows = _counting(job, table.rows)
        if job.fmt == "csv":
            with partial.open("w", encoding="utf-8", newline="") as out:
                out.write("\ufeff")
                writer = csv.writer(out)
                writer.writerow(table.columns)
                writer.writerows(table.rows)
        else:
            partial.write_bytes(exports.xlsx_bytes([table]))
        partial.rename(final)
    except Exception as exc:  # the job's page says it failed; the log keeps why
        partial.unlink(missing_ok=True)
        message = str(getattr(exc, "detail", "")) or exc.__class__.__name__
        ExportJob.objects.filter(pk=job.pk).update(
            state=S.FAILED, error=message, finished_at=clock.now()
        )
        if not isinstance(exc, NotFound):
            log.exception("reports: export %s failed", job.pk)
        job.refresh_from_db()
        return job
    ExportJob.objects.filter(pk=job.pk).update(
        state=S.DONE, done=job.done, file_name=final.name, finished_at=clock.now()
    )
    job.refresh_from_db()
    return job


def job_of(staff: Staff, pk: int) -> ExportJob:
    """The staff member's own job in this region; anyone else's is not found."""
    job = ExportJob.objects.filter(pk=pk, region=staff.region, user=staff.user).first()
    if job is None:
        raise NotFound(_("Tidak ditemukan."))
    return job


def open_file(job: ExportJob):
    path = exports_dir() / job.file_name if job.file_name else None
    if job.state != S.DONE or path is None or not path.is_file():
        raise NotFound(_("Berkas ekspor tidak ada (belum selesai atau sudah dihapus)."))
    return path.open("rb")
