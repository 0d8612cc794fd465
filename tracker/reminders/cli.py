"""Operator commands: `tracker reminders plan|send|replay`, `tracker scheduler`, `tracker serve`."""

from __future__ import annotations

import os
import signal
from collections import Counter
from datetime import date, datetime, time, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from sqlalchemy import select

from ..clock import office_zone
from ..extensions import db
from ..items.rules import OPEN
from ..labels import REASON_LABELS
from ..models import ActionItem, utcnow
from .lease import holder_name
from .planning import plan_due
from .sending import send_due

DAY = click.DateTime(formats=["%Y-%m-%d"])


def end_of(day: date) -> datetime:
    """Late on `day` in the office's time zone: every reminder of that day is due by then."""
    return datetime.combine(day, time(23, 0), office_zone())


def _sent(report) -> str:
    text = _(
        "sent %(sent)d, to retry %(retried)d, failed %(failed)d, not needed %(cancelled)d",
        sent=report.sent,
        retried=report.retried,
        failed=report.failed,
        cancelled=report.cancelled,
    )
    if report.stopped_early:
        text += _("; the rest waits for the next run: its server keeps failing")
    return text


@click.group("reminders")
def reminders_group() -> None:
    """Plan and send reminder emails by hand (the scheduler does this every 15 minutes)."""


@reminders_group.command("plan")
@click.option("--today", type=DAY, help="Plan as of this day (YYYY-MM-DD) instead of now.")
@click.option("--dry-run", is_flag=True, help="Show who would get what; write nothing.")
@with_appcontext
def plan_command(today, dry_run: bool) -> None:
    """Plan the reminders due up to now (or up to the end of --today)."""
    now = end_of(today.date()) if today else utcnow()
    plan = plan_due(now, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
        by_recipient: dict = {}
        titles = dict(
            db.session.execute(
                select(ActionItem.id, ActionItem.title).where(ActionItem.status.in_(OPEN))
            ).all()
        )
        for line in plan.lines:
            by_recipient.setdefault(line.recipient, []).append(line)
        for recipient, lines in sorted(by_recipient.items(), key=lambda kv: kv[0].email):
            click.echo(f"{recipient.name} <{recipient.email}>")
            for line in sorted(lines, key=lambda x: x.days):
                on_behalf = f" [for {line.owner.name}]" if line.owner else ""
                milestone = f" (milestone {line.milestone_id})" if line.milestone_id else ""
                title = titles[line.item.id]
                click.echo(f"  {line.reason:<10} {line.days:>4}d  {title}{milestone}{on_behalf}")
        for user, week in plan.digests:
            click.echo(f"{user.name} <{user.email}>")
            click.echo("  " + _("weekly digest for the week of %(day)s", day=week.isoformat()))
        click.echo(
            _(
                "Dry run: %(lines)d lines for %(recipients)d recipients, %(digests)d digests; "
                "nothing written.",
                lines=len(plan.lines),
                recipients=len(by_recipient),
                digests=len(plan.digests),
            )
        )
        return
    db.session.commit()
    reasons = Counter(line.reason for line in plan.lines)
    summary = _(", ").join(
        _("%(reason)s %(num)d", reason=REASON_LABELS[reason], num=n)
        for reason, n in sorted(reasons.items())
    ) or _("nothing new")
    click.echo(
        _("Planned: %(summary)s; %(digests)d digests.", summary=summary, digests=len(plan.digests))
    )


@reminders_group.command("send")
@click.option("--today", type=DAY, help="Send as of the end of this day instead of now.")
@with_appcontext
def send_command(today) -> None:
    """Send the reminders that are due, with retries and backoff."""
    now = end_of(today.date()) if today else utcnow()
    report = send_due(now, holder_name())
    click.echo(_sent(report))


@reminders_group.command("replay")
@click.option("--from", "start", type=DAY, required=True)
@click.option("--to", "end", type=DAY, required=True)
@with_appcontext
def replay_command(start, end) -> None:
    """Plan and send day by day over a period, as the scheduler would have (for testing)."""
    day = start.date()
    if end.date() < day:
        raise click.BadParameter("--to is before --from")
    while day <= end.date():
        now = end_of(day)
        plan_due(now)
        db.session.commit()
        report = send_due(now, "replay")
        click.echo(f"{day}: {_sent(report)}")
        day += timedelta(days=1)


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler in the foreground (one per deployment; a second one stands by)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    from .scheduler import Runner, install

    runner = Runner(current_app._get_current_object())
    scheduler = BlockingScheduler(timezone="UTC")
    install(scheduler, runner)

    def stop(*_args) -> None:
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    click.echo(_("Scheduler %(holder)s started (UTC); Ctrl-C stops it.", holder=runner.holder))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        runner.stop()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int) -> None:
    """Development server, with the scheduler in-process when TRACKER_SCHEDULER=in-process."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from werkzeug.serving import run_simple

    from .scheduler import Runner, install

    app = current_app._get_current_object()
    if not os.environ.get("TRACKER_BASE_URL"):
        # Links in emails and the calendar point at the server actually started.
        app.config["TRACKER_BASE_URL"] = f"http://{host}:{port}"
    runner = None
    if app.config["TRACKER_SCHEDULER"] == "in-process":
        runner = Runner(app)
        scheduler = BackgroundScheduler(timezone="UTC")
        install(scheduler, runner)
        scheduler.start()
        click.echo(_("Scheduler running in this process (TRACKER_SCHEDULER=in-process)."))
    try:
        run_simple(host, port, app, use_reloader=False, threaded=True)
    finally:
        if runner is not None:
            scheduler.shutdown(wait=False)
            runner.stop()
