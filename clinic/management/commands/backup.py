from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from clinic import backup


class Command(BaseCommand):
    help = (
        "Write one dated archive (contour-backup-YYYYMMDDTHHMMSSZ.tar.gz, a UTC time) holding "
        "the database and every uploaded file, into BACKUP_DIR or --output-dir."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output-dir", type=Path, default=None)

    def handle(self, *args, output_dir=None, **options):
        try:
            archive = backup.backup(output_dir or Path(settings.BACKUP_DIR))
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(archive))
