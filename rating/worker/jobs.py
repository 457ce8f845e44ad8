"""The worker's jobs: what runs on schedule, each also runnable by hand (`flask worker run-job`).

Times are UTC (Huey's crontab), all after midnight in Paris, summer and winter. A job returns
a one-line summary; a check that finds a problem raises JobFailed. Shared jobs go through the
queue (one host runs each, rating.worker.queue); per-host jobs (this host's index, its
open-data files) run in the host's own thread (rating.worker.tail), never as a task another
host may take.
"""

import logging
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from huey import crontab
from sqlalchemy import select

from rating import backup, mail
from rating.audit.verification import verify as verify_chain
from rating.auth import throttle
from rating.auth.sessions import prune_expired_sessions
from rating.db import utcnow
from rating.models import Publication
from rating.notifications import bounces, digest
from rating.opendata.export import export_all
from rating.scores.expire import expire
from rating.scores.recompute import recompute
from rating.search import verify as verify_index
from rating.search.outbox import prune_log
from rating.suggestions import sirene_lookup

from . import reminders

log = logging.getLogger("rating.worker")


class JobFailed(Exception):
    """A check found a problem (its message says which)."""


@dataclass(frozen=True)
class Job:
    name: str
    schedule: str  # "minute hour" in UTC, crontab style
    help: str
    run: object  # function(app) -> str
    per_host: bool = False

    @property
    def every(self) -> str:
        return "hour" if self.schedule.split()[1] == "*" else "day"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    summary: str
    at: str
    seconds: float

    def as_dict(self) -> dict:
        return asdict(self)


def _write(app):
    return app.extensions["rating.db.write"]()


def deliver_mail(app) -> str:
    with _write(app) as session:
        sent, failed = mail.deliver_pending(session)
    return f"{sent} message(s) envoyé(s), {failed} en échec"


def scores_expire(app) -> str:
    with _write(app) as session:
        done = expire(session)
    return f"{done.moved} résumé(s) avancé(s), {done.reviews} avis sorti(s) de la fenêtre"


def prune(app) -> str:
    with _write(app) as session:
        attempts = throttle.prune(session)
        sessions = prune_expired_sessions(session)
        session.commit()
    return f"{attempts} tentative(s) et {sessions} session(s) expirée(s) supprimées"


def notifications_digest(app) -> str:
    with _write(app) as session:
        day = digest.yesterday()
        queued = digest.send_digests(session, day)
    return f"résumés du {day.isoformat()} : {queued} envoyé(s)"


def mail_bounces(app) -> str:
    path = app.config.get("WORKER_BOUNCE_MAILBOX")
    if not path:
        return "WORKER_BOUNCE_MAILBOX non défini : rien à lire"
    with _write(app) as session:
        count = bounces.read_bounces(session, Path(path))
    return f"{count.read} message(s) lu(s), {count.hard} échec(s) définitif(s)"


def database_backup(app) -> str:
    url = app.config["DATABASE_URL"]
    path = backup.default_path(url, Path(app.instance_path) / "backups")
    try:
        done = backup.backup(url, path)
    except backup.BackupError as exc:
        raise JobFailed(str(exc)) from None
    return f"sauvegarde {done.path} ({done.rows} lignes)"


def audit_head_path(app) -> Path:
    """The chain head this host saw at its last good check ("SEQ:HASH"), kept outside the
    database: a chain rewritten or truncated since then fails the next check."""
    return Path(app.instance_path) / "audit-head"


def audit_verify(app) -> str:
    path = audit_head_path(app)
    seen = path.read_text().strip() if path.exists() else ""
    heads = [(int(seen.split(":")[0]), seen.split(":")[1])] if ":" in seen else []
    with app.extensions["rating.db.read"]() as session:
        problem = verify_chain(session, expect_heads=heads)
        head = session.execute(
            select(Publication.sequence, Publication.chain_hash)
            .order_by(Publication.sequence.desc())
            .limit(1)
        ).first()
    if problem:
        raise JobFailed(problem)
    if head is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{head.sequence}:{head.chain_hash}\n")
    return "chaîne des publications intègre" + (f" (tête n° {head.sequence})" if head else "")


def scores_check(app) -> str:
    """`scores recompute --check`: the summaries against their reviews, writing nothing."""
    with app.extensions["rating.db.read"]() as session:
        drifts = recompute(session, check=True)
        session.rollback()
    if drifts:
        listed = ", ".join(str(drift.company_id) for drift in drifts[:20])
        raise JobFailed(f"{len(drifts)} résumé(s) différent(s) des avis : {listed} "
                        "(flask scores recompute)")  # fmt: skip
    return "résumés conformes aux avis"


