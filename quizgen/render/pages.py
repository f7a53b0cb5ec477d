"""A rendered PDF and its pages: the result of a job, copying page ranges, merging parts (pypdf).

Shared by the worker side (``render.pdf``, which lays pages out with
WeasyPrint) and the parent side (``render.jobs``, which merges the chunks
the workers return), so neither imports the other's module for them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PdfResult:
    """The bytes of a job's PDF, of each document when split, and what it took."""

    name: str
    pdf: bytes
    parts: tuple[bytes, ...]
    seconds: float
    pages: int



def copy_pages(reader, pages: tuple[int, int] | None, title: str, digest: bytes) -> bytes:
    """Return a PDF of ``reader``'s pages (all, or the range ``pages``) with ``title`` and identifier ``digest``.

    ``reader`` may also be a list of readers, appended in order. The document
    language (/Lang, read by screen readers), which pypdf's append leaves
    out, is copied from the first.
    """
    import io

    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject

    readers = reader if isinstance(reader, list) else [reader]
    writer = PdfWriter()
    for one in readers:
        writer.append(one, pages=pages)
    lang = readers[0].trailer["/Root"].get("/Lang")
    if lang is not None:
        writer.root_object[NameObject("/Lang")] = lang
    if title:
        writer.add_metadata({"/Title": title})
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])  # pypdf has no public setter
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def merge_pdfs(parts: Sequence[bytes], title: str) -> bytes:
    """Return one PDF of ``parts`` in order, with ``title`` and a content-derived identifier."""
    import io

    from pypdf import PdfReader

    digest = hashlib.sha256(b"".join(hashlib.sha256(p).digest() for p in parts)).digest()[:16]
    return copy_pages([PdfReader(io.BytesIO(data)) for data in parts], None, title, digest)
