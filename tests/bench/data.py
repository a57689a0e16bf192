"""Synthetic data of any size, written straight into the schema (COPY on PostgreSQL, executemany on SQLite).

    generate(ctx, nominations=100_000) -> Seeded

One campaign (2021–2025, six cycles from config.toml), departments of ~200 staff, five people per
nomination slot, task ratings, contest results and initiatives as the criteria's evidence, one
council meeting per cycle, nominations in every state (the 2025 cycles mostly waiting, older ones
mostly awarded), about five audit rows per nomination, user accounts for the secretary, the agency
head and every department head. One rare name ("Hầu Thị Quýnh") for the search benchmark.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise

from sqlalchemy import func, insert, select, text, update

from workflow import auth
from workflow.audit_chain import GENESIS, chain_hash
from workflow.models import (
    AuditChainHead,
    AuditEntry,
    AwardDecision,
    ContestResult,
    CouncilMeeting,
    Department,
    Initiative,
    InitiativeAuthor,
    Nomination,
    Person,
    RegisterEntry,
    ReviewCycle,
    TaskRating,
    User,
    UserRole,
)
from workflow.text import fold, person_sort_key, sort_key
from workflow.verification_code import new_code

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Đinh", "Lương", "Mai", "Trịnh"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Quốc", "Ngọc", "Xuân", "Thu", "Hồng", "Gia"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa", "Hùng", "Hương", "Khánh",
         "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Ngọc", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo",
         "Thành", "Trang", "Trung", "Tuấn", "Uyên", "Việt", "Yến"]
RARE_NAME = "Hầu Thị Quýnh"
STAFF_PER_DEPARTMENT = 200
PEOPLE_PER_SLOT = 5  # people = nominations / 5, so a person is nominated in a few cycles
AS_OF = date(2025, 11, 29)  # a day before the annual dossier deadline: reminders are due
WAITING = ("registered", "department_reviewed", "council_reviewed", "head_approved")
PATH = ("registered", "department_reviewed", "council_reviewed", "head_approved", "awarded")


@dataclass
class Seeded:
    nominations: int
    people: int
    departments: int
    cycle_id: int            # the cycle being worked on (annual 2025)
    secretary_id: int
    head_id: int             # the agency head
    department_head_id: int  # heads the first department
    department_id: int
    sample_nomination_id: int
    sample_person_id: int


def audit_rows(nomination_id: int, states: list[str], at: datetime, actor_id: int) -> list[dict]:
    """The audit trail of one nomination along `states` (creation, then one row per move).

    One function, so that a column added to the audit log (e.g. a hash chain) is filled in one place.
    """
    rows = [{"at": at, "actor_id": actor_id, "on_behalf_of": None, "action": "create_nomination",
             "entity_type": "nomination", "entity_id": nomination_id, "nomination_id": nomination_id,
             "from_state": None, "to_state": "registered", "comment": None, "payload": None}]
    for i, (a, b) in enumerate(pairwise(states), start=1):
        action = {"department_reviewed": "department_review", "council_reviewed": "council_review",
                  "head_approved": "head_approve", "awarded": "award", "rejected": "reject",
                  "withdrawn": "withdraw", "on_hold": "hold"}.get(b, "send_back")
        rows.append({"at": at + timedelta(days=i), "actor_id": actor_id, "on_behalf_of": None, "action": action,
                     "entity_type": "nomination", "entity_id": nomination_id, "nomination_id": nomination_id,
                     "from_state": a, "to_state": b, "comment": "Bổ sung hồ sơ" if action == "send_back" else None,
                     "payload": None})
    return rows


class Chain:
    """Links generated audit rows into the log's hash chain, as `workflow.audit.audit` does one by one."""

    def __init__(self, conn):
        self.conn = conn
        head = conn.execute(select(AuditChainHead.seq, AuditChainHead.row_hash).where(AuditChainHead.id == 1)).first()
        self.exists = head is not None
        self.seq, self.hash = (head.seq, head.row_hash) if head else (0, GENESIS)

    def link(self, rows: list[dict]) -> list[dict]:
        for row in rows:
            self.seq += 1
            row.update(seq=self.seq, prev_hash=self.hash)
            row["row_hash"] = self.hash = chain_hash(row, row["prev_hash"])
        return rows

    def save(self) -> None:
        values = {"seq": self.seq, "row_hash": self.hash}
        if self.exists:
            self.conn.execute(update(AuditChainHead).where(AuditChainHead.id == 1).values(**values))
        else:
            self.conn.execute(insert(AuditChainHead).values(id=1, **values))


