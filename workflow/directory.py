"""Departments, people, user accounts (and, re-exported from `tokens`, their API tokens)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .audit import audit
from .auth import MIN_PASSWORD_LENGTH, hash_password, verify_password
from .email_address import normalize_email
from .errors import Conflict, Forbidden, Invalid, Problem, not_found
from .models import ROLES, Department, Person, User, UserRole
from .text import nfc
from .tokens import create_token, revoke_all_tokens, user_for_token  # noqa: F401  (tokens belong to accounts)
from .units import initial_version


def create_department(ctx, actor_id: int | None, *, code: str, name: str, functions: str = "",
                      head_person_id: int | None = None) -> int:
    if not nfc(code) or not nfc(name):
        raise Invalid(Problem("department", "Cần mã và tên phòng."))
    with ctx.db.transaction() as s:
        dept = Department(code=nfc(code), name=name, functions=nfc(functions) or "", head_person_id=head_person_id,
                          active=True)
        dept.versions.append(initial_version(name))
        try:
            # a savepoint, so a duplicate rolls back only this insert and the message can be told
            with s.begin_nested():
                s.add(dept)
        except IntegrityError:
            raise Conflict("duplicate_department", f"Mã phòng “{code}” đã tồn tại.") from None
        audit(s, ctx, actor_id=actor_id, action="create_department", entity_type="department", entity_id=dept.id,
              payload={"code": code, "name": dept.name})
        return dept.id


def set_department_head(ctx, actor_id: int | None, department_id: int, person_id: int | None) -> None:
    with ctx.db.transaction() as s:
        dept = s.get(Department, department_id)
        if dept is None:
            raise not_found("phòng")
        previous = dept.head_person_id
        dept.head_person_id = person_id
        audit(s, ctx, actor_id=actor_id, action="set_department_head", entity_type="department",
              entity_id=dept.id, payload={"person_id": person_id, "previous": previous})


def create_person(ctx, actor_id: int | None, *, full_name: str, department_id: int | None = None,
                  birth_date: date | None = None, hometown: str | None = None, position: str | None = None,
                  email: str | None = None, gender: str | None = None, residence: str | None = None) -> int:
    if not nfc(full_name):
        raise Invalid(Problem("full_name", "Cần nhập họ và tên."))
    if gender not in (None, "nam", "nu"):
        raise Invalid(Problem("gender", "Giới tính phải là 'nam' hoặc 'nu'."))
    email = normalize_email(email)
    with ctx.db.transaction() as s:
        if department_id is not None and s.get(Department, department_id) is None:
            raise not_found("phòng")
        person = Person(full_name=full_name, department_id=department_id, birth_date=birth_date,
                        hometown=hometown, position=position, email=(email or None), gender=gender,
                        residence=residence, active=True)
        s.add(person)
        s.flush()
        audit(s, ctx, actor_id=actor_id, action="create_person", entity_type="person", entity_id=person.id,
              payload={"full_name": person.full_name, "department_id": department_id})
        return person.id


def _check_roles(roles) -> list[str]:
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise Invalid(Problem("roles", "Vai trò không hợp lệ: " + ", ".join(unknown)
                              + ". Vai trò hợp lệ: " + ", ".join(ROLES) + "."))
    return roles


def _check_password(password: str) -> None:
    if not password or len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(Problem("password_too_short", f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự."))


def create_user(ctx, actor_id: int | None, *, username: str, password: str, roles: list[str],
                person_id: int | None = None, email: str | None = None, display_name: str = "") -> int:
    username = (username or "").strip().lower()
    if not username or not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise Invalid(Problem("username", "Tên đăng nhập chỉ gồm chữ không dấu, số, dấu chấm, gạch dưới."))
    roles = _check_roles(roles)
    _check_password(password)
    email = normalize_email(email)
    with ctx.db.transaction() as s:
        if person_id is not None and s.get(Person, person_id) is None:
            raise not_found("cá nhân")
        user = User(username=username, password_hash=hash_password(password), person_id=person_id,
                    email=email or None, display_name=nfc(display_name) or "", active=True,
                    created_at=ctx.clock.now())
        user.role_rows = [UserRole(role=r) for r in roles]
        try:
            # a savepoint, so a duplicate rolls back only this insert and the message can be told
            with s.begin_nested():
                s.add(user)
        except IntegrityError:
            raise Conflict("duplicate_user", f"Tên đăng nhập “{username}” đã tồn tại"
                                             " hoặc cá nhân này đã có tài khoản.") from None
        audit(s, ctx, actor_id=actor_id, action="create_user", entity_type="user", entity_id=user.id,
              payload={"username": username, "roles": roles, "person_id": person_id})
        return user.id


def set_roles(ctx, actor_id: int | None, user_id: int, roles: list[str]) -> None:
    roles = _check_roles(roles)
    with ctx.db.transaction() as s:
        user = s.get(User, user_id)
        if user is None:
            raise not_found("tài khoản")
        previous = sorted(user.roles)
        user.role_rows = [UserRole(role=r) for r in roles]
        audit(s, ctx, actor_id=actor_id, action="set_roles", entity_type="user", entity_id=user.id,
              payload={"roles": roles, "previous": previous})


def set_password(ctx, actor_id: int | None, username: str, password: str) -> None:
    """A new password ends the user's sessions and revokes their API tokens: whoever knew the old one is out."""
    _check_password(password)
    with ctx.db.transaction() as s:
        user = s.scalars(select(User).where(User.username == username.strip().lower())).first()
        if user is None:
            raise not_found(f"tài khoản “{username}”")
        user.password_hash = hash_password(password)
        user.session_epoch += 1
        revoked = revoke_all_tokens(s, ctx, user.id)
        audit(s, ctx, actor_id=actor_id, action="set_password", entity_type="user", entity_id=user.id,
              payload={"sessions_ended": True, "tokens_revoked": revoked})


