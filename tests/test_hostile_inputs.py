"""The hostile-input corpus: odd files, odd paths, odd text, foreign files; one table per theme.

Each case is data (see tests/hostile.py): a folder laid out, one command run
in it, and what must hold afterwards: the exit status, the exact lines a
teacher reads, every file that was there unchanged unless the case says it
may change, which files exist, and nothing half-written left behind.
Interrupts and concurrent builds need processes and live in test_interrupts.py;
random inputs are in test_properties.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile import DIR, FIFO, FULL, NULL, SOCKET, Case, Copy, Link, run_case

BANK = Copy("worksheet")
#: The file the GIFT exporter writes for the whole bank (named by the exporters).
GIFT = "bank-gift.txt"
RECIPE = "versions: 1\nquestions:\n  - skill: corroborate\n    count: 1\n"
EXPORT = ("export", "-f", "gift", "--bank", "bank")
STEM = "    stem: Match each claim to the outside source best placed to check it."


def _text_with(old: str, new: str) -> Copy:
    """The sample bank with kcna.txt edited and its digest brought up to date, so only the edit is wrong."""
    import hashlib

    from conftest import project

    text = (project("worksheet") / "sources" / "kcna.txt").read_text(encoding="utf-8").replace(old, new, 1)
    old_sha = hashlib.sha256((project("worksheet") / "sources" / "kcna.txt").read_bytes()).hexdigest()
    new_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Copy("worksheet", (("sources/kcna.txt", old, new),
                              ("sources/kcna.yaml", f"text_sha256: {old_sha}", f"text_sha256: {new_sha}")))


def _stem_with(text: str) -> Copy:
    """The sample bank with ``text`` put into the first question's stem, after 'Match' (line 7, column 16)."""
    return Copy("worksheet", (("questions/corroborate.yaml", "stem: Match each", "stem: Match" + text + " each"),))


# --------------------------------------------------------------------------
# 1. Write through or refuse: what stands where quizgen writes a file.

