"""The base of every table and schema class in this package, imported from here so that its
setting holds before any of them is defined.

Every class here is a pydantic model. Pydantic builds a model's validator when the model is
first used, not when the class is made (``defer_build``): a command uses a few of the
seventy-odd, and building all of them took 8% of ``toetreding case show``'s start.
"""

from sqlmodel import SQLModel

SQLModel.model_config["defer_build"] = True

__all__ = ["SQLModel"]
