"""Taking a step through the API: its request body, as JSON (``FireCreate``) or as
``multipart/form-data`` with the files a step's document inputs ask for."""

from __future__ import annotations

import json
from typing import Any

from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from toetreding._exceptions import InvalidInputError
from toetreding.files import ACCEPTED_TEXT
from toetreding.web.schemas import FireCreate
from toetreding.web.uploads import MAX_FILES, Received

UNREADABLE = "ongeldige aanvraag: de inhoud is geen leesbare JSON"


def fire_body() -> dict[str, Any]:
    """The request body of ``POST /api/dossiers/{case_id}/handelingen/{trigger}`` as the
    OpenAPI schema documents it (the route reads the body itself: JSON or multipart)."""
    return {
        "required": True,
        "content": {
            "application/json": {"schema": FireCreate.model_json_schema()},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "inputs": {
                            "type": "string",
                            "description": "De overige invoer als JSON-object, bijv. "
                            '{"paginas": 9}',
                        },
                        "note": {"type": "string", "description": "Toelichting of motivering"},
                        "role": {"type": "string", "maxLength": 40},
                    },
                    "additionalProperties": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "maxItems": MAX_FILES,
                        "description": "Het bestand van een documentinvoer, onder de naam van "
                        f"die invoer (bijv. zelfevaluatie): {ACCEPTED_TEXT}",
                    },
                }
            },
        },
    }


def fire_create(received: Received | None, raw: bytes | None) -> FireCreate:
    """The step's note, role and inputs, from a JSON body or a form's text fields."""
    try:
        if received is None:
            if not raw:
                raise RequestValidationError(
                    [{"loc": ("body",), "msg": "de inhoud ontbreekt", "type": "empty_body"}]
                )
            return FireCreate.model_validate_json(raw)
        inputs = received.text("inputs")
        return FireCreate.model_validate_json(
            _form_json(inputs, received.text("note"), received.text("role"))
        )
    except ValidationError as exc:
        if any(error["type"] == "json_invalid" for error in exc.errors()):
            raise InvalidInputError(UNREADABLE) from None
        raise RequestValidationError(exc.errors()) from None


def _form_json(inputs: str, note: str, role: str) -> str:
    try:
        given = json.loads(inputs) if inputs else {}
    except ValueError:
        raise InvalidInputError("ongeldige aanvraag: 'inputs' is geen JSON-object") from None
    body: dict[str, Any] = {"inputs": given}
    if note:
        body["note"] = note
    if role:
        body["role"] = role
    return json.dumps(body)
