"""Take e-mails apart: sender, date, attachments with their Korean names, links to large files.

``parse_eml`` reads RFC 822 / MIME messages with the standard library; ``parse_msg`` (Outlook .msg, in
``intake/mail/msg.py``) goes through extract-msg. Both give a ``ParsedMail`` and share the helpers here: header
and file-name decoding with Korean charsets, HTML to text, and the search for 대용량 첨부 links.

Charsets: Python resolves ``ks_c_5601-1987`` (and ``ks_c_5601``, ``korean``) to its ``euc_kr`` codec, which
fails on the 8,822 Hangul syllables only CP949 (UHC) has, such as 똠 or 믜; Outlook and Exchange label CP949
text with that name. So every Korean label is decoded as ``cp949`` (a superset of EUC-KR), and headers and
parameters are decoded here rather than by ``email``'s own decoding, which would use ``euc_kr`` (and, for
raw 8-bit names, replace every Korean byte with U+FFFD). Nothing global (codec aliases, ``email.charset``)
is changed.
"""

from intake.mail.charsets import codec_for, decode_bytes, decode_header_text
from intake.mail.eml import MAX_DEPTH, parse_eml
from intake.mail.html import html_to_text
from intake.mail.links import LARGE_FILE_HOSTS, add_links, find_large_file_links
from intake.mail.msg import parse_msg
from intake.mail.names import clean_name

__all__ = ["LARGE_FILE_HOSTS", "MAX_DEPTH", "add_links", "clean_name", "codec_for", "decode_bytes",
           "decode_header_text", "find_large_file_links", "html_to_text", "parse_eml", "parse_msg"]
