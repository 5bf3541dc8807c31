"""manage.py backup: write one consistent, encrypted archive of the database and uploads."""

from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from peerpower.backups import archive


class Command(BaseCommand):
    help = (
        "Write a backup archive (database, uploaded files, manifest of checksums) into a folder, "
        "encrypted with PEERPOWER_BACKUP_KEY, and delete that folder's archives older than "
        "--keep-days."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out",
            type=Path,
            default=Path(settings.VAR_DIR) / "backups",
            help="the folder (default: backups/ in the data folder)",
        )
        parser.add_argument(
            "--keep-days",
            type=int,
            default=archive.KEEP_DAYS,
            help=f"delete archives older than this many days (default {archive.KEEP_DAYS}; "
            "0 keeps every one)",
        )
        parser.add_argument(
            "--unencrypted",
            action="store_true",
            help="write the archive unencrypted (it holds confidential content: protect it)",
        )
        parser.add_argument(
            "--new-key", action="store_true", help="print a new key for PEERPOWER_BACKUP_KEY"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(Fernet.generate_key().decode())
            return
        if options["keep_days"] < 0:
            raise CommandError("--keep-days must be 0 or more")
        try:
            result = archive.backup(options["out"], encrypt=not options["unencrypted"])
        except archive.BackupError as error:
            raise CommandError(str(error)) from error
        state = "encrypted" if result.encrypted else "NOT encrypted"
        self.stdout.write(
            f"{result.path} ({state}): {result.tables} tables, {result.rows} rows, "
            f"{result.files} uploaded files"
        )
        if options["keep_days"]:
            for old in archive.prune(options["out"], options["keep_days"]):
                self.stdout.write(f"deleted {old} (older than {options['keep_days']} days)")
