"""HTML → PDF bytes with WeasyPrint; the only module that imports weasyprint.

Rendering is sealed off: the URL fetcher serves files inside ``templates/``
(the stylesheets) and refuses everything else, so a worksheet can neither
reach the network nor read a file elsewhere on the machine, whatever a bank
string says. Output is reproducible: no dates in the metadata, and the PDF
identifier is a hash of the HTML, so the same HTML gives the same bytes.

A PDF is made of one or more HTML documents. Each document is laid out on
its own, so page numbers ("Page n of N") restart with each version of a
class pack, and the pages are then written as one file. Parallel rendering
(``quizgen.render.jobs``) calls ``render_documents`` in worker processes.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
import time
from collections.abc import Sequence
from pathlib import Path

from quizgen import paths
from quizgen.errors import Diagnostic, Location, RenderError
from quizgen.render.pages import PdfResult
from quizgen.render.native import import_weasyprint

weasyprint = import_weasyprint()
from weasyprint.text.fonts import FontConfiguration  # noqa: E402  (after WeasyPrint's quick import)
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

log = logging.getLogger(__name__)


class RefusedResource(ValueError):
    """A document asked for something outside templates/."""


class TemplatesOnlyFetcher(URLFetcher):
    """Serve ``file:`` URLs inside the templates folder; refuse every other URL.

    WeasyPrint calls this for stylesheets, images and fonts. Refusing means
    raising: WeasyPrint then logs a warning and leaves the resource out, so
    a hostile ``<img src="http://…">`` in bank text (which the templates
    escape anyway) could never be fetched.
    """

    def __init__(self, root: Path):
        super().__init__(allowed_protocols=("file",), allow_redirects=False)
        self.root = root.resolve()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            self.refused.append(url)
            raise RefusedResource(f"refused {url}: rendering reads only files inside templates/")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            self.refused.append(url)
            raise RefusedResource(f"refused {url}: rendering reads only files inside templates/")
        mime = "text/css" if path.suffix == ".css" else "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})


class _Renderer:
    """Per-process state: the fetcher, font configuration and parsed stylesheets."""

    def __init__(self, templates: Path):
        self.root = templates.resolve()
        self.fetcher = TemplatesOnlyFetcher(self.root)
        self.fonts = FontConfiguration()
        self.base_url = self.root.as_uri() + "/"
        self.sheets: dict[str, weasyprint.CSS] = {}

    def stylesheets(self, names: Sequence[str]) -> list:
        out = []
        for name in names:
            if name not in self.sheets:
                path = (self.root / name).resolve()
                if not path.is_relative_to(self.root):
                    raise RenderError("cannot render", [Diagnostic(Location(name), "stylesheet is outside templates/")])
                self.sheets[name] = weasyprint.CSS(
                    string=path.read_text(encoding="utf-8"), base_url=path.as_uri(),
                    url_fetcher=self.fetcher, font_config=self.fonts,
                )
            out.append(self.sheets[name])
        return out

    def render(self, name: str, documents: Sequence[str], stylesheets: Sequence[str], split: bool, title: str = "",
               blank: str = "", blank_after_last: bool = False, forms: bool = False, stamps: Sequence[str] = ()) -> PdfResult:
        started = time.perf_counter()
        refused_before = len(self.fetcher.refused)
        try:
            sheets = self.stylesheets(stylesheets)
            laid_out = self._layout_all(documents, sheets, stamps, forms)
            refused = self.fetcher.refused[refused_before:]
            if refused:
                log.warning("rendering refused %d resource(s) outside templates/, e.g. %s", len(refused), refused[0])
            # The back of the pack's last sheet needs no blank page: nothing follows it.
            padded = [len(d.pages) % 2 == 1 and (n < len(laid_out) - 1 or blank_after_last) for n, d in enumerate(laid_out)]
            filler = self._layout(blank, sheets).pages if blank and any(padded) else []
            pages, starts = [], []
            for document, pad in zip(laid_out, padded):
                starts.append(len(pages))
                pages += document.pages
                if pad:
                    pages += filler
            whole = laid_out[0].copy(pages)
            if title:  # else the file would carry its first document's title
                whole.metadata = copy.copy(whole.metadata)  # copy() shares it with laid_out[0]
                whole.metadata.title = title
            pdf = _write(whole, [*documents, *stamps], forms)  # the stamps too: they change the pages
            parts = _split(pdf, laid_out, starts) if split else ()
        except RenderError:
            raise
        except Exception as err:  # WeasyPrint's errors share no base class
            raise RenderError(f"cannot render {name}", [Diagnostic(Location(name), f"{type(err).__name__}: {err}")]) from err
        return PdfResult(name, pdf, parts, time.perf_counter() - started, len(whole.pages))

    def _layout_all(self, documents: Sequence[str], sheets: list, stamps: Sequence[str], forms: bool) -> list:
        """Lay out each distinct document once; a stamped copy gets its stamp over its first page."""
        once: dict[str, object] = {}
        out = []
        for n, html in enumerate(documents):
            if html not in once:
                once[html] = self._layout(html, sheets, forms)
            document = once[html]
            if n < len(stamps) and stamps[n]:
                stamp = self._layout(stamps[n], sheets).pages[0]
                document = document.copy([_Stamped(document.pages[0], stamp), *document.pages[1:]])
            out.append(document)
        return out

    def _layout(self, html: str, sheets: list, forms: bool = False):
        return weasyprint.HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher).render(
            stylesheets=sheets, font_config=self.fonts, pdf_forms=forms
        )


class _Stamped:
    """A laid-out page with another page's content painted over it: a reused answer sheet and its
    student's number. WeasyPrint paints a page through ``paint``; the stamp is painted as an
    artifact, outside the structure tree that tagged PDFs build from the page's own boxes."""

    def __init__(self, page, stamp):
        self.__dict__.update(page.__dict__)  # size, links, anchors and boxes: the sheet's own
        self._base, self._stamp = page, stamp

    def paint(self, stream, scale=1):
        self._base.paint(stream, scale)
        with stream.artifact():
            # Untagged inside the artifact: a tagged PDF maps every tag to a box of the page's own tree.
            tags, stream._tags = stream._tags, None
            try:
                self._stamp.paint(stream, scale)
            finally:
                stream._tags = tags


