from sqlalchemy.orm import undefer

from board import db
from board.models import Board

OPTIONS = [undefer(Board.thread_count)]


def board_page(board_id):
    board = Board.query.get(board_id)
    return {
        "threads": board.thread_count,
        "replies": board.reply_count,  # expect: ORM004
    }


def board_stats(board_id):
    board = Board.query.filter_by(id=board_id).options(undefer(Board.thread_count)).first()
    counts = [board.thread_count]  # ok: undeferred on its query
    counts.append(board.reply_count)
    counts.append(board.watcher_count)  # expect: ORM004
    return counts


def board_by_session(board_id):
    board = db.session.get(Board, board_id)
    first = board.reply_count
    return first, board.watcher_count  # expect: ORM004


def board_undeferred(board_id):
    board = Board.query.options(undefer(Board.thread_count), undefer(Board.reply_count)).get(
        board_id
    )
    return board.thread_count, board.reply_count  # ok: both undeferred


def board_opaque(board_id):
    board = Board.query.options(*OPTIONS).get(board_id)
    return board.thread_count, board.reply_count  # ok: the options are not known here


def two_boards(a, b):
    left = Board.query.get(a)
    right = Board.query.get(b)
    return left.thread_count, right.thread_count  # ok: one count of each object


def rebound(a, b):
    board = Board.query.get(a)
    threads = board.thread_count
    board = Board.query.get(b)
    return threads, board.reply_count  # ok: another object


def one_count(board_id):
    board = Board.query.get(board_id)
    return board.thread_count, board.inline_count  # ok: inline_count loads with the row


def from_caller(board: Board):
    return board.thread_count, board.reply_count  # expect: ORM004
