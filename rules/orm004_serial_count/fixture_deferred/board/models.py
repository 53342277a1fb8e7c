from sqlalchemy import func, select
from sqlalchemy.orm import column_property, deferred

from board import db


class Board(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80))
    notes = deferred(db.Column(db.Text))
    rules = db.Column(db.Text, deferred=True)

    @property
    def is_empty(self):
        # each deferred COUNT column runs its own SELECT on first read
        return not self.thread_count and not self.reply_count  # expect: ORM004

    def summary(self):
        threads = self.thread_count
        replies = self.reply_count  # expect: ORM004
        watchers = self.watcher_count  # expect: ORM004
        return threads, replies, watchers

    def activity(self):
        return self.thread_count + self.inline_count  # ok: inline_count loads with the row

    def threads_twice(self):
        first = self.thread_count
        return first, self.thread_count  # ok: one deferred count, loaded once

    def either(self, replies):
        if replies:
            return self.reply_count
        else:
            return self.thread_count  # ok: another arm

    def early(self, replies):
        if replies:
            return self.reply_count
        return self.thread_count  # ok: the first path returned

    def texts(self):
        return self.notes, self.rules  # ok: deferred columns, not counts

    @classmethod
    def counted(cls):
        return cls.thread_count, cls.reply_count  # ok: column expressions, no read

    def per_name(self, names):
        out = []
        for name in names:
            out.append((name, self.reply_count))  # ok: loaded on the first iteration only
        return out


class Thread(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    board_id = db.Column(db.Integer, db.ForeignKey("board.id"), index=True)


class Reply(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    board_id = db.Column(db.Integer, db.ForeignKey("board.id"), index=True)


class Watcher(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    board_id = db.Column(db.Integer, db.ForeignKey("board.id"), index=True)


class Tally:
    """Not a model: its attributes are plain values."""

    thread_count = 0
    reply_count = 0

    def total(self):
        return self.thread_count + self.reply_count  # ok: not a mapped class


Board.thread_count = column_property(
    select(func.count(Thread.id)).where(Thread.board_id == Board.id).scalar_subquery(),
    deferred=True,
)
Board.reply_count = deferred(
    select(func.count(Reply.id)).where(Reply.board_id == Board.id).scalar_subquery()
)
Board.watcher_count = column_property(
    select(func.count(Watcher.id)).where(Watcher.board_id == Board.id).scalar_subquery(),
    deferred=True,
)
# loaded with the row, in its SELECT: no query of its own
Board.inline_count = column_property(
    select(func.count(Reply.id)).where(Reply.board_id == Board.id).scalar_subquery()
)
