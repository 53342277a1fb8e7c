from models import db, Chef, Booking, Setting


class Repo:
    model = Chef

    @classmethod
    def names(cls, ids):
        return [cls.model.query.get(i).name for i in ids]


def load(ids):
    return Chef.query.get(ids[0])


def run():
    out = []
    for i in [1, 2]:
        out.append(load([i]).name)
    return out, Repo.names([1, 2])
