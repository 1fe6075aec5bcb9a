"""대용량 첨부: links to large files left on a web mail service, which the clerk must fetch by hand."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from intake.model import ParsedMail, Problem

# Hosts where web mail services leave "large attachments" (대용량 첨부) or where a sender shares a file instead
# of attaching it: (host, path prefix). A host matches itself and its sub-domains. Services not listed are
# still caught by the generic rule below (a web address near 대용량/첨부/다운로드/bigfile/largefile).
LARGE_FILE_HOSTS: list[tuple[str, str]] = [
    ("bigfile.mail.naver.com", ""),     # Naver mail 대용량 첨부 (download?fid=…)
    ("mybox.naver.com", ""),            # Naver MYBOX, where Naver's large attachments can be saved
    ("attach.mail.daum.net", "/bigfile"),  # Daum / Kakao mail 대용량 첨부
    ("drive.google.com", ""),           # Gmail puts attachments over 25 MB on Google Drive
    ("docs.google.com", ""),
    ("1drv.ms", ""),                    # Outlook.com / Microsoft 365: OneDrive and SharePoint links
    ("onedrive.live.com", ""),
    ("sharepoint.com", ""),
    ("icloud.com", "/attachment"),      # Apple Mail Drop
    ("wetransfer.com", ""),             # file transfer services
    ("we.tl", ""),
    ("dropbox.com", ""),
]
_STRONG_WORDS = ("대용량", "bigfile", "big file", "largefile", "large file", "large attachment", "다운로드 기간",
                 "다운로드기간", "다운로드 만료")
_WEAK_WORDS = ("첨부", "다운로드", "내려받", "download")
_NOT_FILES = ("play.google.com", "apps.apple.com", "itunes.apple.com")
_URL = re.compile(r"https?://[^\s<>\"'`\u3000-\u303f\u3130-\u318f\uac00-\ud7a3]+", re.IGNORECASE)


def _host_listed(url: str) -> bool:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return False
    for listed, prefix in LARGE_FILE_HOSTS:
        if (host == listed or host.endswith("." + listed)) and parts.path.lower().startswith(prefix):
            return True
    return False


def find_large_file_links(text: str) -> list[str]:
    """Web addresses in ``text`` that point at files left on a web mail or file service, in order, once each."""
    found: list[str] = []
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)]}>'\"")
        if "(" in url and match.group(0)[len(url):].startswith(")"):
            url += ")"
        low = url.lower()
        host = (urlsplit(low).hostname or "") if "://" in low else ""
        if any(host == h or host.endswith("." + h) for h in _NOT_FILES) or re.search(r"\.(png|jpe?g|gif|css|js|ico)$", low):
            continue
        if _host_listed(url) or "bigfile" in low or "largefile" in low or "bigmail" in low:
            hit = True
        else:  # generic rule: the words around the address, within its paragraph
            before = text[max(0, match.start() - 160):match.start()].rsplit("\n\n", 1)[-1]
            after = text[match.end():match.end() + 60].split("\n\n", 1)[0]
            near = (before[-50:] + " " + after[:30]).lower()
            hit = any(w in (before + " " + after).lower() for w in _STRONG_WORDS) or any(w in near for w in _WEAK_WORDS)
        if hit and url not in found:
            found.append(url)
    return found


def add_links(mail: ParsedMail, texts: list[str]) -> None:
    """Collect 대용량 첨부 links from body texts into ``mail.links``, one problem for the clerk per link."""
    for text in texts:
        for url in find_large_file_links(text):
            if url in mail.links:
                continue
            mail.links.append(url)
            mail.problems.append(Problem(
                "email.large_attachment_link", url,
                f"body links to a file left on a web mail or file service (대용량 첨부), not attached: {url}; "
                f"fetch it by hand", None))


