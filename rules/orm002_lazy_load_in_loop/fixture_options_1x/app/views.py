# SQLAlchemy 1.x: a loader derived from an option variable extends it in
# place (`strategy.joinedload(...)` adds to what `strategy` loads).
from sqlalchemy.orm import defaultload, selectinload

from app.models import Form, Item


def extended_in_place(form_id):
    strategy = defaultload(Form.items)
    children = strategy.joinedload(Item.children)
    children.joinedload(Item.data)
    form = Form.query.filter_by(id=form_id).options(strategy).one()
    for section in form.sections:
        for child in section.children:  # ok: strategy loads items.children in 1.x
            print(child.data)  # ok: and items.children.data


def not_extended(form_id):
    strategy = defaultload(Form.items)
    form = Form.query.filter_by(id=form_id).options(strategy).one()
    for section in form.sections:
        for child in section.children:  # expect: ORM002
            print(child.id)


def extended_elsewhere(form_id):
    strategy = defaultload(Form.items)
    strategy.joinedload(Item.data)
    form = Form.query.filter_by(id=form_id).options(strategy).one()
    for section in form.sections:
        print(section.data)  # ok: loaded in 1.x
        for child in section.children:  # expect: ORM002
            print(child.id)


def renumber(items):
    # its one caller passes Form.items of a row whose query extends its
    # option variable in place: children are loaded, data is not
    for item in items:
        print(item.children)  # ok: loaded by the caller's query (1.x)
        print(item.data)  # expect: ORM002


def renumber_forms(event_id):
    strategy = selectinload(Form.items)
    strategy.joinedload(Item.children)
    for form in Form.query.filter_by(event_id=event_id).options(strategy):
        renumber(form.items)
