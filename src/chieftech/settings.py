"""Settings, read from the environment through the strict helpers in chieftech.env.

Development (`make run`) sets DEBUG=1 and CHIEFTECH_DEMO=1; production sets SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL, FIELD_ENCRYPTION_KEY, MEDIA_ROOT and EMAIL_* (see docs/deploy.md).
"""

import importlib.util
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from chieftech.env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("CHIEFTECH_VAR_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)
DEMO_MODE = env_bool("CHIEFTECH_DEMO", False)

_DEV_SECRET_KEY = "dev-only-insecure-key-never-used-in-production-0123456789abcdefghij"  # noqa: S105
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    SECRET_KEY = _DEV_SECRET_KEY
elif not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be a random value of at least 50 characters when DEBUG is off "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')"
    )

# Fernet keys (urlsafe base64, 32 bytes), comma-separated: the first encrypts, all decrypt (rotation).
_DEV_FIELD_KEY = "ZGV2LW9ubHktZmllbGQta2V5LW5vdC1mb3ItcHJvZCE="
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEY", [])
if not FIELD_ENCRYPTION_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is required when DEBUG is off")
    FIELD_ENCRYPTION_KEYS = [_DEV_FIELD_KEY]
for _key in FIELD_ENCRYPTION_KEYS:
    # A wrong key must stop start-up, not surface later as unreadable personal data.
    try:
        Fernet(_key.encode())
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be Fernet keys (urlsafe base64 of 32 bytes), comma-separated "
            "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
        ) from None
if not DEBUG and _DEV_FIELD_KEY in FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY must not be the development key when DEBUG is off")
# Keys being moved off: they still decrypt, never encrypt, until `chieftech reencrypt` has rewritten every value
# under the first FIELD_ENCRYPTION_KEY (docs/deploy.md). The development key may be one, so that an
# installation started with it can leave it.
FIELD_ENCRYPTION_OLD_KEYS = env_list("FIELD_ENCRYPTION_OLD_KEYS", [])
for _key in FIELD_ENCRYPTION_OLD_KEYS:
    try:
        Fernet(_key.encode())
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_OLD_KEYS must be Fernet keys (urlsafe base64 of 32 bytes), comma-separated"
        ) from None
FIELD_ENCRYPTION_KEYS = list(dict.fromkeys([*FIELD_ENCRYPTION_KEYS, *FIELD_ENCRYPTION_OLD_KEYS]))
# The key of the look-up hashes beside encrypted values (chieftech.core.pii.pii_hash). Optional: without it
# the last FIELD_ENCRYPTION_KEY is used. Set once, at installation; changing it orphans every stored hash.
PII_HASH_KEY = env_str("PII_HASH_KEY", "")
if PII_HASH_KEY and len(PII_HASH_KEY) < 32:
    raise ImproperlyConfigured("PII_HASH_KEY must be a random value of at least 32 characters")
if not DEBUG and not PII_HASH_KEY and FIELD_ENCRYPTION_KEYS[-1] == _DEV_FIELD_KEY:
    # The look-up hashes would stay keyed by a published key, and ID numbers are few enough to try them all.
    raise ImproperlyConfigured(
        "PII_HASH_KEY is required while the development key is among FIELD_ENCRYPTION_OLD_KEYS "
        "(then run chieftech reencrypt, which rewrites the look-up hashes under it)"
    )

# The secret of the audit chains (chieftech.audit.chain): every record carries an HMAC under a key derived
# from it per authority, and the daily anchor files are signed with it. Kept outside the database, so someone
# who can write to the database cannot rewrite the log unnoticed. Set once, at installation (docs/deploy.md).
_DEV_AUDIT_CHAIN_KEY = "dev-only-audit-chain-key-never-used-in-production"
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY", "")
if not AUDIT_CHAIN_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("AUDIT_CHAIN_KEY is required when DEBUG is off")
    AUDIT_CHAIN_KEY = _DEV_AUDIT_CHAIN_KEY
