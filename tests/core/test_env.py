"""The environment readers refuse a bad value instead of guessing."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from chieftech.env import env_bool, env_int, env_list, env_str


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " On "])
def test_env_bool_reads_true(monkeypatch, raw):
    monkeypatch.setenv("CT_FLAG", raw)
    assert env_bool("CT_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "off", ""])
def test_env_bool_reads_false(monkeypatch, raw):
    monkeypatch.setenv("CT_FLAG", raw)
    assert env_bool("CT_FLAG", True) is False


def test_env_bool_uses_the_default_only_when_unset(monkeypatch):
    monkeypatch.delenv("CT_FLAG", raising=False)
    assert env_bool("CT_FLAG", True) is True
    assert env_bool("CT_FLAG", False) is False


@pytest.mark.parametrize("raw", ["maybe", "2", "y", "enabled"])
def test_env_bool_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("CT_FLAG", raw)
    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_bool("CT_FLAG", False)
    assert str(excinfo.value) == f"CT_FLAG={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)"


def test_env_int_reads_an_integer(monkeypatch):
    monkeypatch.setenv("CT_NUMBER", "42")
    assert env_int("CT_NUMBER", 7) == 42


def test_env_int_uses_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("CT_NUMBER", raising=False)
    assert env_int("CT_NUMBER", 7) == 7


@pytest.mark.parametrize("raw", ["4.5", "ten", ""])
def test_env_int_refuses_a_non_integer(monkeypatch, raw):
    monkeypatch.setenv("CT_NUMBER", raw)
    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_int("CT_NUMBER", 7)
    assert str(excinfo.value) == f"CT_NUMBER={raw!r} is not an integer"


def test_env_str_returns_the_value_or_the_default(monkeypatch):
    monkeypatch.setenv("CT_TEXT", "环翠")
    assert env_str("CT_TEXT") == "环翠"
    monkeypatch.delenv("CT_TEXT")
    assert env_str("CT_TEXT", "fallback") == "fallback"


def test_env_str_without_default_requires_the_variable(monkeypatch):
    monkeypatch.delenv("CT_TEXT", raising=False)
    with pytest.raises(ImproperlyConfigured) as excinfo:
        env_str("CT_TEXT")
    assert str(excinfo.value) == "Environment variable CT_TEXT is required"


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("CT_HOSTS", " a.example.cn, ,b.example.cn ,")
    assert env_list("CT_HOSTS", []) == ["a.example.cn", "b.example.cn"]


def test_env_list_uses_the_default_only_when_unset(monkeypatch):
    monkeypatch.delenv("CT_HOSTS", raising=False)
    assert env_list("CT_HOSTS", ["localhost"]) == ["localhost"]
    monkeypatch.setenv("CT_HOSTS", "")
    assert env_list("CT_HOSTS", ["localhost"]) == []
