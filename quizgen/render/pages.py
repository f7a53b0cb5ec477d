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


def join(parts: Sequence[tuple[bytes, tuple[int, int] | None]], title: str) -> bytes:
    """Return one PDF of the page ranges ``parts`` ((pdf, (first, end)) or (pdf, None) for all), in order."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    out = pikepdf.new()
    document = out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    root = out.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([document])))
    document.P = root
    nums: list[tuple[int, object]] = []
    dests: list[tuple[str, object]] = []
    sources = [pikepdf.open(io.BytesIO(data)) for data, _ in parts]
    for source, (_, pages) in zip(sources, parts):
        first, end = pages if pages is not None else (0, len(source.pages))
        _copy(out, source, range(first, end), document, nums, dests)
    catalog = sources[0].Root
    for key in ("/Lang", "/MarkInfo", "/ViewerPreferences"):
        if key in catalog:
            out.Root[key] = _foreign(out, catalog[key])
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
    version = max(s.pdf_version for s in sources)
    buffer = io.BytesIO()
    # deterministic_id: the file identifier is a hash of the content, so the same pages give the same bytes.
    out.save(buffer, min_version=version, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    for source in sources:
        source.close()
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
            _renumber(out, page.obj, Name.StructParents, values, nums)
            for annotation in page.obj.get("/Annots", []):
                _renumber(out, annotation, Name.StructParent, values, nums)
    names = source.Root.get("/Names")
    if names is not None and "/Dests" in names:
        flat = names.Dests.get("/Names", [])
        for i in range(0, len(flat), 2):
            dest = flat[i + 1]
            if dest[0].objgen in wanted:
                dests.append((str(flat[i]), _foreign(out, dest)))


def _renumber(out, obj, key, values: dict, nums: list) -> None:
    """Give ``obj`` (a copied page or annotation) the next parent-tree key, with its entry copied."""
    if key not in obj:
        return
    old = int(obj[key])
    new = len(nums)
    obj[key] = new
    if old in values:
        nums.append((new, _foreign(out, values[old])))


def _foreign(out, obj):
    """Return ``obj`` of another PDF for ``out``: indirect objects through qpdf's copier (which maps a
    page or element already copied to its copy), direct arrays and dictionaries member by member."""
    from pikepdf import Array, Dictionary

    if isinstance(obj, (Array, Dictionary)) and not obj.is_indirect:
        if isinstance(obj, Array):
            return Array([_foreign(out, v) for v in obj])
        return Dictionary({k: _foreign(out, v) for k, v in obj.items()})
    if getattr(obj, "is_indirect", False):
        return out.copy_foreign(obj)
    return obj