elif not DEBUG and (len(AUDIT_CHAIN_KEY) < 32 or AUDIT_CHAIN_KEY == _DEV_AUDIT_CHAIN_KEY):
    raise ImproperlyConfigured(
        "AUDIT_CHAIN_KEY must be a random value of at least 32 characters when DEBUG is off "
        "(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
    )
# Where `chieftech audit anchor` writes the daily anchor of each chain's head and `audit verify` reads them.
AUDIT_ANCHOR_DIR = Path(env_str("CHIEFTECH_AUDIT_ANCHOR_DIR", str(VAR_DIR / "audit-anchors")))

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # The audit table's append-only triggers on PostgreSQL (chieftech.audit.models).
    "pgtrigger",
    # Backups and restores of the database and the uploads (deploy/backup.sh, deploy/restore.sh).
    "dbbackup",
    "chieftech.audit",
    "chieftech.accounts",
    "chieftech.policy",
    "chieftech.selection",
    "chieftech.evaluation",
    "chieftech.publicity",
    "chieftech.certificates",
    "chieftech.tenure",
    "chieftech.subsidy",
    "chieftech.review",
    "chieftech.duties",
    "chieftech.revocation",
    "chieftech.portal",
    "chieftech.dashboard",
    "chieftech.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside everything that renders, so that every page (an error page included) carries the policy.
    "chieftech.core.middleware.HtmlContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Early, so that everything below (a logout included) is audited with the client's address.
    "chieftech.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Inside authentication: it asks who the visitor is before the response goes out.
    "chieftech.core.middleware.PersonalPagesNoStoreMiddleware",
    "chieftech.accounts.middleware.ActingAuthorityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: it tells the user why they were signed out.
    "chieftech.core.middleware.IdleTimeoutMiddleware",
    # After the idle timeout: a password due for its periodic change sends every page to the change form.
    "chieftech.accounts.middleware.PasswordExpiryMiddleware",
    # After CSRF and messages: a repeated form token gets the first submission's redirect and a message.
    "chieftech.core.formtoken.FormTokenMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Turns a document refused for a character no font can draw into a page saying which character.
    "chieftech.core.middleware.DocumentRefusedMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chieftech.urls"
WSGI_APPLICATION = "chieftech.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            # Replaces {% csrf_token %} so that every POST form also carries a one-time form token.
            "builtins": ["chieftech.core.templatetags.form_token"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chieftech.core.context_processors.site",
                "chieftech.dashboard.context_processors.navigation",
                "chieftech.portal.context_processors.public_navigation",
                "chieftech.policy.context_processors.site",
                "chieftech.accounts.context_processors.acting_authority",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
_default_db_url = f"sqlite:///{VAR_DIR / 'chieftech.sqlite3'}"
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_db_url),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database must fail fast (and /healthz answer 503) rather than hang a worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue instead of failing with "database is locked"; WAL lets readers run beside a writer.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # A 64 MiB page cache (the default is 2 MiB): a payroll batch inserts into indexes of hundreds of
        # thousands of month rows, and with the default cache every insert read its index pages again.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-65536;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache (public pages) and the rate limits (chieftech.core.ratelimit) are shared by every gunicorn worker
# and every app server: in the database by default (its table made by migrate), in Redis when REDIS_URL is
# set. A per-process cache would give each worker its own copy and its own count.
REDIS_URL = env_str("REDIS_URL", "")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "chieftech_cache",
        # Above the default 300 entries the table culls a third of its keys, live ones included: a day's
        # form tokens (core.formtoken) would evict rate-limit counts and each other.
        "OPTIONS": {"MAX_ENTRIES": 200_000},
    }
}
if REDIS_URL:
    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured(
            "REDIS_URL is set but the redis package is missing: pip install 'chieftech[redis]'"
        )
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

# --- Authentication -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "chieftech.accounts.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "chieftech.accounts.passwords.UsernameNotContainedValidator"},
]
# Days a password may be used before its holder must change it (等保2.0 periodic change); 0 never expires.
PASSWORD_MAX_AGE_DAYS = env_int("CHIEFTECH_PASSWORD_MAX_AGE_DAYS", 0)
if not 0 <= PASSWORD_MAX_AGE_DAYS <= 3650:
    raise ImproperlyConfigured("CHIEFTECH_PASSWORD_MAX_AGE_DAYS must be between 0 (off) and 3650")
