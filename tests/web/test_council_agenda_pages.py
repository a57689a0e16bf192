"""The council's agenda is paged in name order, with the cycle's total on every page."""
from __future__ import annotations

import re

from states import State
from workflow import page_queries

from .helpers import text_of


def test_the_agenda_pages_in_name_order_and_counts_them_all(ctx, make, browser_for, monkeypatch):
    monkeypatch.setattr(page_queries, "AGENDA_PAGE", 2)
    a = make.agency()
    names = ["Bùi Văn An", "Lê Thị Bình", "Trần Văn Cường"]
    for name in names:
        make.nomination(a, person_id=make.person(a.department_id, name), state=State.DEPARTMENT_REVIEWED)
    secretary = browser_for(a.secretary)
    first = secretary.get("/council")
    page = text_of(first)
    assert "chờ Hội đồng (3)" in page and "Bùi Văn An" in page and "Lê Thị Bình" in page
    assert "Trần Văn Cường" not in page
    link = re.search(r'href="(/council\?[^"]*after=[^"]+)"', first.get_data(as_text=True)).group(1)
    second = text_of(secretary.get(link.replace("&amp;", "&")))
    assert "chờ Hội đồng (3)" in second and "Trần Văn Cường" in second and "Bùi Văn An" not in second
