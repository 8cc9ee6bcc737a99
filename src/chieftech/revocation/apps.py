from django.apps import AppConfig


class RevocationConfig(AppConfig):
    name = "chieftech.revocation"
    label = "revocation"
    verbose_name = "取消资格"
