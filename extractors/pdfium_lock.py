"""One lock for every PDFium call made outside the extraction workers: PDFium is not thread-safe, and a process's
threads (a flow's extraction tasks taking their first look, the web app's page renderings) share one library. Two
calls at once corrupted the heap (`double free or corruption`, SIGSEGV). Workers read one file at a time."""

import threading

PDFIUM_LOCK = threading.Lock()
