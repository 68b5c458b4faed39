"""Reader for PDFs with a text layer: characters and ruling lines → `Line`s of cells.

Size: one pass over a page's characters and paths (rulings → grids → cells → lines); split
across modules it would pass pdfium handles and half-built grids between them.

Why pypdfium2 and not pdfplumber: pdfium gives every character's box and every drawn path
about ten times faster than pdfminer, and that is all this reader needs.

How a page becomes lines:
1. Characters (with their boxes, in top-down page coordinates, page rotation applied) and
   *rulings* (axis-parallel segments taken from drawn paths: thin filled rectangles, stroked
   lines, the edges of filled cell rectangles) are collected.
2. Rulings that touch each other form a *grid*; a grid with at least two horizontal and two
   vertical rulings is a table. Its column boundaries are the distinct x of its verticals, its
   row boundaries the distinct y of its horizontals.
3. A character inside a grid belongs to the ruled cell around it: the nearest vertical to its
   left and right and the nearest horizontal above and below *that actually reach it* (so
   merged cells stay merged). Text of one cell (wrapped names, stacked header words) is one
   cell value.
4. Each ruled row becomes one `Line` with one cell per column ("" when empty); a cell that
   spans several columns or rows is placed in its first column and top row (as in the seed's
   multi-row headers). A cell spanning the whole width of its table (a title inside the frame,
   "本表为空表") is prose: one `Line` per printed line.
5. Text outside grids is prose, one `Line` per printed line. Characters are joined without
   spaces between CJK characters (justification spreads them); a space is kept where the PDF
   prints one, or where the gap is wide (a space between "201" and "13", or between
   "编制部门：…" and "单位：元" far to the right).

Rows of a ruled band that has no horizontal rulings between body rows (several amounts stacked
in one cell) are split at the amounts' lines, because an amount never wraps.
Tables without any rulings are not reconstructed: their lines come out as prose.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import NeedsOCR, ReadError
from .lines import Line, Source

# --- tolerances (PDF points unless stated) -------------------------------------------------
RULE_MAX_THICKNESS = 2.5  # a filled rectangle thinner than this is a ruling line
RULE_MIN_LENGTH = 4.0  # shorter segments are ticks or dots, not rulings
AXIS_TOL = 0.5  # a segment within this of horizontal/vertical counts as axis-parallel
MERGE_TOL = 2.0  # rulings closer than this are the same line
TOUCH_TOL = 3.0  # rulings that come this close touch (one grid)
CELL_TOL = 0.5  # a ruling bounds a character's cell if it reaches this close to the char
BACKGROUND_FRACTION = 0.6  # a filled rectangle covering this share of the page is background
WHITE = 250  # a fill whose red, green and blue are all at least this is white paper
LINE_OVERLAP = 0.5  # chars share a printed line when their vertical overlap ≥ this × height
SPACE_GAP_EM = 0.25  # gap (× char height) that prints as a space between non-CJK chars
CJK_SPACE_GAP_EM = 1.5  # gap (× char height) that prints as a space next to a CJK char
DUPLICATE_OVERLAP = 0.7  # same char overlapping this much is fake-bold overprint
UNMAPPED_FRACTION = 0.5  # more unmapped chars than this: the text layer is unusable
EOF_WINDOW = 4096  # %%EOF must appear in the last bytes of a complete PDF
_TRAILING_PAD = b"\x00 \t\r\n\x0c"  # what may follow %%EOF in a complete PDF

_AMOUNT = re.compile(r"^[-+]?\d{1,3}(,\d{3})*(\.\d+)?$|^[-+]?\d+\.\d+$")
_FPDF_ERR_PASSWORD = 4
_FPDF_ERR_SECURITY = 5  # an unsupported security handler
_FPDF_ERR_PAGE = 6  # the page tree is missing or broken
_SEG_LINETO, _SEG_MOVETO = 0, 2  # FPDF_SEGMENT_* (BEZIERTO = 1 is skipped)
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(slots=True)
class _Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class _Seg:
    """An axis-parallel ruling: `pos` is y for horizontals, x for verticals; a..b the extent."""

    pos: float
    a: float
    b: float


@dataclass(slots=True)
class _Grid:
    hs: list[_Seg]
    vs: list[_Seg]
    x0: float = 0.0
    top: float = 0.0
    x1: float = 0.0
    bottom: float = 0.0
    xs: list[float] = field(default_factory=list)  # column boundaries
    ys: list[float] = field(default_factory=list)  # row boundaries

    def contains(self, c: _Char) -> bool:
        return (
            self.x0 - TOUCH_TOL <= c.cx <= self.x1 + TOUCH_TOL
            and self.top - TOUCH_TOL <= c.cy <= self.bottom + TOUCH_TOL
        )


# --- entry point ---------------------------------------------------------------------------


def read_pdf(path: str | Path, data: bytes) -> Source:
    """Read a text-layer PDF into a `Source` (format "pdf"); raise a `ReadError` otherwise."""
    import pypdfium2 as pdfium

    # NULs, spaces and line ends after %%EOF (padding to a block size) are not damage
    if b"%%EOF" not in data.rstrip(_TRAILING_PAD)[-EOF_WINDOW:]:
        raise ReadError(path, "truncated or damaged PDF (no end-of-file marker)")
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise ReadError(path, _open_failure(data, exc)) from None
    if len(doc) == 0:
        doc.close()
        raise ReadError(path, "the PDF has no pages")
    try:
        lines: list[Line] = []
        n_chars = n_unmapped = 0
        last: _Grid | None = None  # the previous page's last table (continued on this page?)
        for i in range(len(doc)):
            try:
                page = doc[i]
                chars, unmapped = _page_chars(page)
                grids = _page_grids(page)
            except pdfium.PdfiumError as exc:
                raise ReadError(path, f"corrupt PDF, page {i + 1} cannot be read ({exc})") from None
            n_chars += len(chars)
            n_unmapped += unmapped
            if grids and last is not None:
                _continue_columns(last, grids[0])
            last = grids[-1] if grids else last
            lines.extend(_page_lines(chars, grids, i + 1))
        if n_chars == 0:
            raise NeedsOCR(
                path, "no text layer: this looks like a scanned PDF; run OCR (e.g. ocrmypdf) first"
            )
        if n_unmapped > UNMAPPED_FRACTION * (n_chars + n_unmapped):
            raise NeedsOCR(
                path,
                "the text layer has no usable character mapping; run OCR (e.g. ocrmypdf) first",
            )
        return Source(str(path), "pdf", lines, pages=len(doc))
    finally:
        doc.close()


def _open_failure(data: bytes, exc) -> str:
    """Why pdfium could not open the PDF. Its error code is kept from an earlier failure
    when the new one sets none, so it is trusted only where the file agrees (an /Encrypt
    dictionary for a password error)."""
    code = getattr(exc, "err_code", None)
    if code in (_FPDF_ERR_PASSWORD, _FPDF_ERR_SECURITY) and b"/Encrypt" in data:
        return "encrypted PDF (password required); decrypt it first"
    if _NO_PAGES.search(data) and not _SOME_PAGES.search(data):
        return "the PDF has no pages"
    if code == _FPDF_ERR_PAGE:
        return "corrupt PDF: its page tree is damaged"
    return "corrupt PDF, cannot be opened"


_NO_PAGES = re.compile(rb"/Type\s*/Pages\b[^>]*/Count\s+0\b|/Count\s+0\b[^>]*/Type\s*/Pages\b")
_SOME_PAGES = re.compile(rb"/Count\s+[1-9]")


# --- extraction (pdfium) -------------------------------------------------------------------


def _page_transform(page):
    """A function mapping PDF user space (x, y) to top-down display coordinates."""
    width, height = page.get_size()
    rot = page.get_rotation() % 360
    if rot in (90, 270):
        width, height = height, width  # get_size() is the displayed size
    if rot == 90:
        return lambda x, y: (y, x)
    if rot == 180:
        return lambda x, y: (width - x, y)
    if rot == 270:
        return lambda x, y: (height - y, width - x)
    return lambda x, y: (x, height - y)


def _clip_boxes(page, tf) -> dict[int, tuple[float, float, float, float]]:
    """Display-space bounding box of the clip region of each clipped top-level text object,
    keyed by the object's address. Text clipped away is not printed (a page can carry the end
    of the previous page's text, clipped out of view).

    Only top-level objects are included: inside a form XObject clip paths are in the form's
    space. Objects drawn under one clip state share its paths, so a region is measured once per
    distinct set of paths (keyed by the address of each path's first point): a page typically
    has thousands of clipped text objects but a handful of clip regions.
    """
    import pypdfium2.raw as raw

    out: dict[int, tuple[float, float, float, float]] = {}
    regions: dict[tuple[int, ...], tuple[float, float, float, float] | None] = {}
    for k in range(raw.FPDFPage_CountObjects(page.raw)):
        obj = raw.FPDFPage_GetObject(page.raw, k)
        if raw.FPDFPageObj_GetType(obj) != raw.FPDF_PAGEOBJ_TEXT:
            continue
        cp = raw.FPDFPageObj_GetClipPath(obj)
        if not cp:
            continue
        n = raw.FPDFClipPath_CountPaths(cp)
        key = tuple(_address(raw.FPDFClipPath_GetPathSegment(cp, j, 0)) for j in range(n))
        if key not in regions:
            regions[key] = _clip_region(cp, n, tf)
        region = regions[key]
        if region is not None:
            out[_address(obj)] = region
    return out


def _clip_region(cp, n: int, tf) -> tuple[float, float, float, float] | None:
    """Intersection of the bounding boxes of the n paths of a clip path (None: no area)."""
    import pypdfium2.raw as raw

    x, y = ctypes.c_float(), ctypes.c_float()
    box = None
    for j in range(n):
        pts = []
        for m in range(raw.FPDFClipPath_CountPathSegments(cp, j)):
            seg = raw.FPDFClipPath_GetPathSegment(cp, j, m)
            if seg and raw.FPDFPathSegment_GetPoint(seg, x, y):
                pts.append(tf(x.value, y.value))
        if len(pts) < 3:
            continue
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        b = (min(xs) - CELL_TOL, min(ys) - CELL_TOL, max(xs) + CELL_TOL, max(ys) + CELL_TOL)
        if box is not None:
            b = (max(box[0], b[0]), max(box[1], b[1]), min(box[2], b[2]), min(box[3], b[3]))
        box = b
    return box


def _address(ptr) -> int:
    """Address a ctypes pointer holds (0 for NULL), to key dicts (cheaper than ctypes.cast)."""
    return ctypes.addressof(ptr.contents) if ptr else 0


def _box(tf, left, bottom, right, top) -> tuple[float, float, float, float]:
    ax, ay = tf(left, bottom)
    bx, by = tf(right, top)
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _page_chars(page) -> tuple[list[_Char], int]:
    """Printed characters of a page (generated spaces/newlines dropped); count of unmapped."""
    import pypdfium2.raw as raw

    tp = page.get_textpage()
    tf = _page_transform(page)
    out: list[_Char] = []
    unmapped = 0
    l_, b_, r_, t_ = (ctypes.c_double() for _ in range(4))
    rect = raw.FS_RECTF()
    clips = _clip_boxes(page, tf)  # only characters inside their object's clip are read
    try:
        for i in range(tp.count_chars()):
            code = raw.FPDFText_GetUnicode(tp.raw, i)
            # pdfium generates only spaces and line breaks (dropped below anyway): asking
            # about spaces alone saves a call per character
            if code == 0x20 and raw.FPDFText_IsGenerated(tp.raw, i) == 1:
                continue
            if code in (0, 0xFFFE, 0xFFFD):
                unmapped += 1
                continue
            ch = chr(code)
            if ch in "\r\n" or (unicodedata.category(ch) == "Cc" and ch != "\t"):
                continue
            if 0x2E80 <= code <= 0x2FDF:  # CJK/Kangxi radicals printed for ideographs
                ch = unicodedata.normalize("NFKC", ch)
            if not raw.FPDFText_GetLooseCharBox(tp.raw, i, rect):
                if not raw.FPDFText_GetCharBox(tp.raw, i, l_, r_, b_, t_):
                    continue
                box = _box(tf, l_.value, b_.value, r_.value, t_.value)
            else:
                box = _box(tf, rect.left, rect.bottom, rect.right, rect.top)
            obj = raw.FPDFText_GetTextObject(tp.raw, i) if clips else None
            clip = clips.get(_address(obj)) if obj else None
            if clip is not None:
                cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
                if not (clip[0] <= cx <= clip[2] and clip[1] <= cy <= clip[3]):
                    continue  # clipped away: not printed
            if ch.isspace():
                ch = " "
            out.append(_Char(ch, *box))
    finally:
        tp.close()
    return out, unmapped


def _page_grids(page) -> list[_Grid]:
    """Tables of a page: groups of touching rulings with ≥2 horizontals and ≥2 verticals."""
    width, height = page.get_size()
    tf = _page_transform(page)
    hs: list[_Seg] = []
    vs: list[_Seg] = []
    for obj, matrix in _path_objects(page):
        if _invisible(obj):
            continue
        for (ax, ay), (bx, by) in _path_segments(obj, matrix, width * height):
            (ax, ay), (bx, by) = tf(ax, ay), tf(bx, by)
            if abs(ay - by) <= AXIS_TOL and abs(ax - bx) >= RULE_MIN_LENGTH:
                hs.append(_Seg((ay + by) / 2, min(ax, bx), max(ax, bx)))
            elif abs(ax - bx) <= AXIS_TOL and abs(ay - by) >= RULE_MIN_LENGTH:
                vs.append(_Seg((ax + bx) / 2, min(ay, by), max(ay, by)))
    return _grids(_merge(hs), _merge(vs))


def _invisible(obj) -> bool:
    """A path that paints nothing one can see: neither filled nor stroked, or painted only
    in white (the shading Word puts behind runs of prose, which is no table's ruling)."""
    import pypdfium2.raw as raw

    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not raw.FPDFPath_GetDrawMode(obj, fill, stroke):
        return False
    painted = (
        (fill.value, raw.FPDFPageObj_GetFillColor),
        (stroke.value, raw.FPDFPageObj_GetStrokeColor),
    )
    for on, colour_of in painted:
        if not on:
            continue
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        if not colour_of(obj, r, g, b, a):
            return False  # colour unknown: take it as seen
        if a.value and min(r.value, g.value, b.value) < WHITE:
            return False
    return True


def _path_objects(page, max_depth: int = 3):
    """(raw path object, matrix to page space) for every path, descending into form XObjects.
    Raw handles: wrapping every text object in a Python object would cost more than reading."""
    import pypdfium2.raw as raw

    def walk(count, get, matrix, depth):
        for j in range(count):
            obj = get(j)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_PATH:
                yield obj, matrix
            elif kind == raw.FPDF_PAGEOBJ_FORM and depth < max_depth:
                m = _mul(_matrix(obj), matrix)
                n = raw.FPDFFormObj_CountObjects(obj)
                yield from walk(n, lambda k, o=obj: raw.FPDFFormObj_GetObject(o, k), m, depth + 1)

    n = raw.FPDFPage_CountObjects(page.raw)
    yield from walk(n, lambda k: raw.FPDFPage_GetObject(page.raw, k), _IDENTITY, 0)


def _matrix(obj) -> tuple[float, ...]:
    import pypdfium2.raw as raw

    m = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _mul(m, n) -> tuple[float, ...]:
    """Matrix product m·n in PDF's row-vector convention (apply m, then n)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _path_segments(obj, outer, page_area: float):
    """Straight segments of a path in page space. A thin filled rectangle gives its centre
    line; a page-sized background fill gives nothing."""
    import pypdfium2.raw as raw

    m = _mul(_matrix(obj), outer)

    def pt(x, y):
        return (x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5])

    n = raw.FPDFPath_CountSegments(obj)
    x, y = ctypes.c_float(), ctypes.c_float()
    pts: list[tuple[int, tuple[float, float], bool]] = []
    for k in range(n):
        seg = raw.FPDFPath_GetPathSegment(obj, k)
        raw.FPDFPathSegment_GetPoint(seg, x, y)
        pts.append(
            (
                raw.FPDFPathSegment_GetType(seg),
                pt(x.value, y.value),
                bool(raw.FPDFPathSegment_GetClose(seg)),
            )
        )
    if not pts:
        return
    xs = [p[0] for _, p, _ in pts]
    ys = [p[1] for _, p, _ in pts]
    w, h = max(xs) - min(xs), max(ys) - min(ys)
    if n <= 5 and min(w, h) <= RULE_MAX_THICKNESS:  # a thin rectangle or a line: its centre
        if w >= h:
            cy = (max(ys) + min(ys)) / 2
            yield (min(xs), cy), (max(xs), cy)
        else:
            cx = (max(xs) + min(xs)) / 2
            yield (cx, min(ys)), (cx, max(ys))
        return
    if w * h >= BACKGROUND_FRACTION * page_area:
        return
    start = prev = None
    for kind, p, close in pts:
        if kind == _SEG_MOVETO:
            start = prev = p
            continue
        if kind == _SEG_LINETO and prev is not None:
            yield prev, p
        prev = p
        if close and start is not None:
            yield p, start
            prev = start


def _merge(segs: list[_Seg]) -> list[_Seg]:
    """Join collinear rulings that overlap or touch (cell borders drawn piece by piece)."""
    segs.sort(key=lambda s: (s.pos, s.a))
    bands: list[list[_Seg]] = []
    for s in segs:
        if bands and s.pos - bands[-1][0].pos <= MERGE_TOL:
            bands[-1].append(s)
        else:
            bands.append([s])
    out: list[_Seg] = []
    for band in bands:
        pos = sum(s.pos for s in band) / len(band)
        band.sort(key=lambda s: s.a)
        cur = _Seg(pos, band[0].a, band[0].b)
        for s in band[1:]:
            if s.a <= cur.b + TOUCH_TOL:
                cur.b = max(cur.b, s.b)
            else:
                out.append(cur)
                cur = _Seg(pos, s.a, s.b)
        out.append(cur)
    return out


def _grids(hs: list[_Seg], vs: list[_Seg]) -> list[_Grid]:
    """Connected components of touching rulings that form at least one closed box."""
    n = len(hs)
    parent = list(range(n + len(vs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if (
                h.a - TOUCH_TOL <= v.pos <= h.b + TOUCH_TOL
                and v.a - TOUCH_TOL <= h.pos <= v.b + TOUCH_TOL
            ):
                parent[find(i)] = find(n + j)
    groups: dict[int, tuple[list[_Seg], list[_Seg]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(n + j), ([], []))[1].append(v)
    out = []
    for ghs, gvs in groups.values():
        if len(ghs) < 2 or len(gvs) < 2:
            continue
        g = _Grid(ghs, gvs)
        g.x0 = min([v.pos for v in gvs] + [h.a for h in ghs])
        g.x1 = max([v.pos for v in gvs] + [h.b for h in ghs])
        g.top = min([h.pos for h in ghs] + [v.a for v in gvs])
        g.bottom = max([h.pos for h in ghs] + [v.b for v in gvs])
        g.xs = _bounds([v.pos for v in gvs], g.x0, g.x1)
        g.ys = _bounds([h.pos for h in ghs], g.top, g.bottom)
        g.vs.sort(key=lambda s: s.pos)
        g.hs.sort(key=lambda s: s.pos)
        out.append(g)
    return out


def _continue_columns(prev: _Grid, g: _Grid) -> None:
    """A table continued from the previous page keeps that page's columns.

    A continuation page can hold only rows whose merged cells hide some column rulings (a
    lone 合计 row spanning 类/款/项/名称): its own grid then has fewer columns, and its cells
    would not line up with the header. When the grid has the same outer edges and every one
    of its column boundaries is one of the previous grid's, the previous boundaries are used
    (a merged cell then spans several columns, and sits in its first, as on any page).
    """
    if (
        len(g.xs) >= len(prev.xs)
        or abs(g.x0 - prev.x0) > MERGE_TOL
        or abs(g.x1 - prev.x1) > MERGE_TOL
    ):
        return
    if all(any(abs(x - px) <= MERGE_TOL for px in prev.xs) for x in g.xs):
        g.xs = list(prev.xs)


def _bounds(positions: list[float], lo: float, hi: float) -> list[float]:
    """Distinct boundary positions (clustered), including the grid's outer edges."""
    out: list[float] = []
    for p in sorted([*positions, lo, hi]):
        if not out or p - out[-1] > MERGE_TOL:
            out.append(p)
    return out


# --- layout (pure geometry) ----------------------------------------------------------------


def _page_lines(chars: list[_Char], grids: list[_Grid], page: int) -> list[Line]:
    """One page's lines in reading order: prose lines and table rows, numbered from 1."""
    items: list[tuple[float, float, tuple[str, ...]]] = []  # (top, x0, cells)
    loose: list[_Char] = []
    in_grid: list[list[_Char]] = [[] for _ in grids]
    for c in chars:
        for gi, g in enumerate(grids):
            if g.contains(c):
                in_grid[gi].append(c)
                break
        else:
            loose.append(c)
    for text_line in _text_lines(loose):
        items.append((text_line[0].top, text_line[0].x0, (_join(text_line),)))
    for g, gchars in zip(grids, in_grid, strict=True):
        items.extend(_grid_rows(g, gchars))
    items.sort(key=lambda it: (it[0], it[1]))
    out: list[Line] = []
    for cells in (it[2] for it in items):
        if any(cells):
            out.append(Line(cells, len(out) + 1, page))
    return out


def _text_lines(chars: list[_Char]) -> list[list[_Char]]:
    """Group characters into printed lines (top to bottom), each sorted left to right."""
    lines: list[list[_Char]] = []
    spans: list[list[float]] = []  # [top, bottom] per line
    for c in sorted(chars, key=lambda c: (c.cy, c.x0)):
        if spans:
            top, bottom = spans[-1]
            overlap = min(bottom, c.bottom) - max(top, c.top)
            if overlap >= LINE_OVERLAP * min(bottom - top, c.height):
                lines[-1].append(c)
                spans[-1] = [min(top, c.top), max(bottom, c.bottom)]
                continue
        lines.append([c])
        spans.append([c.top, c.bottom])
    for line in lines:
        line.sort(key=lambda c: c.x0)
    return lines


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF  # radicals, CJK punctuation, kana, ideographs
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x2000 <= o <= 0x206F  # general punctuation: “ ” … —
    )


def _join(line: list[_Char]) -> str:
    """Text of one printed line: spaces where printed or where the gap is wide (see module doc)."""
    parts: list[str] = []
    prev: _Char | None = None
    for c in line:
        if c.text == " ":
            if parts and parts[-1] != " ":
                parts.append(" ")
            continue
        if prev is not None:
            if c.text == prev.text and _overlap_x(prev, c) >= DUPLICATE_OVERLAP * (c.x1 - c.x0):
                continue  # fake-bold overprint
            gap = c.x0 - prev.x1
            em = max(c.height, prev.height)
            limit = CJK_SPACE_GAP_EM if (_is_cjk(c.text) or _is_cjk(prev.text)) else SPACE_GAP_EM
            if gap > limit * em and parts and parts[-1] != " ":
                parts.append(" ")
        parts.append(c.text)
        prev = c
    return "".join(parts).strip()


def _overlap_x(a: _Char, b: _Char) -> float:
    return min(a.x1, b.x1) - max(a.x0, b.x0)


def _join_wrapped(lines: list[str]) -> str:
    """Text of one cell printed on several lines: wrapped Chinese joins without a space."""
    out = ""
    for s in lines:
        if out and out[-1].isascii() and out[-1].isalpha() and s[0].isascii() and s[0].isalpha():
            out += " "
        out += s
    return out


def _cell_of(g: _Grid, c: _Char) -> tuple[int, int, int]:
    """(row, first column, last column + 1) of the ruled cell holding a character."""
    cx, cy = c.cx, c.cy
    left, right = g.x0, g.x1
    for v in g.vs:  # sorted by x
        if v.a - CELL_TOL <= cy <= v.b + CELL_TOL:
            if v.pos <= cx:
                left = v.pos
            else:
                right = v.pos
                break
    top = g.top
    for h in g.hs:  # sorted by y
        if h.a - CELL_TOL <= cx <= h.b + CELL_TOL:
            if h.pos <= cy:
                top = h.pos
            else:
                break
    col = max(0, min(bisect_right(g.xs, left + MERGE_TOL) - 1, len(g.xs) - 2))
    end = max(col + 1, min(bisect_right(g.xs, right + MERGE_TOL) - 1, len(g.xs) - 1))
    row = max(0, min(bisect_right(g.ys, top + MERGE_TOL) - 1, len(g.ys) - 2))
    return row, col, end


def _grid_rows(g: _Grid, chars: list[_Char]):
    """Rows of one table as (top, x0, cells) items; full-width cells as prose items."""
    ncols = len(g.xs) - 1
    cells: dict[tuple[int, int, int], list[_Char]] = {}
    for c in chars:
        cells.setdefault(_cell_of(g, c), []).append(c)
    by_row: dict[int, list[tuple[int, list[list[_Char]]]]] = {}
    for (row, col, end), cchars in sorted(cells.items()):
        tlines = _text_lines(cchars)
        if col == 0 and end == ncols and ncols > 1:  # spans the table: a title or a note
            for tl in tlines:
                yield (tl[0].top, tl[0].x0, (_join(tl),))
            continue
        by_row.setdefault(row, []).append((col, tlines))
    for row, row_cells in by_row.items():
        anchors = _stacked_anchors(row_cells)
        out: dict[float, list[str]] = {}
        for col, tlines in row_cells:
            if anchors:  # one sub-row per stacked amount; other text to the nearest one
                for tl in tlines:
                    key = _nearest(anchors, tl[0].cy)
                    cur = out.setdefault(key, [""] * ncols)
                    cur[col] = _join_wrapped([cur[col], _join(tl)]) if cur[col] else _join(tl)
            else:
                text = _join_wrapped([_join(tl) for tl in tlines])
                out.setdefault(g.ys[row], [""] * ncols)[col] = text
        for top, cur in out.items():
            yield (top, g.x0, tuple(cur))


def _nearest(values: list[float], y: float) -> float:
    """The value nearest `y` (the first of equally near ones)."""
    return min(values, key=lambda a: abs(a - y))


def _stacked_anchors(row_cells: list[tuple[int, list[list[_Char]]]]) -> list[float]:
    """Rows drawn without horizontal rulings put several amounts in one ruled cell; an
    amount never wraps, so each stacked amount line is a row of its own. Returns the y of
    those rows, or [] for an ordinary ruled row."""
    ys: list[float] = []
    for _, tlines in row_cells:
        amounts = [tl for tl in tlines if _AMOUNT.match(_join(tl))]
        if len(amounts) > 1:
            ys.extend(tl[0].cy for tl in amounts)
    anchors: list[float] = []
    for y in sorted(ys):
        if not anchors or y - anchors[-1] > MERGE_TOL:
            anchors.append(y)
    return anchors if len(anchors) > 1 else []
