"""Signing keys: Ed25519 key pairs with ids, rotated by an admin; old ids keep verifying.

The public half is a SigningKey row; the private half lives only in instance/keys/<kid>.key (mode 0600), never
in the database or the repository. The newest unretired key signs. Verification reads the public key ring from
a per-process cache (refreshed every KEYRING_TTL seconds, or at once when a token names a key it lacks), so
the verify page costs no key query.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elearn.certificates.models import SigningKey
from elearn.certificates.tokens import generate_keypair
from elearn.errors import DomainError

KEYRING_TTL = 60.0
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class KeyUnavailable(DomainError):
    status_code = 500

    def __init__(self, kid: str):
        super().__init__(
            f"Không tìm thấy khóa bí mật «{kid}» trên máy chủ (thư mục instance/keys). "
            "Hãy chép khóa vào hoặc tạo khóa mới bằng lệnh `flask --app app keys rotate`."
        )


@dataclass(frozen=True)
class ActiveKey:
    kid: str
    private_key: bytes  # 32 raw bytes


def keys_dir(instance_path: str | Path) -> Path:
    return Path(instance_path) / "keys"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _next_kid(session: Session, day: date) -> str:
    """ "2026-11a", "2026-11b", ...: the month of creation and a letter for the n-th key of that month."""
    prefix = f"{day.year:04d}-{day.month:02d}"
    taken = set(session.scalars(select(SigningKey.kid).where(SigningKey.kid.like(prefix + "%"))))
    for n in range(len(_LETTERS) ** 2):
        suffix = _LETTERS[n] if n < len(_LETTERS) else _LETTERS[n // 26 - 1] + _LETTERS[n % 26]
        if prefix + suffix not in taken:
            return prefix + suffix
    raise RuntimeError("too many keys this month")


def _write_private(path: Path, raw: bytes) -> None:
    """Write 0600 from the start (never world-readable, not even for a moment), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, base64.b64encode(raw) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def create_key(session: Session, instance_path: str | Path, now: datetime) -> SigningKey:
    """A new key that signs from now on; every earlier unretired key is retired (it still verifies).

    The row is flushed before the private key file is written: the unique kid then belongs to this
    transaction, so a concurrent creator of the same kid waits or fails instead of overwriting our file.
    """
    private_raw, public_raw = generate_keypair()
    for old in session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None))):
        old.retired_at = now
    key = SigningKey(kid=_next_kid(session, now.date()), public_key=_b64(public_raw), created_at=now)
    session.add(key)
    session.flush()
    _write_private(keys_dir(instance_path) / f"{key.kid}.key", private_raw)
    clear_cache()
    return key


def current_key(session: Session, instance_path: str | Path, now: datetime) -> ActiveKey:
    """The key that signs new certificates; the first issue of an installation creates one."""
    key = session.scalar(
        select(SigningKey).where(SigningKey.retired_at.is_(None)).order_by(SigningKey.id.desc()).limit(1)
    )
    if key is None:
        try:
            with session.begin_nested():
                key = create_key(session, instance_path, now)
        except IntegrityError:  # another worker created the first key at the same moment
            key = session.scalar(
                select(SigningKey)
                .where(SigningKey.retired_at.is_(None))
                .order_by(SigningKey.id.desc())
                .limit(1)
            )
    path = keys_dir(instance_path) / f"{key.kid}.key"
    try:
        private_raw = base64.b64decode(path.read_bytes().strip())
    except OSError:
        raise KeyUnavailable(key.kid) from None
    # A file left by another database sharing this folder must never sign: its tokens would not verify.
    if _public_of(private_raw) != _unb64(key.public_key):
        raise KeyUnavailable(key.kid)
    return ActiveKey(kid=key.kid, private_key=private_raw)


def _public_of(private_raw: bytes) -> bytes:
    raw = serialization.Encoding.Raw
    public = Ed25519PrivateKey.from_private_bytes(private_raw).public_key()
    return public.public_bytes(raw, serialization.PublicFormat.Raw)


def list_keys(session: Session) -> list[SigningKey]:
    return list(session.scalars(select(SigningKey).order_by(SigningKey.id)))


def load_public_keys(session: Session | Connection) -> dict[str, bytes]:
    return {
        kid: _unb64(public) for kid, public in session.execute(select(SigningKey.kid, SigningKey.public_key))
    }


# --- per-process key ring cache ---------------------------------------------------------------------------

_cache: dict[object, tuple[float, dict[str, bytes]]] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _engine_of(db: Session | Connection) -> Engine:
    return db.engine if isinstance(db, Connection) else db.get_bind().engine


def public_keys(session: Session | Connection, refresh: bool = False) -> dict[str, bytes]:
    """Every public key by id, cached per process and database for KEYRING_TTL seconds."""
    bind = _engine_of(session)
    now = time.monotonic()
    with _cache_lock:
        entry = _cache.get(bind)
    if entry is None or refresh or now - entry[0] > KEYRING_TTL:
        entry = (now, load_public_keys(session))
        with _cache_lock:
            _cache[bind] = entry
    return entry[1]


def cache_age(session: Session | Connection) -> float:
    entry = _cache.get(_engine_of(session))
    return float("inf") if entry is None else time.monotonic() - entry[0]