WRITING = [
    Case("dump onto a link writes through it and keeps the link",
         {"bank": BANK, "real.json": b"old", "link.json": Link("real.json")},
         ("bank", "dump", "--bank", "bank", "-o", "link.json"), 0, ("wrote link.json",), changed=("real.json",)),
    Case("dump onto a link into another folder writes the file there",
         {"bank": BANK, "elsewhere/real.json": b"old", "link.json": Link("elsewhere/real.json")},
         ("bank", "dump", "--bank", "bank", "-o", "link.json"), 0, changed=("elsewhere/real.json",)),
    Case("dump onto a dangling link makes the file it names",
         {"bank": BANK, "link.json": Link("made.json")},
         ("bank", "dump", "--bank", "bank", "-o", "link.json"), 0, created=("made.json",)),
    Case("dump onto a dangling link into a missing folder is refused",
         {"bank": BANK, "link.json": Link("{tmp}/nowhere/made.json")},
         ("bank", "dump", "--bank", "bank", "-o", "link.json"), 1,
         ("link.json: cannot write: it is a link to {tmp}/nowhere/made.json, whose folder does not exist",
          "nothing was written"), absent=("nowhere",)),
    Case("dump onto a link that loops is refused",
         {"bank": BANK, "a.json": Link("b.json"), "b.json": Link("a.json")},
         ("bank", "dump", "--bank", "bank", "-o", "a.json"), 1,
         ("a.json: cannot write: is a symbolic link that loops; quizgen writes only to files, links to files, FIFOs "
          "and character devices",)),
    Case("dump onto a socket is refused", {"bank": BANK, "sock": SOCKET},
         ("bank", "dump", "--bank", "bank", "-o", "sock"), 1,
         ("sock: cannot write: is a socket, not a file; quizgen writes only to files, links to files, FIFOs and "
          "character devices",)),
    Case("dump onto a link to a folder is refused", {"bank": BANK, "d": DIR, "out.json": Link("d")},
         ("bank", "dump", "--bank", "bank", "-o", "out.json"), 2,
         ("Error: Invalid value for '-o' / '--output': File 'out.json' is a directory.",)),
    Case("dump into a 'folder' that is a file names the file", {"bank": BANK, "notes.txt": b"mine"},
         ("bank", "dump", "--bank", "bank", "-o", "notes.txt/bank.json"), 1,
         ("notes.txt/bank.json: cannot write: notes.txt is a file, not a folder", "nothing was written")),
    Case("dump onto a FIFO writes into it, no rename", {"bank": BANK, "pipe": FIFO},
         ("bank", "dump", "--bank", "bank", "-o", "pipe"), 0, ("wrote pipe",), read="pipe", fifo_gets=b"{\n"),
    Case("dump to - is standard output", {"bank": BANK},
         ("bank", "dump", "--bank", "bank", "-o", "-"), 0, ("{",), absent=("-",)),
    Case("dump to a null device leaves the device be", {"bank": BANK, "null": NULL},
         ("bank", "dump", "--bank", "bank", "-o", "null"), 0, ("wrote null",)),
    Case("dump to a full device says the disk is full", {"bank": BANK, "full": FULL},
         ("bank", "dump", "--bank", "bank", "-o", "full"), 1,
         ("full: cannot write: No space left on device", "nothing was written")),
    Case("dump through a link to a null device writes to the device", {"bank": BANK, "null": NULL, "out": Link("null")},
         ("bank", "dump", "--bank", "bank", "-o", "out"), 0, ("wrote out",)),
    Case("an export whose file is a folder is refused", {"bank": BANK, f"out/{GIFT}": DIR},
         (*EXPORT, "-o", "out"), 1,
         (f"out/{GIFT}: cannot write: is a folder, not a file; quizgen writes only to files, links to files, FIFOs "
          "and character devices",), absent=("out/bank-manifest.json",)),
    Case("an export whose file is a FIFO writes into it", {"bank": BANK, f"out/{GIFT}": FIFO},
         (*EXPORT, "-o", "out"), 0,
         ("wrote out/bank-export-report.txt (what each format adapted or left out, question by question)",),
         created=("out/bank-manifest.json",),
         read=f"out/{GIFT}", fifo_gets=b"$CATEGORY: "),
    Case("an export's manifest that is a FIFO is not read (it would block)",
         {"bank": BANK, "out/bank-manifest.json": FIFO, f"out/{GIFT}": b"a teacher's notes"},
         (*EXPORT, "-o", "out"), 1,
         ("out/bank-manifest.json: would be overwritten, but it is not a regular file; so quizgen cannot tell its own "
          "files here from yours",)),
]

# --------------------------------------------------------------------------
# 2. Remove only what was ours: the manifest's record of written files.

_MINE = b"a teacher's own file\n"
_FOREIGN = "nothing was written: 1 file in the way; move it, write elsewhere with --output, or overwrite with --force"
_ONE_GIFT = "manifest entry for the gift file is replaced by the case"


