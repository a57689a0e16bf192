"""Web forms (Flask-WTF: every form carries a CSRF token). They parse; the use cases decide."""
from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms import (
    DateField as _DateField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from states import ROLE_TITLES, Action
from workflow.dossier import DEPARTMENT_KINDS, MEETING_KINDS, NOMINATION_KINDS
from workflow.models import (
    AWARD_FORMS,
    CONTEST_KINDS,
    COUNCIL_ROLES,
    DOCUMENT_KINDS,
    EVIDENCE_KINDS,
    INITIATIVE_FIELDS,
    NOMINEE_TYPES,
    ROLES,
    TASK_RATINGS,
    UNIT_KINDS,
)

# WTForms ships no Vietnamese catalogue: the few messages it can produce, translated here.
_WTFORMS_VI = {
    "Not a valid integer value.": "Phải là số nguyên.",
    "Not a valid date value.": "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 05/02/2025.",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "This field is required.": "Cần nhập thông tin này.",
    "Not a valid decimal value.": "Phải là số.",
    "Not a valid float value.": "Phải là số.",
}


class DateField(_DateField):
    """A date typed as dd/mm/yyyy whatever the browser's language: a text input with a pattern,
    never the browser's date picker (mm/dd/yyyy on an English browser). ISO (yyyy-mm-dd) is
    accepted too, for pasted values."""

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off",
                     "pattern": r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}",
                     "title": "Ngày theo dạng ngày/tháng/năm, ví dụ 05/02/2025", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, format=["%d/%m/%Y", "%Y-%m-%d"], render_kw=render_kw, **kwargs)
        self.widget = TextInput()


class _Translations:
    def gettext(self, string):
        if str(get_locale() or "vi") == "vi":
            return _WTFORMS_VI.get(string, string)
        return string

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


class Form(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _Translations()


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _opt_int(value):
    return int(value) if value not in (None, "", "None") else None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[InputRequired(), Length(max=80)])
    password = PasswordField(_l("Mật khẩu"), validators=[InputRequired(), Length(max=200)])
    submit = SubmitField(_l("Đăng nhập"))


class NominationForm(Form):
    cycle_id = SelectField(_l("Kỳ xét"), coerce=int, validators=[InputRequired()])
    nominee_type = RadioField(_l("Đối tượng"), choices=_choices(list(NOMINEE_TYPES.items())), default="individual",
                              validators=[InputRequired()])
    person_id = SelectField(_l("Cá nhân"), coerce=_opt_int, validators=[Optional()])
    department_id = SelectField(_l("Tập thể (phòng)"), coerce=_opt_int, validators=[Optional()])
    award_form = SelectField(_l("Hình thức khen thưởng"), choices=_choices(list(AWARD_FORMS.items())),
                             default="agency_certificate")
    summary = TextAreaField(_l("Tóm tắt thành tích"), validators=[Optional(), Length(max=5000)])
    report = FileField(_l("Báo cáo thành tích (nếu đã có)"))
    submit = SubmitField(_l("Tạo đề nghị"))
    # for a department head whose department has already met: create and review in one go
    review_now = SubmitField(_l("Tạo và Phòng xét, đề nghị luôn"))


class ActionForm(Form):
    """One workflow action; each action reads only the fields it needs."""

    action = HiddenField(validators=[InputRequired()])
    version = IntegerField(validators=[Optional()])
    comment = TextAreaField(_l("Lý do / ý kiến"), validators=[Optional(), Length(max=5000)])
    # The use case checks the meeting belongs to the nomination's cycle.
    meeting_id = SelectField(_l("Cuộc họp Hội đồng"), coerce=_opt_int, validators=[Optional()],
                             validate_choice=False)
    decision_number = StringField(_l("Số quyết định"), validators=[Optional(), Length(max=50)])
    decision_date = DateField(_l("Ngày ký quyết định"), validators=[Optional()])
    # A decision already in the register; else the number and date above register a new one.
    decision_id = SelectField(_l("Quyết định đã vào sổ"), coerce=_opt_int, validators=[Optional()],
                              validate_choice=False)
    accept_mixed_capacity = BooleanField(_l("Tôi xác nhận gộp vào quyết định do người khác ký (khác thẩm quyền phê duyệt)"))


