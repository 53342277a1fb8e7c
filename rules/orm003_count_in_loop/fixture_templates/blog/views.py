from flask import render_template

from blog import app
from blog.models import Post


@app.route("/")
def index():
    posts = Post.query.order_by(Post.id.desc()).limit(20).all()
    return render_template("index.html", posts=posts)


@app.route("/post/<int:pid>")
def show(pid):
    post = Post.query.get_or_404(pid)
    return render_template("post.html", post=post)