# An account starts without a password; its holder sets one through a one-time link valid this long.
ACCOUNT_ACTIVATION_HOURS = env_int("CHIEFTECH_ACCOUNT_ACTIVATION_HOURS", 72)
if not 1 <= ACCOUNT_ACTIVATION_HOURS <= 24 * 30:
    raise ImproperlyConfigured("CHIEFTECH_ACCOUNT_ACTIVATION_HOURS must be between 1 and 720")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Idle sessions end after 30 minutes (IdleTimeoutMiddleware); the cookie is a backstop.
IDLE_TIMEOUT = timedelta(minutes=env_int("CHIEFTECH_IDLE_MINUTES", 30))
# Signed-in pages warn this long before the idle timeout, with a button that keeps the session going.
_idle_warning_minutes = env_int("CHIEFTECH_IDLE_WARNING_MINUTES", 0)
IDLE_WARNING = (
    timedelta(minutes=_idle_warning_minutes)
    if _idle_warning_minutes
    else min(timedelta(minutes=3), IDLE_TIMEOUT / 2)
)
if not timedelta(0) < IDLE_WARNING < IDLE_TIMEOUT:
    raise ImproperlyConfigured(
        f"CHIEFTECH_IDLE_WARNING_MINUTES={_idle_warning_minutes} must be more than 0 and less than "
        f"CHIEFTECH_IDLE_MINUTES={IDLE_TIMEOUT.total_seconds() // 60:.0f}"
    )
SESSION_COOKIE_AGE = int(IDLE_TIMEOUT.total_seconds())
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes with chieftech.accounts.lockout: 5 failures for one username, from any mix of addresses, lock
# that username for 15 minutes; LOGIN_FAILURES_PER_ADDRESS failures from one address, whatever the names,
# lock that address. While locked no password is checked.
AXES_FAILURE_LIMIT = 5
LOGIN_FAILURES_PER_ADDRESS = env_int("CHIEFTECH_LOGIN_FAILURES_PER_ADDRESS", 20)
if LOGIN_FAILURES_PER_ADDRESS < AXES_FAILURE_LIMIT:
    raise ImproperlyConfigured(f"CHIEFTECH_LOGIN_FAILURES_PER_ADDRESS must be at least {AXES_FAILURE_LIMIT}")
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "chieftech.accounts.lockout.LockoutHandler"
AXES_USERNAME_CALLABLE = "chieftech.accounts.lockout.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Lockouts read the client address as the audit log does (see TRUSTED_PROXY_COUNT), an IPv6 one by its /64.
AXES_CLIENT_IP_CALLABLE = "chieftech.accounts.lockout.lockout_address"
AXES_VERBOSE = False

# --- Locale ---------------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
# Uploads live outside the web root and are only ever served through permission-checked views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("CHIEFTECH_MANIFEST_STATIC", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if env_str("AWS_STORAGE_BUCKET_NAME", ""):
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured(
            "AWS_STORAGE_BUCKET_NAME is set but django-storages is missing: pip install 'chieftech[s3]'"
        )
    # Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, read by boto3 itself.
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            # Most S3-compatible stores (MinIO, Ceph) want "path"; AWS and OSS take "virtual".
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE", "") or None,
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Backups (django-dbbackup): the database dump and a tarball of the uploads, written to their own folder,
# which deploy/backup.sh then copies off the machine. A dump holds the personal data encrypted; with
# CHIEFTECH_BACKUP_GPG_RECIPIENT set, every backup file is encrypted as a whole to that GnuPG key as well.
BACKUP_DIR = Path(env_str("CHIEFTECH_BACKUP_DIR", str(VAR_DIR / "backups")))
STORAGES["dbbackup"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": str(BACKUP_DIR),
        "file_permissions_mode": 0o600,
        "directory_permissions_mode": 0o700,
    },
}
DBBACKUP_CLEANUP_KEEP = env_int("CHIEFTECH_BACKUP_KEEP", 30)
if DBBACKUP_CLEANUP_KEEP < 1:
    raise ImproperlyConfigured("CHIEFTECH_BACKUP_KEEP must be 1 or more")
