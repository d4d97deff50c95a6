"""Quality frameworks as data: the shipped files, what an author sees when a file is wrong,
how a partnership loads its own framework, and the ``toetreding framework`` commands."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from toetreding._exceptions import ConflictError, DefinitionError, NotFoundError
from toetreding.frameworks import FrameworkRegistry, load_framework_file, load_framework_text
from toetreding.store import Store, definition_digest
from toetreding.store.frameworks import FrameworkStore
from toetreding.store.tables import Framework

from .helpers import Writer, edit, line_of, run

PROTOCOLS = Path(__file__).resolve().parent.parent / "protocols"
SHIPPED = sorted((PROTOCOLS / "frameworks").glob("*.yaml"))
NVAO = "nvao-opleidingsschool-2009"
AT = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)

# A partnership's own framework, shaped like the four waarborgen of the national framework.
# Their wording is not in this project's sources: the names here are placeholders.
WAARBORGEN = """\
format: 1
id: vier-waarborgen
version: 1
title: Vier waarborgen (eigen kader)
source: Eigen uitwerking van het partnerschap
scored: true
scale:
  - {name: op_orde, label: Op orde, sufficient: true}
  - {name: in_ontwikkeling, label: In ontwikkeling, sufficient: false}
domains:
  - id: waarborgen
    title: Waarborgen
    criteria:
      - {id: waarborg_a, title: Waarborg A, asks: Vraag bij waarborg A}
      - {id: waarborg_b, title: Waarborg B, asks: Vraag bij waarborg B}
      - {id: waarborg_c, title: Waarborg C, asks: Vraag bij waarborg C}
      - {id: waarborg_d, title: Waarborg D, asks: Vraag bij waarborg D}
