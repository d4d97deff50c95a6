"""The machinery every definition file format shares: protocols, quality frameworks, advice
rules and cohort scripts are all loaded through it.

* Stage 1, YAML (``_yaml.py``): a safe loader with YAML 1.2 booleans, a repeated key as a
  problem, and the line of every key and list item; bounded (a size limit checked before
  reading, a budget of values and depth against alias bombs). The calendar file uses it too.
  What needs no parser (a file's text, key paths) is in ``_text.py``: PyYAML is loaded
  only when a text is parsed.
* Stage 2, the model: a format's pydantic models derive from :class:`Spec` and use the
  shared field types (:data:`Identifier`, :data:`ProtocolId`, :data:`Text`); pydantic's
  errors become Dutch messages (``_messages.py``); :func:`value_problem` says the same of a
  value a person typed (a web request's part, a command's argument).
* Stage 3, the cross-checks: a format's :data:`CrossCheck` returns ``(KeyPath, message)``
  pairs; :func:`load_document` (``_loader.py``) puts file, line and key to each, and
  :func:`locate` does the same for warnings about a file that loaded.
* Folders of files: :func:`yaml_files` and :func:`load_versioned` (``_files.py``).

Other packages use only the names below.
"""

from toetreding.formats._files import (
    YAML_SUFFIXES,
    Versioned,
    file_problem,
    load_versioned,
    yaml_files,
)
from toetreding.formats._loader import (
    CrossCheck,
    load_document,
    load_document_file,
    locate,
    read_document_text,
)
from toetreding.formats._messages import known_codes, value_problem, version_words
from toetreding.formats._spec import Identifier, ProtocolId, Spec, Text
from toetreding.formats._text import KeyPath, YamlProblem, read_yaml, read_yaml_text

__all__ = [
    "YAML_SUFFIXES",
    "CrossCheck",
    "Identifier",
    "KeyPath",
    "ProtocolId",
    "Spec",
    "Text",
    "Versioned",
    "YamlProblem",
    "file_problem",
    "known_codes",
    "load_document",
    "load_document_file",
    "load_versioned",
    "locate",
    "read_document_text",
    "read_yaml",
    "read_yaml_text",
    "value_problem",
    "version_words",
    "yaml_files",
]
