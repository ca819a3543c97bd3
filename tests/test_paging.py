"""Long lists are paged the same way everywhere: 50 a page, `?page=N` in the address, and a page number that is
missing, not a number or below 1 means the first page."""

from __future__ import annotations

import re

import pytest

from app.activity import record


def _pages(html: str) -> tuple[bool, bool]:
    """Whether the page has a previous and a next link in its pagination."""
    return "govuk-pagination__prev" in html, "govuk-pagination__next" in html


def test_the_activity_log_is_paged(client, login_as, db):
    login_as("admin")
    for n in range(60):
        record("noted", summary=f"Paging event {n:02d}", object_type="paging", object_id=n)
    db.session.commit()
    first = client.get("/admin/activity/?object_type=paging").get_data(as_text=True)
    assert "Paging event 59" in first and "Paging event 10" in first and "Paging event 09" not in first
    assert _pages(first) == (False, True)
    assert re.search(r'href="[^"]*page=2', first), "the next link keeps the filter and asks for page 2"
    second = client.get("/admin/activity/?object_type=paging&page=2").get_data(as_text=True)
    assert "Paging event 09" in second and "Paging event 00" in second and "Paging event 10" not in second
    assert _pages(second) == (True, False)


@pytest.mark.parametrize("page", ["0", "-3", "nonsense", ""])
def test_a_page_number_that_is_not_one_shows_the_first_page(client, login_as, db, page):
    login_as("admin")
    for n in range(55):
        record("noted", summary=f"Paging event {n:02d}", object_type="paging", object_id=n)
    db.session.commit()
    html = client.get(f"/admin/activity/?object_type=paging&page={page}").get_data(as_text=True)
    assert "Paging event 54" in html and "Paging event 04" not in html
    assert _pages(html) == (False, True)


def test_the_organisations_list_is_paged(client, login_as, make, db):
    for n in range(55):
        make.make_org(slug=f"paged-org-{n:02d}", name=f"Paged Organisation {n:02d}")
    db.session.commit()
    login_as("admin")
    first = client.get("/admin/organisations/").get_data(as_text=True)
    total = int(re.search(r"(\d+) organisations", first).group(1))
    assert total >= 55 and f"(page 1 of {(total - 1) // 50 + 1})" in first
    assert _pages(first) == (False, True)
    last = client.get(f"/admin/organisations/?page={(total - 1) // 50 + 1}").get_data(as_text=True)
    assert _pages(last) == (True, False)
    nonsense = client.get("/admin/organisations/?page=nonsense").get_data(as_text=True)
    assert f"(page 1 of {(total - 1) // 50 + 1})" in nonsense and _pages(nonsense) == (False, True)
