"""Rebuild the catalogues: extract the Vietnamese source strings, merge the English
translations kept in en.txt (one `vietnamese|english` per line), compile the .mo files.

    python -m webapp.translations.build
"""
from __future__ import annotations

import subprocess
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def main() -> None:
    pot = HERE / "messages.pot"
    subprocess.run(["pybabel", "extract", "-F", str(HERE / "babel.cfg"), "-k", "_l", "-o", str(pot), "."],
                   cwd=ROOT, check=True, capture_output=True)
    pairs = dict(line.split("|", 1) for line in (HERE / "en.txt").read_text(encoding="utf-8").splitlines()
                 if "|" in line)
    with open(pot, "rb") as fh:
        catalog = read_po(fh, locale="en")
    missing = []
    for message in catalog:
        if message.id:
            message.string = pairs.get(message.id, "")
            if not message.string:
                missing.append(message.id)
    target = HERE / "en" / "LC_MESSAGES"
    target.mkdir(parents=True, exist_ok=True)
    with open(target / "messages.po", "wb") as fh:
        write_po(fh, catalog, width=120)
    with open(target / "messages.mo", "wb") as fh:
        write_mo(fh, catalog)
    print(f"{len(catalog) - len(missing)} translated, {len(missing)} missing")
    for m in missing:
        print("  missing:", m)


if __name__ == "__main__":
    main()
