from app.audit import audited
from app.models import Form


@audited
def clone_audited(form):
    for r in form.registrations:
        print(r.user)  # ok: app/audit.py's `audited` keeps the function (and another `audited` is transparent)


def clone_last(event_id):
    clone_audited(Form.query.filter_by(event_id=event_id).first())
