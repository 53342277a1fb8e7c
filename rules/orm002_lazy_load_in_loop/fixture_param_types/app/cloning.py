from sqlalchemy.orm import joinedload, selectinload

from app.models import Form, Registration, Section


class Cloner:
    def run(self, event_id):
        query = Form.query.filter_by(event_id=event_id).options(selectinload(Form.sections))
        for form in query:
            self._clone_registrations(form)  # expect: ORM002
            self._clone_sections(form.sections)

    def _clone_registrations(self, old_form):
        # every call passes a row of Form: its registrations, then each one's user
        for r in old_form.registrations:
            print(r.user)  # expect: ORM002

    def _clone_sections(self, sections):
        # every call passes Form.sections of a Form row: rows of Section
        for s in sections:
            print(s.children)  # expect: ORM002
            print(s.pinned)  # ok: eager (selectin) relationship


def positions(form):
    # two callers, both pass one Form row
    for section in sorted(form.sections, key=lambda s: s.id):
        for child in section.children:  # expect: ORM002
            print(child.title)


def recompute(form_id):
    positions(Form.query.get(form_id))


def recompute_all():
    for form in Form.query.options(selectinload(Form.sections)):
        positions(form)


def loaded(form):
    # its one caller loads the sections and their children
    for section in form.sections:
        print(section.children)  # ok: the caller's query loads them


def show_loaded():
    for form in Form.query.options(selectinload(Form.sections).selectinload(Section.children)):
        loaded(form)


def mixed(thing):
    # one caller passes a Form, the other a Section: no one model
    for r in thing.registrations:
        print(r.user)  # ok: the callers disagree


def use_mixed(i):
    mixed(Form.query.get(i))
    mixed(Section.query.get(i))


def anything(form):
    # one caller passes something that is no row of a model
    for r in form.registrations:
        print(r.user)  # ok: not always a row


def use_anything(payload, i):
    anything(Form.query.get(i))
    anything(payload["form"])


def handed(form):
    # used as a value: called where the index cannot see
    for r in form.registrations:
        print(r.user)  # ok: its callers are not all known


def use_handed(callbacks, i):
    handed(Form.query.get(i))
    callbacks.append(handed)


def fetched(i):
    # its one caller binds the row first
    form = Form.query.get(i)
    listed(form)


def listed(form):
    for r in form.registrations:
        print(r.user)  # expect: ORM002


def uncalled(form):
    for r in form.registrations:
        print(r.user)  # ok: no caller


def regs(registrations):
    # every caller passes a query's rows whole: reported at the call instead
    for r in registrations:
        print(r.user)


def use_regs():
    regs(Registration.query.all())  # expect: ORM002


class Base:
    def _collect(self, form):
        for r in form.registrations:
            print(r.user)  # ok: a subclass overrides it

    def go(self, i):
        self._collect(Form.query.get(i))


class Child(Base):
    def _collect(self, form):
        return None


def tally(form):
    for r in form.registrations:
        print(r.user)  # ok: a call the index cannot resolve may pass anything


def use_tally(i, plugin):
    tally(Form.query.get(i))
    plugin.tally(i)


class Report:
    def load(self, i):
        self.bind(Form.query.get(i))

    def bind(self, form):
        self.form = form

    def show(self):
        # self.form is only ever assigned what bind's one caller passes: a Form row
        for r in self.form.registrations:
            print(r.user)  # expect: ORM002


class Mailer:
    def __init__(self, form):
        self.form = form

    def send(self):
        # constructor calls are not resolved to __init__: its callers are unknown
        for r in self.form.registrations:
            print(r.user)  # ok: what the constructor gets is not known


def mail(i):
    Mailer(Form.query.get(i)).send()


class Digest:
    def load(self, i):
        self.attach(Form.query.get(i))

    def attach(self, form):
        self.form = form

    def show(self):
        # glue.py, which imports no ORM, calls attach with something else
        for r in self.form.registrations:
            print(r.user)  # ok: not every call passes a Form row
