from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "chieftech.certificates"
    label = "certificates"
    verbose_name = "证书"
