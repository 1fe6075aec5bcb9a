"""Programme schemas as data, the models that load them, and the output contract."""

from schemas.loader import load_programme, programme_ids

__all__ = ["load_programme", "programme_ids"]
