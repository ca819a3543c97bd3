"""Every instrument the partnership ships (and every one added to instruments/ later) goes through the studio
whole: its YAML and its authoring workbook come back as drafts meaning exactly the published version, and every
page of the draft (details, sections, questions, options, scales, previews for each organisation type, check
answers, the publish page) opens without an error."""

from __future__ import annotations

import re
from html import unescape
from io import BytesIO
from pathlib import Path

import pytest
import yaml

from app.accounts.models import ORG_TYPES
from app.questionnaire import Instrument, latest_version
from app.studio.models import InstrumentDraft

BASE = "/admin/instruments/studio"
INSTRUMENTS = sorted(
    p for p in (Path(__file__).resolve().parents[2] / "instruments").glob("*.yaml") if p.name != "themes.yaml"
)
SKIP = ("/delete", "/discard", "/move", ".xlsx", ".yaml")


def _meaning(definition: dict) -> dict:
    """What a definition means to the engine, whatever version number it carries."""
    meaning = Instrument.from_dict(definition).to_dict()
    meaning.pop("version", None)
    meaning.pop("renamed", None)
    return meaning


def _upload(client, db, data: bytes, name: str) -> InstrumentDraft:
    response = client.post(f"{BASE}/upload", data={"file": (BytesIO(data), name)}, content_type="multipart/form-data")
    assert response.status_code == 302, unescape(response.get_data(as_text=True))[-3000:]
    draft_id = int(re.search(r"/drafts/(\d+)", response.headers["Location"]).group(1))
    return db.session.get(InstrumentDraft, draft_id)


def _links(page: str, prefix: str) -> set[str]:
    return {
        unescape(h).split("#")[0]
        for h in re.findall(r'href="([^"]+)"', page)
        if unescape(h).startswith(prefix) and not any(s in h for s in SKIP)
    }


@pytest.mark.parametrize("path", INSTRUMENTS, ids=[p.stem for p in INSTRUMENTS])
def test_an_instrument_goes_through_the_studio_whole(client, login_as, db, path):
    key = yaml.safe_load(path.read_text(encoding="utf-8"))["key"]
    version = latest_version(key)
    assert version is not None, f"{path.name} is not loaded"
    login_as("qa")

    for fmt in ("xlsx", "yaml"):
        download = client.get(f"{BASE}/versions/{version.id}/download.{fmt}")
        assert download.status_code == 200
        draft = _upload(client, db, download.data, f"{key}.{fmt}")
        assert _meaning(draft.definition) == _meaning(version.definition), f"{fmt} round trip of {path.name}"

    prefix = f"{BASE}/drafts/{draft.id}"
    pages = [prefix, f"{prefix}/preview", f"{prefix}/publish"]
    pages += [f"{prefix}/preview/{org_type}/check" for org_type in ORG_TYPES]
    seen: set[str] = set()
    while pages:
        url = pages.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in (200, 302), f"{url}: {response.status_code}"
        if response.status_code == 200:
            pages.extend(_links(response.get_data(as_text=True), prefix) - seen)
    sections = version.parsed.sections
    assert any("/preview/" in u and "/sections/" in u for u in seen) or not sections
    assert len([u for u in seen if re.search(r"/sections/\d+/questions/\d+$", u)]) == len(version.parsed.questions())
