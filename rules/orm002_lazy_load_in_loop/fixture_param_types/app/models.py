from sqlalchemy.orm import relationship

from app.db import db


class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))


class Form(db.Model):
    __tablename__ = "forms"
    id = db.Column(db.Integer, primary_key=True)
    registrations = db.relationship("Registration", backref="form")
    sections = db.relationship("Section", backref="form")

    @property
    def visible_sections(self):
        # the rows of self.sections, some left out: a collection of Section rows
        return [s for s in self.sections if s.id]

    @property
    def ordered_sections(self):
        return sorted(self.visible_sections, key=lambda s: s.id)

    @property
    def some_sections(self):
        # not always rows of sections
        if self.id:
            return self.sections
        return []


class SpecialForm(Form):
    @property
    def ordered_sections(self):
        return []


class Registration(db.Model):
    __tablename__ = "registrations"
    id = db.Column(db.Integer, primary_key=True)
    form_id = db.Column(db.Integer, db.ForeignKey("forms.id"))
    user_id = db.Column(db.Integer, db.ForeignKey("users.id"))
    user = db.relationship("User")


class Section(db.Model):
    __tablename__ = "sections"
    id = db.Column(db.Integer, primary_key=True)
    form_id = db.Column(db.Integer, db.ForeignKey("forms.id"))
    children = db.relationship("Field", backref="section")
    pinned = db.relationship("Field", lazy="selectin", viewonly=True)


class Field(db.Model):
    __tablename__ = "fields"
    id = db.Column(db.Integer, primary_key=True)
    section_id = db.Column(db.Integer, db.ForeignKey("sections.id"))
    title = db.Column(db.String(80))
