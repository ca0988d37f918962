"""The taxonomy (services, sides, provider types, stages, scope and section cues).

It is data in ``taxonomy.toml`` beside this module; this module only reads and
checks it, so that adding a service never means editing code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from classifier.errors import TaxonomyError

TAXONOMY_PATH = Path(__file__).with_name("taxonomy.toml")
SIDES = ("research", "manufacturing")
PROVIDER_TYPES = ("CRO", "CDMO", "CRDMO", "NONE")


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    side: str
    description: str
    cues: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    description: str
    cues: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    phases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ProviderType:
    id: str
    name: str
    description: str


@dataclass(frozen=True)
class Taxonomy:
    version: str
    services: tuple[Service, ...]
    stages: tuple[Stage, ...]
    provider_types: tuple[ProviderType, ...]
    sides: dict[str, str]
    scope: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sections: dict[str, tuple[str, ...]] = field(default_factory=dict)
    integrated_cues: tuple[str, ...] = ()

    @property
    def service_ids(self) -> list[str]:
        return [s.id for s in self.services]

    @property
    def stage_ids(self) -> list[str]:
        """Stage ids in development order; 'unspecified' last."""
        return [s.id for s in self.stages]

    def service(self, service_id: str) -> Service:
        for s in self.services:
            if s.id == service_id:
                return s
        raise KeyError(service_id)

    def side_of(self, service_id: str) -> str:
        return self.service(service_id).side

    def to_dict(self) -> dict:
        """The public view served by the API and the CLI."""
        return {
            "version": self.version,
            "sides": dict(self.sides),
            "services": [
                {"id": s.id, "name": s.name, "side": s.side, "description": s.description,
                 "cues": list(s.cues), "abbreviations": list(s.abbreviations)}
                for s in self.services
            ],
            "provider_types": [
                {"id": p.id, "name": p.name, "description": p.description}
                for p in self.provider_types
            ],
            "stages": [{"id": s.id, "name": s.name, "description": s.description}
                       for s in self.stages],
        }


def _strings(raw: dict, key: str) -> tuple[str, ...]:
    values = raw.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise TaxonomyError(f"'{key}' must be a list of strings")
    return tuple(values)


def parse_taxonomy(raw: dict) -> Taxonomy:
    """Build and check a taxonomy from its parsed TOML."""
    try:
        services = tuple(
            Service(id=s["id"], name=s["name"], side=s["side"], description=s["description"],
                    cues=_strings(s, "cues"), abbreviations=_strings(s, "abbreviations"))
            for s in raw["services"]
        )
        stages = tuple(
            Stage(id=s["id"], name=s["name"], description=s["description"],
                  cues=_strings(s, "cues"), abbreviations=_strings(s, "abbreviations"),
                  phases=_strings(s, "phases"))
            for s in raw["stages"]
        )
        providers = tuple(ProviderType(id=p["id"], name=p["name"], description=p["description"])
                          for p in raw["provider_types"])
        taxonomy = Taxonomy(
            version=str(raw["version"]),
            services=services,
            stages=stages,
            provider_types=providers,
            sides=dict(raw["sides"]),
            scope={k: _strings(raw["scope"], k) for k in raw.get("scope", {})},
            sections={k: _strings(raw["sections"], k) for k in raw.get("sections", {})},
            integrated_cues=_strings(raw.get("integrated", {}), "cues"),
        )
    except KeyError as exc:
        raise TaxonomyError(f"missing key {exc} in the taxonomy") from exc
    except (TypeError, AttributeError, ValueError) as exc:
        raise TaxonomyError(f"malformed taxonomy: {exc}") from exc
    ids = taxonomy.service_ids
    if len(set(ids)) != len(ids):
        raise TaxonomyError("service ids must be unique")
    if len(set(taxonomy.stage_ids)) != len(stages):
        raise TaxonomyError("stage ids must be unique")
    for s in services:
        if s.side not in SIDES:
            raise TaxonomyError(f"service {s.id}: side must be one of {SIDES}, not {s.side!r}")
    if set(taxonomy.sides) != set(SIDES):
        raise TaxonomyError(f"[sides] must describe exactly {SIDES}")
    if tuple(p.id for p in providers) != PROVIDER_TYPES:
        raise TaxonomyError(f"provider types must be {PROVIDER_TYPES}")
    if not stages or stages[-1].id != "unspecified":
        raise TaxonomyError("the last stage must be 'unspecified'")
    return taxonomy


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """Read a taxonomy file; the bundled one when no path is given."""
    if path is None:
        return default_taxonomy()
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TaxonomyError(f"cannot read taxonomy {path}: {exc}") from exc
    return parse_taxonomy(raw)


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    return load_taxonomy(TAXONOMY_PATH)
