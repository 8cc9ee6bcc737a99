"""The whole demo, loaded as `chieftech demo` loads it (its LOADERS in order), with the clock of the management
period's loaders fixed: a module-scoped fixture for the demo's tests, rolled back at the end."""

import inspect
from datetime import datetime

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils.module_loading import import_string

from chieftech.dashboard.management.commands.demo import LOADERS
from tests.factories import SHANGHAI

PASSWORD = "ChiefTech-demo-2026"
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=SHANGHAI)


def demo_load(*, now: datetime = NOW) -> None:
    for path in LOADERS:
        load = import_string(path)
        if "now" in inspect.signature(load).parameters:
            load(password=PASSWORD, now=now)
        else:
            load(password=PASSWORD)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEMO_MODE=True), transaction.atomic():
        demo_load()
        yield
        transaction.set_rollback(True)
