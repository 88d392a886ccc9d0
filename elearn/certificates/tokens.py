"""Signed verification tokens printed as a QR code on certificates.

A token is base64url (no padding) of a compact binary record followed by its Ed25519 signature. The QR holds
`{base}/v/{token}`; the record is binary rather than JSON to keep that QR small. With a 26-character base
URL, key id "2026a" and serial "HN-2026-000123", "Nguyễn Thị Thanh Tùng" gives a 166-character token and a
195-character URL (QR version 10 at error correction M); version 10 holds names up to about 40 UTF-8 bytes,
and "Công Tằng Tôn Nữ Thị Hoàng Phương Quỳnh Như" (57 bytes) needs version 11 (236 characters).
Layout (format 1, integers big-endian):

    u8  format version (1)
    u8  length + key id (ASCII)
    u8  length + serial (UTF-8)
    u8  length + holder name (UTF-8, NFC)
    u8  length + certificate type code (UTF-8)
    u16 date of birth, u16 issue date, u16 expiry date (days since 1900-01-01; expiry 0 = none)
    64 bytes Ed25519 signature over _CONTEXT + everything above

The record never holds a national ID number. The key id travels in clear so keys can rotate: verifiers keep
every published public key by id (see public_keys_json for the published shape).
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from elearn.errors import DomainError

FORMAT_VERSION = 1
SIGNATURE_SIZE = 64
MAX_TOKEN_CHARS = 800
# Domain separation: a signature made here can never be replayed as a signature over some other message.
_CONTEXT = b"elearn/certificate-token/v1\x00"
_EPOCH = date(1900, 1, 1).toordinal()
_NO_DATE = 0
_DATES = struct.Struct(">HHH")
_KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,32}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")
_URL_TOKEN = re.compile(r"/v/([A-Za-z0-9_-]+)/?$")


class InvalidToken(DomainError):
    """The token is malformed, signed with an unknown key, or its signature does not match.

    `reason` is a short English code for logs and tests: "encoding", "unknown_key" or "signature".
    """

    _MESSAGES = {
        "encoding": "Mã xác thực không hợp lệ hoặc đã bị sửa đổi.",
        "unknown_key": "Mã xác thực được ký bằng một khóa không được công nhận.",
        "signature": "Chữ ký của mã xác thực không hợp lệ: chứng chỉ có thể đã bị sửa đổi hoặc làm giả.",
    }

    def __init__(self, reason: str):
        super().__init__(self._MESSAGES[reason])
        self.reason = reason


@dataclass(frozen=True)
class TokenRecord:
    serial: str
    holder_name: str
    date_of_birth: date
    type_code: str
    issue_date: date
    expiry_date: date | None = None
    key_id: str = ""  # filled in by parse_and_verify; sign_record takes the key id as an argument


def generate_keypair() -> tuple[bytes, bytes]:
    """Return (private key as 32 raw bytes, public key as 32 raw bytes)."""
    private = Ed25519PrivateKey.generate()
    raw = serialization.Encoding.Raw
    private_raw = private.private_bytes(raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return private_raw, private.public_key().public_bytes(raw, serialization.PublicFormat.Raw)


def sign_record(record: TokenRecord, private_key: bytes | str | Ed25519PrivateKey, key_id: str) -> str:
    """Encode and sign `record` with `private_key` (raw 32 bytes, PEM, or a key object) under `key_id`."""
    if not _KEY_ID.fullmatch(key_id):
        raise ValueError(f"key id must match {_KEY_ID.pattern}: {key_id!r}")
    if record.key_id and record.key_id != key_id:
        raise ValueError(f"record says key {record.key_id!r} but is signed with {key_id!r}")
    body = b"".join(
        [
            bytes([FORMAT_VERSION]),
            _pack_str(key_id, "key id"),
            _pack_str(record.serial, "serial"),
            _pack_str(record.holder_name, "holder name"),
            _pack_str(record.type_code, "type code"),
            _DATES.pack(
                _pack_date(record.date_of_birth),
                _pack_date(record.issue_date),
                _NO_DATE if record.expiry_date is None else _pack_date(record.expiry_date),
            ),
        ]
    )
    signature = _load_private_key(private_key).sign(_CONTEXT + body)
    return base64.urlsafe_b64encode(body + signature).rstrip(b"=").decode("ascii")


def parse_and_verify(token: str, public_keys: Mapping[str, bytes]) -> TokenRecord:
    """Return the record in `token` if it is well formed and signed by the key it names in `public_keys`.

    Raises InvalidToken otherwise; a token with any character changed never verifies.
    """
    blob = _decode(token)
    if len(blob) <= SIGNATURE_SIZE:
        raise InvalidToken("encoding")
    body, signature = blob[:-SIGNATURE_SIZE], blob[-SIGNATURE_SIZE:]
    try:
        if body[0] != FORMAT_VERSION:
            raise InvalidToken("encoding")
        offset = 1
        fields = []
        for _ in range(4):
            size = body[offset]
            fields.append(body[offset + 1 : offset + 1 + size])
            offset += 1 + size
            if offset > len(body):
                raise InvalidToken("encoding")
        dob, issued, expiry = _DATES.unpack(body[offset:])
        key_id = fields[0].decode("ascii")
    except (IndexError, struct.error, UnicodeDecodeError):
        raise InvalidToken("encoding") from None
    public_raw = public_keys.get(key_id)
    if public_raw is None:
        raise InvalidToken("unknown_key")
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, _CONTEXT + body)
    except InvalidSignature:
        raise InvalidToken("signature") from None
    try:
        serial, holder_name, type_code = (raw.decode("utf-8") for raw in fields[1:])
        return TokenRecord(
            serial=serial,
            holder_name=holder_name,
            date_of_birth=_unpack_date(dob),
            type_code=type_code,
            issue_date=_unpack_date(issued),
            expiry_date=None if expiry == _NO_DATE else _unpack_date(expiry),
            key_id=key_id,
        )
    except (UnicodeDecodeError, ValueError):  # signed by us, so only a bug in an old signer gets here
        raise InvalidToken("encoding") from None


def extract_token(text: str) -> str:
    """Return the token from a bare token or from a URL whose path ends in /v/<token>."""
    text = text.strip()
    if _TOKEN.fullmatch(text):
        return text
    match = _URL_TOKEN.search(urlsplit(text).path)
    if match is None:
        raise InvalidToken("encoding")
    return match.group(1)


def build_verify_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/v/{token}"


def public_keys_json(keys: Mapping[str, bytes]) -> dict:
    """Publish public keys in a JWKS shape (RFC 7517 / RFC 8037), sorted by key id:

    {"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "2026a", "x": "<base64url raw key>",
               "use": "sig", "alg": "EdDSA"}, ...]}
    """
    return {
        "keys": [
            {"kty": "OKP", "crv": "Ed25519", "kid": kid, "x": _b64(keys[kid]), "use": "sig", "alg": "EdDSA"}
            for kid in sorted(keys)
        ]
    }


def public_keys_from_json(document: Mapping) -> dict[str, bytes]:
    """Inverse of public_keys_json, for offline verifiers; ignores keys of other types."""
    keys = {}
    for jwk in document.get("keys", []):
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
            raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
            if len(raw) != 32:
                raise ValueError(f"Ed25519 key {jwk.get('kid')!r} is not 32 bytes")
            keys[jwk["kid"]] = raw
    return keys


def _decode(token: str) -> bytes:
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or not _TOKEN.fullmatch(token):
        raise InvalidToken("encoding")
    try:
        blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raise InvalidToken("encoding") from None
    # The last character can carry unused bits; reject any spelling other than the canonical one so that
    # changing any character of a token always invalidates it.
    if _b64(blob) != token:
        raise InvalidToken("encoding")
    return blob


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _pack_str(value: str, what: str) -> bytes:
    raw = unicodedata.normalize("NFC", value).encode("utf-8")
    if not raw or len(raw) > 255:
        raise ValueError(f"{what} must be 1 to 255 UTF-8 bytes: {value!r}")
    return bytes([len(raw)]) + raw


def _pack_date(value: date) -> int:
    days = value.toordinal() - _EPOCH
    if not 0 < days <= 0xFFFF:
        raise ValueError(f"date out of the token range 1900-01-02..2079-06-06: {value}")
    return days


def _unpack_date(days: int) -> date:
    if days == _NO_DATE:
        raise ValueError("missing date")
    return date.fromordinal(_EPOCH + days)


def _load_private_key(key: bytes | str | Ed25519PrivateKey) -> Ed25519PrivateKey:
    if isinstance(key, Ed25519PrivateKey):
        return key
    if isinstance(key, str):
        key = key.encode("ascii")
    if len(key) == 32:
        return Ed25519PrivateKey.from_private_bytes(key)
    loaded = serialization.load_pem_private_key(key, password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValueError("private key is not an Ed25519 key")
    return loaded
