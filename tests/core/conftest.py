import pytest

from tests.core.production import production_environment


@pytest.fixture
def production_env(tmp_path):
    return production_environment(tmp_path)
