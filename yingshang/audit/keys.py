"""The audit key: the secret of the chain's HMAC, kept outside the database (docs/audit.md).

Read once per process: settings.AUDIT_KEY (YINGSHANG_AUDIT_KEY, 64 hex characters) or the key
file settings.AUDIT_KEY_FILE, created with mode 0600 on first use. Whoever can write to the
database but does not hold this key cannot write an event, a return record or a checkpoint that
verifies. Sub-keys are derived per use (events, checkpoints), so a MAC of one kind can never pass
for another.
"""

import contextlib
import hashlib
import hmac
import os
import secrets
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

MIN_KEY_BYTES = 32


def _parse(text: str, source: str) -> bytes:
    text = text.strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise ImproperlyConfigured(
            f"the audit key in {source} must be hexadecimal (e.g. `openssl rand -hex 32`)"
        ) from None
    if len(key) < MIN_KEY_BYTES:
        raise ImproperlyConfigured(
            f"the audit key in {source} is too short: {len(key)} bytes, at least {MIN_KEY_BYTES}"
        )
    return key


def _key_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # written to a private temporary file, then linked into place: two processes starting at
        # once never read a half-written key, and the first one to link wins
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(secrets.token_hex(MIN_KEY_BYTES) + "\n")
            with contextlib.suppress(FileExistsError):  # another process linked first
                os.link(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    return _parse(path.read_text(encoding="ascii"), str(path))


@cache
def chain_key() -> bytes:
    if settings.AUDIT_KEY:
        return _parse(settings.AUDIT_KEY, "YINGSHANG_AUDIT_KEY")
    return _key_file(Path(settings.AUDIT_KEY_FILE))


def key_source() -> str:
    return "YINGSHANG_AUDIT_KEY" if settings.AUDIT_KEY else str(settings.AUDIT_KEY_FILE)


def _subkey(purpose: bytes) -> bytes:
    return hmac.new(chain_key(), b"yingshang-audit/" + purpose, hashlib.sha256).digest()


class Mac:
    """HMAC-SHA256 (RFC 2104) with the padded key hashed once: each MAC copies two prepared
    hashlib states (C code), about 1.5 µs more than a bare SHA-256 where hmac.HMAC.copy() costs
    about 5 µs — audit.record runs on every write."""

    def __init__(self, key: bytes):
        key = key.ljust(64, b"\0")  # SHA-256 block size; sub-keys are 32 bytes
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def hexdigest(self, message: bytes) -> str:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()


@cache
def event_mac() -> Mac:
    return Mac(_subkey(b"event"))


@cache
def return_mac() -> Mac:
    return Mac(_subkey(b"return"))


@cache
def checkpoint_mac() -> Mac:
    return Mac(_subkey(b"checkpoint"))


@cache
def key_id() -> str:
    """A short public name of the key (not the key): checkpoints carry it, so verifying with
    another key says so instead of reporting every event as altered."""
    return _subkey(b"key-id").hex()[:16]


def reset() -> None:
    for fn in (chain_key, event_mac, return_mac, checkpoint_mac, key_id):
        fn.cache_clear()


@receiver(setting_changed)
def _setting_changed(*, setting, **kwargs):
    if setting in ("AUDIT_KEY", "AUDIT_KEY_FILE"):
        reset()
