from board.models import Board


def board_page(board_id):
    board = Board.query.get(board_id)
    return {
        "threads": board.thread_count,
        "replies": board.reply_count,  # todo-expect: ORM004
    }
