"""Every form control has a label a screen reader can read; each page has one main heading."""
from __future__ import annotations

from html.parser import HTMLParser

from states import State


class _Controls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.controls, self.label_for, self.h1 = [], set(), 0
        self._label_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        if tag == "h1":
            self.h1 += 1
        if tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self.controls.append((a, self._label_depth > 0))

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth -= 1


def _unlabelled(body: str) -> tuple[list[str], int, int]:
    parser = _Controls()
    parser.feed(body)
    missing = [f"{a.get('name')}#{a.get('id')}" for a, wrapped in parser.controls
               if not (wrapped or a.get("aria-label") or a.get("id") in parser.label_for)]
    return missing, parser.h1, len(parser.controls)


def test_every_control_on_every_page_is_labelled(ctx, make, browser_for):
    a = make.agency()
    nid = make.nomination(a, person_id=a.staff_person, state=State.DEPARTMENT_REVIEWED)
    meeting = make.meeting(a, make.cycle())
    pages = {
        a.secretary: ["/", "/nominations", f"/nominations/{nid}", "/council", "/council/registrations",
                      "/registers/initiatives", "/registers/contests", "/registers/ratings", "/help/workflow",
                      "/nominations/new", "/department", f"/council/meetings/{meeting}"],
        a.head: ["/", "/department", f"/nominations/{nid}", "/nominations/new", "/authorisations"],
        a.agency_head: ["/approvals", f"/nominations/{nid}", "/authorisations"],
        a.admin: ["/admin/campaigns", "/admin/departments", "/admin/people", "/admin/users", "/mail"],
    }
    problems, seen = {}, 0
    for user, urls in pages.items():
        client = browser_for(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            missing, h1, count = _unlabelled(response.get_data(as_text=True))
            seen += count
            if missing or h1 != 1:
                problems[url] = (missing, h1)
    assert not problems, problems
    assert seen > 100   # the check did look at the forms
