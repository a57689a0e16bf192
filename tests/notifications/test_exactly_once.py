"""Several sweeps racing on the same database send each reminder exactly once."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import date

from notifications.reminders import run_reminders

from .helpers import digests, keys, ledger
from .test_scheduler import other_context

RACERS = 4


def _sweep(c, day, barrier, reports, errors):
    barrier.wait()
    try:
        reports.append(run_reminders(c, day))
    except Exception as exc:  # noqa: BLE001 - reported by the caller
        errors.append(exc)


def test_sweeps_racing_on_the_same_day_send_each_step_once(ctx, make):
    a = make.agency()
    heads = {a.head, a.other_head}
    for _ in range(10):
        heads.add(make.head_of(make.department()))
    contexts = [ctx] + [other_context(ctx) for _ in range(RACERS - 1)]
    try:
        for day in (date(2025, 3, 17), date(2025, 3, 24), date(2025, 3, 28), date(2025, 3, 30)):
            barrier = threading.Barrier(RACERS)
            reports, errors = [], []

            threads = [threading.Thread(target=_sweep, args=(c, day, barrier, reports, errors)) for c in contexts]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert errors == []
            sent_today = [d.recipient.user_id for r in reports for d in r.sent]
            assert sorted(sent_today) == sorted(heads), day
    finally:
        for c in contexts[1:]:
            c.db.dispose()
    mails = Counter(m.recipient_user_id for m in digests(ctx))
    assert mails == {h: 4 for h in heads}
    rows = ledger(ctx)
    assert len(rows) == len(keys(rows)) == 4 * len(heads)
