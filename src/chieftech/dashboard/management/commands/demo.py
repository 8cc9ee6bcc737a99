"""`chieftech demo`: load the demonstration data (idempotent), then print the accounts to sign in with.

Each area of the system contributes a loader: a function taking the demo password as a keyword, run in
the order of LOADERS (later loaders may use what earlier ones created) inside one transaction, so a
failure leaves nothing half-loaded.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

LOADERS: list[str] = [
    "chieftech.accounts.demo.load_demo",
    "chieftech.selection.demo.load_demo",
    "chieftech.evaluation.demo.load_demo",
    "chieftech.publicity.demo.load_demo",
    # The city's cohort before the district's management period: the latter's reminders (December 2026) reach
    # the city's employers too.
    "chieftech.publicity.demo_city.load_demo",
    "chieftech.tenure.demo.load_demo",
]


class Command(BaseCommand):
    help = "加载演示数据（可重复运行，不会产生重复数据），并列出演示账号。"

    def handle(self, *args, **options):
        if not (settings.DEMO_MODE or settings.DEBUG):
            raise CommandError(
                "演示数据只能在演示模式（CHIEFTECH_DEMO=1）或调试模式（DEBUG=1）下加载：它会创建公开密码的账号。"
            )
        from chieftech.accounts.demo import demo_accounts, demo_password

        password = demo_password()
        with transaction.atomic():
            for path in LOADERS:
                import_string(path)(password=password)

        rows = [("用户名", "角色", "姓名", "所属企业")]
        rows += [(a["username"], a["role"], a["real_name"], a["enterprise"]) for a in demo_accounts()]
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            self.stdout.write(
                "  ".join(_pad(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
        self.stdout.write(f"\n所有演示账号的密码：{password}")


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
