from django.conf import settings
from django.core.management.base import BaseCommand

from chieftech.audit.anchors import default_anchor_dir
from chieftech.core.backup import backup_create, backup_prune


class Command(BaseCommand):
    help = (
        "备份：用 django-dbbackup 导出数据库和全部上传文件，连同清单（各表行数、各文件校验值）和当天的审计锚点，"
        "写入备份目录（CHIEFTECH_BACKUP_DIR），并只保留最近 CHIEFTECH_BACKUP_KEEP 份。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-prune", action="store_true", help="不删除较早的备份")

    def handle(self, *args, no_prune: bool = False, **options):
        manifest = backup_create(anchor_dir=default_anchor_dir())
        self.stdout.write(
            f"备份 {manifest.stamp}：数据库 {manifest.database_file}（{len(manifest.tables)} 张表，"
            f"{sum(manifest.tables.values())} 行），上传文件 {manifest.media_file}（{len(manifest.files)} 个），"
            f"审计锚点 {len(manifest.anchors)} 个，清单 {manifest.name}"
        )
        if not no_prune:
            for stamp in backup_prune(keep=settings.DBBACKUP_CLEANUP_KEEP):
                self.stdout.write(f"已删除较早的备份 {stamp}")
