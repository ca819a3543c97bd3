"""The Ed25519 key that seals signed statements, and the public keys trusted to check the seals.

Keys come from configuration only, never from the database, so someone who can write the database can change a
statement but cannot make a seal for the change. Settings (see README, "Statement seals"):

- STATEMENT_SIGNING_KEY_FILE: path of the private key, PEM (PKCS#8, unencrypted), or
- STATEMENT_SIGNING_KEY: the private key itself, PEM or base64 of its 32 raw bytes.
- STATEMENT_PREVIOUS_PUBLIC_KEYS(_FILE): public keys of earlier signing keys, PEM blocks or base64 of the 32 raw
  bytes, separated by white space or commas. Statements sealed before a rotation keep verifying under them.
- STATEMENT_SIGNING_KEY_GENERATE: with no key configured, make one on first use in
  instance/statement-signing-key.pem (development and tests only; production refuses to start without a key).

A key's id is the first 16 hex digits of its fingerprint, the SHA-256 of its 32 raw public bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import Flask, current_app

log = logging.getLogger(__name__)

GENERATED_KEY_FILE = "statement-signing-key.pem"
KEY_SETTINGS = (
    "STATEMENT_SIGNING_KEY",
    "STATEMENT_SIGNING_KEY_FILE",
    "STATEMENT_PREVIOUS_PUBLIC_KEYS",
    "STATEMENT_PREVIOUS_PUBLIC_KEYS_FILE",
    "STATEMENT_SIGNING_KEY_GENERATE",
)
KEY_TOKEN = re.compile(r"(-----BEGIN [A-Z ]+-----.+?-----END [A-Z ]+-----)|([^\s,]+)", re.DOTALL)


class SigningKeyError(RuntimeError):
    """The statement signing key, or a trusted public key, is missing or cannot be read."""


@dataclass(frozen=True)
class PublicKey:
    key: Ed25519PublicKey

    @property
    def raw(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.raw).hexdigest()

    @property
    def key_id(self) -> str:
        return self.fingerprint[:16]

    @property
    def base64(self) -> str:
        return base64.b64encode(self.raw).decode("ascii")

    @property
    def pem(self) -> str:
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode("ascii")

    def verifies(self, signature_b64: str | None, message: bytes) -> bool:
        try:
            self.key.verify(base64.b64decode(signature_b64 or "", validate=True), message)
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True


@dataclass(frozen=True)
class KeyRing:
    """The key new seals are made with, and every public key a seal may be checked against."""

    signing_key: Ed25519PrivateKey
    previous: tuple[PublicKey, ...] = ()

    @property
    def current(self) -> PublicKey:
        return PublicKey(self.signing_key.public_key())

    @property
    def public_keys(self) -> list[PublicKey]:
        """Current first, then the previous keys (each once)."""
        keys = [self.current]
        for key in self.previous:
            if key.key_id not in {k.key_id for k in keys}:
                keys.append(key)
        return keys

    def trusted(self, key_id: str | None) -> PublicKey | None:
        return next((key for key in self.public_keys if key.key_id == key_id), None)

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.signing_key.sign(message)).decode("ascii")


# --- reading keys ------------------------------------------------------------------------------------------


def _private_key(text: str | bytes, where: str) -> Ed25519PrivateKey:
    data = text.encode("ascii", "replace") if isinstance(text, str) else text
    try:
        if b"-----BEGIN" in data:
            key = serialization.load_pem_private_key(data.strip(), password=None)
        else:
            raw = base64.b64decode(b"".join(data.split()), validate=True)
            key = (
                Ed25519PrivateKey.from_private_bytes(raw)
                if len(raw) == 32
                else serialization.load_der_private_key(raw, password=None)
            )
    except (ValueError, TypeError, binascii.Error) as exc:
        raise SigningKeyError(
            f"{where} is not an unencrypted Ed25519 private key (PEM, or base64 of the 32 raw bytes): {exc}"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{where} is a {type(key).__name__}, not an Ed25519 private key")
    return key


def _public_keys(text: str, where: str) -> list[PublicKey]:
    """Keys in the order given: PEM blocks, and base64 of raw keys separated by white space or commas."""
    keys = []
    for found in KEY_TOKEN.finditer(text):
        pem, word = found.groups()
        try:
            key = (
                serialization.load_pem_public_key(pem.encode("ascii"))
                if pem
                else Ed25519PublicKey.from_public_bytes(base64.b64decode(word, validate=True))
            )
        except (ValueError, binascii.Error):
            raise SigningKeyError(
                f"{where}: {(pem or word)[:30]}… is neither a PEM public key nor base64 of a 32-byte Ed25519 public key"
            ) from None
        if not isinstance(key, Ed25519PublicKey):
            raise SigningKeyError(f"{where}: a PEM block holds a {type(key).__name__}, not an Ed25519 public key")
        keys.append(PublicKey(key))
    return keys


def _read(path: str, setting: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise SigningKeyError(f"{setting}: cannot read {path}: {exc.strerror or exc}") from None


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _generated_key(instance_path: str) -> Ed25519PrivateKey:
    """The development key in instance/, made on first use. Made in a temporary file and linked into place, so two
    processes starting at once end up with the same key."""
    path = Path(instance_path) / GENERATED_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".statement-key-")  # mode 0600
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(private_key_pem(key))
            try:
                os.link(temporary, path)
            except FileExistsError:  # another process made it first: use theirs
                pass
            else:
                log.warning(
                    "Generated a development statement signing key in %s (key id %s). Configure "
                    "STATEMENT_SIGNING_KEY_FILE or STATEMENT_SIGNING_KEY for production.",
                    path,
                    PublicKey(key.public_key()).key_id,
                )
        finally:
            os.unlink(temporary)
    return _private_key(_read(str(path), "the generated signing key"), str(path))


def keyring_from_config(config, instance_path: str) -> KeyRing:
    if config.get("STATEMENT_SIGNING_KEY"):
        signing_key = _private_key(config["STATEMENT_SIGNING_KEY"], "STATEMENT_SIGNING_KEY")
    elif config.get("STATEMENT_SIGNING_KEY_FILE"):
        path = config["STATEMENT_SIGNING_KEY_FILE"]
        signing_key = _private_key(_read(path, "STATEMENT_SIGNING_KEY_FILE"), f"STATEMENT_SIGNING_KEY_FILE ({path})")
    elif config.get("STATEMENT_SIGNING_KEY_GENERATE"):
        signing_key = _generated_key(instance_path)
    else:
        raise SigningKeyError(
            "No statement signing key: set STATEMENT_SIGNING_KEY_FILE (a PEM file) or "
            "STATEMENT_SIGNING_KEY (see README, Statement seals)"
        )
    previous: list[PublicKey] = []
    if config.get("STATEMENT_PREVIOUS_PUBLIC_KEYS"):
        previous += _public_keys(config["STATEMENT_PREVIOUS_PUBLIC_KEYS"], "STATEMENT_PREVIOUS_PUBLIC_KEYS")
    if config.get("STATEMENT_PREVIOUS_PUBLIC_KEYS_FILE"):
        path = config["STATEMENT_PREVIOUS_PUBLIC_KEYS_FILE"]
        previous += _public_keys(
            _read(path, "STATEMENT_PREVIOUS_PUBLIC_KEYS_FILE").decode("ascii", "replace"),
            f"STATEMENT_PREVIOUS_PUBLIC_KEYS_FILE ({path})",
        )
    return KeyRing(signing_key, tuple(previous))


def keyring(app: Flask | None = None) -> KeyRing:
    """The app's key ring, read once and read again only if its settings change."""
    app = app or current_app._get_current_object()
    settings = tuple(app.config.get(name) for name in KEY_SETTINGS)
    cached = app.extensions.get("statement_keys")
    if cached is None or cached[0] != settings:
        cached = (settings, keyring_from_config(app.config, app.instance_path))
        app.extensions["statement_keys"] = cached
    return cached[1]


def configured(config) -> bool:
    return bool(config.get("STATEMENT_SIGNING_KEY") or config.get("STATEMENT_SIGNING_KEY_FILE"))