class Writer:
    """Bulk rows into one table: COPY on PostgreSQL, executemany on SQLite, in one connection."""

    def __init__(self, conn):
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"

    def write(self, model, rows: list[dict], chunk: int = 50_000) -> None:
        if not rows:
            return
        table = model.__table__
        columns = list(rows[0])
        json_cols = {c.name for c in table.columns if c.name in columns and c.type.__class__.__name__ == "JSON"}
        if not self.pg:  # the driver's executemany, values as SQLAlchemy stores them on SQLite
            cur = self.conn.connection.driver_connection.cursor()
            sql = f'INSERT INTO {table.name} ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
            cur.executemany(sql, ([_sqlite_value(row[c], c in json_cols) for c in columns] for row in rows))
            return
        raw = self.conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f'COPY {table.name} ({", ".join(columns)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c]) if c in json_cols and row[c] is not None else row[c]
                                for c in columns])

    def next_id(self, model) -> int:
        return (self.conn.execute(select(func.max(model.id))).scalar() or 0) + 1

    def fix_sequences(self, *models) -> None:
        if self.pg:
            for m in models:
                self.conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{m.__tablename__}', 'id'), "
                                       f"(SELECT COALESCE(MAX(id), 1) FROM {m.__tablename__}))"))


def _sqlite_value(value, is_json: bool):
    if is_json:
        return None if value is None else json.dumps(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _state_path(rng: random.Random, current: bool) -> list[str]:
    """The states one nomination went through, ending in its present state."""
    r = rng.random()
    if not current:  # an old cycle: mostly awarded
        if r < 0.85:
            return list(PATH)
        if r < 0.93:
            return ["registered", "rejected"]
        return ["registered", "withdrawn"]
    if r < 0.40:
        return ["registered"]
    if r < 0.46:  # sent back by the council: waits on the department again
        return ["registered", "department_reviewed", "registered"]
    if r < 0.70:
        return ["registered", "department_reviewed"]
    if r < 0.82:
        return ["registered", "department_reviewed", "council_reviewed"]
    if r < 0.88:
        return ["registered", "department_reviewed", "council_reviewed", "head_approved"]
    if r < 0.92:
        return list(PATH)
    if r < 0.96:
        return ["registered", "on_hold"]
    return ["registered", "rejected"]


def generate(ctx, nominations: int, seed: int = 7) -> Seeded:
    """Fill an initialised, empty agency with `nominations` nominations and everything around them."""
    rng = random.Random(seed)
    now = datetime(2025, 11, 1, tzinfo=UTC)
    n_people = max(50, nominations // PEOPLE_PER_SLOT)
    n_depts = max(5, n_people // STAFF_PER_DEPARTMENT)
    password = auth.hash_password("bench-password")
    with ctx.db.engine.begin() as conn:
        w = Writer(conn)
        cycles = conn.execute(select(ReviewCycle.id, ReviewCycle.kind, ReviewCycle.year)
                              .order_by(ReviewCycle.year, ReviewCycle.kind)).all()
        cycles = [c for c in cycles if 2021 <= c.year <= 2025]
        current = {c.id for c in cycles if c.year == 2025}
        annual_2025 = next(c.id for c in cycles if c.year == 2025 and c.kind == "annual")

        d0 = w.next_id(Department)
        depts = [{"id": d0 + i, "code": f"P{i:04d}", "name": f"Phòng Nghiệp vụ {i + 1}",
                  "search_name": fold(f"Phòng Nghiệp vụ {i + 1}"), "sort_key": sort_key(f"Phòng Nghiệp vụ {i + 1}"),
                  "functions": "", "address": "", "phone": "", "active": True} for i in range(n_depts)]
        w.write(Department, depts)
        p0 = w.next_id(Person)
        people = []
        for i in range(n_people):
            name = RARE_NAME if i == n_people // 2 else _name(rng)
            people.append({"id": p0 + i, "full_name": name, "search_name": fold(name),
                           "sort_key": person_sort_key(name), "department_id": d0 + i % n_depts,
                           "email": f"canbo{i}@example.vn", "active": True, "position": "Chuyên viên"})
        w.write(Person, people)
        conn.execute(Department.__table__.update().where(Department.id >= d0)
                     .values(head_person_id=Department.id - d0 + p0))  # person i heads department i

        u0 = w.next_id(User)
        users = [{"id": u0, "username": "bench_thuky", "display_name": "Thư ký", "email": "thuky@example.vn"},
                 {"id": u0 + 1, "username": "bench_truongban", "display_name": "Trưởng Ban",
                  "email": "truongban@example.vn"}]
        users += [{"id": u0 + 2 + i, "username": f"bench_tp{i}", "person_id": p0 + i, "display_name": "",
                   "email": None} for i in range(n_depts)]
        for u in users:
            u.update(password_hash=password, active=True, created_at=now)
            u.setdefault("person_id", None)
        w.write(User, users)
        w.write(UserRole, [{"user_id": u0, "role": "council_secretary"}, {"user_id": u0, "role": "council_member"},
                           {"user_id": u0 + 1, "role": "agency_head"}]
                + [{"user_id": u0 + 2 + i, "role": "department_head"} for i in range(n_depts)])

        # evidence: ratings and contest results per person per year, initiatives for one person in ten
        ratings, results, initiatives, authors = [], [], [], []
        for y in range(2021, 2026):
            for p in people:
                ratings.append({"year": y, "person_id": p["id"], "department_id": None, "created_at": now,
                                "rating": "excellent" if rng.random() < 0.3 else "good"})
                results.append({"contest_kind": "online_cchc", "year": y, "round": "", "person_id": p["id"],
                                "participated": True, "score": None, "created_at": now,
                                "prize": "Giải Khuyến khích" if rng.random() < 0.05 else None})
            for d in depts:
                ratings.append({"year": y, "person_id": None, "department_id": d["id"], "created_at": now,
                                "rating": "excellent" if rng.random() < 0.5 else "good"})
        i0 = w.next_id(Initiative)
        for k, p in enumerate(people[::10]):
            y = 2021 + k % 5
            title = f"Sáng kiến cải cách hành chính số {k + 1}"
            initiatives.append({"id": i0 + k, "title": title, "search_title": fold(title), "field": "procedures",
                                "topic": "", "year": y, "department_id": p["department_id"],
                                "recognition_number": f"{k + 1}/QĐ-BDT", "recognition_date": date(y, 10, 1),
                                "appraisal_number": f"{k + 1}/SNV" if k % 2 else None,
                                "appraisal_date": date(y, 11, 1) if k % 2 else None,
                                "contest_recognition_number": None, "contest_recognition_date": None,
                                "created_at": now})
            authors.append({"initiative_id": i0 + k, "person_id": p["id"]})
        w.write(TaskRating, ratings)
        w.write(ContestResult, results)
        w.write(Initiative, initiatives)
        w.write(InitiativeAuthor, authors)

        m0 = w.next_id(CouncilMeeting)
        meetings = {c.id: m0 + k for k, c in enumerate(cycles)}
        w.write(CouncilMeeting, [{"id": meetings[c.id], "cycle_id": c.id, "held_on": date(c.year, 12, 10),
                                  "members_total": 9, "members_present": 8, "chair_name": "", "note": "",
                                  "place": "Phòng họp", "attendance_by_name": False,
                                  "created_by_id": u0, "created_at": now} for c in cycles])

        # One registered award decision per cycle (an awarded nomination must point at one).
        e0, a0 = w.next_id(RegisterEntry), w.next_id(AwardDecision)
        numbers = {c.id: (f"{k + 1:02d}/QĐ-BDT", date(c.year, 12, 20)) for k, c in enumerate(cycles)}
        w.write(RegisterEntry, [{"id": e0 + k, "doc_type": "decision", "year": c.year, "seq": k + 1,
                                 "number": numbers[c.id][0], "issued_on": numbers[c.id][1], "summary": "",
                                 "signer_name": "", "recipients": "", "note": "", "nomination_id": None,
                                 "created_by_id": u0, "created_at": now, "verification_code": new_code()}
                                for k, c in enumerate(cycles)])
        decisions = {c.id: a0 + k for k, c in enumerate(cycles)}
        w.write(AwardDecision, [{"id": a0 + k, "entry_id": e0 + k, "cycle_id": c.id, "signer_person_id": None,
                                 "signer_name": "Thủ trưởng", "capacity": "head", "mixed_capacity_note": None,
                                 "created_by_id": u0, "created_at": now} for k, c in enumerate(cycles)])

        n0 = w.next_id(Nomination)
        chain = Chain(conn)
        noms, audit = [], []
        checklist = {"met": True, "rule": "any", "nominee_type": "individual", "cycle_kind": "annual",
                     "uses_initiative": False, "lines": []}
        for i in range(nominations):
            cycle = cycles[(i // n_people) % len(cycles)]
            form = "agency_certificate" if (i // (n_people * len(cycles))) % 2 == 0 else "higher_level_proposal"
            person = people[i % n_people]
            states = _state_path(rng, cycle.id in current)
            state = states[-1]
            at = now - timedelta(days=rng.randint(10, 2000))
            reviewed = state not in ("registered", "withdrawn", "rejected", "on_hold")
            past_council = state in ("council_reviewed", "head_approved", "awarded")
            approved = state in ("head_approved", "awarded")
            noms.append({"id": n0 + i, "cycle_id": cycle.id, "nominee_type": "individual",
                         "department_id": person["department_id"], "person_id": person["id"],
                         "nominee_sort_key": person["sort_key"], "award_form": form,
                         "state": state, "held_from": "registered" if state == "on_hold" else None,
                         "version": len(states), "criteria": checklist if reviewed else None,
                         "criteria_evaluated_at": at if reviewed else None,
                         "council_meeting_id": meetings[cycle.id] if past_council else None,
                         "approved_by_id": u0 + 1 if approved else None, "approved_for_head": False if approved else None,
                         "approved_at": at if approved else None,
                         "decision_id": decisions[cycle.id] if state == "awarded" else None,
                         "decision_number": numbers[cycle.id][0] if state == "awarded" else None,
                         "decision_date": numbers[cycle.id][1] if state == "awarded" else None,
                         "summary": "Hoàn thành xuất sắc nhiệm vụ", "created_by_id": u0,
                         "created_at": at, "updated_at": at + timedelta(days=len(states))})
            audit += audit_rows(n0 + i, states, at, u0)
            if len(audit) >= 200_000:
                w.write(Nomination, noms)
                w.write(AuditEntry, chain.link(audit))
                noms, audit = [], []
        w.write(Nomination, noms)
        w.write(AuditEntry, chain.link(audit))
        chain.save()
        w.fix_sequences(Department, Person, User, Initiative, CouncilMeeting, RegisterEntry, AwardDecision,
                        Nomination, AuditEntry, TaskRating,
                        ContestResult)
        sample = conn.execute(select(Nomination.id, Nomination.person_id).where(
            Nomination.cycle_id == annual_2025, Nomination.state == "department_reviewed",
            Nomination.department_id == d0).limit(1)).first()
    ctx.db.analyze()  # as after any bulk import
    if not ctx.db.is_sqlite:
        # What autovacuum does soon after a bulk load on a production server (this one has it off):
        # without the visibility map, counts cannot be answered from an index alone.
        with ctx.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM (ANALYZE)")
    return Seeded(nominations, n_people, n_depts, annual_2025, u0, u0 + 1, u0 + 2, d0, sample.id, sample.person_id)
