"""Helpers for the HWP 5 (``extractors.hwp``) and HWPX (``extractors.hwpx``) extractors."""