DBBACKUP_FILENAME_TEMPLATE = "chieftech-db-{datetime}.{extension}"
DBBACKUP_MEDIA_FILENAME_TEMPLATE = "chieftech-media-{datetime}.{extension}"
DBBACKUP_DATE_FORMAT = "%Y%m%d-%H%M%S"
DBBACKUP_SEND_EMAIL = False  # the cron line mails a failure; the library's own mail would go to ADMINS
DBBACKUP_GPG_RECIPIENT = env_str("CHIEFTECH_BACKUP_GPG_RECIPIENT", "") or None
DBBACKUP_CONNECTOR_MAPPING = {"django.db.backends.sqlite3": "chieftech.core.backup.SqliteOnlineConnector"}
# A restore on a spare machine runs under another database role: leave ownership to whoever restores.
DBBACKUP_CONNECTORS = {"default": {"RESTORE_SUFFIX": "--no-owner --no-privileges"}}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Form fields other than files: the longest real form (an application with its deeds statement) is tens of
# kilobytes; a larger body is padding and is refused before it is parsed (core.views.bad_request).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
PDF_FONT_PATH = env_str("CHIEFTECH_PDF_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
# Where the fallback and serif fonts of printed documents are looked for (HanaMinA/B.ttf, uming.ttc), in
# order: CHIEFTECH_FONT_DIRS (comma-separated) first, then the Debian packages' directories.
PDF_FONT_DIRS = [
    *env_list("CHIEFTECH_FONT_DIRS", []),
    "/usr/share/fonts/truetype/hanazono",
    "/usr/share/fonts/truetype/arphic",
    "/usr/share/fonts/truetype/wqy",
    "/usr/local/share/fonts",
]

# --- Email ----------------------------------------------------------------------------------------
# Development prints mail; production sends it (a console default there would lose every message quietly).
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: set at most one")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "首席技师选拔管理系统 <noreply@localhost>")
# Seconds an SMTP connection may hang before the attempt counts as failed (Django's default waits for ever).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# --- SMS ------------------------------------------------------------------------------------------
# Text messages (a chief technician's invitation by the phone on record) leave through the outbox too, POSTed
# as JSON {"to", "text"} to the gateway, with the token as a bearer credential; any 2xx answer is success.
# Without a gateway, development writes each message to a file under SMS_FILE_PATH (like Django's file email
# backend) and production sends none: each message fails at once with the reason on the outbox page.
SMS_GATEWAY_URL = env_str("CHIEFTECH_SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = env_str("CHIEFTECH_SMS_GATEWAY_TOKEN", "")
SMS_GATEWAY_TIMEOUT = env_int("CHIEFTECH_SMS_GATEWAY_TIMEOUT", 10)
if SMS_GATEWAY_URL and not SMS_GATEWAY_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("CHIEFTECH_SMS_GATEWAY_URL must be an http(s) address")
if SMS_GATEWAY_URL and not SMS_GATEWAY_TOKEN:
    raise ImproperlyConfigured("CHIEFTECH_SMS_GATEWAY_TOKEN is required with CHIEFTECH_SMS_GATEWAY_URL")
if not 1 <= SMS_GATEWAY_TIMEOUT <= 120:
    raise ImproperlyConfigured("CHIEFTECH_SMS_GATEWAY_TIMEOUT must be between 1 and 120 seconds")
SMS_FILE_PATH = VAR_DIR / "sms"

# --- Background work ------------------------------------------------------------------------------
# Tasks are rows in the database, run by `chieftech worker` (docs/deploy.md §3): no queue server to keep.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Mail leaves through the outbox (chieftech.core.outbox): a failed attempt is retried after
# OUTBOX_RETRY_SECONDS, then twice as long each time up to OUTBOX_RETRY_MAX_SECONDS, and the message is given
# up (and shown to the system admin) after OUTBOX_MAX_ATTEMPTS attempts: by default about 18 hours of trying.
OUTBOX_RETRY_SECONDS = env_int("CHIEFTECH_OUTBOX_RETRY_SECONDS", 60)
OUTBOX_RETRY_MAX_SECONDS = env_int("CHIEFTECH_OUTBOX_RETRY_MAX_SECONDS", 3600)
OUTBOX_MAX_ATTEMPTS = env_int("CHIEFTECH_OUTBOX_MAX_ATTEMPTS", 24)
# Days sent messages, finished tasks and scheduled-run records are kept before the daily purge removes them.
OUTBOX_KEEP_DAYS = env_int("CHIEFTECH_OUTBOX_KEEP_DAYS", 30)
if OUTBOX_RETRY_SECONDS <= EMAIL_TIMEOUT:
    # The first retry time is also how long an attempt holds its message: an attempt still waiting for the
    # server when it passed could be taken up a second time and the mail sent twice.
    raise ImproperlyConfigured(
        f"CHIEFTECH_OUTBOX_RETRY_SECONDS={OUTBOX_RETRY_SECONDS} must be longer than EMAIL_TIMEOUT={EMAIL_TIMEOUT}"
    )
if OUTBOX_RETRY_MAX_SECONDS < OUTBOX_RETRY_SECONDS:
    raise ImproperlyConfigured(
        "CHIEFTECH_OUTBOX_RETRY_MAX_SECONDS must not be less than CHIEFTECH_OUTBOX_RETRY_SECONDS"
    )
if OUTBOX_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured(f"CHIEFTECH_OUTBOX_MAX_ATTEMPTS={OUTBOX_MAX_ATTEMPTS} must be 1 or more")
if OUTBOX_KEEP_DAYS < 2:
    # A day's scheduled-run record must outlive its day, or the day's job could be started again.
    raise ImproperlyConfigured(f"CHIEFTECH_OUTBOX_KEEP_DAYS={OUTBOX_KEEP_DAYS} must be 2 or more")

# --- Security -------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp) on every HTML page: scripts and styles only from our own static files,
# so an injected <script>, on*= handler or style= attribute does nothing. No template may carry inline code
# (tests/core/test_security_headers.py reads every template). Only HTML gets it: an inline PDF would not open.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SESSION_COOKIE_HTTPONLY = True
# How many reverse proxies in front of the app append to X-Forwarded-For (nginx alone: 1; a load
# balancer before nginx: 2). 0 ignores the header: anyone can write it, so trusting it without a proxy
# would let a client forge the address in the audit log and escape the login lockout.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT={TRUSTED_PROXY_COUNT} must be 0 or more")
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe the app servers over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)

LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # A 403 is one line (method, path, user id, reason), not the traceback Django attaches.
    "filters": {"one_line_forbidden": {"()": "chieftech.core.logfilters.OneLineForbidden"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["one_line_forbidden"]},
        "django.security.csrf": {"filters": ["one_line_forbidden"]},
    },
}