"""


def problems_of(path: Path) -> list[tuple[int | None, str, str]]:
    with pytest.raises(DefinitionError) as info:
        load_framework_file(path)
    return [(p.line, p.key, p.message) for p in info.value.problems]


# --- shipped frameworks --------------------------------------------------------------------


def test_the_four_frameworks_are_shipped() -> None:
    ids = {spec.id for spec in FrameworkRegistry.shipped(PROTOCOLS).all()}
    assert ids == {
        NVAO,
        "aspirant-ontwikkelplan",
        "basiskwaliteit-waarborgen",
        "frosk-intakegesprek",
    }


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_framework_loads(path: Path) -> None:
    spec = load_framework_file(path)
    assert spec.criteria(), f"{path.name} has no criteria"
    assert spec.source


def test_nvao_has_the_criteria_of_the_2009_framework_in_order() -> None:
    spec = FrameworkRegistry.shipped(PROTOCOLS).get(NVAO)
    assert spec.scored
    assert [c.id for c in spec.criteria()] == [
        "gerealiseerd_niveau",
        *("1.1", "1.2", "1.3", "1.4", "1.5"),
        *("2.1", "2.2"),
        "3.1",
        *("4.1", "4.2", "4.3"),
    ]
    assert [d.title for d in spec.domains] == [
        "Deel 1 — Gerealiseerd niveau",
        "1 Programma",
        "2 Inzet van personeel",
        "3 Voorzieningen",
        "4 Interne kwaliteitszorg",
    ]


def test_nvao_criteria_the_source_names_only_by_heading_carry_a_note_not_a_text() -> None:
    spec = FrameworkRegistry.shipped(PROTOCOLS).get(NVAO)
    noted = {c.id: c for c in spec.criteria() if c.note}
    assert sorted(noted) == ["1.3", "2.1", "4.1", "4.2"]
    assert {c.asks for c in noted.values()} == {None}
    assert {c.note for c in noted.values()} == {
        "bron noemt alleen het onderwerp; de omschrijving staat in het NVAO-toetsingskader"
    }
    # No criterion's text is a remark about the file any more.
    assert not any("bron" in (c.asks or "").lower() for c in spec.criteria())


def test_version_1_of_nvao_keeps_its_digest() -> None:
    """'asks' optional and 'note' new: a version written before keeps its digest, so the
    databases that recorded it (audits scored against it) still find it unchanged."""
    v1 = load_framework_file(Path(__file__).parent / "data" / "nvao-opleidingsschool-2009.v1.yaml")
    assert (v1.version, v1.criterion("1.3").note) == (1, "")
    assert definition_digest(v1) == (
        "59d346948f76f423145debcd13de4c5dbcd079930f36faf6974234ccf3ebf464"
    )


def test_a_criterion_without_text_needs_a_note(write: Writer) -> None:
    text = edit(WAARBORGEN, ", asks: Vraag bij waarborg C}", "}")
    assert problems_of(write(text)) == [
        (
            line_of(text, "waarborg_c"),
            "domains[0] (waarborgen).criteria[2] (waarborg_c)",
            "criterium 'waarborg_c' zegt niet wat het vraagt: geef 'asks', of een 'note' die "
            "zegt waarom dat ontbreekt (bijvoorbeeld: de bron noemt alleen het onderwerp)",
        )
    ]
    noted = edit(WAARBORGEN, ", asks: Vraag bij waarborg C}", ", note: alleen de kop bekend}")
    assert load_framework_file(write(noted, "noted.yaml")).criterion("waarborg_c").asks is None


def test_nvao_scale_splits_onvoldoende_and_marks_what_is_sufficient() -> None:
    spec = FrameworkRegistry.shipped(PROTOCOLS).get(NVAO)
    assert [(level.name, level.sufficient) for level in spec.scale] == [
        ("excellent", True),
        ("goed", True),
        ("voldoende", True),
        ("onvoldoende_reparabel", False),
        ("voldoet_niet", False),
    ]
    assert spec.level("voldoet_niet").label == "Onvoldoende — voldoet niet"
    with pytest.raises(NotFoundError, match="bekend zijn: excellent, goed, voldoende"):
        spec.level("matig")


def test_aspirant_plan_has_four_unscored_themes_in_three_parts() -> None:
    spec = FrameworkRegistry.shipped(PROTOCOLS).get("aspirant-ontwikkelplan")
    assert not spec.scored and spec.scale == ()
    assert [c.title for c in spec.criteria()] == [
        "Visie en ambitie",
        "Samenwerking en organisatiestructuur",
        "Professionalisering medewerkers",
        "Kwaliteitszorg",
    ]
    for criterion in spec.criteria():
        assert [(f.name, f.label) for f in criterion.fields] == [
            ("ambitie", "Ambitie"),
            ("stand_van_zaken", "Stand van zaken"),
            ("ontwikkelpad", "Ontwikkelpad"),
        ]


def test_frosk_intake_asks_the_ten_questions_of_the_seed() -> None:
    spec = FrameworkRegistry.shipped(PROTOCOLS).get("frosk-intakegesprek")
    assert not spec.scored
    assert [c.id for c in spec.criteria()] == [str(n) for n in range(1, 11)]
    assert spec.criterion("1").asks == (
        "Werkt de school (tevens te lezen als: scholengemeenschap) met schoolopleiders en "
        "opgeleide werkplekbegeleiders / vak coaches?"
    )
    assert spec.criterion("3").asks == "Hoe werkt de school aan kwaliteitszorg?"
    assert spec.criterion("10").asks == (
        "Wat is er voor de school nodig om tot een enthousiaste en inspirerende samenwerking "
        "te komen met de partnerscholen binnen de FROSK?"
    )


# --- the registry ----------------------------------------------------------------------------


def test_registry_gives_the_newest_version_unless_asked(write: Writer, tmp_path: Path) -> None:
    write(WAARBORGEN, "v1.yaml")
    write(edit(WAARBORGEN, "version: 1", "version: 2"), "v2.yaml")
    registry = FrameworkRegistry.from_directory(tmp_path)
    assert registry.get("vier-waarborgen").version == 2
    assert registry.get("vier-waarborgen", 1).version == 1
    with pytest.raises(NotFoundError, match="'vier-waarborgen' versie 3 is onbekend"):
        registry.get("vier-waarborgen", 3)


def test_registry_refuses_one_version_in_two_files(write: Writer) -> None:
    first = write(WAARBORGEN, "a.yaml")
    second = write(WAARBORGEN, "b.yaml")
    with pytest.raises(DefinitionError) as info:
        FrameworkRegistry.from_directory(first.parent)
    [problem] = info.value.problems
    assert problem.file == str(second)
    assert problem.message == f"kader 'vier-waarborgen' versie 1 staat ook in {first}"


# --- malformed files -------------------------------------------------------------------------


def test_unknown_top_level_key_lists_the_allowed_keys(write: Writer) -> None:
    text = edit(WAARBORGEN, "scored: true\n", "scored: true\nkleur: rood\n")
    assert problems_of(write(text)) == [
        (
            line_of(text, "kleur"),
            "kleur",
            "onbekende sleutel 'kleur'; toegestaan zijn: format, id, version, title, "
            "description, source, scored, scale, domains",
        )
    ]


def test_unknown_key_in_a_criterion_names_the_criterion(write: Writer) -> None:
    text = edit(
        WAARBORGEN,
        "      - {id: waarborg_b, title: Waarborg B, asks: Vraag bij waarborg B}\n",
        "      - id: waarborg_b\n        title: Waarborg B\n        asks: Vraag\n"
        "        weging: 2\n",
    )
    assert problems_of(write(text)) == [
        (
            line_of(text, "weging"),
            "domains[0] (waarborgen).criteria[1] (waarborg_b).weging",
            "onbekende sleutel 'weging'; toegestaan zijn: id, title, asks, note, fields",
        )
    ]


def test_duplicate_criterion_id_points_at_the_second(write: Writer) -> None:
    text = (
        WAARBORGEN
        + "  - id: extra\n    title: Extra\n    criteria:\n"
        + "      - id: waarborg_a\n        title: Nog een A\n        asks: Vraag\n"
    )
    assert problems_of(write(text)) == [
        (
            line_of(text, "id: waarborg_a", occurrence=1),
            "domains[1] (extra).criteria[0] (waarborg_a).id",
            "criterium-id 'waarborg_a' komt al voor in domein 'waarborgen'; "
            "elk criterium heeft een eigen id",
        )
    ]


def test_scored_framework_without_scale_is_refused_at_scored(write: Writer) -> None:
    start, end = WAARBORGEN.index("scale:"), WAARBORGEN.index("domains:")
    text = WAARBORGEN[:start] + WAARBORGEN[end:]
    assert problems_of(write(text)) == [
        (
            line_of(text, "scored: true"),
            "scored",
            "een kader met 'scored: true' heeft een 'scale' met minstens twee niveaus nodig "
            "(beste eerst)",
        )
    ]


def test_scale_of_one_level_is_refused(write: Writer) -> None:
    text = edit(
        WAARBORGEN, "  - {name: in_ontwikkeling, label: In ontwikkeling, sufficient: false}\n", ""
    )
    [(line, key, message)] = problems_of(write(text))
    assert (line, key) == (line_of(text, "scale:"), "scale")
    assert "minstens twee niveaus" in message


def test_unscored_framework_may_not_have_a_scale(write: Writer) -> None:
    text = edit(WAARBORGEN, "scored: true", "scored: false")
    [(line, key, message)] = problems_of(write(text))
    assert (line, key) == (line_of(text, "scale:"), "scale")
    assert "'scored: false' heeft geen schaal" in message


def test_duplicate_level_name_points_at_the_second(write: Writer) -> None:
    text = edit(WAARBORGEN, "name: in_ontwikkeling", "name: op_orde")
    assert problems_of(write(text)) == [
        (
            line_of(text, "op_orde", occurrence=1),
            "scale[1] (op_orde).name",
            "niveau 'op_orde' komt al eerder voor",
        )
    ]


def test_sufficient_level_below_an_insufficient_one_is_refused(write: Writer) -> None:
    text = edit(WAARBORGEN, "sufficient: true}", "sufficient: false}")
    text = edit(text, "ontwikkeling, sufficient: false}", "ontwikkeling, sufficient: true}")
    [(line, key, message)] = problems_of(write(text))
    assert (line, key) == (
        line_of(text, "in_ontwikkeling"),
        "scale[1] (in_ontwikkeling).sufficient",
    )
    assert "zet de niveaus van best naar slechtst" in message


def test_sufficient_on_some_levels_only_is_refused(write: Writer) -> None:
    text = edit(WAARBORGEN, ", sufficient: false}", "}")
    [(line, key, message)] = problems_of(write(text))
    assert (line, key) == (line_of(text, "in_ontwikkeling"), "scale[1] (in_ontwikkeling)")
    assert "geef het bij elk niveau of bij geen enkel" in message


def test_unquoted_number_as_id_asks_for_quotes(write: Writer) -> None:
    text = edit(WAARBORGEN, "{id: waarborg_a,", "{id: 1.10,")
    [(line, key, message)] = problems_of(write(text))
    assert line == line_of(text, "id: 1.10")
    assert key == "domains[0] (waarborgen).criteria[0] (1.1).id"
    assert "zet het id tussen aanhalingstekens" in message


def test_repeated_key_is_refused_with_its_line(write: Writer) -> None:
    text = edit(WAARBORGEN, "scored: true\n", "scored: true\ntitle: Nog een titel\n")
    assert problems_of(write(text)) == [
        (line_of(text, "Nog een titel"), "title", "sleutel 'title' komt twee keer voor")
    ]


# --- the store --------------------------------------------------------------------------------


@pytest.fixture
def frameworks(store: Store) -> FrameworkStore:
    return FrameworkStore(store.engine, FrameworkRegistry.shipped(PROTOCOLS))


def partnership(store: Store, code: str) -> int:
    created = store.add_partnership(code, f"Partnerschap {code}", AT)
    assert created.id is not None
    return created.id


def rows(store: Store) -> int:
    with Session(store.engine) as session:
        return session.exec(select(func.count()).select_from(Framework)).one()


def test_a_partnership_sees_its_own_framework_and_the_shipped_ones(
    store: Store, frameworks: FrameworkStore
) -> None:
    own, other = partnership(store, "part2"), partnership(store, "frosk")
    assert frameworks.load(own, load_framework_text(WAARBORGEN), AT) is True
    assert frameworks.get(own, "vier-waarborgen").title == "Vier waarborgen (eigen kader)"
    assert [(r.framework_id, r.partnership_id) for r in frameworks.list(own)] == [
        ("aspirant-ontwikkelplan", None),
        ("basiskwaliteit-waarborgen", None),
        ("frosk-intakegesprek", None),
        (NVAO, None),
        ("vier-waarborgen", own),
    ]
    assert "vier-waarborgen" not in {r.framework_id for r in frameworks.list(other)}
    assert "vier-waarborgen" not in {r.framework_id for r in frameworks.list(None)}
    with pytest.raises(NotFoundError, match="'vier-waarborgen' is onbekend"):
        frameworks.get(other, "vier-waarborgen")
    assert frameworks.get(other, NVAO).version == 2


def test_identical_reload_changes_nothing(store: Store, frameworks: FrameworkStore) -> None:
    own = partnership(store, "part2")
    frameworks.load(own, load_framework_text(WAARBORGEN), AT)
    # Comments and layout are not content.
    relaid = "# herschreven\n" + edit(WAARBORGEN, "title: Vier", "title:   Vier")
    assert frameworks.load(own, load_framework_text(relaid), AT) is False
    assert rows(store) == 1


def test_changed_content_under_the_same_version_is_refused(
    store: Store, frameworks: FrameworkStore
) -> None:
    own = partnership(store, "part2")
    frameworks.load(own, load_framework_text(WAARBORGEN), AT)
    changed = load_framework_text(edit(WAARBORGEN, "Vraag bij waarborg D", "Andere vraag"))
    with pytest.raises(ConflictError, match="verhoog het versienummer"):
        frameworks.load(own, changed, AT)
    assert frameworks.get(own, "vier-waarborgen").criterion("waarborg_d").asks == (
        "Vraag bij waarborg D"
    )
    bumped = load_framework_text(
        edit(edit(WAARBORGEN, "Vraag bij waarborg D", "Andere vraag"), "version: 1", "version: 2")
    )
    assert frameworks.load(own, bumped, AT) is True
    assert frameworks.get(own, "vier-waarborgen").version == 2
    assert frameworks.get(own, "vier-waarborgen", 1).criterion("waarborg_d").asks == (
        "Vraag bij waarborg D"
    )


def test_same_framework_in_two_partnerships_may_differ(
    store: Store, frameworks: FrameworkStore
) -> None:
    first, second = partnership(store, "part2"), partnership(store, "frosk")
    frameworks.load(first, load_framework_text(WAARBORGEN), AT)
    other = load_framework_text(edit(WAARBORGEN, "Vraag bij waarborg A", "Eigen vraag"))
    assert frameworks.load(second, other, AT) is True
    assert frameworks.get(second, "vier-waarborgen").criterion("waarborg_a").asks == "Eigen vraag"


def test_an_edited_copy_of_a_shipped_framework_needs_its_own_id(
    store: Store, frameworks: FrameworkStore
) -> None:
    own = partnership(store, "part2")
    text = (PROTOCOLS / "frameworks" / f"{NVAO}.yaml").read_text(encoding="utf-8")
    edited = load_framework_text(edit(text, "title: Samenhang", "title: Eenheid"))
    with pytest.raises(ConflictError, match="wordt al meegeleverd met een andere inhoud"):
        frameworks.load(own, edited, AT)
    assert rows(store) == 0


def test_a_shipped_framework_is_recorded_once(store: Store, frameworks: FrameworkStore) -> None:
    nvao = frameworks.get(None, NVAO)
    assert frameworks.load(None, nvao, AT) is True
    assert frameworks.load(None, nvao, AT) is False
    [row] = [r for r in frameworks.list(None) if r.framework_id == NVAO]
    assert row.loaded_at is not None and row.partnership_id is None
    assert rows(store) == 1


@pytest.mark.parametrize("owned", [False, True], ids=["shipped", "own"])
def test_the_database_refuses_a_second_row_for_one_version(store: Store, owned: bool) -> None:
    # The unique indexes are what stop two simultaneous loads, also when partnership_id is NULL.
    owner = partnership(store, "part2") if owned else None
    row: dict[str, Any] = {
        "partnership_id": owner,
        "framework_id": "x",
        "version": 1,
        "title": "X",
        "digest": "d",
        "definition": {},
        "loaded_at": AT,
    }
    with Session(store.engine) as session:
        session.add(Framework(**row))
        session.commit()
        session.add(Framework(**row))
        with pytest.raises(IntegrityError):
            session.commit()


def test_loading_for_an_unknown_partnership_is_refused(frameworks: FrameworkStore) -> None:
    with pytest.raises(NotFoundError, match="partnerschap 99 bestaat niet"):
        frameworks.load(99, load_framework_text(WAARBORGEN), AT)


# --- the command line -------------------------------------------------------------------------


def listed(*args: str) -> list[tuple[str, str | None]]:
    data = json.loads(run("framework", "list", *args, "--json"))
    codes = {p["id"]: p["code"] for p in json.loads(run("partnership", "list", "--json"))}
    return [(r["framework_id"], codes.get(r["partnership_id"])) for r in data]


def test_cli_loads_a_partnership_framework_and_lists_it_for_that_partnership_only(
    db: Path, write: Writer
) -> None:
    run("partnership", "add", "part2", "Partnerschap 2")
    run("partnership", "add", "frosk", "FROSK")
    path = write(WAARBORGEN)
    out = run("framework", "load", str(path), "--partnership", "part2")
    assert (
        "Kader 'Vier waarborgen (eigen kader)' versie 1 (code: vier-waarborgen; 1 domein, "
        "4 criteria, 2 niveaus) geladen" in out
    )
    assert " v1" not in out  # the title and "versie 1", never "id v1"
    assert ("vier-waarborgen", "part2") in listed("--partnership", "part2")
    assert "vier-waarborgen" not in {fid for fid, _ in listed("--partnership", "frosk")}
    assert "vier-waarborgen" not in {fid for fid, _ in listed()}
    table = run("framework", "list", "--partnership", "part2")
    assert "│ vier-waarborgen " in table and "│ part2 " in table and "│ meegeleverd " in table
    shown = json.loads(run("framework", "show", "vier-waarborgen", "-p", "part2", "--json"))
    assert [c["id"] for c in shown["domains"][0]["criteria"]] == [
        "waarborg_a",
        "waarborg_b",
        "waarborg_c",
        "waarborg_d",
    ]
    assert "niets gewijzigd" in run("framework", "load", str(path), "-p", "part2")


def test_cli_refuses_a_changed_reload_and_keeps_the_first(db: Path, write: Writer) -> None:
    run("partnership", "add", "part2", "Partnerschap 2")
    run("framework", "load", str(write(WAARBORGEN)), "-p", "part2")
    changed = write(edit(WAARBORGEN, "Vraag bij waarborg A", "Nieuwe vraag"), "nieuw.yaml")
    out = run("framework", "load", str(changed), "-p", "part2", code=1)
    assert "verhoog het versienummer" in out
    shown = json.loads(run("framework", "show", "vier-waarborgen", "-p", "part2", "--json"))
    assert shown["domains"][0]["criteria"][0]["asks"] == "Vraag bij waarborg A"


def test_cli_load_of_a_malformed_file_reports_it_and_stores_nothing(
    db: Path, write: Writer
) -> None:
    run("partnership", "add", "part2", "Partnerschap 2")
    text = edit(WAARBORGEN, "scored: true\n", "scored: true\nkleur: rood\n")
    path = write(text)
    out = run("framework", "load", str(path), "-p", "part2", code=1)
    assert f"{path}:{line_of(text, 'kleur')}: kleur: onbekende sleutel 'kleur'" in out
    assert "vier-waarborgen" not in {fid for fid, _ in listed("-p", "part2")}


def test_cli_validate_says_in_orde_with_counts_or_lists_every_problem(
    write: Writer,
) -> None:
    good = write(WAARBORGEN, "goed.yaml")
    out = run("framework", "validate", str(good))
    assert (
        "'Vier waarborgen (eigen kader)' versie 1 (code: vier-waarborgen) in orde — 1 domein, "
        "4 criteria, 2 niveaus" in out
    )
    assert " v1" not in out
    start, end = WAARBORGEN.index("scale:"), WAARBORGEN.index("domains:")
    text = edit(WAARBORGEN[:start] + WAARBORGEN[end:], "title: Vier", "titel: Vier")
    bad = write(text, "fout.yaml")
    out = run("framework", "validate", str(good), str(bad), code=1)
    assert f"{bad}:{line_of(text, 'titel')}: titel: onbekende sleutel 'titel'" in out
    assert f"{bad}:1: title: verplichte sleutel ontbreekt" in out


def test_cli_show_prints_scale_and_criteria(db: Path) -> None:
    out = run("framework", "show", NVAO)
    for text in ("Onvoldoende — voldoet niet", "4.3", "Studiebegeleiding", "Bron: NVAO"):
        assert text in out


def test_cli_show_of_an_unknown_framework_names_the_known_ones(db: Path) -> None:
    out = run("framework", "show", "onbekend-kader", code=1)
    known = "bekend zijn: aspirant-ontwikkelplan (versie 1)"
    assert f"kader 'onbekend-kader' is onbekend; {known}" in out


def test_cli_reports_a_broken_shipped_framework_with_its_line(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    protocols = tmp_path / "protocols"
    (protocols / "frameworks").mkdir(parents=True)
    broken = protocols / "frameworks" / "kapot.yaml"
    broken.write_text(edit(WAARBORGEN, "version: 1", "version: 0"), encoding="utf-8")
    monkeypatch.setenv("TOETREDING_PROTOCOLS_DIR", str(protocols))
    out = run("framework", "list", code=1)
    assert f"{broken}:3: version: moet minstens 1 zijn" in out
