"""Test settings: production settings with throwaway secrets, fast hashing and files in a temp folder."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 50)
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy1vayE=")
os.environ.setdefault("AUDIT_CHAIN_KEY", "test-only-audit-chain-key-" + "y" * 32)
os.environ.setdefault("CHIEFTECH_MANIFEST_STATIC", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="chieftech-media-"))
os.environ.setdefault("CHIEFTECH_VAR_DIR", tempfile.mkdtemp(prefix="chieftech-var-"))

from chieftech.settings import *  # noqa: F403
from chieftech.settings import DATABASES, STATIC_ROOT

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not shared-cache memory: concurrency tests need SQLite's real locking (WAL, IMMEDIATE, timeout),
    # which shared-cache mode replaces with table locks that fail at once instead of waiting.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["CHIEFTECH_VAR_DIR"], "test.sqlite3")}

# Tests serve static files straight from the apps (no collectstatic), as runserver does in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
os.makedirs(STATIC_ROOT, exist_ok=True)
# In memory: tests count queries, and the cache of one test must not reach the next through the database.
# Production's database cache is exercised by tests/core/test_rate_limit_gunicorn.py and test_cache_shared.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rate limits count in the test database (rolled back with each test); tests/core/test_ratelimit.py points
# them at a Redis server when one answers.
REDIS_URL = ""
# Public pages are served fresh in tests, which change data between requests; tests/core/test_public_cache.py
# turns the cache on to check it.
PUBLIC_PAGE_CACHE_SECONDS = 0
