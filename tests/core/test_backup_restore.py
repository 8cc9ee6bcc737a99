"""The restore drill: back up, wipe, restore, and find everything as it was.

Both production layouts: SQLite with uploads on the local disk, and PostgreSQL with uploads in an
S3-compatible bucket (moto's S3 server stands in for the bureau's object store). The installation is a
production one with the demo loaded; the shipped scripts deploy/backup.sh and deploy/restore.sh do the work.
Row counts and file checksums are read straight from the database and the store, not through the code
under test, and the audit chains are verified against the anchors written before the backup.
"""

import hashlib
import secrets
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.core.production import SOURCE_ROOT, production_environment

REPO = Path(__file__).resolve().parents[2]
CHIEFTECH = Path(sys.executable).with_name("chieftech")
AUDIT_TABLE = "audit_auditrecord"


def chieftech(env, *args, timeout=900):
    return subprocess.run(
        ["sh", *args] if args[0].endswith(".sh") else [str(CHIEFTECH), *args],
        env={"PYTHONPATH": SOURCE_ROOT, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def ok(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


class SqliteLocal:
    def __init__(self, tmp_path, env):
        self.db = tmp_path / "chieftech.sqlite3"
        self.media = Path(env["MEDIA_ROOT"])

    def tables(self):
        with sqlite3.connect(self.db) as db:
            names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            # The names come from the database's own catalogue.
            return {name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}  # noqa: S608

    def files(self):
        return {
            str(path.relative_to(self.media)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in self.media.rglob("*")
            if path.is_file()
        }

    def wipe(self):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.db}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(self.media)
        self.media.mkdir()

    def close(self):
        pass


class PostgresS3:
    def __init__(self, tmp_path, env):
        import boto3
        import psycopg
        import psycopg.sql
        from moto.server import ThreadedMotoServer

        from tests.core.test_rate_limit_gunicorn import _free_port

        self.psycopg = psycopg
        settings = connection.settings_dict
        self.server_url = (
            f"postgresql://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        )
        self.name = f"chieftech_drill_{secrets.token_hex(4)}"
        self._admin(f'CREATE DATABASE "{self.name}"')
        port = _free_port()
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
        self.moto.start()
        credentials = {"aws_access_key_id": "drill", "aws_secret_access_key": "drill-secret"}
        endpoint = f"http://127.0.0.1:{port}"
        self.bucket = boto3.resource(
            "s3", endpoint_url=endpoint, region_name="us-east-1", **credentials
        ).Bucket("chieftech-uploads")
        self.bucket.create()
        env.update(
            DATABASE_URL=f"{self.server_url}/{self.name}",
            AWS_STORAGE_BUCKET_NAME="chieftech-uploads",
            AWS_S3_ENDPOINT_URL=endpoint,
            AWS_S3_REGION_NAME="us-east-1",
            AWS_S3_ADDRESSING_STYLE="path",
            AWS_ACCESS_KEY_ID=credentials["aws_access_key_id"],
            AWS_SECRET_ACCESS_KEY=credentials["aws_secret_access_key"],
        )

    def _admin(self, sql):
        with self.psycopg.connect(f"{self.server_url}/postgres", autocommit=True) as db:
            db.execute(sql)

    def tables(self):
        with self.psycopg.connect(f"{self.server_url}/{self.name}") as db:
            names = [
                row[0]
                for row in db.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                ).fetchall()
            ]
            count = self.psycopg.sql.SQL("SELECT COUNT(*) FROM {}")
            return {
                name: db.execute(count.format(self.psycopg.sql.Identifier(name))).fetchone()[0]
                for name in names
            }

    def files(self):
        return {
            item.key: hashlib.sha256(item.get()["Body"].read()).hexdigest()
            for item in self.bucket.objects.all()
        }

    def wipe(self):
        self._admin(f'DROP DATABASE "{self.name}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.name}"')
        self.bucket.objects.all().delete()

    def close(self):
        self.moto.stop()
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


LAYOUTS = [
    # One layout per pass of the suite: the SQLite pass drills the one-machine layout, the PostgreSQL pass
    # the production one.
    pytest.param(
        SqliteLocal,
        id="sqlite-local-disk",
        marks=pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite pass only"),
    ),
    pytest.param(
        PostgresS3,
        id="postgresql-s3",
        marks=pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL pass only"),
    ),
]


@pytest.mark.parametrize("layout_class", LAYOUTS)
def test_restore_drill_brings_back_every_row_every_file_and_an_intact_audit_log(tmp_path, layout_class):
    env = production_environment(tmp_path)
    env.update(
        CHIEFTECH_DEMO="1",
        CHIEFTECH_BACKUP_DIR=str(tmp_path / "backups"),
        CHIEFTECH_AUDIT_ANCHOR_DIR=str(tmp_path / "anchors"),
        CHIEFTECH=str(CHIEFTECH),
        CHIEFTECH_ENV_FILE=str(tmp_path / "no-env-file"),
    )
    layout = layout_class(tmp_path, env)
    try:
        ok(chieftech(env, "migrate", "--noinput", "-v0"))
        ok(chieftech(env, "demo"))
        ok(chieftech(env, "audit", "anchor"))
        tables, files = layout.tables(), layout.files()
        assert tables[AUDIT_TABLE] > 1000
        assert tables["selection_application"] > 10
        assert len(files) > 50

        backup = ok(chieftech(env, str(REPO / "deploy" / "backup.sh")))
        assert "上传文件 chieftech-media-" in backup
        layout.wipe()
        assert layout.files() == {}
        assert layout.tables().get(AUDIT_TABLE, 0) == 0

        restored = ok(chieftech(env, str(REPO / "deploy" / "restore.sh"), "--noinput"))
        assert "核对通过：各表行数、文件校验值与备份清单一致，审计日志完整。" in restored
        assert layout.files() == files
        # The restore itself is the one record added, on the system chain.
        assert layout.tables() == {**tables, AUDIT_TABLE: tables[AUDIT_TABLE] + 1}
        verified = ok(chieftech(env, "audit", "verify"))
        # The system chain, the district's and the city's (chieftech.publicity.demo_city).
        assert f"3条链共{tables[AUDIT_TABLE] + 1}条记录校验通过，链头与1个锚点文件相符。" in verified
    finally:
        layout.close()


def test_a_restore_that_misses_a_file_or_rows_is_reported(tmp_path, settings):
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from chieftech.core.backup import Manifest, database_counts, media_digest, restore_check
    from tests.factories import make_user

    kept = default_storage.save("evidence/kept.pdf", ContentFile(b"%PDF-1.4 kept"))
    lost = default_storage.save("evidence/lost.pdf", ContentFile(b"%PDF-1.4 lost"))
    make_user("kim")
    manifest = Manifest(
        stamp="20261205-010000",
        database_file="db",
        media_file="media",
        tables=database_counts(),
        files=media_digest(),
    )
    default_storage.delete(lost)
    with default_storage.open(kept, "wb") as handle:
        handle.write(b"%PDF-1.4 changed")
    make_user("lee")

    check = restore_check(manifest=manifest)

    assert not check.ok
    assert check.missing_files == [lost]
    assert check.changed_files == [kept]
    users = get_user_model()._meta.db_table
    assert check.table_differences[users][1] == check.table_differences[users][0] + 1
