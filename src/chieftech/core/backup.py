"""Backups: django-dbbackup's dumps of the database and the uploads, with a manifest to check a restore by.

`chieftech backup` and `chieftech restore` (deploy/backup.sh, deploy/restore.sh) call django-dbbackup's
`dbbackup`/`mediabackup` and `dbrestore`/`mediarestore`, and add what an audited system needs around them:
the counts and checksums of what was saved, the audit anchors of the day, and a check after a restore.

SQLite runs in WAL mode here, so neither copying the file (a backup missing what sits in the -wal file)
nor copying a dump over the live file (stale -wal frames replayed onto it) is safe. Both directions go
through SQLite's online backup API instead, which copies page by page under SQLite's own locking.
"""

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass, field
from shutil import copyfileobj
from tempfile import NamedTemporaryFile

from dbbackup.db.sqlite import SqliteBackupConnector
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.management import call_command
from django.utils import timezone


class SqliteOnlineConnector(SqliteBackupConnector):
    """django-dbbackup's online SQLite backup, with a restore that is online too."""

    def restore_dump(self, dump):
        with NamedTemporaryFile(delete=False, suffix=".sqlite3") as copy:
            copyfileobj(dump, copy)
            path = copy.name
        try:
            self.connection.ensure_connection()
            source = sqlite3.connect(path)
            try:
                # Replaces every page of the live database, schema included, in one step.
                source.backup(self.connection.connection)
            finally:
                source.close()
        finally:
            os.remove(path)


# --- What a backup holds, to check a restore against -------------------------------------------------

MANIFEST_PREFIX = "chieftech-manifest-"


def backup_storage():
    return storages["dbbackup"]


def database_counts() -> dict[str, int]:
    """Rows per table, every model's table (many-to-many tables included)."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            counts[model._meta.db_table] = model._base_manager.using("default").count()
    return dict(sorted(counts.items()))


def _walk(storage, path=""):
    directories, files = storage.listdir(path)
    for name in files:
        yield f"{path}/{name}" if path else name
    for directory in directories:
        yield from _walk(storage, f"{path}/{directory}" if path else directory)


def media_digest() -> dict[str, str]:
    """SHA-256 of every uploaded file, by its name in the default storage (local folder or bucket)."""
    digest = {}
    for name in _walk(default_storage):
        sha = hashlib.sha256()
        with default_storage.open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                sha.update(chunk)
        digest[name] = sha.hexdigest()
    return dict(sorted(digest.items()))


@dataclass
class Manifest:
    stamp: str
    database_file: str
    media_file: str
    tables: dict[str, int]
    files: dict[str, str]
    anchors: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{MANIFEST_PREFIX}{self.stamp}.json"

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1)


def manifests() -> list[str]:
    """Manifest names in the backup folder, oldest first (the stamp sorts as time)."""
    _, files = backup_storage().listdir("")
    return sorted(name for name in files if name.startswith(MANIFEST_PREFIX) and name.endswith(".json"))


def manifest_read(name: str) -> Manifest:
    with backup_storage().open(name, "rb") as handle:
        return Manifest(**json.loads(handle.read().decode()))


def backup_create(*, anchor_dir, stdout=None) -> Manifest:
    """Dump the database and the uploads with django-dbbackup, beside a manifest of what they hold.

    The counts and the file list are taken just before the dumps: run it when nobody works (01:00), or a
    restore check reports what changed in between. The day's audit anchors are copied in as well, so that a
    restore can be verified against the anchors of its own time.
    """
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    encrypt = bool(settings.DBBACKUP_GPG_RECIPIENT)
    suffix = ".gpg" if encrypt else ""
    engine = settings.DATABASES["default"]["ENGINE"]
    extension = "sqlite3" if engine.endswith("sqlite3") else "psql.bin"
    manifest = Manifest(
        stamp=stamp,
        database_file=f"chieftech-db-{stamp}.{extension}",
        media_file=f"chieftech-media-{stamp}.tar",
        tables=database_counts(),
        files=media_digest(),
    )
    options = {"encrypt": encrypt, "interactive": False, "verbosity": 0}
    call_command("dbbackup", output_filename=manifest.database_file, **options)
    call_command("mediabackup", output_filename=manifest.media_file, **options)
    manifest.database_file += suffix
    manifest.media_file += suffix
    storage = backup_storage()
    if anchor_dir is not None and anchor_dir.is_dir():
        for path in sorted(anchor_dir.glob("*.json")):
            target = f"anchors-{stamp}/{path.name}"
            storage.save(target, ContentFile(path.read_bytes()))
            manifest.anchors.append(target)
    storage.save(manifest.name, ContentFile(manifest.to_json().encode()))
    return manifest


def backup_prune(*, keep: int) -> list[str]:
    """Delete every backup but the `keep` newest, with their files and anchors."""
    storage = backup_storage()
    removed = []
    for name in manifests()[:-keep] if keep else []:
        manifest = manifest_read(name)
        for file in [manifest.database_file, manifest.media_file, *manifest.anchors, name]:
            if storage.exists(file):
                storage.delete(file)
        removed.append(manifest.stamp)
    return removed


@dataclass
class RestoreCheck:
    missing_files: list[str]
    changed_files: list[str]
    extra_files: list[str]
    table_differences: dict[str, tuple[int, int]]

    @property
    def ok(self) -> bool:
        return not (self.missing_files or self.changed_files or self.table_differences)


def backup_restore(*, manifest: Manifest) -> None:
    """Put the database and the uploads back as the backup has them (uploads of the same name replaced)."""
    decrypt = manifest.database_file.endswith(".gpg")
    call_command(
        "dbrestore", input_filename=manifest.database_file, decrypt=decrypt, interactive=False, verbosity=0
    )
    call_command(
        "mediarestore",
        input_filename=manifest.media_file,
        decrypt=decrypt,
        replace=True,
        interactive=False,
        verbosity=0,
    )


def restore_check(*, manifest: Manifest) -> RestoreCheck:
    tables = database_counts()
    files = media_digest()
    return RestoreCheck(
        missing_files=[name for name in manifest.files if name not in files],
        changed_files=[name for name, sha in manifest.files.items() if name in files and files[name] != sha],
        extra_files=[name for name in files if name not in manifest.files],
        table_differences={
            table: (count, tables.get(table, 0))
            for table, count in manifest.tables.items()
            if tables.get(table, 0) != count
        },
    )
