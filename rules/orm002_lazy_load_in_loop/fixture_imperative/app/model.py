from sqlalchemy import Column, ForeignKey, Integer, Table, Text, orm
from app import meta

package_table = Table("package", meta.metadata,
                      Column("id", Integer, primary_key=True),
                      Column("name", Text))
tag_table = Table("package_tag", meta.metadata,
                  Column("id", Integer, primary_key=True),
                  Column("package_id", Integer, ForeignKey("package.id")))


class Package(object):
    def as_dict(self):
        return {"tags": [t.id for t in self.package_tags]}


class PackageTag(object):
    pass


meta.registry.map_imperatively(PackageTag, tag_table)
meta.registry.map_imperatively(Package, package_table, properties={
    "package_tags": orm.relationship(PackageTag, backref="package"),
})
