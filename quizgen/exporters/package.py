"""What the packaged formats share: byte-identical archives, XML documents, IMS manifests, stable identifiers."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    import datetime

    from openpyxl import Workbook

#: The earliest timestamp a zip entry can hold; fixed so the same worksheet
#: always gives the same bytes.
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)

XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


def zip_bytes(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """Return a deflated zip of ``entries`` (name, bytes) in the order given, byte-identical each run.

    Every entry gets the 1980-01-01 timestamp, permissions 0644 and the
    Unix "made by" system; names must be unique, relative, with ``/``.
    """
    buffer = io.BytesIO()
    seen: set[str] = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            if name in seen or name.startswith("/") or "\\" in name or not name:
                raise ValueError(f"bad or repeated zip entry name {name!r}")
            seen.add(name)
            info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()


def xlsx_bytes(workbook: Workbook, date: datetime.datetime) -> bytes:
    """Return an openpyxl workbook as .xlsx bytes, byte-identical each run, its properties dated ``date``.

    ``Workbook.save`` stamps ``docProps/core.xml`` with the time of saving
    and each zip entry with the current time: core.xml is written again
    from the (fixed) properties and the archive rebuilt with fixed times.
    """
    from openpyxl.xml.functions import tostring  # only the spreadsheet writer needs openpyxl

    buffer = io.BytesIO()
    workbook.save(buffer)
    workbook.properties.modified = date
    core = tostring(workbook.properties.to_tree())
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        entries = [
            (info.filename, core if info.filename == "docProps/core.xml" else archive.read(info))
            for info in archive.infolist()
        ]
    return zip_bytes(entries)


def xml_bytes(root: etree._Element) -> bytes:
    """Return an XML document as every XML format writes it: declared, UTF-8, indented."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def schema_located(root: etree._Element, locations: str) -> etree._Element:
    """Set ``xsi:schemaLocation`` (namespace and schema pairs) on ``root`` and return it."""
    root.set(f"{{{XSI_NS}}}schemaLocation", locations)
    return root


def manifest(namespace: str, nsmap: dict, ident: str, locations: str,
             schema: str, version: str) -> tuple[etree._Element, etree._Element]:
    """Return an IMS content package's ``manifest`` and its ``metadata``, which names the schema and version.

    ``nsmap`` is the document's namespaces (the package namespace as the
    default, with ``xsi``); ``locations`` its schema locations. The caller
    adds the rest of the metadata, the organizations and the resources.
    """
    root = schema_located(etree.Element(f"{{{namespace}}}manifest", nsmap=nsmap, identifier=ident), locations)
    metadata = etree.SubElement(root, f"{{{namespace}}}metadata")
    etree.SubElement(metadata, f"{{{namespace}}}schema").text = schema
    etree.SubElement(metadata, f"{{{namespace}}}schemaversion").text = version
    return root, metadata


_NOT_NAME = re.compile(r"[^A-Za-z0-9_.\-]")


def identifier(*parts: str) -> str:
    """Return an XML NCName built from ``parts`` (joined by ``-``), stable across runs.

    IMS CP, CC and QTI identifiers are xsd:ID / NCName-like: a letter or
    ``_`` first, then letters, digits, ``. - _``. Bank ids already are, so
    they pass unchanged; anything else is replaced by ``_`` and a short hash
    of the original keeps two different ids from colliding.
    """
    raw = "-".join(parts)
    name = _NOT_NAME.sub("_", raw)
    if not name or not (name[0].isalpha() or name[0] == "_"):
        name = "_" + name
    if name != raw and name.lstrip("_") != raw:
        name += "_" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:8]
    return name


def neutral_identifier(prefix: str, key: str) -> str:
    """Return ``prefix`` and a short hash of ``key``: stable, unique, and not readable as ``key``.

    For identifiers an LMS may show where the key (a question id such as
    "mark-living-hell") could name the answer.
    """
    return identifier(prefix, hashlib.sha1(key.encode("utf-8")).hexdigest()[:12])
