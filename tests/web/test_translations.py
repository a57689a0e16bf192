"""Vietnamese is the source language; the English catalogue must cover every string and be compiled."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo

WEBAPP = Path(__file__).resolve().parents[2] / "webapp"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]


def _source_strings() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(WEBAPP), METHODS, keywords={"_": None, "_l": None, "gettext": None}):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_interface_string_has_an_english_translation_compiled():
    with open(WEBAPP / "translations" / "en" / "LC_MESSAGES" / "messages.mo", "rb") as fh:
        catalog = read_mo(fh)
    translated = {m.id for m in catalog if m.id and m.string}
    missing = sorted(_source_strings() - translated)
    assert not missing, "run `python -m webapp.translations.build` and translate: " + "; ".join(missing[:20])
