from sqlalchemy.orm import joinedload

from .models import AttachmentFile, Comment


def attachments_query():
    return AttachmentFile.query.join(Comment)


def attachments_loaded_query():
    return AttachmentFile.query.join(Comment).options(joinedload(AttachmentFile.comment))


def attachments_of(comments):
    comment_ids = [c.id for c in comments]
    return AttachmentFile.query.filter(AttachmentFile.comment_id.in_(comment_ids)).all()
