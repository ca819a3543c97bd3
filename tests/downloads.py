"""Following a download through its background job, as a person does: the button posts, the job's page says the
file is ready, the link on it gives the file."""

from __future__ import annotations

import re

DOWNLOAD_LINK = re.compile(r'href="(/downloads/\d+/file)"')


def job_page_of(client, url: str) -> str:
    """Press the download button on `url` (POST): the job's page it leads to."""
    started = client.post(url)
    assert started.status_code == 302, (url, started.status_code)
    location = started.headers["Location"]
    assert re.match(r"^(https?://[^/]+)?/downloads/\d+$", location), location
    return location


def prepared_download(client, url: str):
    """The file the download button on `url` prepares, read to the last byte."""
    page = client.get(job_page_of(client, url))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Your download is ready" in text, text
    response = client.get(DOWNLOAD_LINK.search(text).group(1))
    response.get_data()
    return response
