"""manage.py restore ARCHIVE: replace the database and uploads with a backup's, then check it."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from peerpower.backups import archive


class Command(BaseCommand):
    help = (
        "Replace this site's database and uploaded files with a backup archive's, then compare "
        "every table's row count and checksum with the archive's manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--yes",
            action="store_true",
            help="do not ask first (everything written since the backup is lost)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["archive"]
        try:
            manifest = archive.read_manifest(path)
        except archive.BackupError as error:
            raise CommandError(str(error)) from error
        if not options["yes"]:
            answer = input(
                f"Replace this site's data with the backup of {manifest['created_at']}? "
                "Everything written since then is lost. Type 'restore' to go on: "
            )
            if answer.strip() != "restore":
                raise CommandError("nothing was changed")
        try:
            result = archive.restore(path)
        except archive.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"restored {path}: {result.tables} tables and {result.rows} rows match the backup; "
            f"{result.files} uploaded files"
        )
