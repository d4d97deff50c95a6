"""Cases stay on the protocol version they started on, even when the file changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from toetreding import ConflictError, RoleNotAllowed, Toetreding
from toetreding.clock import FixedClock
from toetreding.definition import ProtocolRegistry, load_protocol_text
from toetreding.store import Store
from toetreding.store.tables import SchoolCreate

from .conftest import PROTOCOLS
from .helpers import edit, with_pdfs

ORIGINAL = (PROTOCOLS / "partnerschap2.yaml").read_text(encoding="utf-8")
CURRENT = load_protocol_text(ORIGINAL).version  # the shipped file's version
# The shipped version lets the kerngroep close the orientation talk; the edit takes that away.
EDITED = ORIGINAL.replace(
    "    to: zelfevaluatie\n    roles: [stuurgroep, kerngroep, coordinator]",
    "    to: zelfevaluatie\n    roles: [stuurgroep, coordinator]",
)


def service(store: Store, clock: FixedClock, folder: Path, text: str) -> Toetreding:
    (folder / "partnerschap2.yaml").write_text(text, encoding="utf-8")
    return Toetreding(store, ProtocolRegistry.from_directory(folder), clock)


@pytest.fixture
def first(store: Store, clock: FixedClock, tmp_path: Path) -> tuple[Toetreding, int]:
    assert EDITED != ORIGINAL
    app = service(store, clock, tmp_path, ORIGINAL)
    partnership = app.store.add_partnership("p2", "P2", clock.now())
    assert partnership.id is not None
    for brin in ("AA01", "BB02"):
        app.store.add_school(
            SchoolCreate(
                partnership_id=partnership.id, name=brin, sector="vo", region="noord", brin=brin
            ),
            clock.now(),
        )
    app.add_person("Coco", "c@p2.nl", partnership_ref="p2", roles=("coordinator",))
    app.add_person("Kees", "k@p2.nl", partnership_ref="p2", roles=("kerngroep",))
    return app, app.open_case(school_ref="AA01", protocol_id="partnerschap2", actor_ref="c@p2.nl")


def test_editing_a_version_in_place_does_not_change_running_cases(
    first: tuple[Toetreding, int], store: Store, clock: FixedClock, tmp_path: Path
) -> None:
    _, case_id = first
    edited = service(store, clock, tmp_path, EDITED)
    decision = edited.fire(
        case_id,
        "orientatie_afronden",
        actor_ref="k@p2.nl",
        inputs=with_pdfs(edited, case_id, "orientatie_afronden", {"verslag_orientatie": "v"}),
    )
    assert decision.to_state == "zelfevaluatie"  # the stored version still allows the kerngroep
    with pytest.raises(ConflictError, match="verhoog 'version'"):
        edited.open_case(school_ref="BB02", protocol_id="partnerschap2", actor_ref="c@p2.nl")


def test_a_new_version_applies_to_new_cases_only(
    first: tuple[Toetreding, int], store: Store, clock: FixedClock, tmp_path: Path
) -> None:
    _, old_case = first
    (tmp_path / "partnerschap2-earlier.yaml").write_text(ORIGINAL, encoding="utf-8")
    app = service(
        store, clock, tmp_path, edit(EDITED, f"version: {CURRENT}\n", f"version: {CURRENT + 1}\n")
    )
    new_case = app.open_case(school_ref="BB02", protocol_id="partnerschap2", actor_ref="c@p2.nl")
    assert app.store.case(new_case).protocol_version == CURRENT + 1
    with pytest.raises(RoleNotAllowed):
        app.fire(
            new_case,
            "orientatie_afronden",
            actor_ref="k@p2.nl",
            inputs=with_pdfs(app, new_case, "orientatie_afronden", {"verslag_orientatie": "v"}),
        )
    assert app.fire(
        old_case,
        "orientatie_afronden",
        actor_ref="k@p2.nl",
        inputs=with_pdfs(app, old_case, "orientatie_afronden", {"verslag_orientatie": "v"}),
    )


def test_a_case_outlives_its_protocol_file(
    first: tuple[Toetreding, int], store: Store, clock: FixedClock
) -> None:
    _, case_id = first
    without_files = Toetreding(store, ProtocolRegistry(), clock)
    view = without_files.view(case_id)
    assert view.spec.version == CURRENT and view.state.label == "Oriënterend gesprek"
    assert (
        without_files.fire(
            case_id,
            "orientatie_afronden",
            actor_ref="k@p2.nl",
            inputs=with_pdfs(
                without_files, case_id, "orientatie_afronden", {"verslag_orientatie": "v"}
            ),
        ).to_state
        == "zelfevaluatie"
    )
