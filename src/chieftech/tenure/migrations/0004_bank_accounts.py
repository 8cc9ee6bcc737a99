"""The bank account moves from the tenure into its own history (BankAccount): a tenure's recorded account
becomes a confirmed account used from the term's first month; going back, the account in use returns to
the tenure. The states are written here, not imported, so this migration never changes when the code does."""

import chieftech.core.pii
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def accounts_from_tenures(apps, schema_editor):
    db = schema_editor.connection.alias
    Tenure = apps.get_model("tenure", "Tenure")
    BankAccount = apps.get_model("tenure", "BankAccount")
    now = timezone.now()
    accounts = []
    for tenure in Tenure.objects.using(db).exclude(bank_account="").select_related("application"):
        if not tenure.bank_account:
            continue
        accounts.append(
            BankAccount(
                tenure=tenure,
                bank=tenure.bank_name,
                branch="",
                number=tenure.bank_account.replace(" ", ""),
                account_name=tenure.application.name,
                state="confirmed",
                applies_from=tenure.starts_on.replace(day=1),
                requested_at=now,
                decided_at=now,
            )
        )
    BankAccount.objects.using(db).bulk_create(accounts)


def tenures_from_accounts(apps, schema_editor):
    db = schema_editor.connection.alias
    Tenure = apps.get_model("tenure", "Tenure")
    BankAccount = apps.get_model("tenure", "BankAccount")
    for account in BankAccount.objects.using(db).filter(state="confirmed"):
        Tenure.objects.using(db).filter(pk=account.tenure_id).update(
            bank_name=(account.bank + account.branch)[:100],
            bank_account=account.number,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tenure", "0003_termendreminder"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BankAccount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("bank", models.CharField(max_length=100, verbose_name="开户银行")),
                ("branch", models.CharField(blank=True, max_length=100, verbose_name="开户网点（支行）")),
                ("number", chieftech.core.pii.EncryptedTextField(pii_kind="bank_account", verbose_name="银行账号")),
                ("account_name", models.CharField(max_length=50, verbose_name="户名")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("requested", "待确认"),
                            ("confirmed", "已确认"),
                            ("returned", "已退回"),
                            ("superseded", "已被替换"),
                        ],
                        default="requested",
                        max_length=16,
                        verbose_name="状态",
                    ),
                ),
                (
                    "applies_from",
                    models.DateField(blank=True, help_text="当月1日，确认时确定", null=True, verbose_name="起用月份"),
                ),
                ("return_reason", models.TextField(blank=True, verbose_name="退回理由")),
                ("requested_at", models.DateTimeField(verbose_name="申请时间")),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="处理时间")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "tenure",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="bank_accounts",
                        to="tenure.tenure",
                    ),
                ),
            ],
            options={
                "verbose_name": "补贴发放银行账户",
                "verbose_name_plural": "补贴发放银行账户",
                "ordering": ["-requested_at", "-pk"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("state", "requested")),
                        fields=("tenure",),
                        name="one_open_bank_account_request",
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("state", "confirmed")),
                        fields=("tenure",),
                        name="one_bank_account_in_use",
                    ),
                ],
            },
        ),
        migrations.RunPython(accounts_from_tenures, tenures_from_accounts),
        migrations.RemoveField(model_name="tenure", name="bank_account"),
        migrations.RemoveField(model_name="tenure", name="bank_name"),
    ]
