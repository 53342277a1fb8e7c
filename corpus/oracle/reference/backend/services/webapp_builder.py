"""WebApp Builder: bootcamp enrollments and student apps."""
from sqlalchemy.orm import joinedload

from ..models import BootcampEnrollment, User, WebApp


def list_enrollments(cohort=None):
    """Enrollments with the student's name, oldest first."""
    query = BootcampEnrollment.query
    if cohort:
        query = query.filter_by(cohort=cohort)
    enrollments = query.order_by(BootcampEnrollment.created_at, BootcampEnrollment.id).all()
    student_ids = {enrollment.user_id for enrollment in enrollments}
    students = {user.id: user for user in User.query.filter(User.id.in_(student_ids))}
    result = []
    for enrollment in enrollments:
        student = students.get(enrollment.user_id)
        item = enrollment.to_dict()
        item["student"] = student.display_name if student is not None else None
        result.append(item)
    return result


def list_webapps():
    """Every app with its owner: the owner is joined in the same query."""
    apps = WebApp.query.options(joinedload(WebApp.owner)).order_by(WebApp.id).all()
    return [
        {**app.to_dict(), "owner": app.owner.username}
        for app in apps
    ]