def set_user_active(ctx, actor_user_id: int | None, user_id: int, active: bool, reason: str) -> None:
    """Lock or unlock an account. Locking ends its sessions at once; its tokens are refused while locked.

    `actor_user_id` None is the operator at the command line; anyone else must be an administrator.
    """
    reason = nfc(reason) or ""
    if not active and not reason:
        raise Invalid(Problem("reason_required", "Cần ghi lý do khóa tài khoản."))
    if len(reason) > 2000:
        raise Invalid(Problem("reason_too_long", "Lý do dài quá 2000 ký tự."))
    with ctx.db.transaction() as s:
        if actor_user_id is not None:
            actor = s.get(User, actor_user_id)
            if actor is None or not actor.active or "admin" not in actor.roles:
                raise Forbidden("not_allowed", "Chỉ quản trị hệ thống được khóa hoặc mở khóa tài khoản.")
            if actor_user_id == user_id and not active:
                raise Invalid(Problem("own_account", "Không thể tự khóa tài khoản của chính mình."))
        user = s.get(User, user_id, with_for_update=True)
        if user is None:
            raise not_found("tài khoản")
        if user.active == active:
            return
        user.active = active
        user.session_epoch += 1  # a locked-then-unlocked account does not get its old cookies back
        audit(s, ctx, actor_id=actor_user_id, action="activate_user" if active else "deactivate_user",
              entity_type="user", entity_id=user.id, comment=reason or None, payload={"username": user.username})


def end_sessions(ctx, user_id: int) -> int:
    """Log the user out everywhere (logout does this): cookies issued before are refused. The new epoch."""
    with ctx.db.transaction() as s:
        user = s.get(User, user_id, with_for_update=True)
        if user is None:
            raise not_found("tài khoản")
        user.session_epoch += 1
        audit(s, ctx, actor_id=user_id, action="end_sessions", entity_type="user", entity_id=user.id)
        return user.session_epoch


def session_epoch(ctx, user_id: int) -> int | None:
    with ctx.db.reading() as s:
        return s.scalar(select(User.session_epoch).where(User.id == user_id))


# The same work for an unknown user as for a wrong password, so timing does not tell which names exist.
_dummy_hash: str | None = None


def _burn_a_verification(password: str) -> None:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password("not-a-real-password")
    verify_password(_dummy_hash, password)


def authenticate(ctx, username: str, password: str) -> int | None:
    """The user id if the password is right and the account active, else None."""
    with ctx.db.reading() as s:
        user = s.scalars(select(User).where(User.username == (username or "").strip().lower())).first()
        if user is None:
            _burn_a_verification(password or "")
            return None
        if not verify_password(user.password_hash, password or "") or not user.active:
            return None
        return user.id


# --- editing and deactivating (the web's administration pages; audited with before/after) -------

def _changes(row, values: dict) -> dict:
    """Apply `values` to `row`; the fields that changed, as {field: [before, after]} (JSON-safe)."""
    changed = {}
    for key, value in values.items():
        before = getattr(row, key)
        setattr(row, key, value)
        after = getattr(row, key)  # after the model's own normalisation
        if before != after:
            changed[key] = [before.isoformat() if isinstance(before, date) else before,
                            after.isoformat() if isinstance(after, date) else after]
    return changed


