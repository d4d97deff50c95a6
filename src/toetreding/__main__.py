"""The ``toetreding`` command (also ``python -m toetreding``), started quickly.

Starting a command creates some 160,000 objects that live as long as the process: modules,
classes, the tables' SQLAlchemy and pydantic machinery. Python's garbage collector would
walk all of them again and again while they are made, finding nothing to free; that was a
quarter of ``toetreding case show``'s start. So it is paused until the command's module is
loaded, then what exists is set aside for good (``gc.freeze``) and collection resumes for
everything the command makes while it runs (``cli.resume_collection``).
"""

from __future__ import annotations

import gc


def main() -> None:
    gc.disable()
    from toetreding.cli import main as run

    run()


if __name__ == "__main__":
    main()
