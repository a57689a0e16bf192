"""Decree 30/2020 building blocks for the .docx templates (used by build_templates.py).

Page A4, margins 20/20/30/15 mm, Times New Roman; the two-column title block (agency
left, national title and motto right, each with its short line beneath); signature and
"Nơi nhận:" blocks; page numbers centred in the top margin from page 2; real footnotes.
Text may hold Jinja tags: each call writes one run, so docxtpl sees every tag whole.
"""
from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

FONT = "Times New Roman"
BODY_PT = 14
# Control tags ({%p if %}, {%tr for %}) in readable type and a colour of their own, so a clerk
# editing a template in Word sees them, and sees which blocks are alternatives. They vanish on rendering.
TAG_PT = 11
TAG_COLOR = RGBColor(0x1F, 0x4E, 0x9A)
RULE_WIDTHS = (1.0, 1.3, 1.6, 2.0, 2.4, 2.8)  # = vn.RULE_WIDTHS
CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT,
                                WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY)
# Fixed zip timestamps and core properties: rebuilding a template gives the same bytes,
# so its hash (the template version stored with each document) only changes with its content.
EPOCH = (2024, 1, 1, 0, 0, 0)
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DROP_PACKAGE_RELS = {RT.THUMBNAIL}
DROP_DOCUMENT_RELS = {"http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects", RT.CUSTOM_XML}
STYLE_REF = re.compile(r'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"')