#: One renderer per templates folder and process: a cache, like lru_cache, so
#: a worker parses the stylesheets and scans the fonts once for all its chunks.
_renderers: dict[Path, _Renderer] = {}


def _renderer(templates: Path | None) -> _Renderer:
    root = (templates or paths.templates_dir()).resolve()
    if root not in _renderers:
        _renderers[root] = _Renderer(root)
    return _renderers[root]


def _write(document, html: Sequence[str], forms: bool = False) -> bytes:
    # A content hash for the file identifier: same HTML, same id, same bytes.
    digest = hashlib.sha256("\x00".join(html).encode("utf-8")).hexdigest()[:32]
    # Tagged: a structure tree in reading order (headings, paragraphs, lists, tables) for screen
    # readers, the language from <html lang>, and the title shown in the window.
    options: dict = {"pdf_identifier": digest.encode("ascii"), "pdf_tags": True}
    if forms:  # a form keeps its fields and the build id its <meta> tags give (responses.read_form reads them)
        options.update(pdf_forms=True, custom_metadata=True)
    pdf = document.write_pdf(**options)
    return _tidy_radio_groups(pdf) if forms else pdf


def _tidy_radio_groups(pdf: bytes) -> bytes:
    """Return a form whose radio buttons are widgets of their group only, as the PDF standard has them.

    WeasyPrint 70 gives each radio button's widget the group's name and lists
    it as a field of its own as well, so readers see a field "q2.q2" beside
    the group "q2" and may keep the answer there. Here a widget with a parent
    loses its own name and its place in the form's field list, and the group
    is described by its question ("Question 2"), not its first choice.
    Check boxes and radio groups get the default appearance WeasyPrint leaves
    out (``_give_buttons_a_font``), and every field keeps its own looks
    (``_settle_appearances``).
    """
    import io

    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject, TextStringObject

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    form = writer.root_object["/AcroForm"]
    _join_split_radio_groups(form)
    kept = ArrayObject()
    for reference in form["/Fields"]:
        field = reference.get_object()
        if "/Parent" in field:
            for key in ("/T", "/TU"):
                if key in field:
                    del field[NameObject(key)]
            continue
        if "/Kids" in field and "/TU" in field:
            field[NameObject("/TU")] = TextStringObject(str(field["/TU"]).split(":")[0])
        kept.append(reference)
    form[NameObject("/Fields")] = kept
    _give_buttons_a_font(writer, form)
    _settle_appearances(writer, form)
    writer._ID = reader.trailer["/ID"]  # pypdf has no public setter; keep WeasyPrint's content-hash identifier
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _join_split_radio_groups(form) -> None:
    """Make each radio group one field, however many pages its buttons are on.

    WeasyPrint 70 gathers radio buttons page by page: a question whose
    choices break across a page gets a second group of the same name on the
    next page, its buttons' states counting from 0 again. Readers then kept
    one group or the other, so a choice after the break read as A, or the
    question as unanswered. Here the buttons of a later group join the
    first group, states renumbered after its own, so state n is still the
    n-th export value (/Opt), and the later group leaves the field list.
    """
    from pypdf.generic import ArrayObject, NameObject

    first: dict[str, tuple] = {}
    kept = ArrayObject()
    for reference in form["/Fields"]:
        field = reference.get_object()
        if field.get("/FT") != "/Btn" or "/Kids" not in field or "/Opt" not in field:
            kept.append(reference)
            continue
        name = str(field.get("/T", ""))
        if name not in first:
            first[name] = (reference, field)
            kept.append(reference)
            continue
        group_reference, group = first[name]
        offset = len(group["/Kids"])
        for kid_reference in field["/Kids"]:
            kid = kid_reference.get_object()
            normal = kid["/AP"]["/N"]
            for state in [key for key in normal if key != "/Off"]:
                renamed = NameObject(f"/{int(state[1:]) + offset}")
                normal[renamed] = normal.pop(state)
                if kid.get("/AS") == state:
                    kid[NameObject("/AS")] = renamed
                if field.get("/V") == state:
                    group[NameObject("/V")] = renamed
            kid[NameObject("/Parent")] = group_reference
            group["/Kids"].append(kid_reference)
        group["/Opt"].extend(field["/Opt"])
    form[NameObject("/Fields")] = kept


