from flask_sqlalchemy import SQLAlchemy

from .serializer import SerializerMixin

db = SQLAlchemy()


class WorkingFile(db.Model, SerializerMixin):
    id = db.Column(db.Integer, primary_key=True)
    outputs = db.relationship("OutputFile", back_populates="source_file")


class OutputFile(db.Model, SerializerMixin):
    id = db.Column(db.Integer, primary_key=True)
    source_file_id = db.Column(db.Integer, db.ForeignKey("working_file.id"))
    source_file = db.relationship("WorkingFile", back_populates="outputs")


class Comment(db.Model, SerializerMixin):
    id = db.Column(db.Integer, primary_key=True)
    attachment_files = db.relationship("AttachmentFile", backref="comment")


class AttachmentFile(db.Model, SerializerMixin):
    id = db.Column(db.Integer, primary_key=True)
    comment_id = db.Column(db.Integer, db.ForeignKey("comment.id"), index=True)


class Preview(db.Model, SerializerMixin):
    id = db.Column(db.Integer, primary_key=True)
    comment_id = db.Column(db.Integer, db.ForeignKey("comment.id"), index=True)
    comment = db.relationship("Comment", lazy="joined")
