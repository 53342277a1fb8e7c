"""ORM007 over tables declared with Table(...): an imperative mapping, and a
declarative class with `__table__`. The classes' `x: Mapped[T]` lines are
typing only: the indexes are the table's, and a finding is on its Column."""
import datetime
from typing import Optional

from sqlalchemy import (Boolean, Column, DateTime, ForeignKey, Index, Integer, MetaData, Table, UnicodeText,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, registry

metadata = MetaData()
mapper_registry = registry(metadata=metadata)

package_table = Table(
    "package",
    metadata,
    Column("id", UnicodeText, primary_key=True),  # ok: the primary key, named by a string
    Column("name", UnicodeText, unique=True),  # ok: unique
    Column("state", UnicodeText),  # ok: compared only to "active", a value the code names
    Column("owner_id", Integer, ForeignKey("owner.id"), index=True),
    Column("group_id", UnicodeText),  # ok: leads the table's Index, named by strings
    Column("kind", UnicodeText),  # expect: ORM007
    Column("private", Boolean, default=False),  # ok: two values, named by a string too
    Index("idx_package_group_kind", "group_id", "kind"),
)


class Package:
    id: Mapped[str]  # ok: typing only, the table's column is the key
    name: Mapped[str]
    state: Mapped[str]  # ok: typing only, the finding is on the table's column


mapper_registry.map_imperatively(Package, package_table)


class Base(DeclarativeBase):
    pass


class Activity(Base):
    __table__ = Table(
        "activity",
        Base.metadata,
        Column("id", UnicodeText, primary_key=True),  # ok: the primary key
        Column("timestamp", DateTime),  # expect: ORM007
        Column("user_id", UnicodeText, index=True),
        Column("actor", UnicodeText),  # ok: leads the UniqueConstraint
        UniqueConstraint("actor", "timestamp"),
    )

    id: Mapped[str]  # ok: declared by __table__
    timestamp: Mapped[datetime.datetime]  # ok: declared by __table__
    user_id: Mapped[Optional[str]]


def lookups(session: Session, key, when, who):
    a = session.query(Package).filter(Package.id == key).first()
    b = session.query(Package).filter(Package.state == "active").all()
    c = session.query(Package).filter(Package.name == key).first()
    d = session.query(Activity).filter(Activity.id == key).first()
    e = session.query(Activity).filter(Activity.timestamp > when).all()
    f = session.query(Activity).filter(Activity.user_id == who).all()
    g = session.query(Package).filter(Package.group_id == key).all()
    h = session.query(Package).filter(Package.kind == key).all()
    j = session.query(Package).filter(Package.private == False).all()  # noqa: E712
    i = session.query(Activity).filter(Activity.actor == who).all()
    return a, b, c, d, e, f, g, h, i, j
