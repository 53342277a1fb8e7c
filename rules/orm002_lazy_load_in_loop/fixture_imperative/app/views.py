from app import meta
from app.model import Package, PackageTag


def listing():
    for p in meta.Session.query(Package).all():
        print(len(p.package_tags))  # expect: ORM002
    for t in meta.Session.query(PackageTag):
        print(t.package.name)  # expect: ORM002


def eager():
    from sqlalchemy import orm

    for p in meta.Session.query(Package).options(orm.selectinload(Package.package_tags)):
        print(len(p.package_tags))  # ok: loaded with the rows
