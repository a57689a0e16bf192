"""The relay sends each message exactly once and never stalls: bad addresses, slow servers, crashes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.utils import make_msgid
from pathlib import Path

import idna

from notifications.mail_alerts import alert_admins
from notifications.outbox import drain
from workflow.clock import Clock
from workflow.context import Context
from workflow.models import OutboxMessage

from .conftest import SmtpServer, use_smtp
from .helpers import with_bodies
from .test_relay import registered_by_staff, rows


def queue_plain(ctx, *addresses: str) -> list[int]:
    """Rows as an older release queued them (already rendered), one per address."""
    with ctx.db.transaction() as s:
        made = [OutboxMessage(created_at=ctx.clock.now(), message_id=make_msgid(idstring="thidua", domain="test"),
                              situation="test", to_address=address, subject=f"Thư số {i}",
                              body_text=f"Nội dung thư số {i}.\n", state="pending", attempts=0)
                for i, address in enumerate(addresses)]
        s.add_all(made)
        s.flush()
        return [m.id for m in made]


def message_ids(server: SmtpServer) -> Counter:
    return Counter(message_from_bytes(e.original_content, policy=policy.default)["Message-ID"]
                   for e in server.received)


def test_an_address_with_cr_lf_fails_alone_and_the_rest_go_out_once(ctx, make, smtp_server):
    use_smtp(ctx, smtp_server.port)
    registered_by_staff(ctx, make)
    good1, bad, bad2, good2 = queue_plain(ctx, "mot@example.vn", "hai@example.vn\r\nBcc: ke-gian@example.com",
                                          "khong-co-a-còng.example.vn", "ba@example.vn")
    report = drain(ctx)
    assert (report.sent, report.failed) == (3, 2)
    by_id = {r.id: r for r in rows(ctx)}
    assert by_id[bad].state == by_id[bad2].state == "failed"
    assert "không hợp lệ" in by_id[bad].last_error and "xuống dòng" in by_id[bad].last_error
    assert "khong-co-a-còng.example.vn" in by_id[bad2].last_error
    assert {r.state for i, r in by_id.items() if i not in (bad, bad2)} == {"sent"}
    assert {r.state for r in by_id.values()} == {"sent", "failed"}  # nothing left "sending"
    assert drain(ctx).handled == 0  # and nothing goes out again
    assert len(smtp_server.received) == 3 and set(message_ids(smtp_server).values()) == {1}
    assert not any("ke-gian" in rcpt for e in smtp_server.received for rcpt in e.rcpt_tos)
    assert {good1, good2} <= {i for i, r in by_id.items() if r.state == "sent"}


def test_without_smtputf8_a_unicode_mailbox_fails_alone_and_an_idn_domain_is_punycoded(ctx):
    server = SmtpServer(smtputf8=False)
    server.start()
    try:
        use_smtp(ctx, server.port)
        unicode_box, idn, plain = queue_plain(ctx, "nguyễn@example.vn", "an@bộ-nội-vụ.vn", "binh@example.vn")
        report = drain(ctx)
        assert (report.sent, report.failed) == (2, 1)
        by_id = {r.id: r for r in rows(ctx)}
        assert by_id[unicode_box].state == "failed" and "SMTPUTF8" in by_id[unicode_box].last_error
        assert by_id[idn].state == by_id[plain].state == "sent"
        recipients = sorted(r for e in server.received for r in e.rcpt_tos)
        assert recipients == ["an@" + idna.encode("bộ-nội-vụ.vn").decode(), "binh@example.vn"]
        assert recipients[0].startswith("an@xn--")
    finally:
        server.stop()


def test_with_smtputf8_a_unicode_mailbox_is_delivered(ctx, smtp_server):
    use_smtp(ctx, smtp_server.port)
    queue_plain(ctx, "nguyễn@example.vn")
    assert drain(ctx).sent == 1
    assert smtp_server.received[0].rcpt_tos == ["nguyễn@example.vn"]


def test_a_temporary_error_for_the_whole_ladder_ends_failed_with_its_reason(ctx, make, smtp_server, clock):
    use_smtp(ctx, smtp_server.port)
    queue_plain(ctx, "mot@example.vn")
    ladder = ctx.settings.section("mail")["retry_minutes"]
    smtp_server.answer_next(*["451 4.7.1 Greylisted"] * (len(ladder) + 1))
    for minutes in ladder:
        drain(ctx)
        clock.advance(minutes=minutes)
    assert drain(ctx).failed == 1
    [row] = rows(ctx)
    assert row.state == "failed" and "451" in row.last_error and "ngừng gửi" in row.last_error


class FastClock(Clock):
    """Real time, sped up: one real second is `speed` seconds, so a lease can run out within a test."""

    def __init__(self, speed: float):
        super().__init__()
        self.start, self.t0, self.speed = datetime.now(UTC), time.monotonic(), speed

    def now(self) -> datetime:
        return self.start + timedelta(seconds=(time.monotonic() - self.t0) * self.speed)


def test_two_relays_against_a_slow_server_never_send_a_message_twice(ctx, smtp_server):
    # 0.4 s per message is 2 minutes on the relays' clock: one message never outlives its
    # 10-minute lease, but twelve in one batch (the old relay) did, and were sent twice.
    use_smtp(ctx, smtp_server.port)
    smtp_server.handler.delay = 0.4
    ids = queue_plain(ctx, *[f"canbo{i}@example.vn" for i in range(12)])
    clock = FastClock(speed=300)
    relays = [Context.from_settings(ctx.settings, clock=clock) for _ in range(2)]
    errors: list[Exception] = []

    def run(c):
        try:
            until = time.monotonic() + 20
            while time.monotonic() < until and len(smtp_server.received) < len(ids):
                drain(c)
                time.sleep(0.05)
            for _ in range(5):  # a few more rounds: anything re-claimable would go out again now
                drain(c)
                time.sleep(0.05)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in relays]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for c in relays:
            c.db.dispose()
    assert errors == []
    counts = message_ids(smtp_server)
    assert len(counts) == len(ids) and set(counts.values()) == {1}
    assert {r.state for r in rows(ctx)} == {"sent"}


def test_a_relay_killed_mid_send_costs_at_most_one_resend_with_the_same_message_id(ctx, smtp_server):
    use_smtp(ctx, smtp_server.port)
    smtp_server.handler.delay = 1.0
    ids = queue_plain(ctx, *[f"canbo{i}@example.vn" for i in range(6)])
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen([sys.executable, "-m", "tests.notifications.relay_process", ctx.settings.database_url,
                             str(ctx.settings.instance_path), str(smtp_server.port)],
                            cwd=root, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while len(smtp_server.received) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)  # the third message is on the wire, its 250 not yet back
    finally:
        proc.wait(timeout=10)
        proc.stdout.close()
    assert len(smtp_server.received) == 3
    states = Counter(r.state for r in rows(ctx))
    assert states == {"sent": 2, "sending": 1, "pending": 3}
    smtp_server.handler.delay = 0
    ctx.clock.set(datetime.now(UTC) + timedelta(minutes=11))  # past the lease of the dead relay
    report = drain(ctx)
    assert report.recovered == 1 and report.sent == 4
    counts = message_ids(smtp_server)
    assert len(counts) == len(ids) and sorted(counts.values()) == [1, 1, 1, 1, 1, 2]
    [(twice, _)] = [(mid, n) for mid, n in counts.items() if n == 2]
    third = message_from_bytes(smtp_server.received[2].original_content, policy=policy.default)["Message-ID"]
    assert twice == third
    assert {r.state for r in rows(ctx)} == {"sent"}


def test_the_administrators_hear_once_a_day_while_mail_is_failing(ctx, make, smtp_server, clock):
    use_smtp(ctx, smtp_server.port)
    a = make.agency()
    assert alert_admins(ctx, clock.today()) == 0  # nothing failed: nobody is bothered
    queue_plain(ctx, "hai@example.vn\r\nBcc: ke-gian@example.com")
    drain(ctx)
    assert alert_admins(ctx, clock.today()) == 1
    assert alert_admins(ctx, clock.today()) == 0  # once a day, however often the sweep runs
    [alert] = with_bodies([r for r in rows(ctx) if r.situation == "mail_failures"])
    assert alert.recipient_user_id == a.admin
    assert alert.subject == "[Thư lỗi] 1 thư của hệ thống không gửi được"
    assert "xuống dòng" in alert.body_text and "http://thidua.test/mail?state=failed" in alert.body_text
    assert drain(ctx).sent == 1
    clock.advance(days=1)
    assert alert_admins(ctx, clock.today()) == 1