def _record(*entries: tuple[str, bytes]) -> str:
    import hashlib
    import json

    return json.dumps({"schema": 1, "build": {}, "versions": [], "files": [
        {"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()} for name, data in entries]})


RECORD = [
    Case("a teacher's file where an export goes is refused", {"bank": BANK, f"out/{GIFT}": _MINE},
         (*EXPORT, "-o", "out"), 1,
         (f"out/{GIFT}: would be overwritten, but it is not a file quizgen wrote (the manifest does not list it)",
          _FOREIGN), absent=("out/bank-manifest.json",)),
    Case("--force overwrites a teacher's file", {"bank": BANK, f"out/{GIFT}": _MINE},
         (*EXPORT, "-o", "out", "--force"), 0, changed=(f"out/{GIFT}",), created=("out/bank-manifest.json",)),
    Case("a file the record lists but that changed since is refused",
         {"bank": BANK, f"out/{GIFT}": _MINE, "out/bank-manifest.json": _record((GIFT, b"what quizgen wrote"))},
         (*EXPORT, "-o", "out"), 1,
         (f"out/{GIFT}: would be overwritten, but it changed since quizgen wrote it", _FOREIGN)),
    Case("a file the record lists, unchanged, is quizgen's to overwrite",
         {"bank": BANK, f"out/{GIFT}": _MINE, "out/bank-manifest.json": _record((GIFT, _MINE))},
         (*EXPORT, "-o", "out"), 0, changed=("out/",)),
    Case("a manifest that is not one is refused, and the file beside it kept",
         {"bank": BANK, "out/bank-manifest.json": b"my shopping list", f"out/{GIFT}": _MINE},
         (*EXPORT, "-o", "out"), 1,
         ("out/bank-manifest.json: would be overwritten, but it is not a quizgen manifest (JSONDecodeError); so "
          "quizgen cannot tell its own files here from yours",
          f"out/{GIFT}: would be overwritten, but it is not a file quizgen wrote (the manifest does not list it)")),
    # A hand edit or a bad merge: read as last-wins, the second "files" would claim the teacher's file as quizgen's.
    Case("a manifest that gives a key twice is refused, naming its line and the key, and the file beside it kept",
         {"bank": BANK, f"out/{GIFT}": _MINE,
          "out/bank-manifest.json": _record((GIFT, _MINE)).replace('"files": [', '"files": [],\n "files": [', 1)},
         (*EXPORT, "-o", "out"), 1,
         ('out/bank-manifest.json: would be overwritten, but line 2, column 2: key "files" is given twice in one '
          "object; programs disagree on which one counts, so quizgen reads neither: keep one; so quizgen cannot tell "
          "its own files here from yours",
          f"out/{GIFT}: would be overwritten, but it is not a file quizgen wrote (the manifest does not list it)")),
    Case("a manifest nested too deeply to read is refused, not an internal error",
         {"bank": BANK, "out/bank-manifest.json": "[" * 100_000 + "]" * 100_000},
         (*EXPORT, "-o", "out"), 1,
         ("out/bank-manifest.json: would be overwritten, but it is not a quizgen manifest (nested too deeply); so "
          "quizgen cannot tell its own files here from yours",)),
    Case("a manifest from a newer quizgen is not trusted",
         {"bank": BANK, "out/bank-manifest.json": '{"schema": 99, "files": []}'},
         (*EXPORT, "-o", "out"), 1,
         ("out/bank-manifest.json: would be overwritten, but it was written by a newer quizgen (schema 99); update "
          "quizgen; so quizgen cannot tell its own files here from yours",)),
    Case("a recorded file outside the folder is never removed",
         {"bank": BANK, "precious.txt": _MINE, "out/bank-manifest.json": _record(("../precious.txt", _MINE))},
         (*EXPORT, "-o", "out"), 0, changed=("out/",)),
    Case("a recorded absolute path is never removed",
         {"bank": BANK, "precious.txt": _MINE, "out/bank-manifest.json": _record(("{tmp}/precious.txt", _MINE))},
         (*EXPORT, "-o", "out"), 0, changed=("out/",)),
    Case("a recorded file replaced by a link is left alone",
         {"bank": BANK, "mine.txt": _MINE, "out/bank-qti21.zip": Link("../mine.txt"),
          "out/bank-manifest.json": _record(("bank-qti21.zip", _MINE))},
         (*EXPORT, "-o", "out"), 0,
         ("left out/bank-qti21.zip as it is: an earlier export wrote it, but it is not a regular file any more",),
         changed=("out/bank-manifest.json",), created=(f"out/{GIFT}",)),
    Case("a recorded file, unchanged and not written again, is removed",
         {"bank": BANK, "out/bank-qti21.zip": _MINE,
          "out/bank-manifest.json": _record(("bank-qti21.zip", _MINE))},
         (*EXPORT, "-o", "out"), 0,
         ("removed out/bank-qti21.zip (left from an earlier export; it would not match these versions)",),
         changed=("out/",), absent=("out/bank-qti21.zip",)),
    Case("a recorded file the teacher changed is kept, and said so",
         {"bank": BANK, "out/bank-qti21.zip": _MINE,
          "out/bank-manifest.json": _record(("bank-qti21.zip", b"what quizgen wrote"))},
         (*EXPORT, "-o", "out"), 0,
         ("left out/bank-qti21.zip as it is: an earlier export wrote it, but it changed since quizgen wrote it",),
         changed=("out/bank-manifest.json",), created=(f"out/{GIFT}",)),
    Case("files of other names beside the set are never touched",
         {"bank": BANK, "out/bank-gift-Z.txt": _MINE, "out/notes.pdf": _MINE, "out/bank-gift.txt.bak": _MINE},
         (*EXPORT, "-o", "out"), 0, created=(f"out/{GIFT}", "out/bank-manifest.json")),
    Case("a stale lock file left by a killed run does not block",
         {"bank": BANK, "out/.quizgen.lock": b"12345\n"},
         (*EXPORT, "-o", "out"), 0, changed=("out/.quizgen.lock",), created=(f"out/{GIFT}",)),
]

# --------------------------------------------------------------------------
# 3. Where a recipe may send its files.

_OUTSIDE = ("{recipe}:5: field 'output': '{where}' would write to {tmp}/{target}{link}, outside {tmp}/{area}, the "
            "folder of this recipe; to write there, give --output {tmp}/{target} on the command line, or use --force")
_RECIPE_EXPORT = ("export", "-f", "gift", "--bank", "{tmp}/bank")


def _outside(where: str, target: str, area: str, recipe: str = "class/r.yaml", link: str = "") -> str:
    return _OUTSIDE.format(where=where, target=target, area=area, tmp="{tmp}", recipe=recipe,
                           link=f" (a link to {{tmp}}/{link})" if link else "")


PLACES = [
    Case("a relative output: is read from the recipe's folder, not the working folder",
         {"bank": BANK, "class/r.yaml": RECIPE + "output: pdfs\n", "elsewhere/": DIR},
         (*_RECIPE_EXPORT, "../class/r.yaml"), 0, created=("class/pdfs/r-gift.txt",), absent=("elsewhere/pdfs",),
         cwd="elsewhere"),
    Case("~ in output: is the home folder, not a folder named ~",
         {"bank": BANK, "home/r.yaml": RECIPE + "output: ~/quizzes\n"},
         (*_RECIPE_EXPORT, "home/r.yaml"), 0, created=("home/quizzes/r-gift.txt",), absent=("home/~",),
         env={"HOME": "{tmp}/home"}),
    Case("output: outside the recipe's folder is refused, naming where",
         {"bank": BANK, "class/r.yaml": RECIPE + "output: ../elsewhere\n"},
         (*_RECIPE_EXPORT, "class/r.yaml"), 1, (_outside("../elsewhere", "elsewhere", "class"),),
         absent=("elsewhere",)),
    Case("an absolute output: elsewhere is refused",
         {"bank": BANK, "class/r.yaml": RECIPE + "output: {tmp}/elsewhere\n"},
         (*_RECIPE_EXPORT, "class/r.yaml"), 1, (_outside("{tmp}/elsewhere", "elsewhere", "class"),),
         absent=("elsewhere",)),
    Case("--force lets a recipe write outside its folder",
         {"bank": BANK, "class/r.yaml": RECIPE + "output: ../elsewhere\n"},
         (*_RECIPE_EXPORT, "class/r.yaml", "--force"), 0, created=("elsewhere/r-gift.txt",)),
    Case("--output on the command line is the teacher's own choice",
         {"bank": BANK, "class/r.yaml": RECIPE + "output: ../elsewhere\n"},
         (*_RECIPE_EXPORT, "class/r.yaml", "-o", "mine"), 0, created=("mine/r-gift.txt",),
         absent=("elsewhere",)),
    Case("a recipe in a bank's recipes/ folder may write anywhere in the bank",
         {"mybank": BANK, "mybank/recipes/r.yaml": RECIPE + "output: ../output\n"},
         ("export", "-f", "gift", "--bank", "mybank", "mybank/recipes/r.yaml"), 0,
         created=("mybank/output/r-gift.txt",)),
    Case("a recipe in a bank's recipes/ folder may not write above the bank",
         {"mybank": BANK, "mybank/recipes/r.yaml": RECIPE + "output: ../../output\n"},
         ("export", "-f", "gift", "--bank", "mybank", "mybank/recipes/r.yaml"), 1,
         (_outside("../../output", "output", "mybank", "mybank/recipes/r.yaml"),), absent=("output",)),
    Case("a recipe in a workspace's recipes/ may write anywhere in the workspace",
         {"ws/quizgen-workspace.yaml": "bank: bank\n", "ws/bank": BANK, "ws/recipes/r.yaml": RECIPE + "output: ../handouts\n"},
         ("export", "-f", "gift", "recipes/r.yaml"), 0, created=("ws/handouts/r-gift.txt",), cwd="ws"),
    Case("a recipe in a workspace may not write outside it",
         {"ws/quizgen-workspace.yaml": "bank: bank\n", "ws/bank": BANK, "ws/recipes/r.yaml": RECIPE + "output: ../../out\n"},
         ("export", "-f", "gift", "recipes/r.yaml"), 1,
         (_outside("../../out", "out", "ws", "recipes/r.yaml"),), absent=("out",), cwd="ws"),
    Case("output: through a link that leaves the folder is refused",
         {"bank": BANK, "class/r.yaml": RECIPE + "output: out\n", "class/out": Link("../elsewhere"), "elsewhere/": DIR},
         (*_RECIPE_EXPORT, "class/r.yaml"), 1, (_outside("out", "class/out", "class", link="elsewhere"),)),
    Case("a build's recipe outside its folder is refused before anything is made",
         {"bank": BANK, "class/r.yaml": RECIPE + "output: {tmp}/elsewhere\n"},
         ("build", "--bank", "../bank", "r.yaml", "--workers", "1"), 1,
         ("r.yaml:5: field 'output': '{tmp}/elsewhere' would write to {tmp}/elsewhere, outside {tmp}/class, the "
          "folder of this recipe; to write there, give --output {tmp}/elsewhere on the command line, or use --force",),
         absent=("elsewhere",), cwd="class"),
]

# --------------------------------------------------------------------------
# 4. Clean text in: characters the bank may not hold.

_VALIDATE = ("bank", "validate", "--bank", "bank")
_BIDI = "is a bidirectional control: it can make the text read differently on screen than in the file; delete it"

CHARACTERS = [
    Case("a right-to-left override typed into a question", {"bank": _stem_with("\u202e")}, _VALIDATE, 1,
         (f"bank/questions/corroborate.yaml:7:16: U+202E RIGHT-TO-LEFT OVERRIDE {_BIDI}",)),
    Case("a right-to-left mark", {"bank": _stem_with("\u200f")}, _VALIDATE, 1,
         (f"bank/questions/corroborate.yaml:7:16: U+200F RIGHT-TO-LEFT MARK {_BIDI}",)),
    Case("a first strong isolate", {"bank": _stem_with("\u2068")}, _VALIDATE, 1,
         (f"bank/questions/corroborate.yaml:7:16: U+2068 FIRST STRONG ISOLATE {_BIDI}",)),
    Case("a zero width space", {"bank": _stem_with("\u200b")}, _VALIDATE, 1,
         ("bank/questions/corroborate.yaml:7:16: U+200B ZERO WIDTH SPACE is an invisible format character; delete it",)),
    Case("a soft hyphen", {"bank": _stem_with("\u00ad")}, _VALIDATE, 1,
         ("bank/questions/corroborate.yaml:7:16: U+00AD SOFT HYPHEN is an invisible format character; delete it",)),
    Case("a byte-order mark inside the text", {"bank": _stem_with("\ufeff")}, _VALIDATE, 1,
         ("bank/questions/corroborate.yaml:7:16: U+FEFF ZERO WIDTH NO-BREAK SPACE is an invisible format character; "
          "delete it",)),
    Case("a tag character", {"bank": _stem_with("\U000e0041")}, _VALIDATE, 1,
         ("bank/questions/corroborate.yaml:7:16: U+E0041 TAG LATIN CAPITAL LETTER A is an invisible format character; "
          "delete it",)),
    Case("a bell", {"bank": _stem_with("\a")}, _VALIDATE, 1,
         ("bank/questions/corroborate.yaml:7:16: U+0007 BELL is a control character; delete it",)),
    Case("a C1 control", {"bank": _stem_with("\x85")}, _VALIDATE, 1,
         ("bank/questions/corroborate.yaml:7:16: U+0085 C1 CONTROL is a control character; delete it",)),
    Case("a line separator", {"bank": _stem_with("\u2028")}, _VALIDATE, 1,
         ("bank/questions/corroborate.yaml:7:16: U+2028 LINE SEPARATOR is an invisible line break; delete it",)),
    Case("a bidi control written as an escape", {"bank": Copy("worksheet", (
         ("questions/corroborate.yaml", STEM, '    stem: "Match\\u2067 each claim to the outside source."'),))},
         _VALIDATE, 1,
         ("bank/questions/corroborate.yaml:7: field 'questions[0].stem': the value holds U+2067 "
          "RIGHT-TO-LEFT ISOLATE (written as an escape, character 6 of it), a bidirectional control: it can make "
          "the text read differently on screen than in the file; delete it",)),
    Case("a zero width joiner in Hangul stays allowed", {"bank": _stem_with(" \ud55c\u200d\uae00")}, _VALIDATE, 0,
         ("bank is valid: 2 sources, 10 claims, 16 questions",)),
    Case("a bidi control in a source's cleaned text, line and column named",
         {"bank": _text_with("65 years", "65\u202e years")}, _VALIDATE, 1,
         ("bank/sources/kcna.yaml:14: field 'text': 'kcna.txt' line 1, column 37: U+202E RIGHT-TO-LEFT OVERRIDE "
          f"{_BIDI} (and re-ingest the raw file, so the repair log matches)",)),
    Case("a bidi control typed into a recipe's title",
         {"bank": BANK, "r.yaml": "title: Quiz \u202eone\n" + RECIPE},
         ("build", "--bank", "bank", "r.yaml"), 1,
         (f"r.yaml:1:13: U+202E RIGHT-TO-LEFT OVERRIDE {_BIDI}", "cannot read recipe r.yaml"), absent=("output",)),
]

# --------------------------------------------------------------------------
# 5. Ingest: check before reading, validate before writing.

_INGEST = ("sources", "ingest", "--bank", "bank")
_DOC = "The Final March\nIn 1945 the columns crossed the river at dawn.\n"

INGEST = [
    Case("a FIFO is refused without waiting for a writer", {"bank": BANK, "doc.txt": FIFO}, (*_INGEST, "doc.txt"), 1,
         ("doc.txt: is a FIFO (named pipe), not a regular file",)),
    Case("a link to /dev/zero is refused before reading", {"bank": BANK, "doc.txt": Link("/dev/zero")},
         (*_INGEST, "doc.txt"), 1, ("doc.txt: is a character device, not a regular file",)),
    Case("a folder is refused", {"bank": BANK, "doc.txt": DIR}, (*_INGEST, "doc.txt"), 1,
         ("doc.txt: is a folder, not a file",)),
    Case("a link that loops is refused", {"bank": BANK, "doc.txt": Link("doc.txt")}, (*_INGEST, "doc.txt"), 1,
         ("doc.txt: cannot open: a symbolic link that points to itself",)),
    Case("a file one byte over the limit is refused", {"bank": BANK, "doc.txt": b"a" * (5 * 1024 * 1024 + 1)},
         (*_INGEST, "doc.txt"), 1, ("doc.txt: file is 5,242,881 bytes; the limit is 5,242,880",)),
    Case("a title of two lines with a bell is refused before anything is written",
         {"bank": BANK, "doc.txt": _DOC}, (*_INGEST, "doc.txt", "--title", "A\nB\a"), 1,
         ("--title: must be one line; it holds a line break",), absent=("bank/sources/doc.yaml",)),
    Case("a title with a bell", {"bank": BANK, "doc.txt": _DOC}, (*_INGEST, "doc.txt", "--title", "Bad\a"), 1,
         ("--title: character 4: U+0007 BELL is a control character; delete it",)),
    Case("an empty title", {"bank": BANK, "doc.txt": _DOC}, (*_INGEST, "doc.txt", "--title", ""), 1,
         ("--title: is empty; give the text, or leave the option out",)),
    Case("a kind with a right-to-left override", {"bank": BANK, "doc.txt": _DOC},
         (*_INGEST, "doc.txt", "--kind", "memoir\u202e"), 1,
         (f"--kind: character 7: U+202E RIGHT-TO-LEFT OVERRIDE {_BIDI}",)),
    Case("a document with a right-to-left override", {"bank": BANK, "doc.txt": _DOC.replace("columns", "col\u202eumns")},
         (*_INGEST, "doc.txt"), 1,
         ("doc.txt:2:16: U+202E RIGHT-TO-LEFT OVERRIDE is a bidirectional control: it can make the text read "
          "differently on screen than in the file; remove it from the file and ingest it again",),
         absent=("bank/sources/doc.txt",)),
    Case("a document with a control character", {"bank": BANK, "doc.txt": _DOC.replace("dawn", "da\x01wn")},
         (*_INGEST, "doc.txt"), 1,
         ("doc.txt:2:44: U+0001 START OF HEADING is a control character; remove it from the file and ingest it again",)),
    Case("an HTML page with an override written as a character reference",
         {"bank": BANK, "doc.html": "<html><body>\n<p>The Final March</p>\n<p>In 1945 the &#x202E;columns "
                                   "crossed the river at dawn.</p>\n</body></html>\n"},
         (*_INGEST, "doc.html"), 1,
         ("doc.html:3: U+202E RIGHT-TO-LEFT OVERRIDE is a bidirectional control: it can make the text read "
          "differently on screen than in the file (written as a character reference such as &#x202E;); remove it "
          "from the file and ingest it again",)),
    Case("HTML nested too deep to read is an error that says so",
         {"bank": BANK, "doc.html": "<html><body>" + "<div>" * 300 + "Deep text." + "</div>" * 300 + "</body></html>"},
         (*_INGEST, "doc.html"), 1,
         ("doc.html:1: the HTML is nested more than 256 elements deep, too deep to read all of its text; save the "
          "article as plain text (.txt) and ingest that",)),
    Case("a zero width space between two words becomes a space, and the log says so",
         {"bank": BANK, "doc.txt": _DOC.replace("the river", "the\u200briver")}, (*_INGEST, "doc.txt"), 0,
         created=("bank/sources/doc.txt", "bank/sources/doc.yaml"), changed=("bank/sources/",)),
    Case("an existing id written as .yml is not overwritten",
         {"bank": BANK, "bank/sources/doc.yml": b"id: doc\n", "doc.txt": _DOC}, (*_INGEST, "doc.txt"), 1,
         ("bank/sources/doc.yml: field 'id': source 'doc' already exists; use --force to replace it",)),
    Case("a re-ingest that would break the bank's claims is refused, naming them", {
         "bank": BANK, "kcna.txt": "Pyongyang (KCNA) -- A different article altogether.\n"},
         (*_INGEST, "kcna.txt", "--id", "kcna", "--force"), 1,
         ("bank/claims/kcna.yaml:16: claim kcna-cpv: field 'lines': line 2 is past the end of source 'kcna' (1 lines)",
          "nothing was written: with this source the bank would have 3 new problems; fix them first (or re-ingest "
          "the file they expect)",)),
]

# --------------------------------------------------------------------------
# 6. Odd files where the bank and recipes are read.

BANK_FILES = [
    Case("a FIFO among the questions is called what it is", {"bank": BANK, "bank/questions/x.yaml": FIFO},
         _VALIDATE, 1, ("bank/questions/x.yaml: is a FIFO (named pipe), not a YAML file; remove or rename it",)),
    Case("a dangling link among the questions is a broken link",
         {"bank": BANK, "bank/questions/x.yaml": Link("gone.yaml")}, _VALIDATE, 1,
         ("bank/questions/x.yaml: is a broken link, not a YAML file; remove or rename it",)),
    Case("a link to /dev/zero among the claims is a device",
         {"bank": BANK, "bank/claims/x.yaml": Link("/dev/zero")}, _VALIDATE, 1,
         ("bank/claims/x.yaml: is a character device, not a YAML file; remove or rename it",)),
    Case("a source's text that is a FIFO is not read", {"bank": BANK},
         _VALIDATE, 1, ("bank/sources/kcna.yaml:14: field 'text': cannot open 'kcna.txt': is a FIFO (named pipe), not a "
                        "regular file",)),
    Case("a recipe that is a FIFO is refused without waiting", {"bank": BANK, "r.yaml": FIFO},
         ("build", "--bank", "bank", "r.yaml"), 1, ("r.yaml: is a FIFO (named pipe), not a regular file",)),
    Case("a recipe that links to /dev/zero is refused before reading",
         {"bank": BANK, "r.yaml": Link("/dev/zero")},
         ("build", "--bank", "bank", "r.yaml"), 1, ("r.yaml: is a character device, not a regular file",)),
    Case("a recipe of more than 2 MB is refused", {"bank": BANK, "r.yaml": b"#" * (2 * 1024 * 1024 + 1)},
         ("build", "--bank", "bank", "r.yaml"), 1, ("r.yaml: file is 2,097,153 bytes; the limit is 2,097,152",)),
    Case("a questions file of more than 2 MB is refused",
         {"bank": BANK, "bank/questions/big.yaml": b"#" * (2 * 1024 * 1024 + 1)}, _VALIDATE, 1,
         ("bank/questions/big.yaml: file is 2,097,153 bytes; the limit is 2,097,152",)),
    Case("a recipe that is a folder", {"bank": BANK, "r.yaml": DIR}, ("export", "-f", "gift", "--bank", "bank", "r.yaml"),
         2, ("Error: Invalid value for '[RECIPE]': File 'r.yaml' is a directory.",)),
    Case("a recipe with a python tag is never constructed",
         {"bank": BANK, "r.yaml": "title: !!python/object/apply:os.system ['touch pwned']\n" + RECIPE},
         ("build", "--bank", "bank", "r.yaml"), 1,
         ("r.yaml:1: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",), absent=("pwned",)),
]

ALL = WRITING + RECORD + PLACES + CHARACTERS + INGEST + BANK_FILES


def test_the_corpus_is_at_least_sixty_cases_with_distinct_names():
    assert len(ALL) >= 60
    assert len({case.id for case in ALL}) == len(ALL)


@pytest.mark.parametrize("case", ALL, ids=[case.id for case in ALL])
def test_hostile_input(case: Case, tmp_path: Path, monkeypatch):
    if case.id == "a source's text that is a FIFO is not read":
        # The FIFO must replace a committed text, so it is made after the copy.
        case = _fifo_text_case(case, tmp_path)
    run_case(case, tmp_path, monkeypatch)


def _fifo_text_case(case: Case, root: Path) -> Case:
    import dataclasses

    from hostile import lay_out

    lay_out(root, case.layout)
    (root / "bank" / "sources" / "kcna.txt").unlink()
    os.mkfifo(root / "bank" / "sources" / "kcna.txt")
    return dataclasses.replace(case, layout={})
