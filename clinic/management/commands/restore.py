from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from clinic import backup


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files with a backup archive's "
        "(made by `manage.py backup`). Everything written since that backup is lost."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (scripts, CI)."
        )

    def handle(self, *args, archive: Path, yes: bool = False, **options):
        try:
            manifest = backup.read_manifest(archive)
            if not yes:
                answer = input(
                    f"Replace this site's database and files with the backup of "
                    f"{manifest['created_at']}? Type 'yes' to go on: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Nothing restored.")
            backup.restore(archive)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored the backup of {manifest['created_at']} from {archive}.")
