from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Form(db.Model):
    __tablename__ = "forms"
    id = db.Column(db.Integer, primary_key=True)
    items = db.relationship("Item", backref="form")

    @property
    def sections(self):
        return [x for x in self.items if x.is_section]


class Item(db.Model):
    __tablename__ = "items"
    id = db.Column(db.Integer, primary_key=True)
    form_id = db.Column(db.Integer, db.ForeignKey("forms.id"))
    parent_id = db.Column(db.Integer, db.ForeignKey("items.id"))
    is_section = db.Column(db.Boolean)
    children = db.relationship("Item")
    data = db.relationship("Data")


class Data(db.Model):
    __tablename__ = "data"
    id = db.Column(db.Integer, primary_key=True)
    item_id = db.Column(db.Integer, db.ForeignKey("items.id"))
