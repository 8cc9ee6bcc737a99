"""`chieftech setup_account`: the installation's first system admins and its first audit admin.

In the web interface, granting the system admin or the audit admin role takes two system admins. A new
installation has none, so the operator at the server creates them here: a system admin while fewer than
two are active (the second one makes the two-person rule possible), an audit admin while none is active.
Every other account is created by a system admin in the web interface. Like every account, the new one
has no password: the command prints the one-time activation link for its holder.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from chieftech.accounts import domain
from chieftech.accounts.models import User
from chieftech.accounts.roles import Role
from chieftech.core.errors import DomainError

# Role → how many active holders there may already be for the command line to add one more.
SETUP_ROLES = {Role.SYSADMIN.value: 1, Role.AUDITOR.value: 0}


class Command(BaseCommand):
    help = "创建系统的首批系统管理员（最多两名）或首位审计管理员，并输出其激活链接。"

    def add_arguments(self, parser):
        parser.add_argument("--role", required=True, choices=sorted(SETUP_ROLES))
        parser.add_argument("--username", required=True)
        parser.add_argument("--real-name", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--phone", default="")

    def handle(self, *args, **options):
        role = options["role"]
        with transaction.atomic():
            holders = User.objects.filter(groups__name=role, is_active=True).select_for_update(of=("self",))
            active = len(holders.values_list("pk", flat=True))
            if active > SETUP_ROLES[role]:
                raise CommandError(
                    f"已有{active}名在用的{Role(role).label}：请由系统管理员在系统中创建账号并提交角色变更申请，"
                    "由另一位系统管理员复核。"
                )
            try:
                created = domain.user_create(
                    actor=None,
                    username=options["username"],
                    real_name=options["real_name"],
                    email=options["email"],
                    phone=options["phone"],
                    roles=[role],
                )
            except DomainError as exc:
                raise CommandError("；".join(exc.messages)) from None
        link = created.activation
        self.stdout.write(f"已创建{Role(role).label}账号“{created.user.username}”。")
        self.stdout.write(
            f"请将以下激活链接交给其本人设置密码（{timezone.localtime(link.expires_at):%Y-%m-%d %H:%M} 前有效，只能使用一次）："
        )
        self.stdout.write(link.url)
