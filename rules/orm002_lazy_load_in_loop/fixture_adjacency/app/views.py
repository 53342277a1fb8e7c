from .models import Category, Folder, Node, Page, Tag


def category_parents():
    return [c.parent.title for c in Category.query.all()]  # expect: ORM002


def category_children():
    return [len(c.children) for c in Category.query.all()]  # expect: ORM002


def node_parents():
    for n in Node.query.filter(Node.parent_id.isnot(None)):
        print(n.parent.name)  # expect: ORM002


def node_children():
    for n in Node.query.all():
        print([c.name for c in n.children])  # expect: ORM002


def folder_tree():
    for f in Folder.query.all():
        print(f.parent.name, len(f.subfolders))  # expect: ORM002, ORM002


def tag_parents():
    for t in Tag.query.all():
        print(t.parent.id)  # expect: ORM002


def page_parents():
    return [p.parent.uuid for p in Page.query.all()]  # expect: ORM002


def category_parents_loaded():
    from sqlalchemy.orm import joinedload

    rows = Category.query.options(joinedload(Category.parent)).all()
    return [c.parent.title for c in rows]  # ok: the parent is loaded with the rows