def _give_buttons_a_font(writer, form) -> None:
    """Give every check box and radio group a default appearance (/DA) naming a font, ZapfDingbats.

    WeasyPrint 70 writes /DA on text fields only. Once a reader fills the
    form and sets NeedAppearances (pypdf does), poppler redraws a ticked box
    with the check mark of its /DA's font, and without one says "Missing 'Tf'
    operator in field's DA string" for every box. ZapfDingbats is the font
    PDF readers draw check marks with; size 0 fits it to the box; colour and
    opacity are those of WeasyPrint's own mark (a word to mark is ticked
    see-through, so it stays legible), else the box's border colour.
    """
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    fonts = form["/DR"].get_object()["/Font"].get_object()
    if "/ZaDb" not in fonts:
        fonts[NameObject("/ZaDb")] = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/ZapfDingbats")}))
    for reference in form["/Fields"]:
        field = reference.get_object()
        if field.get("/FT") != "/Btn" or "/DA" in field:
            continue
        widget = field["/Kids"][0].get_object() if "/Kids" in field else field
        field[NameObject("/DA")] = TextStringObject(_mark_appearance(widget))


def _settle_appearances(writer, form) -> None:
    """Give every field an appearance of its own, radio buttons a caption, and ask no reader to redraw.

    WeasyPrint sets NeedAppearances, which tells a viewer to redraw every
    field from its value rather than show its appearance. Poppler then draws
    a ticked bubble only if the group's /V is the name of the button's state:
    pypdf writes it as a string (py-pdf/pypdf#3630), and the bubble came out
    empty. Without the flag a viewer shows the "on" appearance of the state
    the filling program set. Text fields had none, so each gets an empty one
    (its field is empty); a reader that fills one draws its text, as pypdf,
    Acrobat, pdf.js and poppler do. A viewer asked to redraw anyway (a
    filling program may set the flag) draws a radio button's caption: /CA
    "l", ZapfDingbats' disc, in the colour of its /DA, fills the bubble
    where poppler drew a dot without one.
    """
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    for page in writer.pages:
        for widget in (a.get_object() for a in page.get("/Annots", [])):
            if widget.get("/Subtype") != "/Widget":
                continue
            field = widget["/Parent"].get_object() if "/Parent" in widget else widget
            if "/N" not in widget.get("/AP", {}):
                widget[NameObject("/AP")] = _empty_appearance(writer, widget)
            if field.get("/FT") == "/Btn" and int(field.get("/Ff", 0)) & _RADIO:
                if "/MK" not in widget:
                    widget[NameObject("/MK")] = DictionaryObject()
                widget["/MK"][NameObject("/CA")] = TextStringObject("l")
    if "/NeedAppearances" in form:
        del form[NameObject("/NeedAppearances")]


