"""The audit log's hash chain: the canonical form of a row, its hash, and the walk that checks them.

Each row's hash covers its fields and the previous row's hash, so editing, deleting or
slipping in a row breaks every later link. Kept free of sessions and settings: the
migration that backfilled existing rows uses the same function.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64
FIELDS = ("seq", "at", "actor_id", "on_behalf_of", "action", "entity_type", "entity_id", "nomination_id",
          "from_state", "to_state", "comment", "payload")


def _canonical_time(value: datetime) -> str:
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(row: dict, prev_hash: str) -> str:
    """One line of sorted-key JSON: the row's fields as the database gives them back, and the previous hash."""
    fields = {name: row.get(name) for name in FIELDS}
    fields["at"] = _canonical_time(fields["at"])
    # Through JSON once, as the database stores it (tuples become lists, keys strings).
    fields["payload"] = json.loads(json.dumps(fields["payload"])) if fields["payload"] is not None else None
    fields["prev_hash"] = prev_hash
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def chain_hash(row: dict, prev_hash: str) -> str:
    """SHA-256 of the canonical form."""
    return hashlib.sha256(canonical(row, prev_hash).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Break:
    """The first broken link: where, and what a reader should understand."""

    seq: int
    row_id: int | None
    message: str


def first_break(rows: Iterable[dict], head: tuple[int, str] | None) -> Break | None:
    """Walk rows in `seq` order; None when every link holds and the head names the last row."""
    expected_seq, prev = 1, GENESIS
    for row in rows:
        seq, rid = row["seq"], row.get("id")
        if seq != expected_seq:
            what = "thiếu" if seq > expected_seq else "thừa"
            return Break(expected_seq, rid, f"Chuỗi nhật ký bị đứt ở vị trí {expected_seq}: {what} bản ghi "
                                            f"(gặp vị trí {seq}, bản ghi #{rid}) — có bản ghi đã bị xoá hoặc chèn.")
        if row["prev_hash"] != prev:
            return Break(seq, rid, f"Bản ghi #{rid} (vị trí {seq}) không nối với bản ghi trước nó — "
                                   "có bản ghi đã bị chèn, xoá hoặc sửa ngay trước đó.")
        if chain_hash(row, prev) != row["row_hash"]:
            return Break(seq, rid, f"Nội dung bản ghi #{rid} (vị trí {seq}) đã bị sửa sau khi ghi.")
        prev, expected_seq = row["row_hash"], expected_seq + 1
    last = expected_seq - 1
    if head is not None and (head[0], head[1]) != (last, prev):
        return Break(head[0], None, f"Đầu chuỗi ghi vị trí {head[0]} nhưng nhật ký chỉ nối liền đến vị trí {last} "
                                    "— các bản ghi cuối đã bị xoá hoặc đầu chuỗi bị sửa.")
    return None
