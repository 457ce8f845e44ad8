"""Ed25519 signatures of the publication chain, with a key kept outside the database.

The key file (AUDIT_SIGNING_KEY_FILE, mode 0600, shared by every host like SECRET_KEY) is
JSON: {"keys": [{"from_sequence": 1, "public_key": hex, "private_key": hex or null}, ...]}.
Each key signs the publications from its `from_sequence` up to the next key's; on rotation
the retired key keeps only its public half, which stays published. What is signed is a
publication's chain_hash as ASCII hex; keys and signatures are written in hex (raw bytes).
"""

import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from flask import current_app

from ..msgids import N_

ALGORITHM = "Ed25519"
KEY_FILE_NAME = "audit-signing.key"


class SigningKeyMissing(Exception):
    """No key to sign with: approval is refused rather than publishing unsigned."""

    def __init__(self, path: str):
        message = N_(
            "Clé de signature des publications introuvable (%(path)s) : lancez « flask audit "
            "keygen » (ou copiez la clé partagée) avant de publier.",
            path=path,
        )
        super().__init__(message)
        self.reasons = [("", message)]


@dataclass(frozen=True)
class Key:
    """One key of the ring: signs from `from_sequence` on, until the next key's."""

    from_sequence: int
    public_key: str
    private_key: str | None = None


def _public_hex(private: Ed25519PrivateKey) -> str:
    return private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def new_key(from_sequence: int) -> Key:
    private = Ed25519PrivateKey.generate()
    return Key(from_sequence, _public_hex(private), private.private_bytes_raw().hex())


def read_ring(path: Path) -> list[Key]:
    """The keys of the file, oldest first; [] when the file does not exist."""
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    keys = [
        Key(int(k["from_sequence"]), k["public_key"], k.get("private_key")) for k in data["keys"]
    ]
    return sorted(keys, key=lambda k: k.from_sequence)


def write_ring(path: Path, keys: list[Key]) -> None:
    """Write the ring atomically, readable by its owner only (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"keys": [k.__dict__ for k in sorted(keys, key=lambda k: k.from_sequence)]}
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(body, handle, indent=1)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)


def create_ring(path: Path) -> bool:
    """Create the key file with a first key (from sequence 1); False if it already exists."""
    if path.exists():
        return False
    write_ring(path, [new_key(1)])
    return True


def rotate(path: Path, from_sequence: int) -> Key:
    """A new key signs from `from_sequence` on; the retired keys keep only their public half."""
    keys = read_ring(path)
    if keys and from_sequence <= keys[-1].from_sequence:
        raise ValueError(
            f"la nouvelle clé doit signer après la n° {keys[-1].from_sequence} "
            "(début de la clé actuelle)"
        )
    fresh = new_key(from_sequence)
    write_ring(path, [Key(k.from_sequence, k.public_key) for k in keys] + [fresh])
    return fresh


def key_for(keys: list[Key], sequence: int) -> Key | None:
    """The key that signs publication n° `sequence`."""
    chosen = None
    for key in keys:
        if key.from_sequence <= sequence:
            chosen = key
    return chosen


def sign(key: Key, chain_hash: str) -> str:
    """The signature (hex) of a chain hash's ASCII hex text."""
    if not key.private_key:
        raise ValueError("clé retirée : elle ne signe plus")
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(key.private_key))
    return private.sign(chain_hash.encode("ascii")).hex()


def valid(public_key: str, chain_hash: str, signature: str) -> bool:
    """Whether `signature` (hex) signs `chain_hash` with `public_key` (hex)."""
    try:
        public = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key))
        public.verify(bytes.fromhex(signature), chain_hash.encode("ascii"))
    except (InvalidSignature, ValueError):
        return False
    return True


def published_keys(keys: list[Key]) -> list[dict]:
    """Every public key with the sequences it signs (until: the last one, or null)."""
    return [
        {
            "algorithm": ALGORITHM,
            "public_key": key.public_key,
            "from_sequence": key.from_sequence,
            "until_sequence": keys[i + 1].from_sequence - 1 if i + 1 < len(keys) else None,
        }
        for i, key in enumerate(keys)
    ]


# The application's key file (configuration, instance folder).


def key_path() -> Path:
    """AUDIT_SIGNING_KEY_FILE, or instance/audit-signing.key."""
    configured = current_app.config.get("AUDIT_SIGNING_KEY_FILE")
    return Path(configured or Path(current_app.instance_path) / KEY_FILE_NAME)


def app_ring() -> list[Key]:
    return read_ring(key_path())


def signing_key(sequence: int) -> Key:
    """The key that signs publication n° `sequence` now.

    Outside production a missing file is created (a developer's first approval); in
    production it never is: hosts share one key, so a host's own new key would fork it.
    """
    path = key_path()
    if not path.exists() and current_app.config.get("APP_ENV") != "production":
        create_ring(path)
    key = key_for(read_ring(path), sequence)
    if key is None or not key.private_key:
        raise SigningKeyMissing(str(path))
    return key
