from tests.accounts.conftest import pending_enterprise  # noqa: F401 - the home page lists it
