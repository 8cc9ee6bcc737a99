import sys

from django.core.management.base import BaseCommand

from chieftech.audit.reencrypt import personal_data_reencrypt


class Command(BaseCommand):
    help = (
        "用 FIELD_ENCRYPTION_KEY 的第一个密钥重新加密全部已存储的个人敏感信息（身份证号、电话、银行账号），"
        "并按当前的 PII_HASH_KEY 重算查询哈希；可中断后重跑。--check 只统计尚待处理的数量，有则退出码为1。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="只检查，不修改")

    def handle(self, *args, check: bool = False, **options):
        report = personal_data_reencrypt(check_only=check)
        verb = "待重新加密" if check else "已重新加密"
        for column, count in sorted(report.values.items()):
            self.stdout.write(f"  {column}：{verb} {count} 个")
        for column, count in sorted(report.hashes.items()):
            self.stdout.write(f"  {column}：{'待重算' if check else '已重算'} {count} 个查询哈希")
        self.stdout.write(
            f"检查 {report.scanned} 条记录，{verb} {sum(report.values.values())} 个值，"
            f"{'待重算' if check else '重算'} {sum(report.hashes.values())} 个查询哈希。"
        )
        if check and report.pending:
            sys.exit(1)