# The site's name and host bureau are the first authority's (policy.Authority), read through this provider.
SITE_IDENTITY = "chieftech.policy.identity.site_identity"
# The portal's public address, printed on certificates as the QR code's target (/verify/<code>), for an
# authority without a public address of its own.
PUBLIC_BASE_URL = env_str("CHIEFTECH_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Seconds the busiest public pages (notices, verification, roster) are served from the cache; a change shows
# within this time. 0 turns the cache off.
PUBLIC_PAGE_CACHE_SECONDS = env_int("CHIEFTECH_PUBLIC_PAGE_CACHE_SECONDS", 60)
# Objections filed from one address within an hour, beyond which the public form refuses (anti-flooding).
OBJECTIONS_PER_IP_PER_HOUR = env_int("CHIEFTECH_OBJECTIONS_PER_IP_PER_HOUR", 5)
# Enterprise self-registrations submitted from one address within an hour, beyond which the form refuses.
REGISTRATIONS_PER_IP_PER_HOUR = env_int("CHIEFTECH_REGISTRATIONS_PER_IP_PER_HOUR", 20)
# Certificate look-ups (by verification code or certificate number) from one address within an hour.
VERIFY_LOOKUPS_PER_IP_PER_HOUR = env_int("CHIEFTECH_VERIFY_LOOKUPS_PER_IP_PER_HOUR", 60)
