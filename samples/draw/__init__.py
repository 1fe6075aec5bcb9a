"""Seeded bundles that vary the way real submissions do, each with its truth (expected.json).

``draw_bundle(seed, out_dir, programme=None, defect="random")`` writes ``out_dir/<bundle_id>/`` with the
bundle (message.eml, a USB zip or a usb/ folder) and expected.json in the development set's format;
``draw_plan`` gives the same bundle's content and choices without writing anything.
"""

from samples.draw.bundle import draw_bundle, draw_plan

__all__ = ["draw_bundle", "draw_plan"]
