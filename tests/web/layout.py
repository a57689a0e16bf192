"""The layout check: what a page must never show a user, measured in the browser.

`problems(page, width)` returns readable findings (an empty list when the page is fine):
- the page scrolls sideways (wider than the window);
- a control whose text is cut (a select narrower than its chosen option, a button or input whose
  text overflows);
- a visible native file input (its label is the browser's, English on an English browser);
- chart labels smaller than 11 px once the chart is scaled to the page;
- at office width, a navigation bar on more than one line;
- template or debug text leaking into the page.
"""
from __future__ import annotations

import re

LEAKS = re.compile(r"<built-in|object at 0x|\bNone\b|\{\{|\{%|%\}|\}\}|Undefined")

# Runs in the page; returns a list of strings.
_MEASURE = r"""
(desktop) => {
  const found = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    // name the widest culprits, so the message says where to look
    const wide = [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1 && e.offsetParent !== null)
      .filter(e => !e.closest('.table-responsive, .diagram, .overflow-auto'))
      .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                                 (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : ''));
    found.push(`trang rộng ${root.scrollWidth}px > ${root.clientWidth}px (${wide.join(', ')})`);
  }
  const visible = e => e.offsetParent !== null && getComputedStyle(e).visibility !== 'hidden'
                       && e.getBoundingClientRect().width > 2;
  const canvas = document.createElement('canvas').getContext('2d');
  for (const sel of document.querySelectorAll('select')) {
    if (!visible(sel) || sel.multiple) continue;
    const option = sel.options[sel.selectedIndex];
    if (!option) continue;
    const style = getComputedStyle(sel);
    canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    const room = sel.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const need = canvas.measureText(option.text.trim()).width;
    if (need > room + 1) found.push(`ô chọn bị cắt: “${option.text.trim()}” (${Math.round(need)}px > ${Math.round(room)}px)`);
  }
  for (const el of document.querySelectorAll('button, a.btn, input[type=text], input[type=submit], input:not([type]), label.btn, .badge')) {
    if (!visible(el)) continue;
    if (el.scrollWidth > el.clientWidth + 1) found.push(`chữ bị cắt trong ${el.tagName.toLowerCase()}: “${(el.innerText || el.value || '').trim().slice(0, 40)}”`);
  }
  for (const input of document.querySelectorAll('input[type=file]')) {
    const r = input.getBoundingClientRect();
    if (visible(input) && r.width > 4 && r.height > 4 && getComputedStyle(input).opacity !== '0')
      found.push(`ô chọn tệp của trình duyệt hiện ra (tên: ${input.name})`);
  }
  for (const t of document.querySelectorAll('svg text')) {
    const ctm = t.getScreenCTM();
    if (!ctm || !visible(t.closest('svg'))) continue;
    const size = parseFloat(getComputedStyle(t).fontSize) * Math.abs(ctm.a);
    if (size < 10.5) { found.push(`chữ trong biểu đồ chỉ ${size.toFixed(1)}px: “${t.textContent.slice(0, 30)}”`); break; }
  }
  if (desktop) {
    const nav = document.querySelector('header nav');
    if (nav && nav.getBoundingClientRect().height > 64)
      found.push(`thanh điều hướng cao ${Math.round(nav.getBoundingClientRect().height)}px (quá một dòng)`);
  }
  return found;
}
"""


def problems(page, width: int) -> list[str]:
    """Everything wrong with the page as laid out now (at the window width it was opened with)."""
    found = list(page.evaluate(_MEASURE, width >= 1200))
    text = page.inner_text("body")
    for match in LEAKS.finditer(text):
        start = max(0, match.start() - 30)
        found.append(f"chữ lọt từ mẫu trang: “…{text[start:match.end() + 30]}…”")
    return found
