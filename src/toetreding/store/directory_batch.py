"""A spreadsheet import's additions and changes to schools, people and roles, in ONE
transaction: either every row is in, or none is."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from toetreding._exceptions import ConflictError
from toetreding.store._common import MEMBERSHIPS, PEOPLE, SCHOOLS
from toetreding.store.records import DirectoryBatch


class DirectoryBatchStore:
    engine: Engine

    def apply_directory_batch(self, batch: DirectoryBatch, at: datetime) -> None:
        """Insert and update everything in ``batch``; a unique key broken meanwhile (someone
        added the same BRIN or e-mail address) rolls all of it back as a ConflictError."""
        pid = batch.partnership_id
        try:
            with self.engine.begin() as connection:
                for school in batch.new_schools:
                    values = school.model_dump()
                    connection.execute(insert(SCHOOLS).values(**values, created_at=at))
                for changed_id, changes in batch.school_changes:
                    connection.execute(
                        update(SCHOOLS)
                        .where(SCHOOLS.c.id == changed_id, SCHOOLS.c.partnership_id == pid)
                        .values(**changes.model_dump(exclude_unset=True))
                    )
                for name, email in batch.new_people:
                    connection.execute(insert(PEOPLE).values(name=name, email=email, created_at=at))
                for person_id, name in batch.renamed_people:
                    connection.execute(
                        update(PEOPLE).where(PEOPLE.c.id == person_id).values(name=name)
                    )
                for grant in batch.new_memberships:
                    person_id = connection.execute(
                        select(PEOPLE.c.id).where(PEOPLE.c.email == grant.email)
                    ).scalar_one()
                    school_id: int | None = None
                    if grant.school_brin is not None:
                        school_id = connection.execute(
                            select(SCHOOLS.c.id).where(
                                SCHOOLS.c.brin == grant.school_brin, SCHOOLS.c.partnership_id == pid
                            )
                        ).scalar_one()
                    connection.execute(
                        insert(MEMBERSHIPS).values(
                            person_id=person_id,
                            partnership_id=pid,
                            role=grant.role,
                            school_id=school_id,
                        )
                    )
        except IntegrityError as exc:
            raise ConflictError(
                "iemand anders heeft intussen dezelfde school, hetzelfde e-mailadres of "
                "dezelfde rol vastgelegd; er is niets ingelezen, probeer het opnieuw"
            ) from exc
