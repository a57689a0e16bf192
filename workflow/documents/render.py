"""Find a template (the instance's own copy first), hash it, and render it with docxtpl."""
from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateError

from ..errors import Invalid, Problem
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
    """Render one template with its context; the bytes are a .docx (fixed zip times)."""
    tpl = DocxTemplate(str(path))
    # Images (the verification QR) need the template they go into.
    context = {k: v.inline(tpl) if hasattr(v, "inline") else v for k, v in context.items()}
    try:
        tpl.render(context, jinja_env(), autoescape=True)
    except TemplateError as exc:
        raise Invalid(Problem("template_error", f"Mẫu văn bản “{path.name}” có lỗi: {exc}")) from exc
    buf = io.BytesIO()
    tpl.save(buf)
    return normalise_docx(buf.getvalue())


def undeclared_variables(path: Path) -> set[str]:
    """Every top-level name the template uses (docxtpl's check, the same environment as rendering)."""
    return DocxTemplate(str(path)).get_undeclared_template_variables(jinja_env())
