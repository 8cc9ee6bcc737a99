from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The staff's pages that compose the data apps: the home page of each role (工作台) and the menu.

    A page app: it imports the data apps, none of them imports it (the import contract in pyproject.toml).
    It also holds `chieftech demo`, which loads every data app's demonstration data.
    """

    name = "chieftech.dashboard"
    label = "dashboard"
    verbose_name = "工作台"
