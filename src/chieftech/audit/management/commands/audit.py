import sys

from django.core.management.base import BaseCommand

from chieftech.audit.domain import audit_verify


class Command(BaseCommand):
    help = "审计日志：verify 校验哈希链，完整时退出码为0，否则指出第一条异常记录并以非零退出码结束。"

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="{verify}")
        subcommands.add_parser("verify", help="校验审计日志的哈希链是否完整")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "verify":
            self.verify()

    def verify(self) -> None:
        result = audit_verify()
        if result.ok:
            self.stdout.write(result.message)
            return
        self.stderr.write(result.message)
        # Scripts and monitoring read the exit code.
        sys.exit(1)
