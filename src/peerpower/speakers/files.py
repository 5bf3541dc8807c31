"""What an uploaded file really is, read from its first bytes and (for Office files) the zip
directory inside it, never from its name; and a shown name with no path in it.

Written with the standard library (zipfile) rather than a sniffing package: the six kinds
the bureau accepts have fixed signatures, and Office documents are told apart by the parts
their zip holds (word/, ppt/, xl/), which generic sniffers guess at.
"""

import re
import unicodedata
import zipfile
from typing import IO

# kind -> (content type served, extensions accepted for it)
KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
    ),
    "pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (".pptx",),
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
}
OFFICE_PART = {"docx": "word/", "pptx": "ppt/", "xlsx": "xl/"}
ALLOWED_TEXT = "PDF, PowerPoint (.pptx), Word (.docx), Excel (.xlsx), PNG or JPEG"


def sniff(stream: IO[bytes]) -> str | None:
    """The kind of file the content is (a key of KINDS), or None for anything else."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(stream) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            stream.seek(0)
        if "[Content_Types].xml" not in names:
            return None
        for kind, prefix in OFFICE_PART.items():
            if any(name.startswith(prefix) for name in names):
                return kind
    return None


def kind_of_name(name: str) -> str | None:
    lower = name.lower()
    for kind, (_, extensions) in KINDS.items():
        if lower.endswith(extensions):
            return kind
    return None


def has_path(name: str) -> bool:
    return "/" in name or "\\" in name or name in (".", "..") or "\x00" in name


def clean_name(name: str) -> str:
    """A name safe to show and to send in Content-Disposition: letters, digits, spaces and
    `.-_()`, at most 120 characters, the extension kept."""
    name = unicodedata.normalize("NFKC", name)
    name = re.sub(r"[^\w .()-]", "_", name, flags=re.ASCII).strip(" .")
    name = re.sub(r"\s+", " ", name)
    if len(name) > 120:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[: 119 - len(extension)]}.{extension}" if dot else name[:120]
    return name or "file"
