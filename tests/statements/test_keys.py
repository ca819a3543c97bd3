"""Seal keys come from configuration only: production refuses to start without one, development makes one, and
after a rotation old statements verify under the old public key only while it is configured."""

from __future__ import annotations

import base64
import logging
import stat

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app import create_app
from app.statements import keys
from app.statements.keys import PublicKey, SigningKeyError, keyring_from_config, private_key_pem
from tests.statements.factories import in_force_statement, make_people


def _raw_private(key: Ed25519PrivateKey) -> str:
    from cryptography.hazmat.primitives import serialization

    return base64.b64encode(
        key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    ).decode()


def _production(tmp_path, **settings):
    values = {
        "SECRET_KEY": "x" * 48,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.sqlite3",
        "STATEMENT_SIGNING_KEY": "",
        "STATEMENT_SIGNING_KEY_FILE": "",
        "STATEMENT_PREVIOUS_PUBLIC_KEYS": "",
        "STATEMENT_PREVIOUS_PUBLIC_KEYS_FILE": "",
        "SERVICE_URL": "https://safeguarding.example.org",
    }
    return create_app("production", **{**values, **settings})


def test_production_refuses_to_start_without_a_statement_signing_key(tmp_path):
    with pytest.raises(RuntimeError, match="STATEMENT_SIGNING_KEY_FILE"):
        _production(tmp_path)
    with pytest.raises(SigningKeyError, match="cannot read"):
        _production(tmp_path, STATEMENT_SIGNING_KEY_FILE=str(tmp_path / "missing.pem"))
    with pytest.raises(SigningKeyError, match="not an unencrypted Ed25519 private key"):
        _production(tmp_path, STATEMENT_SIGNING_KEY="not a key")
    key = Ed25519PrivateKey.generate()
    key_file = tmp_path / "statements.pem"
    key_file.write_bytes(private_key_pem(key))
    app = _production(tmp_path, STATEMENT_SIGNING_KEY_FILE=str(key_file))
    assert keys.keyring(app).current.key_id == PublicKey(key.public_key()).key_id
    assert not (tmp_path / keys.GENERATED_KEY_FILE).exists()


def test_keys_are_read_as_pem_or_base64(tmp_path):
    key = Ed25519PrivateKey.generate()
    expected = PublicKey(key.public_key())
    for setting in (private_key_pem(key).decode(), _raw_private(key)):
        ring = keyring_from_config({"STATEMENT_SIGNING_KEY": setting}, str(tmp_path))
        assert ring.current.key_id == expected.key_id == expected.fingerprint[:16]
    old_a, old_b = (PublicKey(Ed25519PrivateKey.generate().public_key()) for _ in range(2))
    listed = keyring_from_config(
        {"STATEMENT_SIGNING_KEY": _raw_private(key), "STATEMENT_PREVIOUS_PUBLIC_KEYS": f"{old_a.base64}, {old_b.pem}"},
        str(tmp_path),
    )
    assert [k.key_id for k in listed.public_keys] == [expected.key_id, old_a.key_id, old_b.key_id]
    keys_file = tmp_path / "previous.pem"
    keys_file.write_text(old_a.pem + "\n" + old_b.base64 + "\n")
    from_file = keyring_from_config(
        {"STATEMENT_SIGNING_KEY": _raw_private(key), "STATEMENT_PREVIOUS_PUBLIC_KEYS_FILE": str(keys_file)},
        str(tmp_path),
    )
    assert from_file.trusted(old_b.key_id) == old_b and from_file.trusted("0" * 16) is None
    with pytest.raises(SigningKeyError, match="STATEMENT_PREVIOUS_PUBLIC_KEYS"):
        keyring_from_config(
            {"STATEMENT_SIGNING_KEY": _raw_private(key), "STATEMENT_PREVIOUS_PUBLIC_KEYS": "AAAA"}, str(tmp_path)
        )


def test_development_makes_a_private_key_file_on_first_use(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="app.statements.keys"):
        first = keyring_from_config({"STATEMENT_SIGNING_KEY_GENERATE": True}, str(tmp_path))
    made = tmp_path / keys.GENERATED_KEY_FILE
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert f"key id {first.current.key_id}" in caplog.text and str(made) in caplog.text
    again = keyring_from_config({"STATEMENT_SIGNING_KEY_GENERATE": True}, str(tmp_path))
    assert again.current.key_id == first.current.key_id
    assert [p.name for p in tmp_path.iterdir()] == [keys.GENERATED_KEY_FILE]
    with pytest.raises(SigningKeyError, match="No statement signing key"):
        keyring_from_config({"STATEMENT_SIGNING_KEY_GENERATE": False}, str(tmp_path))


def test_after_a_rotation_old_statements_verify_only_while_their_public_key_is_configured(
    app, runner, client, db, monkeypatch, statement_signing_key
):
    before = make_people(org_type="other")
    old_statement = in_force_statement(before)
    db.session.commit()
    old_key = keys.keyring().current
    assert old_statement.seal_key_id == old_key.key_id

    new_key = Ed25519PrivateKey.generate()
    monkeypatch.setitem(app.config, "STATEMENT_SIGNING_KEY", private_key_pem(new_key).decode())
    monkeypatch.setitem(app.config, "STATEMENT_PREVIOUS_PUBLIC_KEYS", old_key.pem)
    after = make_people(org_type="other")
    new_statement = in_force_statement(after)
    db.session.commit()
    assert new_statement.seal_key_id == PublicKey(new_key.public_key()).key_id != old_key.key_id
    result = runner.invoke(args=["statements", "verify"])
    assert result.exit_code == 0, result.output
    register = client.get("/statements/").get_data(as_text=True)
    assert old_key.pem.strip() in register and "Earlier signing key" in register
    assert "Check this statement is genuine" in client.get(f"/statements/{before.org.slug}").get_data(as_text=True)

    monkeypatch.setitem(app.config, "STATEMENT_PREVIOUS_PUBLIC_KEYS", "")
    result = runner.invoke(args=["statements", "verify"])
    assert result.exit_code == 1
    assert f"statement {old_statement.id} ({before.org.name})" in result.output
    assert f"sealed with key {old_key.key_id}, which is not a trusted key" in result.output
    assert f"statement {new_statement.id} " not in result.output
    assert "This statement cannot be shown" in client.get(f"/statements/{before.org.slug}").get_data(as_text=True)
    assert old_key.pem.strip() not in client.get("/statements/").get_data(as_text=True)
