"""The audit chain's HMAC keys. They live outside the database so that SQL access alone cannot re-sign history.

* The **configured key** signs the first keyed event: `SAFECITY_AUDIT_KEY` (a secret), else
  `SAFECITY_AUDIT_KEY_FILE` (a file), else one key generated once per installation in `var/audit_key` (0600).
* The **keyring** directory (`SAFECITY_AUDIT_KEYRING`, default `var/audit-keys/`, 0700) holds one file per
  key, `<key id>.key` (0600). `safecity audit rotate-key` writes each new key there; verification uses the
  configured key plus every key in the keyring, so retired keys must stay there.
* A **key id** is a 16-hex-digit fingerprint (an HMAC of a fixed label under the key): it names the key in
  every event and checkpoint without revealing anything about it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

KEY_ID_LENGTH = 16


class AuditKeyError(Exception):
    """An audit key is missing or unreadable; the message says which and where it was looked for."""


@dataclass(frozen=True)
class AuditKey:
    key_id: str
    secret: bytes = field(repr=False)
    source: str = field(default="", compare=False)


def key_id_of(secret: bytes) -> str:
    return hmac.new(secret, b"safecity audit key id", hashlib.sha256).hexdigest()[:KEY_ID_LENGTH]


def _make(secret_text: str, source: str) -> AuditKey:
    secret = secret_text.strip().encode()
    if len(secret) < 32:
        raise AuditKeyError(f"{source}: an audit key must be at least 32 characters")
    return AuditKey(key_id_of(secret), secret, source)


def _read(path: Path, source: str) -> AuditKey:
    try:
        return _make(path.read_text(), source)
    except OSError as exc:
        raise AuditKeyError(f"{source}: cannot read the audit key ({exc.strerror or exc})") from None


def _write_private(path: Path, text: str) -> bool:
    """Create `path` (0600) holding `text` unless it already exists; True when this call created it.

    Written to a temporary name and hard-linked into place, so a concurrent reader never sees a half-written
    key and two processes racing to create it agree on one.
    """
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        tmp.unlink(missing_ok=True)


def generate_secret() -> str:
    return secrets.token_hex(32)


def configured_key() -> AuditKey:
    """The key from the settings (secret, file, or the installation's generated key)."""
    if settings.AUDIT_KEY:
        return _make(settings.AUDIT_KEY, "SAFECITY_AUDIT_KEY")
    if settings.AUDIT_KEY_FILE:
        return _read(Path(settings.AUDIT_KEY_FILE), f"SAFECITY_AUDIT_KEY_FILE ({settings.AUDIT_KEY_FILE})")
    path = Path(settings.AUDIT_KEY_GENERATED_FILE)
    if not path.exists():
        _write_private(path, generate_secret())
    return _read(path, str(path))


def keyring_dir() -> Path:
    return Path(settings.AUDIT_KEYRING_DIR)


def keyring() -> dict[str, AuditKey]:
    """Every key available for verification, by id: the configured key and each file in the keyring."""
    keys: dict[str, AuditKey] = {}
    directory = keyring_dir()
    if directory.is_dir():
        for path in sorted(directory.glob("*.key")):
            key = _read(path, str(path))
            keys[key.key_id] = key  # the file name is a convenience; the id is computed from the key itself
    configured = configured_key()
    keys[configured.key_id] = configured
    return keys


def find_key(key_id: str) -> AuditKey:
    """The key named `key_id`, from the configured key or the keyring; AuditKeyError if neither has it."""
    configured = configured_key()
    if configured.key_id == key_id:
        return configured
    path = keyring_dir() / f"{key_id}.key"
    if path.exists():
        key = _read(path, str(path))
        if key.key_id == key_id:
            return key
    if found := keyring().get(key_id):
        return found
    raise AuditKeyError(
        f"the audit chain is signed with key {key_id}, which is neither the configured key ({configured.key_id}) "
        f"nor in the keyring {keyring_dir()}: restore that key (see docs/security.md, 'Keyed audit chain')")


def add_new_key() -> AuditKey:
    """Generate a key and store it in the keyring (0600); the chain starts using it after a rotation event."""
    key = _make(generate_secret(), "new key")
    path = keyring_dir() / f"{key.key_id}.key"
    _write_private(path, key.secret.decode())
    return _read(path, str(path))
