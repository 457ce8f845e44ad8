"""`flask worker` (the long-running process), `worker status`, `worker jobs`, `worker run-job`."""

import logging

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from rating import mail

from . import jobs
from .health import readiness
from .queue import last_outcomes, store_label
from .tail import HostThread, read_heartbeat


def _worker(threads: int) -> None:
    app = current_app._get_current_object()
    # wsgi.py sets up logging (ours at INFO); the queue's own messages at INFO too.
    logging.getLogger("huey").setLevel(logging.INFO)
    queue = app.extensions["rating.worker"]
    huey = queue.huey(immediate=False)
    host = HostThread(app)
    host.start()
    queue.enqueue(mail.DELIVER_TASK, huey=huey)  # what a killed worker or an outage left
    # Locks left by a worker killed while running a job would block that job for good.
    # An idle queue is polled at least every second (Huey's default backs off to 10 s):
    # a mail queued by a request leaves within a second or so.
    consumer = huey.create_consumer(
        workers=threads, worker_type="thread", periodic=True, flush_locks=True, max_delay=1.0
    )
    try:
        consumer.run()
    finally:
        host.stop()
        host.join(timeout=10)


@click.group("worker", cls=AppGroup, invoke_without_command=True)
@click.option("--threads", default=2, show_default=True, help="Tâches exécutées en parallèle.")
@click.pass_context
@with_appcontext
def worker_cli(ctx, threads: int) -> None:
    """Le worker : courrier, index de recherche de cet hôte, tâches quotidiennes.

    Sans sous-commande : le lance (jusqu'à SIGINT ou SIGTERM).
    """
    if ctx.invoked_subcommand is None:
        _worker(threads)


@worker_cli.command("jobs")
def list_jobs() -> None:
    """List the scheduled jobs (times in UTC)."""
    for job in jobs.JOBS:
        minute, hour = job.schedule.split()
        when = (
            f"chaque heure à :{int(minute):02d}"
            if hour == "*"
            else f"{int(hour):02d}:{int(minute):02d} UTC"
        )
        where = "cet hôte" if job.per_host else "un hôte"
        click.echo(f"{job.name:<22} {when:<20} {where:<8} {job.help}")


@worker_cli.command("run-job")
@click.argument("name", type=click.Choice(sorted(jobs.BY_NAME)))
def run_job(name: str) -> None:
    """Run one scheduled job now, in this process (exit 1 when it fails)."""
    outcome = jobs.run_job(current_app._get_current_object(), jobs.BY_NAME[name])
    click.echo(f"{name} : {outcome.summary} ({outcome.seconds:.1f} s)")
    if not outcome.ok:
        raise click.exceptions.Exit(1)


@worker_cli.command("status")
def status() -> None:
    """Queue, mail waiting, this host's index lag, overdue moderation, heartbeat, last runs;
    exit 1 when this host is not ready."""
    app = current_app._get_current_object()
    found = readiness(app)
    huey = app.extensions["rating.worker"].huey(immediate=False)
    figures = found.figures
    click.echo(f"File : {store_label(app)} ; tâches en attente : {huey.pending_count()}")
    for key, label in (
        ("mail_queue", "Courriels à envoyer"),
        ("index_lag", "Modifications pas encore dans l'index de cet hôte"),
        ("moderation_overdue", "Éléments de modération en retard"),
        ("worker_heartbeat_age", "Dernier signe de vie du worker (secondes)"),
    ):
        value = figures.get(key)
        click.echo(f"{label} : {'—' if value is None else value}")
    beat = read_heartbeat(app) or {}
    outcomes = {**last_outcomes(huey), **beat.get("jobs", {})}
    for job in jobs.JOBS:
        last = outcomes.get(job.name)
        if last:
            state = "ok" if last["ok"] else "ÉCHEC"
            click.echo(f"  {job.name} : {state} le {last['at']} — {last['summary']}")
        else:
            click.echo(f"  {job.name} : jamais lancé")
    for reason in found.reasons:
        click.echo(f"PAS PRÊT : {reason}", err=True)  # the French msgid
    if not found.ready:
        raise click.exceptions.Exit(1)
