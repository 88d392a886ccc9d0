"""Configuration from the environment. Nothing secret is stored in the repository."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _instance_secret(instance_path: Path) -> str:
    """A per-installation key kept in instance/ so every gunicorn worker shares it."""
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_config(instance_path: Path) -> dict:
    env = os.environ
    database_url = env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'elearn.sqlite3'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    redis_url = env.get("REDIS_URL")
    secure_cookies = env.get("SESSION_COOKIE_SECURE", "0") == "1"
    return {
        "SECRET_KEY": env.get("SECRET_KEY") or _instance_secret(instance_path),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        # Flask-WTF: a CSRF token lives as long as the session (a phone may sit on a form for hours).
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": secure_cookies,
        # WTForms' own messages ("This field is required.") through translations; the Vietnamese ones are
        # in elearn.extensions, as WTForms ships none.
        "WTF_I18N_ENABLED": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 30,
        # CSS, JS and icons: phones on slow links should not fetch them on every page.
        "SEND_FILE_MAX_AGE_DEFAULT": 3600,
        "MAX_CONTENT_LENGTH": int(env.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_LOGIN": env.get("RATELIMIT_LOGIN", "10 per minute;50 per hour"),
        "RATELIMIT_VERIFY": env.get("RATELIMIT_VERIFY", "30 per minute"),
        "PASSWORD_HASH_METHOD": "scrypt",
        "PAGE_SIZE": 25,
        "IMPORT_MAX_ROWS": 20000,
    }