def search_verify(app) -> str:
    drift = verify_index(app)
    if not drift.ok:
        raise JobFailed(
            f"index : {len(drift.missing)} manquante(s), {len(drift.extra)} en trop, "
            f"{len(drift.stale)} périmée(s) (flask search rebuild)"
        )
    return f"index conforme ({drift.pending} modification(s) en attente)"


def search_prune(app) -> str:
    pruned = prune_log(app)
    if pruned.stale:
        raise JobFailed(
            f"{pruned.deleted} modification(s) supprimée(s) ; à reconstruire (flask search "
            f"rebuild sur l'hôte) : {', '.join(pruned.stale)}"
        )
    return f"{pruned.deleted} modification(s) supprimée(s) du journal de recherche"


def moderation_reminders(app) -> str:
    with _write(app) as session:
        queued = reminders.remind_moderators(session)
    return f"{queued} rappel(s) aux modérateurs"


def opendata_export(app) -> str:
    """Per host: each host serves /api/v1/reviews.csv from its own OPENDATA_DIR, so a shared
    job (run by one host a day) would leave the others' files stale. Regenerating on every
    host costs one read of the reviews per host and day and needs no shared storage (which
    would add a mount every host depends on); the file is renamed into place, so a reader
    never sees half of one."""
    export_all(app)
    return "données ouvertes exportées"


def sirene_lookups(app) -> str:
    """Per host (each keeps its own SIRENE stock file): read it once for the pending
    suggestions' SIRENs not answered yet, so « Préremplir depuis SIRENE » answers at once."""
    stock = sirene_lookup.stock_file(app.config, app.instance_path)
    if not stock.is_file():
        return f"pas de fichier SIRENE sur cet hôte ({stock}) : rien à chercher"
    with app.extensions["rating.db.read"]() as session:
        sirens = sirene_lookup.pending_sirens(session)
    try:
        looked, found = sirene_lookup.cache_missing(
            stock, sirene_lookup.cache_file(app.instance_path), sirens
        )
    except (sirene_lookup.MalformedFile, sirene_lookup.LayoutError) as exc:
        raise JobFailed(f"fichier SIRENE {stock} illisible : {exc}") from None
    return f"{looked} SIREN cherché(s) dans {stock.name}, {found} trouvé(s)"


JOBS = (
    Job("scores-expire", "5 0", "avis sortis de la fenêtre de 36 mois", scores_expire),
    Job("notifications-digest", "10 0", "résumés quotidiens", notifications_digest),
    Job("prune", "20 0", "tentatives de connexion et sessions expirées", prune),
    Job("mail-bounces", "30 0", "retours en erreur (WORKER_BOUNCE_MAILBOX)", mail_bounces),
    Job("backup", "0 1", "sauvegarde de la base (instance/backups)", database_backup),
    Job("scores-check", "15 1", "résumés comparés aux avis", scores_check),
    Job("audit-verify", "30 1", "vérification de la chaîne des publications", audit_verify),
    Job("opendata-export", "0 2", "export des données ouvertes de cet hôte", opendata_export,
        per_host=True),
    Job("moderation-reminders", "15 *", "délai de modération proche", moderation_reminders),
    Job("search-prune", "30 2", "journal de recherche déjà appliqué partout", search_prune),
    Job("search-verify", "0 3", "index de cet hôte / base", search_verify, per_host=True),
    Job("sirene-lookups", "30 3", "SIREN des suggestions dans le fichier SIRENE de cet hôte",
        sirene_lookups, per_host=True),
)  # fmt: skip
SHARED_JOBS = tuple(job for job in JOBS if not job.per_host)
HOST_JOBS = tuple(job for job in JOBS if job.per_host)
BY_NAME = {job.name: job for job in JOBS}


def crontab_of(schedule: str):
    """Huey's crontab test for "minute hour" ("*" alone: every minute)."""
    minute, _, hour = schedule.partition(" ")
    return crontab(minute=minute, hour=hour or "*")


def slot_of(job: Job, now: datetime) -> str:
    """The run a time belongs to: its day, or its hour for hourly jobs."""
    return now.strftime("%Y-%m-%dT%H" if job.every == "hour" else "%Y-%m-%d")


def run_job(app, job: Job) -> Outcome:
    """Run one job now; never raises (the failure is logged and returned)."""
    started = time.monotonic()
    try:
        summary, ok = job.run(app), True
        log.info("job %s: %s", job.name, summary)
    except JobFailed as exc:
        summary, ok = str(exc), False
        log.error("job %s failed: %s", job.name, exc)
    except Exception as exc:  # a job's bug must not stop the worker
        summary, ok = f"{type(exc).__name__}: {exc}", False
        log.exception("job %s crashed", job.name)
    at = utcnow().astimezone(UTC).isoformat(timespec="seconds")
    return Outcome(ok, summary, at, round(time.monotonic() - started, 3))
