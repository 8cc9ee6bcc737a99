from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "chieftech.policy"
    label = "policy"
    verbose_name = "政策与工作日历"

    def ready(self) -> None:
        # Connects the signals that forget the cached site identity when an authority or policy changes.
        from chieftech.policy import identity  # noqa: F401
