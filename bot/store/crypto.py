"""Envelope encryption of personal data, blind indexes, case codes and PINs.

Every case and every contact has its own random data key (AES-256-GCM). Data keys are stored
only wrapped by the master key (`CAMINO_DATA_KEY`), so deleting a wrapped key erases
everything it protected (crypto-shredding). Lookups use keyed hashes (blind indexes), never
plaintext.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.core.text import CODE_ALPHABET as CODE_ALPHABET
from bot.core.text import CODE_LENGTH as CODE_LENGTH
from bot.core.text import normalize_case_code as normalize_case_code

log = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12
PIN_LENGTH = 6

# Argon2id at one of OWASP's equivalent minimums (7 MiB, 5 passes, 1 lane; the same defence as
# 19 MiB and 2 passes, in less memory): a PIN is hashed while a report is being filed, and what
# protects a 6-digit PIN is the attempt lockout, not the hash. Older hashes carry their own
# parameters and still verify.
_pin_hasher = PasswordHasher(time_cost=5, memory_cost=7 * 1024, parallelism=1)
# One hash at a time per process: a burst of reports filed at once must not add its memory many
# times over (two cores gain little from more).
_pin_hashing = threading.BoundedSemaphore(1)


class KeyConfigurationError(RuntimeError):
    """The master key is missing or malformed."""


def decode_master_key(encoded: str) -> bytes:
    """Decode a base64 master key and check it is 32 bytes."""
    try:
        key = base64.b64decode(encoded.strip(), validate=True)
    except (ValueError, TypeError) as exc:
        raise KeyConfigurationError("CAMINO_DATA_KEY is not valid base64.") from exc
    if len(key) != KEY_BYTES:
        raise KeyConfigurationError("CAMINO_DATA_KEY must be base64 of 32 random bytes.")
    return key


def new_master_key_text() -> str:
    """A fresh master key, base64 encoded, as an operator would put in CAMINO_DATA_KEY."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def load_master_key(encoded: str | None, key_file: str, *, production: bool) -> bytes:
    """The master key from the setting; in development, from (or into) a 0600 key file."""
    if encoded:
        return decode_master_key(encoded)
    if production:
        raise KeyConfigurationError("CAMINO_DATA_KEY is required when CAMINO_ENV=production.")
    path = Path(key_file)
    if path.exists():
        return decode_master_key(path.read_text())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(new_master_key_text() + "\n")
    log.warning(
        "Generated a development master key in %s; set CAMINO_DATA_KEY in production.", path
    )
    return decode_master_key(path.read_text())


def master_key_id(master: bytes) -> str:
    """A short public fingerprint of a master key, stored beside the keys it wraps."""
    return hashlib.sha256(b"camino-master-key-id\x00" + master).hexdigest()[:16]


def derive_key(master: bytes, purpose: str) -> bytes:
    """A key for one purpose derived from the master key (HKDF-SHA256); never stored."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=f"camino:{purpose}".encode()
    ).derive(master)


def new_data_key() -> bytes:
    """A random AES-256 data key."""
    return AESGCM.generate_key(bit_length=256)


def encrypt(key: bytes, plaintext: bytes, *, aad: str) -> bytes:
    """AES-GCM: nonce || ciphertext+tag, bound to `aad` so a blob cannot be moved elsewhere."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad.encode())


def decrypt(key: bytes, blob: bytes, *, aad: str) -> bytes:
    """Reverse of `encrypt`; raises `cryptography.exceptions.InvalidTag` on tampering."""
    return AESGCM(key).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad.encode())


def wrap_key(master: bytes, data_key: bytes, *, context: str) -> bytes:
    """Encrypt a data key under the master key, bound to what it protects."""
    return encrypt(master, data_key, aad=f"wrap:{context}")


def unwrap_key(master: bytes, wrapped: bytes, *, context: str) -> bytes:
    """Recover a data key wrapped by `wrap_key`."""
    return decrypt(master, wrapped, aad=f"wrap:{context}")


def encrypt_json(key: bytes, value: Any, *, aad: str) -> bytes:
    """Encrypt a JSON-serialisable value."""
    return encrypt(key, json.dumps(value, separators=(",", ":")).encode(), aad=aad)


def decrypt_json(key: bytes, blob: bytes, *, aad: str) -> Any:
    """Decrypt a value stored by `encrypt_json`."""
    return json.loads(decrypt(key, blob, aad=aad))


def blind_index(index_key: bytes, value: str, *, purpose: str) -> str:
    """A keyed hash for equality lookups; the purpose keeps indexes of different things apart."""
    mac = hmac.new(index_key, f"{purpose}\x00{value}".encode(), hashlib.sha256)
    return mac.hexdigest()


def new_case_code() -> str:
    """A case code from `secrets`: 12 characters of an unambiguous alphabet (~59 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_case_code(code: str) -> str:
    """Groups of four, easier to read aloud and copy: `K7QM-4T9X-2HCB`."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def new_pin() -> str:
    """A 6-digit PIN from `secrets`."""
    return f"{secrets.randbelow(10**PIN_LENGTH):0{PIN_LENGTH}d}"


def hash_pin(pin: str) -> str:
    """Argon2id hash of a PIN."""
    with _pin_hashing:
        return _pin_hasher.hash(pin)


def verify_pin(pin_hash: str, pin: str) -> bool:
    """Constant-effort PIN check; False on any mismatch or malformed hash."""
    try:
        with _pin_hashing:
            return _pin_hasher.verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False
