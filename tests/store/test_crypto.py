"""Envelope encryption, blind indexes, case codes and PINs."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import given
from hypothesis import strategies as st

from bot.store import crypto


def test_wrapped_keys_and_ciphertexts_are_bound_to_their_context() -> None:
    master = crypto.new_data_key()
    key = crypto.new_data_key()
    wrapped = crypto.wrap_key(master, key, context="case:a")
    assert crypto.unwrap_key(master, wrapped, context="case:a") == key
    with pytest.raises(InvalidTag):
        crypto.unwrap_key(master, wrapped, context="case:b")
    blob = crypto.encrypt(key, b"secreto", aad="x")
    assert b"secreto" not in blob
    with pytest.raises(InvalidTag):
        crypto.decrypt(key, blob, aad="y")
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(InvalidTag):
        crypto.decrypt(key, tampered, aad="x")


def test_blind_index_is_keyed_and_purpose_bound() -> None:
    key = crypto.new_data_key()
    a = crypto.blind_index(key, "+5255", purpose="address:sms")
    assert a == crypto.blind_index(key, "+5255", purpose="address:sms")
    assert a != crypto.blind_index(key, "+5255", purpose="address:whatsapp")
    assert a != crypto.blind_index(crypto.new_data_key(), "+5255", purpose="address:sms")


def test_case_codes_and_pins() -> None:
    codes = {crypto.new_case_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) >= 10 and set(code) <= set(crypto.CODE_ALPHABET)
        assert crypto.normalize_case_code(crypto.format_case_code(code).lower()) == code
    pin = crypto.new_pin()
    assert len(pin) == 6 and pin.isdigit()
    hashed = crypto.hash_pin(pin)
    assert hashed.startswith("$argon2id$")
    assert crypto.verify_pin(hashed, pin)
    assert not crypto.verify_pin(hashed, "000000" if pin != "000000" else "111111")
    assert not crypto.verify_pin("not a hash", pin)


@given(st.text())
def test_normalize_case_code_never_raises(text: str) -> None:
    result = crypto.normalize_case_code(text)
    assert result is None or (
        len(result) == crypto.CODE_LENGTH and set(result) <= set(crypto.CODE_ALPHABET)
    )


def test_master_key_sources(tmp_path: Path) -> None:
    text = crypto.new_master_key_text()
    assert len(crypto.load_master_key(text, str(tmp_path / "k"), production=True)) == 32
    with pytest.raises(crypto.KeyConfigurationError):
        crypto.load_master_key(None, str(tmp_path / "k"), production=True)
    with pytest.raises(crypto.KeyConfigurationError):
        crypto.load_master_key("c2hvcnQ=", str(tmp_path / "k"), production=False)
    generated = crypto.load_master_key(None, str(tmp_path / "dev.key"), production=False)
    assert crypto.load_master_key(None, str(tmp_path / "dev.key"), production=False) == generated
    assert (tmp_path / "dev.key").stat().st_mode & 0o777 == 0o600
