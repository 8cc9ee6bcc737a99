"""Production settings come from the environment and refuse to start on a missing or bad value.

Each case starts `python -m chieftech` in a fresh process with only the variables given here, because
the settings module reads the environment once, at import.
"""

import importlib.util
import json
import os
import textwrap

import pytest
from cryptography.fernet import Fernet

from tests.core.production import FIELD_KEY, run


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


def test_check_deploy_is_clean_with_production_variables(production_env, tmp_path):
    result = run(production_env, "-m", "chieftech", "check", "--deploy", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert result.stderr == ""
    output = result.stdout + result.stderr
    assert "WARNINGS" not in output
    assert [line for line in output.splitlines() if line.startswith("?:")] == []


def test_check_deploy_accepts_an_old_field_key_kept_for_rotation(production_env, tmp_path):
    production_env["FIELD_ENCRYPTION_KEY"] = f"{Fernet.generate_key().decode()},{FIELD_KEY}"

    result = run(production_env, "-m", "chieftech", "check", "--deploy", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_an_installation_started_on_the_development_key_can_leave_it(production_env, tmp_path):
    production_env["FIELD_ENCRYPTION_OLD_KEYS"] = "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZCE="
    production_env["PII_HASH_KEY"] = "a-new-look-up-hash-key-of-48-characters-xxxxxxxx"

    result = run(production_env, "-m", "chieftech", "check", "--deploy", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_development_needs_no_secrets(tmp_path):
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "DEBUG": "1"}

    result = run(env, "-m", "chieftech", "check", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"


REFUSALS = [
    pytest.param({"SECRET_KEY": None}, "SECRET_KEY is required when DEBUG is off", id="secret-key-missing"),
    pytest.param(
        {"SECRET_KEY": "too-short-to-be-secret"},
        "SECRET_KEY must be a random value of at least 50 characters when DEBUG is off "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')",
        id="secret-key-weak",
    ),
    pytest.param(
        {"DEBUG": "maybe"},
        "DEBUG='maybe' is not a boolean (use 1/0, true/false, yes/no, on/off)",
        id="debug-not-a-boolean",
    ),
    pytest.param(
        {"FIELD_ENCRYPTION_KEY": None},
        "FIELD_ENCRYPTION_KEY is required when DEBUG is off",
        id="field-key-missing",
    ),
    pytest.param(
        {"FIELD_ENCRYPTION_KEY": "not-a-fernet-key"},
        "FIELD_ENCRYPTION_KEY must be Fernet keys (urlsafe base64 of 32 bytes), comma-separated "
        "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')",
        id="field-key-malformed",
    ),
    pytest.param(
        {"FIELD_ENCRYPTION_KEY": "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZCE="},
        "FIELD_ENCRYPTION_KEY must not be the development key when DEBUG is off",
        id="field-key-development",
    ),
    pytest.param(
        {"FIELD_ENCRYPTION_OLD_KEYS": "not-a-fernet-key"},
        "FIELD_ENCRYPTION_OLD_KEYS must be Fernet keys (urlsafe base64 of 32 bytes), comma-separated",
        id="old-field-key-malformed",
    ),
    pytest.param(
        {"FIELD_ENCRYPTION_OLD_KEYS": "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZCE="},
        "PII_HASH_KEY is required while the development key is among FIELD_ENCRYPTION_OLD_KEYS "
        "(then run chieftech reencrypt, which rewrites the look-up hashes under it)",
        id="leaving-the-development-key-without-a-hash-key",
    ),
    pytest.param(
        {"AUDIT_CHAIN_KEY": None},
        "AUDIT_CHAIN_KEY is required when DEBUG is off",
        id="audit-chain-key-missing",
    ),
    pytest.param(
        {"AUDIT_CHAIN_KEY": "short"},
        "AUDIT_CHAIN_KEY must be a random value of at least 32 characters when DEBUG is off "
        "(python -c 'import secrets; print(secrets.token_urlsafe(48))')",
        id="audit-chain-key-weak",
    ),
    pytest.param(
        {"PII_HASH_KEY": "short"},
        "PII_HASH_KEY must be a random value of at least 32 characters",
        id="pii-hash-key-weak",
    ),
    pytest.param(
        {"EMAIL_PORT": "smtp"}, "EMAIL_PORT='smtp' is not an integer", id="email-port-not-an-integer"
    ),
    pytest.param(
        {"EMAIL_USE_TLS": "1", "EMAIL_USE_SSL": "1"},
        "EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: set at most one",
        id="email-tls-and-ssl",
    ),
    pytest.param(
        {"EMAIL_TIMEOUT": "60"},
        "CHIEFTECH_OUTBOX_RETRY_SECONDS=60 must be longer than EMAIL_TIMEOUT=60",
        id="outbox-retry-not-longer-than-the-smtp-timeout",
    ),
    pytest.param(
        {"CHIEFTECH_OUTBOX_KEEP_DAYS": "1"},
        "CHIEFTECH_OUTBOX_KEEP_DAYS=1 must be 2 or more",
        id="outbox-keep-days-too-few",
    ),
    pytest.param(
        {"CHIEFTECH_IDLE_MINUTES": "10", "CHIEFTECH_IDLE_WARNING_MINUTES": "10"},
        "CHIEFTECH_IDLE_WARNING_MINUTES=10 must be more than 0 and less than CHIEFTECH_IDLE_MINUTES=10",
        id="idle-warning-not-before-the-timeout",
    ),
    pytest.param(
        {"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT=-1 must be 0 or more", id="proxy-count-negative"
    ),
    pytest.param(
        {"LOG_LEVEL": "LOUD"},
        "LOG_LEVEL='LOUD' is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
        id="log-level-unknown",
    ),
    pytest.param(
        {"CHIEFTECH_PASSWORD_MAX_AGE_DAYS": "ninety"},
        "CHIEFTECH_PASSWORD_MAX_AGE_DAYS='ninety' is not an integer",
        id="password-max-age-not-a-number",
    ),
    pytest.param(
        {"CHIEFTECH_PASSWORD_MAX_AGE_DAYS": "-1"},
        "CHIEFTECH_PASSWORD_MAX_AGE_DAYS must be between 0 (off) and 3650",
        id="password-max-age-negative",
    ),
    pytest.param(
        {"CHIEFTECH_LOGIN_FAILURES_PER_ADDRESS": "3"},
        "CHIEFTECH_LOGIN_FAILURES_PER_ADDRESS must be at least 5",
        id="login-failures-per-address-below-per-name",
    ),
]


@pytest.mark.parametrize(("changes", "message"), REFUSALS)
def test_production_refuses_to_start_on_a_missing_or_bad_value(production_env, tmp_path, changes, message):
    for name, value in changes.items():
        if value is None:
            del production_env[name]
        else:
            production_env[name] = value

    result = run(production_env, "-m", "chieftech", "check", "--deploy", cwd=tmp_path)

    assert result.returncode == 1
    assert last_line(result.stderr) == f"django.core.exceptions.ImproperlyConfigured: {message}"


SETTINGS_PROBE = textwrap.dedent(
    """
    import json
    import django

    django.setup()
    from django.conf import settings

    print(json.dumps({
        "EMAIL_BACKEND": settings.EMAIL_BACKEND,
        "TRUSTED_PROXY_COUNT": settings.TRUSTED_PROXY_COUNT,
        "AXES_CLIENT_IP_CALLABLE": settings.AXES_CLIENT_IP_CALLABLE,
        "FIELD_ENCRYPTION_KEYS": settings.FIELD_ENCRYPTION_KEYS,
        "PII_HASH_KEY": settings.PII_HASH_KEY,
        "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
        "DATABASE_ENGINE": settings.DATABASES["default"]["ENGINE"],
    }))
    """
)


def test_production_reads_its_values_from_the_environment(production_env, tmp_path):
    production_env["DJANGO_SETTINGS_MODULE"] = "chieftech.settings"
    production_env["PII_HASH_KEY"] = "p" * 40

    result = run(production_env, "-c", SETTINGS_PROBE, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        # A console default would drop every notification without a word.
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "TRUSTED_PROXY_COUNT": 1,
        "AXES_CLIENT_IP_CALLABLE": "chieftech.accounts.lockout.lockout_address",
        "FIELD_ENCRYPTION_KEYS": [FIELD_KEY],
        "PII_HASH_KEY": "p" * 40,
        "ALLOWED_HOSTS": ["jishi.huancui.gov.cn"],
        "DATABASE_ENGINE": "django.db.backends.sqlite3",
    }


DATABASE_PROBE = textwrap.dedent(
    """
    import json
    import django

    django.setup()
    from django.conf import settings

    db = settings.DATABASES["default"]
    print(json.dumps({key: db[key] for key in ("ENGINE", "HOST", "NAME", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "OPTIONS")}))
    """
)


def test_postgresql_connections_are_reused_checked_and_fail_fast(production_env, tmp_path):
    production_env["DJANGO_SETTINGS_MODULE"] = "chieftech.settings"
    production_env["DATABASE_URL"] = "postgres://chieftech:secret@10.0.0.20:5432/chieftech"

    result = run(production_env, "-c", DATABASE_PROBE, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "10.0.0.20",
        "NAME": "chieftech",
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": 5},
    }


def test_s3_bucket_needs_django_storages(production_env, tmp_path):
    production_env["AWS_STORAGE_BUCKET_NAME"] = "chieftech-uploads"
    production_env["AWS_S3_ENDPOINT_URL"] = "https://oss.example.cn"

    result = run(production_env, "-m", "chieftech", "check", "--deploy", cwd=tmp_path)

    if importlib.util.find_spec("storages") is None:
        assert result.returncode == 1
        assert last_line(result.stderr) == (
            "django.core.exceptions.ImproperlyConfigured: "
            "AWS_STORAGE_BUCKET_NAME is set but django-storages is missing: pip install 'chieftech[s3]'"
        )
    else:
        assert result.returncode == 0, result.stderr


HTTP_PROBE = textwrap.dedent(
    """
    import json
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="jishi.huancui.gov.cn")
    plain_health = client.get("/healthz")
    secure_health = client.get("/healthz", secure=True)
    plain_home = client.get("/home/")
    proxied_home = client.get("/home/", HTTP_X_FORWARDED_PROTO="https")
    proxied_login = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    print(json.dumps({
        "plain_health": [plain_health.status_code, plain_health.json()],
        "plain_health_hsts": plain_health.headers.get("Strict-Transport-Security"),
        "secure_health_hsts": secure_health.headers.get("Strict-Transport-Security"),
        "plain_home": [plain_home.status_code, plain_home.headers.get("Location")],
        "proxied_home": [proxied_home.status_code, proxied_home.headers.get("Location")],
        "proxied_login": proxied_login.status_code,
        "proxied_login_cookies": {
            name: [bool(m["secure"]), bool(m["httponly"])] for name, m in proxied_login.cookies.items()
        },
    }))
    """
)


def test_production_redirects_to_https_but_load_balancers_reach_healthz_over_http(production_env, tmp_path):
    collected = run(production_env, "-m", "chieftech", "collectstatic", "--noinput", cwd=tmp_path)
    assert collected.returncode == 0, collected.stderr
    # A release migrates before it serves: the pages name the authority the database holds.
    migrated = run(production_env, "-m", "chieftech", "migrate", "--noinput", cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    production_env["DJANGO_SETTINGS_MODULE"] = "chieftech.settings"

    result = run(production_env, "-c", HTTP_PROBE, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "plain_health": [200, {"status": "ok", "database": "ok"}],
        "plain_health_hsts": None,
        "secure_health_hsts": "max-age=31536000; includeSubDomains; preload",
        "plain_home": [301, "https://jishi.huancui.gov.cn/home/"],
        # nginx terminates TLS and says so in X-Forwarded-Proto: no redirect loop.
        "proxied_home": [302, "/accounts/login/?next=/home/"],
        "proxied_login": 200,
        "proxied_login_cookies": {"csrftoken": [True, False]},
    }
