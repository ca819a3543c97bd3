"""The demo's signed copy, downloaded from gunicorn to its last byte, verifies with the register's public key."""

from __future__ import annotations

import urllib.request

import pytest

from app.statements.keys import private_key_pem
from tests.e2e.live import GunicornServer, demo_database, flask_cli
from tests.statements.factories import verified_signed_copy

pytestmark = pytest.mark.slow


def _get(url: str) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        length = response.headers.get("Content-Length")
        body = response.read()
        assert length is None or int(length) == len(body), "the whole body arrived"
        return response.status, dict(response.headers), body


def test_the_served_signed_copy_verifies_from_the_downloaded_bytes_alone(tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = {"STATEMENT_SIGNING_KEY": private_key_pem(Ed25519PrivateKey.generate()).decode()}
    with demo_database("test_seals_signed_copy", tmp_path, env=key) as url:
        assert flask_cli(url, "statements", "verify", env=key).returncode == 0
        with GunicornServer(url, tmp_path / "gunicorn.log", env=key) as server:
            status, headers, body = _get(server.base_url + "/statements/youth-trust/signed.json")
            assert status == 200 and headers["Content-Disposition"].startswith("attachment;")
            assert body.endswith(b"}\n")
            _, _, register = _get(server.base_url + "/statements/")
        sealed = verified_signed_copy(body, register.decode("utf-8"))
    assert sealed["organisation"]["slug"] == "youth-trust"
    assert sorted(s["capacity"] for s in sealed["signatures"]) == ["chair_of_trustees", "chief_executive"]
    assert "youth-trust.riverside.example/safeguarding-policy" in sealed["sections"]["measures_in_place"]
