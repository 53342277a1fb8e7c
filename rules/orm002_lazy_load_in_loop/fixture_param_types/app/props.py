from sqlalchemy.orm import selectinload

from app.models import Form, Section


def children_of_visible(form_id):
    # a property that returns self.sections filtered: rows of Section
    form = Form.query.get(form_id)
    for s in form.visible_sections:
        print(s.children)  # expect: ORM002
        print(s.form)  # ok: the many-to-one back to the row held
        print(s.pinned)  # ok: eager (selectin) relationship


def children_of_visible_loaded(form_id):
    form = Form.query.options(selectinload(Form.sections).selectinload(Section.children)).get(form_id)
    for s in form.visible_sections:
        print(s.children)  # ok: loaded with the form


def children_of_some(form_id):
    form = Form.query.get(form_id)
    for s in form.some_sections:
        print(s.children)  # ok: the property returns something else too


def nested_properties():
    for form in Form.query.options(selectinload(Form.sections)):
        for s in sorted(form.visible_sections, key=lambda x: x.id):
            for c in s.children:  # expect: ORM002
                print(c.title)


def overridden(form_id):
    form = Form.query.get(form_id)
    for s in form.ordered_sections:
        print(s.children)  # ok: a subclass answers otherwise


def renumber(form):
    # every caller passes one Form row
    for s in form.visible_sections:
        print(s.children)  # expect: ORM002


def renumber_one(form_id):
    renumber(Form.query.get(form_id))


class Holder:
    def __init__(self, items):
        self._items = items

    @property
    def items(self):
        return [x for x in self._items if x]


def not_a_model(items):
    holder = Holder(items)
    for s in holder.items:
        print(s.children)  # ok: not rows of a model
