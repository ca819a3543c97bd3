"""Both file stores under the same tests: the database, and S3 through moto's server on a free loopback port (a
real HTTP endpoint that boto3 talks to, as it would to MinIO or AWS)."""

from __future__ import annotations

import pytest

from app import filestore_s3
from tests.e2e.live import free_port
from tests.findings.conftest import small_round  # noqa: F401  (fixture used by these tests)

BUCKET = "evidence-test"
PREFIX = "files/"


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server in a thread of this process, for the whole session."""
    moto_server = pytest.importorskip("moto.server")
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(app, db, s3_endpoint, monkeypatch):
    """FILE_STORAGE_URL names an empty bucket on the moto server; the S3 client to look inside it."""
    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_DEFAULT_REGION", "eu-west-2"),
    ):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    filestore_s3.forget_clients()
    url = f"s3://{BUCKET}/{PREFIX}?endpoint_url={s3_endpoint}&region=eu-west-2"
    monkeypatch.setitem(app.config, "FILE_STORAGE_URL", url)
    client = filestore_s3.client(filestore_s3.parse_s3_url(url))
    client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    yield client
    db.session.rollback()  # settle what the test left in its transaction while the credentials are set
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)
    filestore_s3.forget_clients()


def s3_keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


@pytest.fixture(params=["database", "s3"])
def store(request, app):
    """Each test runs against both stores: yields the S3 client, or None for the database."""
    if request.param == "database":
        yield None
    else:
        yield request.getfixturevalue("s3")
