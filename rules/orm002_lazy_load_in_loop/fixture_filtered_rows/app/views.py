from sqlalchemy.orm import joinedload

from app.models import Association, Certificate


def expiring(session):
    """Rows of a query, handed back by a project function."""
    return session.query(Certificate).filter(Certificate.name.like('%.example.com')).all()


def ports_by_domain(session):
    out = {}
    for cert in expiring(session):
        for assoc in [a for a in cert.associations if a.ports]:  # expect: ORM002
            out[assoc.domain.name] = assoc.ports  # expect: ORM002
    return out


def used_ports(session):
    out = []
    for assoc in [a for a in session.query(Association).all() if a.ports]:
        out.append(assoc.domain.name)  # expect: ORM002
    return out


def used_ports_loaded(session):
    out = []
    rows = session.query(Association).options(joinedload(Association.domain)).all()
    for assoc in (a for a in rows if a.ports):
        out.append(assoc.domain.name)  # ok: the query joins the domain in
    return out


def other_domains(session):
    out = []
    for domain in [a.domain for a in session.query(Association).all()]:  # expect: ORM002
        out.append(domain.name)  # ok: the elements are not the query's rows
    return out


def pairs(session, certs):
    out = []
    for assoc in [a for c in certs for a in c.associations]:
        out.append(assoc.domain)  # ok: two for clauses; rows of an unknown parameter
    return out
