"""Imported once by the fork server of the bounded workers (``extractors.registry``), before it forks any of them.

Every worker is forked from that server with the extractors' libraries already imported (pdfplumber, pdfminer,
PDFium, Pillow, the document models), instead of importing them itself: half a CPU second per worker, paid again
each time a worker is replaced.

And a worker does not run the caller's main script again. ``multiprocessing`` makes each new process import the
parent's ``__main__`` (the ``intake`` command: the whole CLI, the schemas, the checks — another half second) so
that functions defined there can be unpickled, and the fork server never preloads it for them (CPython passes it no
``main_path``). Bounded calls only ever send functions of importable modules (``extract``, ``read_pages``,
``render_figures``, ``open_bundle``), so in the processes forked from this server the main script is not imported.
This module changes the fork server and its workers only, never the caller.
"""

from __future__ import annotations

import multiprocessing.spawn


def _main_not_needed(*_args) -> None:
    """In place of ``multiprocessing.spawn``'s import of the parent's main script."""


multiprocessing.spawn._fixup_main_from_path = _main_not_needed
multiprocessing.spawn._fixup_main_from_name = _main_not_needed

try:  # a library that fails to import here fails in the worker that needs it, with its reason; the server lives on
    import pypdfium2  # noqa: F401  (the PDF path's first look and renderings)

    import extractors.pdf  # noqa: F401  (the PDF path: pdfplumber, pdfminer, Pillow)
    import extractors.registry  # noqa: F401  (the models, the settings, the registry the workers run)
except Exception:  # noqa: BLE001, S110
    pass