class UploadForm(Form):
    kind = SelectField(_l("Loại tài liệu"), choices=_choices([(k, DOCUMENT_KINDS[k]) for k in NOMINATION_KINDS]))
    file = FileField(_l("Tệp"))
    submit = SubmitField(_l("Tải lên"))


class DecisionForm(Form):
    signed_on = DateField(_l("Ngày ký"), validators=[InputRequired()])
    signer_user_id = SelectField(_l("Người ký"), coerce=_opt_int, validators=[InputRequired()],
                                 validate_choice=False)
    number = StringField(_l("Số quyết định"), validators=[Optional(), Length(max=60)])
    summary = StringField(_l("Trích yếu"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Vào sổ quyết định"))


class RevokeDecisionForm(Form):
    reason = TextAreaField(_l("Lý do thu hồi"), validators=[InputRequired(), Length(max=2000)])
    signed_on = DateField(_l("Ngày ký quyết định thu hồi"), validators=[InputRequired()])
    signer_user_id = SelectField(_l("Người ký"), coerce=_opt_int, validators=[InputRequired()],
                                 validate_choice=False)
    number = StringField(_l("Số quyết định thu hồi"), validators=[Optional(), Length(max=60)])
    submit = SubmitField(_l("Vào sổ quyết định thu hồi"))


class WithdrawDocumentForm(Form):
    reason = TextAreaField(_l("Lý do rút tài liệu"), validators=[InputRequired(), Length(max=2000)])
    submit = SubmitField(_l("Rút tài liệu"))


class DepartmentUploadForm(Form):
    cycle_id = SelectField(_l("Kỳ xét"), coerce=int)
    kind = SelectField(_l("Loại tài liệu"), choices=_choices([(k, DOCUMENT_KINDS[k]) for k in DEPARTMENT_KINDS]))
    file = FileField(_l("Tệp"))
    submit = SubmitField(_l("Tải lên"))


class MeetingUploadForm(Form):
    kind = SelectField(_l("Loại tài liệu"), choices=_choices([(k, DOCUMENT_KINDS[k]) for k in MEETING_KINDS]))
    file = FileField(_l("Tệp"))
    submit = SubmitField(_l("Tải lên"))


class MeetingForm(Form):
    """A meeting as a record: when, where, who chaired and kept the minutes, who attended (by name)."""

    held_on = DateField(_l("Ngày họp"), validators=[InputRequired()])
    starts_at = TimeField(_l("Giờ bắt đầu"), validators=[InputRequired()])
    ends_at = TimeField(_l("Giờ kết thúc"), validators=[InputRequired()])
    place = StringField(_l("Địa điểm"), validators=[InputRequired(), Length(max=200)])
    chair_member_id = SelectField(_l("Chủ trì"), coerce=_opt_int, validators=[Optional()], validate_choice=False)
    secretary_member_id = SelectField(_l("Thư ký cuộc họp"), coerce=_opt_int, validators=[Optional()],
                                      validate_choice=False)
    present_member_ids = MultiCheckboxField(_l("Thành viên có mặt"), coerce=int, validate_choice=False)
    note = TextAreaField(_l("Ghi chú, biên bản tóm tắt"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Ghi nhận cuộc họp"))


class MeetingCorrectionForm(MeetingForm):
    reason = TextAreaField(_l("Lý do sửa"), validators=[InputRequired(), Length(max=2000)])
    submit = SubmitField(_l("Lưu thông tin đã sửa"))


class AuthorisationForm(Form):
    """The head names who acts in their name (KT. / TUQ.), for which steps and dates; `away` marks the
    head absent over the period, so their work waits on the delegate too."""

    delegate_id = SelectField(_l("Người được giao"), coerce=_opt_int, validators=[InputRequired()],
                              validate_choice=False)
    capacity = SelectField(_l("Hình thức"), choices=_choices([("kt", "KT. (ký thay)"), ("tuq", "TUQ. (thừa ủy quyền)")]))
    actions = MultiCheckboxField(_l("Thao tác"), validate_choice=False)
    valid_from = DateField(_l("Từ ngày"), validators=[InputRequired()])
    valid_to = DateField(_l("Đến ngày"), validators=[InputRequired()])
    domain = StringField(_l("Lĩnh vực được phân công (KT.)"), validators=[Optional(), Length(max=120)])
    act_number = StringField(_l("Số văn bản ủy quyền (TUQ.)"), validators=[Optional(), Length(max=50)])
    act_date = DateField(_l("Ngày văn bản ủy quyền (TUQ.)"), validators=[Optional()])
    away = BooleanField(_l("Thủ trưởng vắng mặt trong thời gian này: việc cần xử lý và nhắc hạn chuyển cả cho"
                           " người được giao"))
    submit = SubmitField(_l("Ghi nhận ủy quyền"))


class ActingHeadForm(Form):
    """A department head away names an acting head (phụ trách) for the department's steps."""

    department_id = SelectField(_l("Phòng"), coerce=_opt_int, validators=[InputRequired()], validate_choice=False)
    delegate_id = SelectField(_l("Người phụ trách"), coerce=_opt_int, validators=[InputRequired()],
                              validate_choice=False)
    valid_from = DateField(_l("Từ ngày"), validators=[InputRequired()])
    valid_to = DateField(_l("Đến ngày"), validators=[InputRequired()])
    submit = SubmitField(_l("Giao phụ trách phòng"))


class CouncilMemberForm(Form):
    person_id = SelectField(_l("Cán bộ"), coerce=_opt_int, validators=[InputRequired()], validate_choice=False)
    council_role = SelectField(_l("Vai trò trong Hội đồng"), choices=_choices(list(COUNCIL_ROLES.items())))
    title = StringField(_l("Chức vụ"), validators=[Optional(), Length(max=200)])
    term_from = DateField(_l("Nhiệm kỳ từ ngày"), validators=[InputRequired()])
    term_to = DateField(_l("Đến ngày"), validators=[Optional()])
    submit = SubmitField(_l("Thêm vào Hội đồng"))


class VoteForm(Form):
    nomination_id = HiddenField(validators=[InputRequired()])
    votes_for = IntegerField(_l("Đồng ý"), validators=[InputRequired()])
    votes_against = IntegerField(_l("Không đồng ý"), validators=[InputRequired()])
    submit = SubmitField(_l("Lưu biểu quyết"))


class RegistrationForm(Form):
    year = IntegerField(_l("Năm"), validators=[InputRequired()])
    collective = BooleanField(_l("Tập thể phòng đăng ký thi đua"), default=True)
    person_ids = MultiCheckboxField(_l("Cá nhân đăng ký"), coerce=int)
    target = StringField(_l("Danh hiệu / mục tiêu đăng ký"), validators=[Optional(), Length(max=300)])
    save = SubmitField(_l("Lưu nháp"))
    send = SubmitField(_l("Gửi đăng ký"))


class RegistrationDecisionForm(Form):
    reason = TextAreaField(_l("Lý do (khi từ chối)"), validators=[Optional(), Length(max=2000)])
    approve = SubmitField(_l("Duyệt"))
    refuse = SubmitField(_l("Từ chối"))


class BulkForm(Form):
    action = SelectField(_l("Thao tác"), choices=_choices([(a.value, a.title) for a in Action]))
    ids = MultiCheckboxField(coerce=int)


class BulkRunForm(ActionForm):
    """The confirmed batch: each selected id travels with the version the user saw."""

    items = HiddenField()


class InitiativeForm(Form):
    title = TextAreaField(_l("Tên sáng kiến, giải pháp"), validators=[InputRequired(), Length(max=1000)])
    field = SelectField(_l("Lĩnh vực"), choices=_choices(list(INITIATIVE_FIELDS.items())))
    year = IntegerField(_l("Năm"), validators=[InputRequired()])
    topic = StringField(_l("Chủ đề"), validators=[Optional(), Length(max=500)])
    department_id = SelectField(_l("Phòng (tác giả tập thể)"), coerce=_opt_int, validators=[Optional()])
    author_ids = SelectMultipleField(_l("Tác giả (cá nhân)"), coerce=int, validators=[Optional()])
    recognition_number = StringField(_l("Số QĐ công nhận tại cơ quan"), validators=[Optional(), Length(max=50)])
    recognition_date = DateField(_l("Ngày QĐ công nhận"), validators=[Optional()])
    appraisal_number = StringField(_l("Số văn bản thẩm định (Sở Nội vụ)"), validators=[Optional(), Length(max=50)])
    appraisal_date = DateField(_l("Ngày thẩm định"), validators=[Optional()])
    contest_recognition_number = StringField(_l("Số QĐ công nhận tại cuộc thi (Sở Nội vụ)"),
                                             validators=[Optional(), Length(max=50)])
    contest_recognition_date = DateField(_l("Ngày QĐ công nhận tại cuộc thi"), validators=[Optional()])
    submit = SubmitField(_l("Lưu"))


class ContestResultForm(Form):
    contest_kind = SelectField(_l("Cuộc thi"), choices=_choices(list(CONTEST_KINDS.items())))
    year = IntegerField(_l("Năm"), validators=[InputRequired()])
    round = StringField(_l("Đợt / vòng"), validators=[Optional(), Length(max=50)])
    person_id = SelectField(_l("Cá nhân"), coerce=int)
    participated = BooleanField(_l("Có tham gia"), default=True)
    score = StringField(_l("Điểm"), validators=[Optional(), Length(max=20)])
    prize = StringField(_l("Giải"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Lưu"))


class TaskRatingForm(Form):
    year = IntegerField(_l("Năm"), validators=[InputRequired()])
    subject = SelectField(_l("Cá nhân hoặc phòng"))
    rating = SelectField(_l("Xếp loại"), choices=_choices(list(TASK_RATINGS.items())))
    submit = SubmitField(_l("Lưu"))


class CampaignForm(Form):
    code = StringField(_l("Mã phong trào"), validators=[InputRequired(), Length(max=50)])
    name = TextAreaField(_l("Tên phong trào"), validators=[InputRequired(), Length(max=2000)])
    start_year = IntegerField(_l("Từ năm"), validators=[InputRequired()])
    end_year = IntegerField(_l("Đến năm"), validators=[InputRequired()])
    plan_reference = StringField(_l("Kế hoạch (số, ngày)"), validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Tạo phong trào và các kỳ xét"))


class CycleForm(Form):
    registration_deadline = DateField(_l("Hạn đăng ký thi đua"), validators=[Optional()])
    dossier_deadline = DateField(_l("Hạn nộp hồ sơ"), validators=[InputRequired()])
    council_meeting_on = DateField(_l("Ngày họp Hội đồng"), validators=[InputRequired()])
    ceremony_on = DateField(_l("Ngày tổng kết, trao thưởng"), validators=[Optional()])
    submit = SubmitField(_l("Lưu lịch"))


class DepartmentForm(Form):
    code = StringField(_l("Mã phòng"), validators=[InputRequired(), Length(max=30)])
    name = StringField(_l("Tên phòng"), validators=[InputRequired(), Length(max=200)])
    functions = TextAreaField(_l("Chức năng, nhiệm vụ"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Thêm phòng"))


class UnitVersionForm(Form):
    """A rename, a change of kind or head title, or a dissolution of a unit from a date."""
    department_id = SelectField(_l("Đơn vị"), coerce=_opt_int, validators=[InputRequired()])
    valid_from = DateField(_l("Áp dụng từ ngày"), validators=[InputRequired()])
    name = StringField(_l("Tên đơn vị từ ngày đó"), validators=[InputRequired(), Length(max=200)])
    kind = SelectField(_l("Loại đơn vị"), choices=_choices(list(UNIT_KINDS.items())), validators=[InputRequired()])
    head_title = StringField(_l("Chức danh người đứng đầu (để trống: theo loại đơn vị)"),
                             validators=[Optional(), Length(max=100)])
    dissolved = BooleanField(_l("Đơn vị giải thể hoặc sáp nhập từ ngày đó"))
    submit = SubmitField(_l("Thêm phiên bản"))


class DepartmentHeadForm(Form):
    department_id = HiddenField(validators=[InputRequired()])
    person_id = SelectField(_l("Trưởng phòng"), coerce=_opt_int, validators=[Optional()])
    submit = SubmitField(_l("Lưu"))


class PersonForm(Form):
    full_name = StringField(_l("Họ và tên"), validators=[InputRequired(), Length(max=200)])
    department_id = SelectField(_l("Phòng"), coerce=_opt_int, validators=[Optional()])
    position = StringField(_l("Chức vụ"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("Thư điện tử"), validators=[Optional(), Length(max=200)])
    gender = SelectField(_l("Giới tính"), choices=_choices([("", "—"), ("nam", "Nam"), ("nu", "Nữ")]),
                         validators=[Optional()])
    birth_date = DateField(_l("Ngày sinh"), validators=[Optional()])
    submit = SubmitField(_l("Thêm cán bộ"))


ROLE_CHOICES = [(r, ROLE_TITLES[r]) for r in ROLES]


class UserForm(Form):
    username = StringField(_l("Tên đăng nhập"), validators=[InputRequired(), Length(max=80)])
    password = PasswordField(_l("Mật khẩu ban đầu"), validators=[InputRequired(), Length(max=200)])
    person_id = SelectField(_l("Cán bộ"), coerce=_opt_int, validators=[Optional()])
    email = StringField(_l("Thư điện tử"), validators=[Optional(), Length(max=200)])
    roles = MultiCheckboxField(_l("Vai trò"), choices=_choices(ROLE_CHOICES))
    submit = SubmitField(_l("Tạo tài khoản"))


class RolesForm(Form):
    roles = MultiCheckboxField(_l("Vai trò"), choices=_choices(ROLE_CHOICES))
    submit = SubmitField(_l("Lưu vai trò"))


class PasswordForm(Form):
    password = PasswordField(_l("Mật khẩu mới"), validators=[InputRequired(), Length(max=200)])
    submit = SubmitField(_l("Đặt lại mật khẩu"))


class GenerateForm(Form):
    """A button that makes one document from its template (the owner ids travel as hidden fields)."""

    kind = HiddenField()
    nomination_id = HiddenField(filters=[_opt_int])
    cycle_id = HiddenField(filters=[_opt_int])
    department_id = HiddenField(filters=[_opt_int])
    meeting_id = HiddenField(filters=[_opt_int])
    pdf = HiddenField()
    back = HiddenField()


class EvidenceForm(Form):
    """A department head sends evidence (e.g. a certificate scan) for the Office to record."""

    department_id = SelectField(_l("Phòng"), coerce=int)
    subject = SelectField(_l("Của ai"), validators=[InputRequired()])
    kind = SelectField(_l("Loại minh chứng"), choices=_choices(list(EVIDENCE_KINDS.items())))
    year = IntegerField(_l("Năm"), validators=[InputRequired()])
    description = TextAreaField(_l("Mô tả"), validators=[InputRequired(), Length(max=2000)])
    file = FileField(_l("Bản chụp, bản quét"))
    submit = SubmitField(_l("Gửi Văn phòng"))


class EvidenceDecisionForm(Form):
    note = TextAreaField(_l("Ghi chú / lý do (bắt buộc khi không xác nhận)"), validators=[Optional(), Length(max=2000)])


class ActiveForm(Form):
    """Deactivate (with a reason) or reactivate a department, person or account."""

    active = HiddenField()
    reason = StringField(_l("Lý do"), validators=[Optional(), Length(max=500)])
