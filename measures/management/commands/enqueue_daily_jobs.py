"""manage.py enqueue_daily_jobs: queue the daily jobs (the day's reminders, the evidence-file sweep)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from measures.jobs import enqueue_daily_jobs
from measures.reminders import pending_reminders


class Command(BaseCommand):
    help = (
        "Enqueue the daily jobs: send_due_reminders for a day (today by default) and "
        "sweep_orphan_evidence. Safe to run again: a reminder already sent is never sent twice. "
        "The worker (manage.py db_worker) runs them."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="the day to remind for, YYYY-MM-DD (default: today, local time)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="enqueue nothing: list who would be reminded of which rounds that day",
        )

    def handle(self, *args, **options) -> None:
        raw = options.get("date")
        try:
            day = datetime.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, not {raw!r}") from exc
        if options.get("dry_run"):
            pending = pending_reminders(day)
            for recipient in pending:
                for due in recipient.items:
                    r = due.round
                    self.stdout.write(
                        f"{recipient.user.get_username()} <{recipient.user.email.strip()}>: "
                        f"{r.measure.number}. {r.measure.title} ({r.month}, {r.due_date.isoformat()}, "
                        f"{due.kind} {due.days_before})"
                    )
            self.stdout.write(f"dry run: {len(pending)} message(s) for {day.isoformat()}, nothing enqueued")
            return
        for result in enqueue_daily_jobs(day):
            self.stdout.write(f"enqueued {result.task.name} {result.id} ({day.isoformat()})")
