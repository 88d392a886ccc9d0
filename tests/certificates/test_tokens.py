"""Signed verification tokens."""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from elearn.certificates.tokens import (
    InvalidToken,
    TokenRecord,
    build_verify_url,
    extract_token,
    generate_keypair,
    parse_and_verify,
    public_keys_from_json,
    public_keys_json,
    sign_record,
)
from tests.certificates.factories import BASE_URL, make_record

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.fixture(scope="module")
def keys():
    return generate_keypair()


def test_round_trip(keys):
    private_key, public_key = keys
    record = make_record()

    token = sign_record(record, private_key, "2026a")
    parsed = parse_and_verify(token, {"2026a": public_key})

    assert parsed == TokenRecord(**{**record.__dict__, "key_id": "2026a"})
    assert len(token) < 200 and "=" not in token


def test_round_trip_without_expiry_and_with_decomposed_name(keys):
    private_key, public_key = keys
    record = make_record(expiry_date=None, holder_name="Nguye\u0302\u0303n Thi\u0323 Thanh Tu\u0300ng")

    parsed = parse_and_verify(sign_record(record, private_key, "k1"), {"k1": public_key})

    assert parsed.expiry_date is None
    assert parsed.holder_name == "Nguyễn Thị Thanh Tùng"


def test_any_changed_character_is_rejected(keys):
    private_key, public_key = keys
    token = sign_record(make_record(), private_key, "2026a")
    for position, char in enumerate(token):
        for replacement in (
            ALPHABET[(ALPHABET.index(char) + 1) % 64],
            ALPHABET[(ALPHABET.index(char) + 32) % 64],
        ):
            tampered = token[:position] + replacement + token[position + 1 :]
            with pytest.raises(InvalidToken):
                parse_and_verify(tampered, {"2026a": public_key})


def test_truncated_extended_or_garbled_token_is_rejected(keys):
    private_key, public_key = keys
    token = sign_record(make_record(), private_key, "2026a")
    for bad in (token[:-1], token + "A", token[:40], "", "not a token!", token.replace("A", "+"), "A" * 5000):
        with pytest.raises(InvalidToken) as caught:
            parse_and_verify(bad, {"2026a": public_key})
        assert caught.value.reason in ("encoding", "signature")


def test_unknown_key_id_is_rejected(keys):
    private_key, public_key = keys
    token = sign_record(make_record(), private_key, "2025z")

    with pytest.raises(InvalidToken) as caught:
        parse_and_verify(token, {"2026a": public_key})

    assert caught.value.reason == "unknown_key"


def test_wrong_key_under_known_id_is_rejected(keys):
    private_key, _ = keys
    _, other_public = generate_keypair()

    with pytest.raises(InvalidToken) as caught:
        parse_and_verify(sign_record(make_record(), private_key, "2026a"), {"2026a": other_public})

    assert caught.value.reason == "signature"


def test_rotated_keys_both_verify():
    old_private, old_public = generate_keypair()
    new_private, new_public = generate_keypair()
    published = {"2025a": old_public, "2026a": new_public}

    old = parse_and_verify(sign_record(make_record(), old_private, "2025a"), published)
    new = parse_and_verify(sign_record(make_record(), new_private, "2026a"), published)

    assert (old.key_id, new.key_id) == ("2025a", "2026a")


def test_private_key_may_be_pem_or_key_object(keys):
    private_key, public_key = keys
    key = Ed25519PrivateKey.from_private_bytes(private_key)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    record = make_record()

    tokens = {sign_record(record, k, "2026a") for k in (private_key, key, pem, pem.decode())}

    assert len(tokens) == 1  # Ed25519 signatures are deterministic
    assert parse_and_verify(tokens.pop(), {"2026a": public_key}).serial == record.serial


def test_extract_token_from_url_or_bare_text(keys):
    token = sign_record(make_record(), keys[0], "2026a")
    url = build_verify_url(BASE_URL + "/", token)

    assert url == f"{BASE_URL}/v/{token}"
    assert extract_token(url) == token
    assert extract_token(f"  {url}/?utm=qr#top \n") == token
    assert extract_token(token) == token
    for bad in ("https://daotao.congdoan.vn/x/abc", "", "hello world", "https://daotao.congdoan.vn/v/"):
        with pytest.raises(InvalidToken):
            extract_token(bad)


def test_public_keys_json_shape_and_round_trip():
    keys = {"2026a": generate_keypair()[1], "2025a": generate_keypair()[1]}

    document = public_keys_json(keys)

    assert [jwk["kid"] for jwk in document["keys"]] == ["2025a", "2026a"]
    assert all(
        jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and len(jwk["x"]) == 43 for jwk in document["keys"]
    )
    assert public_keys_from_json(document) == keys


@pytest.mark.parametrize(
    "change",
    [
        {"date_of_birth": date(1899, 12, 31)},
        {"issue_date": date(2080, 1, 1)},
        {"serial": ""},
        {"holder_name": "x" * 300},
    ],
)
def test_unencodable_record_is_a_programming_error(keys, change):
    with pytest.raises(ValueError):
        sign_record(make_record(**change), keys[0], "2026a")


def test_bad_key_id_is_a_programming_error(keys):
    with pytest.raises(ValueError):
        sign_record(make_record(), keys[0], "key id with spaces")


def test_record_naming_another_key_is_a_programming_error(keys):
    with pytest.raises(ValueError):
        sign_record(make_record(key_id="2025a"), keys[0], "2026a")
