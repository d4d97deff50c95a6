"""The iCalendar writer: text escaping, folding at 75 octets, CRLF, all-day events."""

from __future__ import annotations

from datetime import UTC, date, datetime

from toetreding.web.ical import AllDayEvent, calendar, escape_text, fold


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def test_text_escapes_backslash_semicolon_comma_and_line_breaks() -> None:
    assert escape_text("a\\b;c,d") == "a\\\\b\\;c\\,d"
    assert escape_text("een\r\ntwee\ndrie\rvier") == "een\\ntwee\\ndrie\\nvier"
    assert escape_text("Termijn: 1 april — De Esch") == "Termijn: 1 april — De Esch"


def test_a_short_line_is_not_folded() -> None:
    line = "X" * 75
    assert fold(line) == line


def test_a_long_line_is_folded_at_75_octets_and_unfolds_to_the_original() -> None:
    line = "DESCRIPTION:" + "abcdefghij" * 20
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) == 3
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert len(parts[0].encode()) == 75  # as full as allowed
    assert unfold(folded) == line


def test_folding_never_splits_a_multibyte_character() -> None:
    line = "SUMMARY:" + "ë—" * 60  # 2- and 3-octet characters
    parts = fold(line).split("\r\n")
    assert len(parts) > 1
    for part in parts:
        encoded = part.encode("utf-8")
        assert len(encoded) <= 75
        assert encoded.decode("utf-8") == part  # each physical line is whole UTF-8
    assert unfold(fold(line)) == line


def test_a_calendar_has_crlf_lines_and_one_all_day_vevent_per_event() -> None:
    events = [
        AllDayEvent(
            "termijn-4@voorbeeld.nl",
            date(2026, 12, 13),
            "Termijn: audit; nu, echt",
            "Stap: Volgschool\nDossier: https://voorbeeld.nl/dossiers/5",
            "https://voorbeeld.nl/dossiers/5",
        ),
        AllDayEvent("termijn-5@voorbeeld.nl", date(2026, 12, 31), "Termijn: " + "lang " * 30),
    ]
    text = calendar(
        events, name="toetreding — termijnen", stamp=datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    )
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # no bare line feeds
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = unfold(text).split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines
    assert lines.count("BEGIN:VEVENT") == 2 == lines.count("END:VEVENT")
    assert "DTSTART;VALUE=DATE:20261213" in lines and "DTEND;VALUE=DATE:20261214" in lines
    assert "SUMMARY:Termijn: audit\\; nu\\, echt" in lines
    assert "DESCRIPTION:Stap: Volgschool\\nDossier: https://voorbeeld.nl/dossiers/5" in lines
    assert "UID:termijn-4@voorbeeld.nl" in lines


def test_the_stamp_is_written_in_utc() -> None:
    aware = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
    text = calendar([AllDayEvent("u", date(2026, 1, 1), "s")], name="n", stamp=aware)
    assert "DTSTAMP:20261123T093000Z\r\n" in text
