"""Render a template's repeated table rows ({%tr for %}) one at a time, in flat memory.

docxtpl renders the whole document.xml as one Jinja string, parses it into lxml and serialises
it back: a council document with a row per nominee peaks at ~20 MiB per 1000 rows. Here docxtpl
renders the document with each row loop cut down to its first row, between two XML comments;
that small document is saved as usual. Its document.xml is then written into the output zip in
pieces: the text up to a loop's first comment, each item's row rendered by Jinja and put through
the same steps as docxtpl's (listing, lxml parse and serialisation), the text after the second
comment, and so on. The result is the XML docxtpl makes for the same context
(tests/documents/test_render_stream.py). The row data stays in the context as it was given: a
list (each loop reads it twice), a few hundred bytes a row against the ~20 KiB of its XML.

A template this cannot render exactly like docxtpl (a tag other than for/if, a loop inside another
loop, a row holding an image, rows of different widths) is left to docxtpl whole.
"""
from __future__ import annotations

import io
import re
import zipfile

from docx.oxml.ns import nsmap as NS
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml import etree

from .layout import EPOCH

DOCUMENT = "word/document.xml"
START, END, ROW = "<!--thidua:rows:{}-->", "<!--thidua:end:{}-->", "<!--thidua:row-->"
# Every Jinja statement tag in the patched source; a template with any other kind (set, macro,
# include...) could change what the rows see, so it is not streamed.
_TAG = re.compile(r"\{%-?\s*(\w+).*?-?%\}", re.DOTALL)
_STREAMABLE_TAGS = {"for", "endfor", "if", "elif", "else", "endif"}


class CannotStream(Exception):
    """This template or context must be rendered by docxtpl whole."""


def row_loops(source: str) -> list[tuple[int, int, int, int]]:
    """(start, body start, body end, end) of each top-level for loop whose body is whole table rows.

    `source` is docxtpl's patched body XML, where `{%tr for x in y %}` has become a bare
    `{% for x in y %}` before the first repeated `<w:tr>`."""
    loops, stack = [], []  # stack: [kind, tag match] of the open blocks
    for m in _TAG.finditer(source):
        word = m[1]
        if word not in _STREAMABLE_TAGS or "recursive" in m[0]:
            raise CannotStream(m[0])
        if word in ("for", "if"):
            stack.append([word, m])
        elif word == "else" and stack and stack[-1][0] == "for":
            stack[-1][0] = "for-else"  # a for ... else: the else part is not a row
        elif word in ("endfor", "endif"):
            if not stack:
                return []  # unbalanced: docxtpl reports it
            kind, opening = stack.pop()
            nested_in_for = any(k.startswith("for") for k, _ in stack)
            body = source[opening.end():m.start()]
            if kind == "for" and not nested_in_for and body.startswith("<w:tr") and body.endswith("</w:tr>"):
                loops.append((opening.start(), opening.end(), m.start(), m.end()))
    return loops


def mark(source: str, loops) -> str:
    """The source with each loop rendering only its first row, between its two comments: enough for
    docxtpl to fit the table's grid as it would for every row."""
    out, at = [], 0
    for k, (start, body, body_end, end) in enumerate(loops):
        out += [source[at:start], START.format(k), source[start:body], "{% if loop.first %}",
                source[body:body_end], "{% endif %}", source[body_end:end], END.format(k)]
        at = end
    out.append(source[at:])
    return "".join(out)


class Template(DocxTemplate):
    """docxtpl's template, rendering its row loops cut down (see `mark`) when it can stream them."""

    loops: list[str]  # set by build_xml: each streamed loop's own template

    def build_xml(self, context, jinja_env=None):
        source = self.patch_xml(self.get_xml())
        try:
            loops = row_loops(source)
        except CannotStream:
            loops = []
        # each loop's own template: the loop tag, its row with a comment after it, the endfor
        self.loops = [source[s:b] + source[b:e] + ROW + source[e:end] for s, b, e, end in loops]
        if loops:
            source = mark(source, loops)
        return self.render_xml_part(source, self.docx._part, context, jinja_env)


def write(tpl: Template, rendered: bytes, context: dict, env, out) -> None:
    """Write the .docx into the binary file `out`: the parts of `rendered` (the small document docxtpl
    saved) as they are, its document.xml with each loop's rows streamed in; the zip entries as
    normalise_docx makes them. Call it before the template's rendered body is emptied."""
    with zipfile.ZipFile(io.BytesIO(rendered)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            if info.filename != DOCUMENT:
                zout.writestr(entry, zin.read(info.filename))
                continue
            xml = zin.read(info.filename)
            with zout.open(entry, "w") as dest:
                at = 0
                for k, loop in enumerate(tpl.loops):
                    start, end = START.format(k).encode(), END.format(k).encode()
                    i = xml.find(start, at)
                    if i < 0:  # the loop sits in a block that printed nothing
                        continue
                    j = xml.find(end, i)
                    if j < 0:
                        raise CannotStream(f"loop {k} cut")
                    dest.write(xml[at:i])
                    rows = _Rows(tpl, k)
                    first = rows.shape(rows.parse(xml[i + len(start):j].decode("utf-8")))
                    for row in rows.render(loop, context, env):
                        dest.write(row)
                    if rows.shapes - {first}:
                        raise CannotStream("rows of different widths")  # docxtpl would refit the grid
                    if first and not rows.shapes:  # the rows are read twice: a generator would lose them
                        raise ValueError(f"{tpl.template_file}: the rows of a table must be a list")
                    at = j + len(end)
                dest.write(xml[at:])


class _Rows:
    """The rows of loop k, each serialised by lxml as it is inside the whole document."""

    def __init__(self, tpl: Template, k: int):
        self.tpl, self.shapes = tpl, set()
        self.parser = etree.XMLParser(recover=True)  # docxtpl's (fix_tables); one per render: not thread-safe
        marker = next(c for c in tpl.docx.element.body.iter(etree.Comment) if c.text == f"thidua:rows:{k}")
        # the namespaces in scope where the rows go: a row then declares none of its own, as in the document
        decls = "".join(f' xmlns:{p}="{u}"' if p else f' xmlns="{u}"' for p, u in marker.getparent().nsmap.items())
        self.open = f"<thidua{decls}>"

    def parse(self, xml: str):
        return etree.fromstring(self.open + xml + "</thidua>", parser=self.parser)

    def render(self, loop: str, context: dict, env):
        """docxtpl's render_xml_part, a row at a time: the loop's template ends each row with ROW."""
        template = env.from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", loop))
        parts = []
        for piece in template.generate(context):
            parts.append(piece)  # joined, never added: str + Markup would escape the XML
            if ROW not in piece:
                continue
            *done, rest = "".join(parts).split(ROW)
            parts = [rest]
            for xml in done:
                xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
                xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
                tree = self.parse(self.tpl.resolve_listing(xml))
                if tree.find(".//wp:docPr", NS) is not None:
                    raise CannotStream("an image in a row")  # docxtpl numbers them across the document
                self.shapes.add(self.shape(tree))
                serialised = etree.tostring(tree, encoding="UTF-8")
                yield serialised[serialised.index(b">") + 1:-len(b"</thidua>")]

    @staticmethod
    def shape(tree) -> tuple:
        """Each row's cell count and width in grid columns: what docxtpl's fix_tables reads."""
        return tuple((len(cells), sum(int(span.get(qn("w:val"))) if span is not None else 1
                                      for span in (tc.find("w:tcPr/w:gridSpan", NS) for tc in cells)))
                     for cells in (tr.findall("w:tc", NS) for tr in tree.iterfind("w:tr", NS)))
