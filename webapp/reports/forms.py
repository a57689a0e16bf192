"""Forms of the reports pages (Flask-WTF: every form carries a CSRF token)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from workflow.imports import KIND_TITLES
from workflow.models import CONTEST_KINDS

from ..forms import Form


def _choices(pairs: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs.items()]


class ImportForm(Form):
    kind = SelectField(_l("Loại dữ liệu"), choices=_choices(KIND_TITLES), validators=[InputRequired()])
    file = FileField(_l("Tệp Excel (.xlsx) hoặc CSV"), validators=[
        FileRequired(_l("Chọn tệp cần nhập.")), FileAllowed(["xlsx", "csv"], _l("Chỉ nhận tệp .xlsx hoặc .csv."))])
    year = IntegerField(_l("Năm (cho các dòng không có cột “Năm”)"), validators=[Optional(), NumberRange(2000, 2100)])
    round = StringField(_l("Đợt thi (kết quả cuộc thi)"), validators=[Optional(), Length(max=50)])
    contest_kind = SelectField(_l("Cuộc thi"), choices=_choices(CONTEST_KINDS), default="online_cchc")


class ConfirmImportForm(Form):
    """Carries the previewed upload to the confirm step; the server re-plans it and checks the fingerprint."""

    token = HiddenField(validators=[InputRequired(), Length(min=32, max=32)])
    kind = HiddenField(validators=[InputRequired()])
    filename = HiddenField(validators=[InputRequired(), Length(max=255)])
    fingerprint = HiddenField(validators=[InputRequired(), Length(max=64)])
    year = HiddenField()
    round = HiddenField()
    contest_kind = HiddenField()
