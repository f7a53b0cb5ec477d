"""Join and cut tagged PDFs by pages, keeping what makes them accessible.

The renderer writes tagged PDFs (a structure tree of headings, paragraphs
and lists in reading order, which screen readers follow). A class pack is
laid out in chunks in several processes and joined here; a version's own
file is cut here from its chunk. General page-copying tools (pypdf's
append, a plain pikepdf page copy) carry the pages but drop the structure
tree, the document language and the named destinations, so the result
would no longer be tagged. This module copies, with pikepdf:

* the pages, with their link annotations;
* the structure elements of those pages. WeasyPrint builds the tree page
  by page: every child of the top /Document element belongs to one page
  (its /Pg), so a page range takes exactly the children on its pages;
* the parent tree (marked content and annotations → structure elements),
  its keys renumbered so they stay unique in the joined file;
* the named destinations on those pages, the language, /MarkInfo and
  /ViewerPreferences.

Output is reproducible: the file identifier is a hash of the content, and
qpdf writes the same objects in the same order for the same input.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PdfResult:
    """The bytes of a job's PDF, of each document when split, and what it took.

    Made by the worker side (``render.pdf``) and merged by the parent side
    (``render.jobs``), so it lives here, where neither imports the other.
    """

    name: str
    pdf: bytes
    parts: tuple[bytes, ...]
    seconds: float
    pages: int


def join(parts: Sequence[tuple[bytes, tuple[int, int] | None]], title: str) -> bytes:
    """Return one PDF of the page ranges ``parts`` ((pdf, (first, end)) or (pdf, None) for all), in order."""
    import pikepdf

    sources = [pikepdf.open(io.BytesIO(data)) for data, _ in parts]
    try:
        return _assemble([(source, pages) for source, (_, pages) in zip(sources, parts)], title)
    finally:
        for source in sources:
            source.close()


def cut(pdf: bytes, ranges: Sequence[tuple[int, int]], titles: Sequence[str]) -> list[bytes]:
    """Return one PDF per page range (first, end) of ``pdf``, each with its title; the file is read once."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as source:
        return [_assemble([(source, pages)], title) for pages, title in zip(ranges, titles)]


def _assemble(parts: Sequence[tuple[object, tuple[int, int] | None]], title: str) -> bytes:
    """Return a new PDF of the page ranges of open ``parts``, with their structure (see the module's text)."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    out = pikepdf.new()
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([document])))
    document.P = root
    nums: list[tuple[int, object]] = []
    dests: list[tuple[str, object]] = []
    for source, pages in parts:
        first, end = pages if pages is not None else (0, len(source.pages))
        _copy(out, source, range(first, end), document, nums, dests)
    catalog = parts[0][0].Root
    for key in ("/Lang", "/MarkInfo", "/ViewerPreferences"):
        if key in catalog:
            out.Root[key] = _foreign(out, parts[0][0], catalog[key])
    if len(document.K):
        nums.sort(key=lambda entry: entry[0])
        root.ParentTree = out.make_indirect(Dictionary(Nums=Array([v for key, value in nums for v in (key, value)])))
        root.ParentTreeNextKey = len(nums)
        out.Root.StructTreeRoot = root
    if dests:
        dests.sort(key=lambda entry: entry[0])
        names = Array([v for name, dest in dests for v in (pikepdf.String(name), dest)])
        out.Root.Names = Dictionary(Dests=out.make_indirect(Dictionary(Names=names)))
    if title:
        out.docinfo[Name.Title] = title
    buffer = io.BytesIO()
    # deterministic_id: the file identifier is a hash of the content, so the same pages give the same bytes.
    out.save(buffer, min_version=max(source.pdf_version for source, _ in parts), deterministic_id=True,
             compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _copy(out, source, pages: range, document, nums: list, dests: list) -> None:
    """Append ``pages`` of ``source`` to ``out`` with their structure elements, parent-tree entries and destinations."""
    from pikepdf import Name

    from pikepdf import Array

    wanted = {source.pages[i].obj.objgen for i in pages}
    start = len(out.pages)
    for i in pages:
        out.pages.append(source.pages[i])
    tree = source.Root.get("/StructTreeRoot")
    if tree is not None:
        top = tree.K[0] if isinstance(tree.K, Array) else tree.K
        kids = [kid for kid in top.K if kid.get("/Pg") is not None and kid.Pg.objgen in wanted]
        for kid in kids:
            del kid[Name.P]  # else copying it would pull in the whole foreign tree through its parent
        for kid in kids:
            copied = out.copy_foreign(kid)
            copied.P = document
            document.K.append(copied)
        old_nums = tree.ParentTree.Nums
        values = {int(old_nums[i]): old_nums[i + 1] for i in range(0, len(old_nums), 2)}
        for page in out.pages[start:]:
            _renumber(out, source, page.obj, Name.StructParents, values, nums)
            for annotation in page.obj.get("/Annots", []):
                _renumber(out, source, annotation, Name.StructParent, values, nums)
    names = source.Root.get("/Names")
    if names is not None and "/Dests" in names:
        flat = names.Dests.get("/Names", [])
        for i in range(0, len(flat), 2):
            dest = flat[i + 1]
            if dest[0].objgen in wanted:
                dests.append((str(flat[i]), _foreign(out, source, dest)))


def _renumber(out, source, obj, key, values: dict, nums: list) -> None:
    """Give ``obj`` (a copied page or annotation) the next parent-tree key, with its entry copied."""
    if key not in obj:
        return
    old = int(obj[key])
    new = len(nums)
    obj[key] = new
    if old in values:
        nums.append((new, _foreign(out, source, values[old])))


def _foreign(out, source, obj):
    """Return ``obj`` of ``source`` for ``out``, through qpdf's copier, which maps a page or element already
    copied to its copy. A direct array or dictionary is first made an object of its own in ``source``
    (qpdf copies only those), so it is copied in one call rather than member by member."""
    from pikepdf import Array, Dictionary

    if isinstance(obj, (Array, Dictionary)):
        return out.copy_foreign(obj if obj.is_indirect else source.make_indirect(obj))
    if getattr(obj, "is_indirect", False):
        return out.copy_foreign(obj)
    return obj
