"""Downloads in the browser as a person gets them: the button leads to "Your download is being prepared", which
updates itself until the link to the file appears; the link gives the file."""

from __future__ import annotations

import re

PREPARED_WITHIN_MS = 180_000  # a loaded CI machine draws a board report's charts slowly


def prepared_download(visitor, button: str, tmp_path):
    """Press `button`, wait on the job's page until its file is ready, and save the file."""
    visitor.click_button(button)
    assert re.search(r"/downloads/\d+$", visitor.path()), visitor.path()
    link = visitor.page.get_by_role("link", name=re.compile(r"^Download "))
    link.wait_for(timeout=PREPARED_WITHIN_MS)
    visitor.arrived()
    assert "Your download is ready" in visitor.page.title()
    with visitor.page.expect_download() as download_info:
        link.click()
    download = download_info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return path
