"""The admission advice as stored in a report and shown to people."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AdviceView:
    outcome: str
    label: str
    reasons: tuple[str, ...]
    deciding: tuple[str, ...]  # criterion ids that decided it
    rules: str = ""  # "adviesregels <titel> versie N"; empty in reports before it was kept

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "label": self.label,
            "reasons": list(self.reasons),
            "deciding": list(self.deciding),
            "rules": self.rules,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AdviceView:
        return cls(
            outcome=str(data["outcome"]),
            label=str(data["label"]),
            reasons=tuple(data.get("reasons", ())),
            deciding=tuple(data.get("deciding", ())),
            rules=str(data.get("rules", "")),
        )
