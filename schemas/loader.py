"""Load and validate the programme schemas shipped in ``schemas/programmes``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import TypeAdapter

from schemas.yaml_data import read_yaml
from schemas.programme import CityProgramme, Programme, ServiceProgramme

PROGRAMMES_DIR = Path(__file__).parent / "programmes"
_adapter: TypeAdapter = TypeAdapter(Programme)


def programme_ids() -> list[str]:
    return sorted(p.stem for p in PROGRAMMES_DIR.glob("*.yaml"))


@lru_cache(maxsize=None)
def load_programme(programme_id: str) -> CityProgramme | ServiceProgramme:
    path = PROGRAMMES_DIR / f"{programme_id}.yaml"
    if not path.exists():
        raise KeyError(f"unknown programme {programme_id!r}; known: {programme_ids()}")
    data = read_yaml(path)
    programme = _adapter.validate_python(data)
    if programme.id != programme_id:
        raise ValueError(f"{path.name} declares id {programme.id!r}")
    return programme
