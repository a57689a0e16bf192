"""Find a template (the instance's own copy first), hash it, and render it with docxtpl."""
from __future__ import annotations

import hashlib
import io
import re
from functools import lru_cache
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError, UndefinedError

from ..errors import Invalid, Problem
from . import stream
from .layout import normalise_docx

PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "templates"


def override_dir(settings) -> Path:
    return settings.instance_path / "templates" / "documents"


def template_path(settings, name: str) -> Path:
    """The agency's edited copy in <instance>/templates/documents/ if present, else the packaged one."""
    own = override_dir(settings) / name
    if own.is_file():
        return own
    packaged = PACKAGE_TEMPLATES / name
    if not packaged.is_file():
        raise Invalid(Problem("template_missing", f"Không tìm thấy mẫu văn bản “{name}”."))
    return packaged


@lru_cache(maxsize=64)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def template_version(path: Path) -> str:
    """The SHA-256 of the template file: which exact template made a document."""
    st = path.stat()
    return _digest(str(path), st.st_mtime_ns, st.st_size)


class _Environment(Environment):
    """Compiles each distinct template source once: a cycle renders the same report form hundreds
    of times, and compiling its XML is a third of the work."""

    CACHE_SIZE = 64

    def __init__(self, **options):
        super().__init__(**options)
        self._compiled: dict[str, object] = {}

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            if len(self._compiled) >= self.CACHE_SIZE:
                self._compiled.clear()
            template = self._compiled[source] = super().from_string(source)
        return template


# Autoescape: a name with &, < or quotes must print literally, not break the XML.
# StrictUndefined: a template naming a missing value fails loudly instead of printing nothing.
_ENV = _Environment(autoescape=True, undefined=StrictUndefined)


def jinja_env() -> Environment:
    return _ENV


def render_docx(path: Path, context: dict) -> bytes:
    """Render one template with its context; the bytes are a .docx (fixed zip times).

    A table row repeated per item ({%tr for %}, a council document's row per nominee) is rendered
    one row at a time (stream.py), the same XML as docxtpl's whole render in flat memory; a template
    that cannot be streamed exactly is rendered whole."""
    try:
        return _render(path, context, stream.Template)
    except stream.CannotStream:
        return _render(path, context, DocxTemplate)


def _render(path: Path, context: dict, kind: type[DocxTemplate]) -> bytes:
    tpl = kind(str(path))
    # Images (the verification QR) need the template they go into.
    context = {k: v.inline(tpl) if hasattr(v, "inline") else v for k, v in context.items()}
    try:
        tpl.render(context, jinja_env(), autoescape=True)
        buf = io.BytesIO()
        tpl.save(buf)
        if not getattr(tpl, "loops", None):
            return normalise_docx(buf.getvalue())
        out = io.BytesIO()
        stream.write(tpl, buf.getvalue(), context, jinja_env(), out)
        return out.getvalue()
    except UndefinedError as exc:
        name = (str(exc).split("'") + ["", ""])[1]
        raise Invalid(Problem("template_error", f"Mẫu văn bản “{path.name}” có lỗi: dùng dữ liệu không có"
                                                f" “{{{{ {name} }}}}”.")) from exc
    except TemplateError as exc:
        raise Invalid(Problem("template_error", f"Mẫu văn bản “{path.name}” có lỗi: {_in_vietnamese(str(exc))}"
                                                f" ({exc}).")) from exc
    finally:
        # The template's objects form reference cycles, freed only at a full garbage collection: empty
        # the rendered body now, so a long document's XML tree is not kept until then and a cycle
        # build's memory does not stack one long document on another.
        if tpl.docx is not None:
            tpl.docx.element.body.clear()


_JINJA_WORDS = (
    ("unexpected end of template", "thẻ mở chưa có thẻ đóng (endif hoặc endfor)"),
    ("unknown tag", "thẻ điều khiển không hợp lệ"),
    ("encountered unknown tag", "thẻ điều khiển không hợp lệ"),
    ("expected token", "thẻ viết sai cú pháp"),
    ("unexpected", "thẻ viết sai cú pháp"),
)


def _in_vietnamese(message: str) -> str:
    low = (message or "").lower()
    return next((vi for en, vi in _JINJA_WORDS if en in low), "thẻ điều khiển viết sai")


_BLOCK_TAG = re.compile(r"\{%-?\s*(if|for|elif|else|endif|endfor)\b[^%]*%\}")


def _tag_near(source: str, lineno: int | None, message: str) -> str:
    """The control tag the error points at, as the clerk sees it in Word: the block left open, or
    the tag the message quotes."""
    if "end of template" in (message or "").lower():
        stack = []
        for m in _BLOCK_TAG.finditer(source):
            if m[1] in ("if", "for"):
                stack.append(m[0])
            elif m[1] in ("endif", "endfor") and stack:
                stack.pop()
        if stack:
            return stack[-1]
    lines = source.splitlines()
    line = lines[lineno - 1] if lineno and 0 < lineno <= len(lines) else source
    tags = re.findall(r"\{[%{][^%}]*[%}]\}", line)
    for word in re.findall(r"'([^']+)'", message or ""):
        for tag in tags:
            if word in tag:
                return tag
    return ""


def validate_templates(settings, items) -> None:
    """Check each distinct template once, before any file is written: its control tags parse and
    every name it uses is given. Raises Invalid with the file and the tag at fault, in Vietnamese."""
    from jinja2 import TemplateSyntaxError

    seen: dict[Path, set[str]] = {}
    for path, context in items:
        if path in seen:
            continue
        tpl, source = DocxTemplate(str(path)), ""
        try:
            tpl.init_docx()
            source = tpl.patch_xml(tpl.get_xml())
            seen[path] = undeclared_variables(path)
        except TemplateSyntaxError as exc:
            tag = _tag_near(source, exc.lineno, exc.message)
            where = f" ở thẻ “{tag}”" if tag else ""
            raise Invalid(Problem("template_error", f"Mẫu văn bản “{path.name}” có lỗi{where}:"
                                                    f" {_in_vietnamese(exc.message)}. Chưa tạo tệp nào.")) from exc
        missing = sorted(seen[path] - set(context))
        if missing:
            raise Invalid(Problem("template_error", f"Mẫu văn bản “{path.name}” có lỗi: dùng dữ liệu không có: "
                                                    + ", ".join(f"“{{{{ {m} }}}}”" for m in missing)
                                                    + ". Chưa tạo tệp nào."))


def undeclared_variables(path: Path) -> set[str]:
    """Every top-level name the template uses (docxtpl's check, the same environment as rendering)."""
    return DocxTemplate(str(path)).get_undeclared_template_variables(jinja_env())