def normalise_docx(data: bytes) -> bytes:
    """Rewrite a .docx zip with fixed entry times, so equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            zout.writestr(entry, zin.read(info.filename))
    return out.getvalue()


def _set_fonts(rpr, size_pt: float | None = None) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]  # theme fonts would win over the named font
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    if size_pt is not None:
        for tag in ("w:sz", "w:szCs"):
            el = rpr.find(qn(tag))
            if el is None:
                el = OxmlElement(tag)
                rpr.append(el)
            el.set(qn("w:val"), str(int(size_pt * 2)))
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "vi-VN")


class Builder:
    """One template being built: call the blocks in reading order, then `save`."""

    def __init__(self, *, landscape: bool = False, title: str = ""):
        self.doc = Document()
        self._footnotes: list[str] = []
        self._setup_page(landscape)
        self._setup_styles()
        props = self.doc.core_properties
        props.author = props.last_modified_by = "thidua"
        props.title, props.revision = title, 1
        props.created = props.modified = props.last_printed = datetime(*EPOCH, tzinfo=UTC)
        props.comments = "Mẫu văn bản của thidua (Nghị định 30/2020/NĐ-CP). Có thể sửa trong Word."

    # --- page and styles ------------------------------------------------------------
    def _setup_page(self, landscape: bool) -> None:
        s = self.doc.sections[0]
        if landscape:
            s.orientation = WD_ORIENT.LANDSCAPE
            s.page_width, s.page_height = Mm(297), Mm(210)
            s.top_margin = s.bottom_margin = Mm(15)
            s.left_margin = s.right_margin = Mm(20)
        else:
            s.page_width, s.page_height = Mm(210), Mm(297)
            s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Mm(20), Mm(20), Mm(30), Mm(15)
        s.header_distance = s.footer_distance = Mm(10)

    def _setup_styles(self) -> None:
        styles = self.doc.styles.element
        _set_fonts(styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")), BODY_PT)
        ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
        spacing = ppr.find(qn("w:spacing"))
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
        normal.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(normal.element.get_or_add_rPr(), BODY_PT)
        fmt = normal.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = 1.0
        # Word's built-in footnote styles: LibreOffice draws the note numbers from them
        text = self.doc.styles.add_style("footnote text", WD_STYLE_TYPE.PARAGRAPH)
        text.style_id, text.base_style, text.font.size = "FootnoteText", normal, Pt(11)
        text.paragraph_format.alignment = JUSTIFY
        ref = self.doc.styles.add_style("footnote reference", WD_STYLE_TYPE.CHARACTER)
        ref.style_id, ref.font.superscript = "FootnoteReference", True

    @property
    def text_width_cm(self) -> float:
        s = self.doc.sections[0]
        return (s.page_width - s.left_margin - s.right_margin) / 360000

    # --- paragraphs -------------------------------------------------------------------
    def para(self, text: str = "", *, size: float = BODY_PT, bold=False, italic=False, align=JUSTIFY,
             before: float = 0, after: float = 0, first_line: float | None = None, container=None,
             keep_next=False, line: float | None = None, color: RGBColor | None = None, caps=False):
        """One paragraph of one run (or empty)."""
        target = container if container is not None else self.doc
        p = target.add_paragraph()
        fmt = p.paragraph_format
        fmt.alignment = align
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        if first_line is not None:
            fmt.first_line_indent = Cm(first_line)
        if line is not None:
            fmt.line_spacing = line
        if keep_next:
            fmt.keep_with_next = True
        if text:
            self.run(p, text, size=size, bold=bold, italic=italic, color=color, caps=caps)
        else:
            self._mark_size(p, size)
        return p

    def run(self, p, text: str, *, size: float = BODY_PT, bold=False, italic=False, superscript=False,
            color: RGBColor | None = None, caps=False):
        r = p.add_run(text)
        r.font.size, r.font.bold, r.font.italic = Pt(size), bold or None, italic or None
        r.font.name = FONT
        if superscript:
            r.font.superscript = True
        if color is not None:
            r.font.color.rgb = color
        if caps:
            r.font.all_caps = True
        return r

    def body(self, text: str, **kw):
        """A body paragraph: justified, first-line indent, 6 pt apart (Decree 30 §II.8)."""
        kw.setdefault("first_line", 1.0)
        kw.setdefault("before", 3)
        kw.setdefault("after", 3)
        kw.setdefault("line", 1.1)
        return self.para(text, **kw)

    def jinja(self, tag: str, container=None):
        """A paragraph holding only a docxtpl `{%p ... %}` tag (the paragraph disappears)."""
        return self.para(tag, container=container, size=TAG_PT, color=TAG_COLOR, align=LEFT)

    def keep_last_with_next(self) -> None:
        """The last real paragraph before what comes next keeps with it (a signature never stands
        alone at a page top)."""
        for el in reversed(list(self.doc.element.body)):
            if el.tag == qn("w:p"):
                text = "".join(t.text or "" for t in el.iter(qn("w:t")))
                if text.startswith("{%"):
                    continue
                ppr = el.get_or_add_pPr()
                if ppr.find(qn("w:keepNext")) is None:
                    keep = OxmlElement("w:keepNext")
                    ppr.insert(1 if ppr.find(qn("w:pStyle")) is not None else 0, keep)
                return
            if el.tag == qn("w:tbl"):
                return

    def _mark_size(self, p, size: float) -> None:
        ppr = p._p.get_or_add_pPr()
        rpr = ppr.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            ppr.append(rpr)
        _set_fonts(rpr, size)

    def rule(self, width_cm: float, *, container=None, available_cm: float | None = None, after: float = 0,
             before: float = 2):
        """A short solid line, centred: an empty paragraph with a bottom border."""
        p = self.para("", container=container, size=1, align=CENTER, before=before, after=after)
        available = available_cm if available_cm is not None else self.text_width_cm
        indent = max((available - width_cm) / 2, 0)
        p.paragraph_format.left_indent = p.paragraph_format.right_indent = Cm(indent)
        ppr = p._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for k, v in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(k), v)
        borders.append(bottom)
        # pBdr must precede spacing/ind/jc in pPr's schema order
        anchor = ppr.find(qn("w:spacing"))
        if anchor is None:
            anchor = ppr.find(qn("w:ind"))
        if anchor is not None:
            anchor.addprevious(borders)
        else:
            ppr.append(borders)
        return p

    def page_break(self):
        from docx.enum.text import WD_BREAK
        p = self.para("", size=2)
        p.add_run().add_break(WD_BREAK.PAGE)
        return p

    # --- tables -------------------------------------------------------------------------
    def table(self, widths_cm: list[float], rows: int = 1, *, borders: bool = False, container=None):
        target = container if container is not None else self.doc
        t = target.add_table(rows=rows, cols=len(widths_cm))
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        if borders:
            t.style = self.doc.styles["Table Grid"]
        self._fixed_layout(t)
        for row in t.rows:
            self.keep_row(row)
            for cell, w in zip(row.cells, widths_cm):
                cell.width = Cm(w)
        for col, w in zip(t.columns, widths_cm):
            col.width = Cm(w)
        return t

    @staticmethod
    def _fixed_layout(t) -> None:
        tblpr = t._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tblpr.append(layout)

    def cell_text(self, cell, text: str, *, size: float = 13, bold=False, italic=False, align=CENTER,
                  first=True):
        """Write into a table cell: its first (empty) paragraph, or a new one."""
        if first:
            p = cell.paragraphs[0]
            p.paragraph_format.alignment = align
            if text:
                self.run(p, text, size=size, bold=bold, italic=italic)
            return p
        return self.para(text, container=cell, size=size, bold=bold, italic=italic, align=align)

    def add_row(self, t, texts: list[str], *, size: float = 13, bold=False, aligns=None):
        """A row that never splits across pages; a control-tag row is marked like other tags."""
        row = t.add_row()
        self.keep_row(row)
        for i, (cell, text) in enumerate(zip(row.cells, texts)):
            if text.startswith("{%"):
                p = cell.paragraphs[0]
                self.run(p, text, size=TAG_PT, color=TAG_COLOR)
                continue
            self.cell_text(cell, text, size=size, bold=bold, align=(aligns[i] if aligns else CENTER))
        return row

    def keep_row(self, row) -> None:
        """A row that never splits across pages."""
        trpr = row._tr.get_or_add_trPr()
        if trpr.find(qn("w:cantSplit")) is not None:
            return
        el = OxmlElement("w:cantSplit")
        el.set(qn("w:val"), "true")
        trpr.append(el)

    def repeat_header(self, row) -> None:
        trpr = row._tr.get_or_add_trPr()
        el = OxmlElement("w:tblHeader")
        el.set(qn("w:val"), "true")
        trpr.append(el)

    # --- Decree 30 blocks -------------------------------------------------------------
    def title_block(self, *, superior: str | None, issuer: str, number: str | None, date_line: str | None,
                    left_cm: float = 6.6, right_cm: float | None = None, motto_rule_cm: float = 5.6):
        """Agency name top left (its superior above), national title and motto top right,
        each with its line beneath; then the number (left) and place and date (right, italic)."""
        right_cm = right_cm if right_cm is not None else self.text_width_cm - left_cm
        t = self.table([left_cm, right_cm], rows=1)
        left, right = t.rows[0].cells
        if superior:
            self.cell_text(left, superior, size=13)
            self.cell_text(left, issuer, size=13, bold=True, first=False)
        else:
            self.cell_text(left, issuer, size=13, bold=True)
        # The line under the agency name is 1/3 to 1/2 of the name's width: the context's
        # agency_rule picks one of these alternatives (see vn.rule_choice).
        for i, width in enumerate(RULE_WIDTHS):
            self.jinja(("{%p if agency_rule == " if i == 0 else "{%p elif agency_rule == ") + f"{i} %}}",
                       container=left)
            self.rule(width, container=left, available_cm=left_cm - 0.4)
        self.jinja("{%p endif %}", container=left)
        # 12 pt (Decree 30 allows 12-13) keeps the national title on one line beside a long agency name
        self.cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
        self.cell_text(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True, first=False)
        self.rule(motto_rule_cm, container=right, available_cm=right_cm - 0.4)
        if number or date_line:
            row = t.add_row()
            self.keep_row(row)
            if number:
                p = self.cell_text(row.cells[0], number, size=13)
                p.paragraph_format.space_before = Pt(6)
            if date_line:
                p = self.cell_text(row.cells[1], date_line, size=14, italic=True)
                p.paragraph_format.space_before = Pt(6)
        return t

    def doc_title(self, kind_title: str, subject: str | None = None, *, before: float = 18, rule=True):
        """The document type in bold capitals, its subject (trích yếu) bold below, then a short line."""
        self.para(kind_title, size=14, bold=True, align=CENTER, before=before, keep_next=True)
        if subject:
            self.para(subject, size=14, bold=True, align=CENTER, keep_next=True)
        if rule:
            self.rule(3.5, after=6)

    def recipients_and_signature(self, recipients: list[str] | None, sign_lines: list[str], *,
                                 name: str, note: str | None = None, left_cm: float = 7.5,
                                 before: float = 12):
        """'Nơi nhận:' (bold italic 12 pt, entries 11 pt) left; the signature block right."""
        self.keep_last_with_next()
        t = self.table([left_cm, self.text_width_cm - left_cm], rows=1)
        self.keep_row(t.rows[0])
        t.rows[0].cells[0].paragraphs[0].paragraph_format.space_before = Pt(before)
        left, right = t.rows[0].cells
        if recipients:
            self.cell_text(left, "Nơi nhận:", size=12, bold=True, italic=True, align=LEFT)
            for entry in recipients:
                if entry.startswith("{%"):
                    self.jinja(entry, container=left)
                else:
                    self.cell_text(left, entry, size=11, align=LEFT, first=False)
        self.signature(right, sign_lines, name=name, note=note, before=before)
        return t

    def signature(self, cell, sign_lines: list[str], *, name: str, note: str | None = None,
                  before: float = 12, gap_lines: int = 4):
        first = True
        for line in sign_lines:
            if line.startswith("{%"):
                self.jinja(line, container=cell)
                continue
            p = self.cell_text(cell, line, size=14, bold=True, first=first)
            if first:
                p.paragraph_format.space_before = Pt(before)
            first = False
        if note:
            self.cell_text(cell, note, size=13, italic=True, first=False)
        for _ in range(gap_lines):
            self.cell_text(cell, "", size=14, first=False)
        self.cell_text(cell, name, size=14, bold=True, first=False)

    def page_numbers(self) -> None:
        """Page number centred in the top margin, from page 2 (first page header left empty)."""
        s = self.doc.sections[0]
        s.different_first_page_header_footer = True
        p = s.header.paragraphs[0]
        p.paragraph_format.alignment = CENTER
        for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "2"), ("end", None)):
            r = p.add_run()
            r.font.size, r.font.name = Pt(13), FONT
            if kind == "instr":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                r._r.append(instr)
            elif kind == "text":
                r.text = text
            else:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                r._r.append(fld)
        s.first_page_header.paragraphs[0].text = ""

    # --- footnotes ------------------------------------------------------------------------
    def footnote_ref(self, p, text: str, *, size: float = 14) -> None:
        """A footnote reference at the end of paragraph `p`; the note text goes to the page foot."""
        self._footnotes.append(text)
        r = p.add_run(style=self.doc.styles["footnote reference"])
        r.font.size = Pt(size)
        r.font.superscript = True
        ref = OxmlElement("w:footnoteReference")
        ref.set(qn("w:id"), str(len(self._footnotes)))
        r._r.append(ref)

    def _footnotes_xml(self) -> bytes:
        def esc(s: str) -> str:
            return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

        sep = ('<w:footnote w:type="{t}" w:id="{i}"><w:p><w:pPr><w:spacing w:after="0" w:line="240"'
               ' w:lineRule="auto"/></w:pPr><w:r><w:{t}/></w:r></w:p></w:footnote>')
        notes = [sep.format(t="separator", i=-1), sep.format(t="continuationSeparator", i=0)]
        fonts = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
        for i, text in enumerate(self._footnotes, start=1):
            notes.append(
                f'<w:footnote w:id="{i}"><w:p><w:pPr><w:pStyle w:val="{self._style_id("footnote text")}"/>'
                f'<w:jc w:val="both"/></w:pPr><w:r><w:rPr><w:rStyle w:val="{self._style_id("footnote reference")}"/>'
                f'{fonts}<w:sz w:val="22"/><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
                f'<w:r><w:rPr>{fonts}<w:sz w:val="22"/></w:rPr><w:t xml:space="preserve"> {esc(text)}</w:t></w:r>'
                f'</w:p></w:footnote>')
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W_NS}">'
                + "".join(notes) + "</w:footnotes>").encode("utf-8")

    def _style_id(self, name: str) -> str:
        return self.doc.styles[name].style_id

    def _attach_footnotes(self) -> None:
        if not self._footnotes:
            return
        part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, self._footnotes_xml(),
                    self.doc.part.package)
        self.doc.part.relate_to(part, RT.FOOTNOTES)
        settings = self.doc.settings.element
        pr = OxmlElement("w:footnotePr")
        for i in ("-1", "0"):
            el = OxmlElement("w:footnote")
            el.set(qn("w:id"), i)
            pr.append(el)
        settings.find(qn("w:compat")).addprevious(pr)

    def _slim(self) -> None:
        """Drop what python-docx's default package carries but no template needs: a thumbnail of
        another document, Word 2010 style copies, custom XML, and styles nothing uses. Smaller
        templates render faster (hundreds at a time for a cycle) and open cleaner in Word."""
        pkg = self.doc.part.package
        for rels, types in ((pkg.rels, DROP_PACKAGE_RELS), (self.doc.part.rels, DROP_DOCUMENT_RELS)):
            for rid in [rid for rid, rel in rels.items() if rel.reltype in types]:
                rels.pop(rid)
        styles = self.doc.styles.element
        latent = styles.find(qn("w:latentStyles"))
        if latent is not None:
            styles.remove(latent)
        used = set(STYLE_REF.findall(self._all_xml()))
        by_id = {el.get(qn("w:styleId")): el for el in styles.findall(qn("w:style"))}
        keep = {sid for sid, el in by_id.items() if el.get(qn("w:default")) == "1"} | used
        pending = list(keep)
        while pending:  # what the kept styles are based on, link to or hand over to
            el = by_id.get(pending.pop())
            for tag in ("w:basedOn", "w:link", "w:next"):
                ref = el.find(qn(tag)) if el is not None else None
                if ref is not None and ref.get(qn("w:val")) not in keep:
                    keep.add(ref.get(qn("w:val")))
                    pending.append(ref.get(qn("w:val")))
        for sid, el in by_id.items():
            if sid not in keep:
                styles.remove(el)

    def _all_xml(self) -> str:
        parts = [self.doc.element.xml, self._footnotes_xml().decode("utf-8")]
        for rel in self.doc.part.rels.values():
            if not rel.is_external and rel.reltype in (RT.HEADER, RT.FOOTER):
                parts.append(rel.target_part.element.xml)
        return "".join(parts)

    def save_bytes(self) -> bytes:
        self._slim()
        self._attach_footnotes()
        buf = io.BytesIO()
        self.doc.save(buf)
        return normalise_docx(buf.getvalue())
