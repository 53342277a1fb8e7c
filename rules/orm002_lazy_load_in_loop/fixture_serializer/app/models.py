from flask_sqlalchemy import SQLAlchemy

from .serializer import SerializerMixin

db = SQLAlchemy()


class Project(db.Model, SerializerMixin):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Task(db.Model, SerializerMixin):
    id = db.Column(db.Integer, primary_key=True)
    project_id = db.Column(db.Integer, db.ForeignKey("project.id"))
    project = db.relationship("Project")
    comments = db.relationship("Comment", backref="task")
    assignees = db.relationship("Person", secondary="assignments", lazy="selectin")


class Comment(db.Model, SerializerMixin):
    id = db.Column(db.Integer, primary_key=True)
    task_id = db.Column(db.Integer, db.ForeignKey("task.id"), index=True)
    text = db.Column(db.String(200))


class Person(db.Model, SerializerMixin):
    id = db.Column(db.Integer, primary_key=True)
    departments = db.relationship("Department", lazy="joined")


class Department(db.Model, SerializerMixin):
    id = db.Column(db.Integer, primary_key=True)


class Shot(db.Model, SerializerMixin):
    id = db.Column(db.Integer, primary_key=True)
    notes = db.relationship("Note")

    def serialize(self, obj_type=None, relations=False):
        return super(Shot, self).serialize(obj_type=obj_type, relations=relations)

    def serialize_safe(self, **kwargs):
        return super().serialize(obj_type="Shot", **kwargs)


class Note(db.Model, SerializerMixin):
    id = db.Column(db.Integer, primary_key=True)
    shot_id = db.Column(db.Integer, db.ForeignKey("shot.id"), index=True)


class Crew(db.Model, SerializerMixin):
    id = db.Column(db.Integer, primary_key=True)
    members = db.relationship("Member", secondary="crew_members", lazy="selectin")

    @classmethod
    def get(cls, id):
        return db.session.get(cls, id)

    @classmethod
    def get_loaded(cls, id, options):
        return db.session.get(cls, id, options=options)


class Member(db.Model, SerializerMixin):
    id = db.Column(db.Integer, primary_key=True)
    roles = db.relationship("Role", secondary="member_roles")


class Role(db.Model, SerializerMixin):
    id = db.Column(db.Integer, primary_key=True)
