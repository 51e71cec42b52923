"""manage.py run_scheduler: enqueue the daily jobs once a day at DAILY_JOBS_TIME (local time)."""

import os
import signal
import socket
import time as clock

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from measures.jobs import daily_jobs_time, scheduler_tick


class Command(BaseCommand):
    help = (
        "Run until stopped: once a day, when the local time passes DAILY_JOBS_TIME (default 07:00, "
        "DJANGO_DAILY_JOBS_TIME), enqueue the daily jobs; at start-up, catch up at once if that time has "
        "passed and today's run is missing. The day's run is recorded in the database, so several "
        "schedulers never enqueue a day twice. The worker (manage.py db_worker) runs the jobs."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=int, default=60, help="seconds between looks at the clock")
        parser.add_argument("--once", action="store_true", help="look once, then exit (for cron or tests)")

    def handle(self, *args, interval: int, once: bool, **options) -> None:
        if interval < 1:
            raise CommandError("--interval must be at least 1 second")
        at = daily_jobs_time()
        source = f"run_scheduler {socket.gethostname()}:{os.getpid()}"
        self.running = True
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
            self.stdout.write(f"Scheduler: daily jobs at {at:%H:%M} ({timezone.get_current_timezone_name()})")
        while self.running:
            results = scheduler_tick(timezone.now(), at=at, source=source)
            if results:
                day = timezone.localdate()
                for result in results:
                    self.stdout.write(f"enqueued {result.task.name} {result.id} ({day.isoformat()})")
            elif once:
                self.stdout.write("nothing to enqueue")
            if once:
                return
            # Like a request's end: drop a connection the database closed while we slept.
            close_old_connections()
            for _ in range(interval):
                if not self.running:
                    break
                clock.sleep(1)

    def _stop(self, signum, frame) -> None:
        self.running = False
