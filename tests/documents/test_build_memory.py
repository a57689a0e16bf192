"""A cycle build's memory hardly grows with its nominees: Python's allocations (tracemalloc), not timed.

SQLite only: what is measured is the build's Python objects, whichever the database."""
from __future__ import annotations

import gc
import shutil
import tracemalloc

from workflow import bootstrap
from workflow.clock import FixedClock
from workflow.config import Settings
from workflow.context import Context
from workflow.documents import build_cycle, facts, service, xlsx

from .scale import populate
from .scenario import TODAY


def _cycle(tmp_path, sqlite_template, nominees: int):
    """A SQLite agency of its own with one cycle of `nominees` carried to the award (as scale.py does)."""
    db = tmp_path / f"{nominees}.sqlite3"
    shutil.copyfile(sqlite_template, db)
    settings = Settings.load(overrides={"app": {"instance_path": str(tmp_path / f"instance-{nominees}"),
                                                "secret_key": "test-secret"},
                                        "database": {"url": f"sqlite:///{db}"}, "mail": {"smtp_host": ""}}, environ={})
    ctx = Context.from_settings(settings, clock=FixedClock(TODAY))
    bootstrap.init(ctx)
    return ctx, *populate(ctx, nominees)


def _python_peak(ctx, secretary: int, cycle: int, out) -> int:
    """The build's peak of Python allocations above what was held at its start."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        build_cycle(ctx, secretary, cycle, out)
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
        shutil.rmtree(out)


def test_five_times_the_nominees_add_little_to_the_builds_peak(tmp_path, sqlite_template, monkeypatch):
    # small chunks, so that both cycles fill them and only what grows with the nominees differs
    monkeypatch.setattr(service, "CHUNK", 5)
    monkeypatch.setattr(facts, "VOTES_AT_ONCE", 5)
    monkeypatch.setattr(xlsx, "CHUNK", 5)
    # Without LibreOffice: the certificates' PDFs are made in batches whose size does not grow with the
    # nominees (PDF_BATCH files, PDF_WORKERS batches at once); with it, 100 nominees fill a batch that 20 do not.
    monkeypatch.setattr(service, "converter", lambda settings: None)
    # A rendered template's objects form reference cycles, freed by the collector whenever it runs:
    # collected before each draft, the peak is what the build holds, not what is waiting to be freed.
    render = service.render_draft

    def collected_then_rendered(ctx, draft):
        gc.collect(1)
        return render(ctx, draft)

    monkeypatch.setattr(service, "render_draft", collected_then_rendered)
    small, large = _cycle(tmp_path, sqlite_template, 20), _cycle(tmp_path, sqlite_template, 100)
    for ctx, secretary, cycle in (small, large):  # warm: templates compiled, each engine's statements cached
        _python_peak(ctx, secretary, cycle, tmp_path / "out")
    small_peak, large_peak = (_python_peak(ctx, secretary, cycle, tmp_path / "out") for ctx, secretary, cycle in
                              (small, large))
    for ctx, *_ in (small, large):
        ctx.db.dispose()
    # What still grows, ~2 KiB a nominee: each one's problem line and file names (the user reads them), and
    # the rows of the one meeting document being made. When a meeting's three documents were made together,
    # the decision from every nomination object, it was ~5.6 KiB (and ~10 KiB of RSS at 5000 nominees).
    assert large_peak - small_peak < 80 * 3.5 * 1024, (small_peak, large_peak)
