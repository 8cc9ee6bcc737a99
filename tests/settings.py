"""Test settings: production settings with throwaway secrets, fast hashing and files in a temp folder."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-" + "x" * 50)
os.environ.setdefault("FIELD_ENCRYPTION_KEY", "dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy1vayE=")
os.environ.setdefault("CHIEFTECH_MANIFEST_STATIC", "0")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="chieftech-media-"))
os.environ.setdefault("CHIEFTECH_VAR_DIR", tempfile.mkdtemp(prefix="chieftech-var-"))

from chieftech.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
