from sqlalchemy.orm import joinedload

from .models import AttachmentFile, Comment, OutputFile, Preview, WorkingFile
from .serializer import serialize_models


def output_files():
    files = OutputFile.query.filter(OutputFile.id > 3).all()
    return serialize_models(files)  # expect: ORM002


def output_files_loaded():
    files = OutputFile.query.options(joinedload(OutputFile.source_file)).all()
    return serialize_models(files)  # ok: the scalar relationship is loaded


def attachments():
    return [a.serialize() for a in AttachmentFile.query.all()]  # expect: ORM002


def previews():
    return [p.serialize() for p in Preview.query.all()]  # ok: its one scalar is joined


def working_files():
    return [w.serialize() for w in WorkingFile.query.all()]  # ok: only a collection, left out


def working_files_all():
    return [w.serialize(relations=True) for w in WorkingFile.query.all()]  # expect: ORM002


def comments_columns():
    return [a.serialize_columns() for a in AttachmentFile.query.all()]  # ok: `or` drops them all


def comments_none():
    return [a.serialize_none() for a in AttachmentFile.query.all()]  # ok: no names at all


def comments_all():
    return [c.serialize(relations=True) for c in Comment.query.all()]  # expect: ORM002


def attachments_built(comment_id):
    from .queries import attachments_query

    q = attachments_query().filter(Comment.id == comment_id)
    return serialize_models(q)  # expect: ORM002


def attachments_built_loaded(comment_id):
    from .queries import attachments_loaded_query

    q = attachments_loaded_query().filter(Comment.id == comment_id)
    return serialize_models(q)  # ok: the function's query joins and loads the comment


def attachments_of_held(comments):
    from .queries import attachments_of

    files = attachments_of(comments)
    return serialize_models(files)  # ok: each comment is one of those held, in the identity map
