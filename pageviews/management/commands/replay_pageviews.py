"""``manage.py replay_pageviews``: write spooled hits back to Cassandra."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ...storage.errors import StorageUnavailableError, storage_errors
from ...storage.spool import describe, spool
from ...storage.writer import cassandra_writer


class Command(BaseCommand):
    help = "Write the hits spooled during a Cassandra failure back, with their original ids (safe to repeat)."

    def handle(self, *args: Any, **options: Any) -> None:
        lines, _ = spool.depth()
        if not lines:
            self.stdout.write(f"The spool in {spool.directory()} is empty.")
            return
        try:
            with storage_errors():
                result = cassandra_writer.replayer.run()
        except StorageUnavailableError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{result.files} spool file(s): {describe(result)}.")
        if result.returned:
            raise CommandError(f"{result.returned} hit(s) could not be written and stay spooled: {result.errors[0]}")