def _reason(active: bool, reason: str) -> str:
    reason = nfc(reason) or ""
    if not active and not reason:
        raise Invalid(Problem("reason", "Cần ghi lý do ngừng hoạt động (ví dụ: nghỉ hưu, chuyển công tác)."))
    return reason


def update_department(ctx, actor_id: int | None, department_id: int, *, code: str, name: str,
                      functions: str = "") -> None:
    if not nfc(code) or not nfc(name):
        raise Invalid(Problem("department", "Cần mã và tên phòng."))
    with ctx.db.transaction() as s:
        dept = s.get(Department, department_id)
        if dept is None:
            raise not_found("phòng")
        try:
            with s.begin_nested():
                changed = _changes(dept, {"code": nfc(code), "name": name, "functions": nfc(functions) or ""})
                s.flush()
        except IntegrityError:
            raise Conflict("duplicate_department", f"Mã phòng “{code}” đã tồn tại.") from None
        audit(s, ctx, actor_id=actor_id, action="update_department", entity_type="department", entity_id=dept.id,
              payload={"changes": changed})


def set_department_active(ctx, actor_id: int | None, department_id: int, active: bool, reason: str = "") -> None:
    """A dissolved or merged department stops taking nominations; its history stays."""
    reason = _reason(active, reason)
    with ctx.db.transaction() as s:
        dept = s.get(Department, department_id)
        if dept is None:
            raise not_found("phòng")
        if not active and s.scalar(select(Person.id).where(Person.department_id == department_id,
                                                          Person.active.is_(True)).limit(1)) is not None:
            raise Conflict("department_has_staff", f"Phòng “{dept.name}” còn cán bộ đang hoạt động: chuyển họ"
                                                   " sang phòng khác trước khi ngừng hoạt động phòng.")
        dept.active = active
        audit(s, ctx, actor_id=actor_id, action="set_department_active", entity_type="department",
              entity_id=dept.id, comment=reason or None, payload={"active": active})


def update_person(ctx, actor_id: int | None, person_id: int, *, full_name: str, department_id: int | None,
                  position: str | None = None, email: str | None = None, gender: str | None = None,
                  birth_date: date | None = None) -> None:
    """Correct a person's record (name, department, position…); the audit keeps what it was."""
    if not nfc(full_name):
        raise Invalid(Problem("full_name", "Cần nhập họ và tên."))
    if gender not in (None, "nam", "nu"):
        raise Invalid(Problem("gender", "Giới tính phải là 'nam' hoặc 'nu'."))
    with ctx.db.transaction() as s:
        person = s.get(Person, person_id)
        if person is None:
            raise not_found("cán bộ")
        if department_id is not None and s.get(Department, department_id) is None:
            raise not_found("phòng")
        changed = _changes(person, {"full_name": full_name, "department_id": department_id, "position": position,
                                    "email": email or None, "gender": gender, "birth_date": birth_date})
        audit(s, ctx, actor_id=actor_id, action="update_person", entity_type="person", entity_id=person.id,
              payload={"changes": changed})


def set_person_active(ctx, actor_id: int | None, person_id: int, active: bool, reason: str = "") -> None:
    """A person who retired or moved away leaves the pick lists; their records and awards stay."""
    reason = _reason(active, reason)
    with ctx.db.transaction() as s:
        person = s.get(Person, person_id)
        if person is None:
            raise not_found("cán bộ")
        person.active = active
        audit(s, ctx, actor_id=actor_id, action="set_person_active", entity_type="person", entity_id=person.id,
              comment=reason or None, payload={"active": active})


def update_user(ctx, actor_id: int | None, user_id: int, *, email: str | None, person_id: int | None,
                display_name: str = "") -> None:
    with ctx.db.transaction() as s:
        user = s.get(User, user_id)
        if user is None:
            raise not_found("tài khoản")
        if person_id is not None and s.get(Person, person_id) is None:
            raise not_found("cá nhân")
        try:
            with s.begin_nested():
                changed = _changes(user, {"email": email or None, "person_id": person_id,
                                          "display_name": nfc(display_name) or ""})
                s.flush()
        except IntegrityError:
            raise Conflict("person_has_account", "Cán bộ này đã có tài khoản khác.") from None
        audit(s, ctx, actor_id=actor_id, action="update_user", entity_type="user", entity_id=user.id,
              payload={"changes": changed})
