import sys
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chieftech.audit.domain import audit_record
from chieftech.audit.verify import audit_verify
from chieftech.core.backup import (
    backup_restore,
    backup_storage,
    manifest_read,
    manifests,
    restore_check,
)


class Command(BaseCommand):
    help = (
        "从备份恢复：用 django-dbbackup 把数据库和上传文件恢复为某次备份（默认最近一次）的内容，"
        "再逐表核对行数、逐个核对文件校验值，并用该备份所带的锚点校验审计日志。任何一项不符时退出码非零。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--stamp", help="备份的时间戳，如 20261205-010000（默认最近一次）")
        parser.add_argument("--list", action="store_true", help="列出备份目录中的备份")
        parser.add_argument("--noinput", action="store_true", help="不再询问确认（用于脚本）")

    def handle(self, *args, stamp=None, list=False, noinput=False, **options):
        names = manifests()
        if list:
            for name in names:
                manifest = manifest_read(name)
                self.stdout.write(
                    f"{manifest.stamp}  {sum(manifest.tables.values())} 行  {len(manifest.files)} 个文件"
                )
            return
        if not names:
            raise CommandError("备份目录中没有备份。")
        name = (
            next((n for n in names if stamp and n.endswith(f"-{stamp}.json")), None) if stamp else names[-1]
        )
        if name is None:
            raise CommandError(f"没有时间戳为 {stamp} 的备份；用 --list 查看。")
        manifest = manifest_read(name)
        if not noinput:
            answer = input(f"将用备份 {manifest.stamp} 覆盖当前数据库和上传文件，输入 yes 继续：")
            if answer.strip() != "yes":
                raise CommandError("已取消。")

        backup_restore(manifest=manifest)
        check = restore_check(manifest=manifest)
        with tempfile.TemporaryDirectory() as folder:
            # The anchors saved with the backup: the restored chains must reach each of them.
            storage = backup_storage()
            for anchor in manifest.anchors:
                with storage.open(anchor, "rb") as handle:
                    (Path(folder) / Path(anchor).name).write_bytes(handle.read())
            verified = audit_verify(anchor_dir=Path(folder))

        self.stdout.write(
            f"已恢复备份 {manifest.stamp}：{len(manifest.tables)} 张表，{sum(manifest.tables.values())} 行；"
            f"{len(manifest.files)} 个上传文件。"
        )
        for table, (saved, restored) in check.table_differences.items():
            self.stderr.write(f"  表 {table}：备份时 {saved} 行，恢复后 {restored} 行")
        for label, names_ in (
            ("缺少文件", check.missing_files),
            ("内容不符的文件", check.changed_files),
            ("备份之外的文件（未删除）", check.extra_files),
        ):
            for file in names_:
                self.stderr.write(f"  {label}：{file}")
        (self.stdout if verified.ok else self.stderr).write(verified.message)
        if not (check.ok and verified.ok):
            self.stderr.write("恢复核对未通过。")
            sys.exit(1)
        audit_record(
            action="system.restore",
            object_type="backup",
            object_id=manifest.stamp,
            object_repr=f"备份 {manifest.stamp}",
            reason="从备份恢复数据库和上传文件，核对通过",
        )
        self.stdout.write("核对通过：各表行数、文件校验值与备份清单一致，审计日志完整。")