_RADIO = 1 << 15  # the /Ff bit of a radio group


def _empty_appearance(writer, widget):
    """Return an /AP whose normal appearance draws nothing, the size of ``widget``."""
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    x1, y1, x2, y2 = (float(c) for c in widget["/Rect"])
    stream = DecodedStreamObject()
    stream.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                   NameObject("/BBox"): ArrayObject(FloatObject(v) for v in (0, 0, abs(x2 - x1), abs(y2 - y1)))})
    return DictionaryObject({NameObject("/N"): writer._add_object(stream)})


def _mark_appearance(widget) -> str:
    """Return a /DA for a button: ZapfDingbats, in the opacity and colour its "on" appearance draws with."""
    on = [state.get_object() for name, state in widget.get("/AP", {}).get("/N", {}).items() if name != "/Off"]
    drawn = re.match(rb"\s*(/\S+ gs)?\s*((?:[\d.]+ ){3}rg)", on[0].get_data()) if on else None
    if drawn:
        opacity = drawn.group(1).decode() + " " if drawn.group(1) else ""
        return f"{opacity}/ZaDb 0 Tf {drawn.group(2).decode()}"
    border = [float(c) for c in widget.get("/MK", {}).get("/BC", [])]
    return "/ZaDb 0 Tf " + (" ".join(f"{c:g}" for c in border) + " rg" if len(border) == 3 else "0 g")


def _split(pdf: bytes, laid_out: Sequence, starts: Sequence[int]) -> tuple[bytes, ...]:
    """Cut ``pdf`` into one file per laid-out document, by page ranges (``starts``: each one's first page).

    Cutting the written file is several times cheaper than painting and
    writing every document a second time; each part keeps its pages' links,
    named destinations and structure tags (quizgen.render.pages), and gets
    its document's title.
    """
    from quizgen.render.pages import cut

    return tuple(cut(pdf, [(first, first + len(document.pages)) for document, first in zip(laid_out, starts)],
                     [document.metadata.title or "" for document in laid_out]))


def render_documents(name: str, documents: Sequence[str], stylesheets: Sequence[str], split: bool = False,
                     title: str = "", templates: Path | None = None, blank: str = "",
                     blank_after_last: bool = False, forms: bool = False, stamps: Sequence[str] = ()) -> PdfResult:
    """Lay out ``documents`` in this process and write one PDF of them (and each one with ``split``).

    With ``blank`` (HTML), that page follows every document of an odd number
    of pages but the last, and the last too with ``blank_after_last`` (when
    more documents follow in another chunk). With ``forms``, inputs become
    PDF form fields (``render.form``). ``stamps`` (HTML, one per document,
    "" for none) are painted over each document's first page; documents
    that are the same are laid out once.
    """
    return _renderer(templates).render(name, documents, stylesheets, split, title, blank, blank_after_last, forms,
                                       stamps)


def warm(templates: Path | None = None) -> None:
    """Get this process ready to render: fonts scanned, every stylesheet parsed, Pango started.

    A ``RenderPool`` runs this before it forks its workers, so that each
    starts ready: the work is done once, not once per worker.
    """
    renderer = _renderer(templates)
    renderer.stylesheets([p.relative_to(renderer.root).as_posix() for p in sorted((renderer.root / "css").glob("*.css"))])
    weasyprint.HTML(string="<p>Aa <b>b</b> <i>c</i> 가</p>", url_fetcher=renderer.fetcher).render(font_config=renderer.fonts)


def html_to_pdf(documents: Sequence[str], stylesheets: Sequence[str] = (), templates: Path | None = None) -> bytes:
    """Return one PDF of ``documents`` (HTML strings), each laid out with its own page numbers."""
    return render_documents("pdf", documents, stylesheets, templates=templates).pdf
