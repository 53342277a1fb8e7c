/* The project index: which classes are models, their primary keys and
 * relationships (lazy strategy, scalar or collection, backrefs), across
 * several files. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
/* clang-format on */
#include <string.h>

#include "alloc.h"
#include "index.h"
#include "syntax.h"
#include "walk.h"

#define MAX_FILES 6

typedef struct {
  ol_config cfg;
  ol_file_facts facts[MAX_FILES];
  size_t n;
  ol_index ix;
} project;

static void add(project *p, const char *path, const char *src) {
  TSParser *parser = ol_parser_new();
  TSTree *t = ol_parse(parser, src, (uint32_t)strlen(src));
  ol_walk_file(&p->cfg, t, src, (uint32_t)strlen(src), &p->facts[p->n]);
  ol_index_add(&p->ix, path, &p->facts[p->n++]);
  ts_tree_delete(t);
  ts_parser_delete(parser);
}

static void open_project(project *p) {
  memset(p, 0, sizeof *p);
  ol_error err;
  ol_config_init(&p->cfg);
  assert_int_equal(ol_config_compile(&p->cfg, &err), OL_OK);
}

static void close_project(project *p) {
  ol_index_free(&p->ix);
  for (size_t i = 0; i < p->n; i++)
    ol_facts_free(&p->facts[i]);
  ol_config_free(&p->cfg);
}

static const char *BASES = "from flask_sqlalchemy import SQLAlchemy\n"
                           "from sqlalchemy.orm import DeclarativeBase, declarative_base\n"
                           "db = SQLAlchemy()\n"
                           "Base = declarative_base()\n"
                           "Alias = db.Model\n"
                           "class Typed(DeclarativeBase):\n    pass\n"
                           "class Mixin:\n    created = db.Column(db.DateTime)\n"
                           "class Abstract(db.Model):\n    __abstract__ = True\n    id = "
                           "db.Column(db.Integer, primary_key=True)\n";

static const char *MODELS =
    "from .bases import *\n"
    "class A(Mixin, db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
    "class B(Base):\n    __tablename__ = 'bs'\n    k1 = Column(Integer, primary_key=True)\n    k2 "
    "= Column(Integer, primary_key=True)\n"
    "class C(Typed):\n    __tablename__ = 'cs'\n    id: Mapped[int] = "
    "mapped_column(primary_key=True)\n"
    "class D(Abstract):\n    name = db.Column(db.String)\n"
    "class E(Alias):\n    id = db.Column(db.Integer, primary_key=True)\n"
    "class F(D):\n    pass\n"
    "class NotAModel(object):\n    id = 1\n";

static void test_which_classes_are_models(void **state) {
  (void)state;
  project p;
  open_project(&p);
  add(&p, "bases.py", BASES);
  add(&p, "models.py", MODELS);
  ol_index_link(&p.ix);
  const char *models[] = {"A", "B", "C", "D", "E", "F"};
  for (size_t i = 0; i < 6; i++)
    assert_non_null(ol_index_model(&p.ix, models[i]));
  const char *not_models[] = {"Typed", "Mixin", "Abstract", "NotAModel", "Base"};
  for (size_t i = 0; i < 5; i++)
    assert_null(ol_index_model(&p.ix, not_models[i]));
  assert_non_null(ol_index_model(&p.ix, "app.models.A")); /* dotted names match their last part */
  const ol_model *b = ol_index_model(&p.ix, "B"), *d = ol_index_model(&p.ix, "D"),
                 *f = ol_index_model(&p.ix, "F");
  assert_int_equal(b->n_pk, 2); /* composite */
  assert_int_equal(d->n_pk, 1); /* inherited from the abstract base */
  assert_string_equal(d->pk[0], "id");
  assert_int_equal(f->n_pk, 1);
  close_project(&p);
}

static const char *RELS = "class User(db.Model):\n"
                          "    __tablename__ = 'users'\n"
                          "    id = db.Column(db.Integer, primary_key=True)\n"
                          "    posts = db.relationship('Post', back_populates='author')\n"
                          "    profile = db.relationship('Profile', uselist=False, lazy='joined')\n"
                          "    groups = db.relationship('Group', secondary='memberships', "
                          "backref=db.backref('members', lazy='dynamic'))\n"
                          "    logs = db.relationship('Log', backref='user', lazy=True)\n"
                          "    tags = db.relationship('app.models.Tag', lazy=False)\n"
                          "    notes = db.relationship('Note', lazy=None)\n"
                          "    things = db.relationship('Thing', lazy='immediate')\n"
                          "class Post(db.Model):\n"
                          "    id = db.Column(db.Integer, primary_key=True)\n"
                          "    author_id = db.Column(db.Integer, db.ForeignKey('users.id'))\n"
                          "    author = db.relationship('User', back_populates='posts')\n"
                          "class Log(db.Model):\n"
                          "    id = db.Column(db.Integer, primary_key=True)\n"
                          "    user_id = db.Column(db.Integer, db.ForeignKey('users.id'))\n"
                          "class Shelf(Base2):\n"
                          "    id: Mapped[int] = mapped_column(primary_key=True)\n"
                          "    books: Mapped[list['Book']] = relationship(back_populates='shelf')\n"
                          "    owner: Mapped[Optional['User']] = relationship()\n";

static void expect_rel(const ol_index *ix, const char *model, const char *attr, const char *target,
                       bool collection, ol_lazy lazy) {
  const ol_relation *r = ol_index_relation(ix, model, attr);
  if (!r)
    fail_msg("no relationship %s.%s", model, attr);
  assert_string_equal(r->target, target);
  if (r->collection != collection)
    fail_msg("%s.%s: collection %d", model, attr, r->collection);
  assert_int_equal(r->lazy, lazy);
}

static void test_relationships(void **state) {
  (void)state;
  project p;
  open_project(&p);
  add(&p, "models.py", RELS);
  ol_index_link(&p.ix);
  expect_rel(&p.ix, "User", "posts", "Post", true, OL_LAZY_SELECT);   /* FK on Post: one-to-many */
  expect_rel(&p.ix, "Post", "author", "User", false, OL_LAZY_SELECT); /* FK here: many-to-one */
  expect_rel(&p.ix, "User", "profile", "Profile", false, OL_LAZY_JOINED); /* uselist=False */
  expect_rel(&p.ix, "User", "groups", "Group", true, OL_LAZY_SELECT);     /* secondary */
  expect_rel(&p.ix, "Group", "members", "User", true,
             OL_LAZY_DYNAMIC);                                     /* backref with its own lazy */
  expect_rel(&p.ix, "Log", "user", "User", false, OL_LAZY_SELECT); /* reverse of a collection */
  expect_rel(&p.ix, "User", "tags", "Tag", true,
             OL_LAZY_JOINED); /* module path stripped, lazy=False */
  expect_rel(&p.ix, "User", "notes", "Note", true, OL_LAZY_NEVER); /* lazy=None */
  expect_rel(&p.ix, "User", "things", "Thing", true, OL_LAZY_IMMEDIATE);
  expect_rel(&p.ix, "Shelf", "books", "Book", true, OL_LAZY_SELECT);  /* Mapped[list[...]] */
  expect_rel(&p.ix, "Shelf", "owner", "User", false, OL_LAZY_SELECT); /* Mapped[Optional[...]] */
  assert_null(ol_index_relation(&p.ix, "User", "id"));
  assert_true(ol_index_has_member(&p.ix, "Post", "author_id"));
  assert_false(ol_index_has_member(&p.ix, "Post", "nothing"));
  close_project(&p);
}

static void test_relationship_from_a_mixin(void **state) {
  (void)state;
  project p;
  open_project(&p);
  add(&p, "m.py",
      "class Owned:\n    owner_id = db.Column(db.Integer, db.ForeignKey('users.id'))\n"
      "    owner = db.relationship('User')\n"
      "class Doc(Owned, db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
      "class User(db.Model):\n    __tablename__ = 'users'\n    id = db.Column(db.Integer, "
      "primary_key=True)\n");
  ol_index_link(&p.ix);
  expect_rel(&p.ix, "Doc", "owner", "User", false, OL_LAZY_SELECT);
  close_project(&p);
}

/* ---- call summaries ------------------------------------------------------ */

/* The function named name (module-level or a method "Cls.name") of file f; -1. */
static int32_t func_id(const project *p, size_t f, const char *name) {
  const char *dot = strchr(name, '.');
  for (size_t i = 0; i < p->ix.funcs.len; i++) {
    const ol_summary *s = &p->ix.funcs.items[i];
    if (s->file != f)
      continue;
    if (dot ? (s->fn->cls && !strncmp(s->fn->cls, name, (size_t)(dot - name)) &&
               !strcmp(s->fn->name, dot + 1))
            : (!s->fn->cls && !strcmp(s->fn->name, name)))
      return (int32_t)i;
  }
  return -1;
}

static void test_summaries_across_packages(void **state) {
  (void)state;
  project p;
  open_project(&p);
  add(&p, "app/__init__.py", "");
  add(&p, "app/models.py",
      "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n"
      "class Chef(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
      "    def total(self):\n        return self._sum()\n"
      "    def _sum(self):\n        return Chef.query.count()\n");
  add(&p, "app/lib/helpers.py",
      "from ..models import Chef, db\n"
      "def find(i):\n    if i:\n        return Chef.query.get(i)\n"
      "def save(x):\n    db.session.commit()\n"
      "def ping(n):\n    return pong(n)\n"
      "def pong(n):\n    return ping(n - 1)\n"
      "def loop_find(n):\n    return loop_find(n - 1) if n else find(n)\n"
      "alias = find\n");
  add(&p, "app/other.py", "def find(i):\n    return i\n");
  add(&p, "app/views.py",
      "from app.lib import helpers\nfrom app.lib.helpers import alias, save\n"
      "from .other import find\n"
      "def a(xs):\n    return [helpers.find(x) for x in xs]\n"
      "def b(xs):\n    return [alias(x) for x in xs]\n"
      "def c(xs):\n    return [find(x) for x in xs]\n"
      "def d(xs):\n    for x in xs:\n        save(x)\n");
  ol_index_link(&p.ix);
  ol_index_summarize(&p.ix);
  const ol_index *ix = &p.ix;
  /* A query only in a branch still counts; the effect and its site. */
  int32_t find = func_id(&p, 2, "find");
  assert_true(find >= 0 && ix->funcs.items[find].has[OL_EFFECT_QUERY]);
  const char *text;
  uint32_t file;
  const ol_place *at = ol_index_effect_site(ix, find, OL_EFFECT_QUERY, &file, &text);
  assert_string_equal(ix->files.items[file].path, "app/lib/helpers.py");
  assert_string_equal(text, "Chef.query.get(i)");
  assert_int_equal(at->span.end - at->span.start, strlen("Chef.query.get(i)"));
  /* Recursion terminates: ping/pong never query; loop_find does, through find. */
  assert_false(ix->funcs.items[func_id(&p, 2, "ping")].has[OL_EFFECT_QUERY]);
  assert_true(ix->funcs.items[func_id(&p, 2, "loop_find")].has[OL_EFFECT_QUERY]);
  /* self._sum() through the class; a count, not a query. */
  int32_t total = func_id(&p, 1, "Chef.total");
  assert_true(ix->funcs.items[total].has[OL_EFFECT_COUNT]);
  assert_false(ix->funcs.items[total].has[OL_EFFECT_QUERY]);
  /* Calls in views: module attribute, alias, a same-named function of another
   * module (no query), a helper that commits. */
  const ol_index_file *views = &ix->files.items[4];
  const char *want[] = {"helpers.find", "alias", "find", "save"};
  int32_t got[4] = {-1, -1, -1, -1};
  for (size_t i = 0; i < views->facts->calls.len; i++)
    for (int k = 0; k < 4; k++)
      if (!strcmp(views->facts->calls.items[i].callee, want[k]))
        got[k] = views->call_target[i];
  assert_int_equal(got[0], find);
  assert_int_equal(got[1], find);
  assert_int_equal(got[2], func_id(&p, 3, "find"));
  assert_false(ix->funcs.items[got[2]].has[OL_EFFECT_QUERY]);
  assert_true(ix->funcs.items[got[3]].has[OL_EFFECT_COMMIT]);
  /* The call path names each hop. */
  ol_hop hops[OL_MAX_HOPS];
  size_t n = ol_index_effect_path(ix, func_id(&p, 2, "loop_find"), OL_EFFECT_QUERY, hops);
  assert_int_equal(n, 2);
  assert_string_equal(hops[0].message, "`lib.helpers.loop_find` calls `lib.helpers.find`");
  ol_hops_free(hops, n);
  close_project(&p);
}

/* ---- lookup keys and the indexes that cover them (ORM007) ---------------- */

static int32_t class_id(const project *p, const char *name) {
  for (size_t i = 0; i < p->ix.classes.len; i++)
    if (!strcmp(p->ix.classes.items[i].name, name))
      return (int32_t)i;
  return -1;
}

/* How many uses key on column of class owner. */
static size_t uses_of(const project *p, const char *owner, const char *column) {
  int32_t c = class_id(p, owner);
  const ol_class_fact *cls = p->ix.classes.items[c].cls;
  for (uint32_t j = 0; j < cls->n_columns; j++)
    if (!strcmp(cls->columns[j].name, column)) {
      size_t n;
      ol_index_key_uses(&p->ix, c, j, &n);
      return n;
    }
  return 0;
}

static void test_lookup_coverage(void **state) {
  (void)state;
  project p;
  open_project(&p);
  add(&p, "app/models.py",
      "class Stamp:\n    at = db.Column(db.DateTime)\n"
      "class Parent(Stamp, db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
      "    code = db.Column(db.String, unique=True)\n"
      "    kids = db.relationship('Kid', backref='parent')\n"
      "class Kid(db.Model):\n    __tablename__ = 'kids'\n"
      "    __table_args__ = (Index('ix', 'a', 'b'), UniqueConstraint('c', 'parent_id'))\n"
      "    id = db.Column(db.Integer, primary_key=True)\n"
      "    parent_id = db.Column(db.Integer, db.ForeignKey('parent.id'))\n"
      "    a = db.Column(db.Integer)\n    b = db.Column(db.Integer)\n    c = "
      "db.Column(db.Integer)\n"
      "    d = db.Column(db.Integer)\n    ix_d = Index('ix_d', d.desc())\n"
      "    e = db.Column(db.Integer)\n"
      "class Link(db.Model):\n    x = db.Column(db.Integer, primary_key=True)\n"
      "    y = db.Column(db.Integer, primary_key=True)\n"
      "class Special(Kid):\n    extra = db.Column(db.Integer)\n"
      "Index('ix_e', Kid.e)\n");
  add(&p, "app/views.py",
      "from .models import *\n"
      "def f(session):\n"
      "    Parent.query.order_by(Parent.at).all()\n"
      "    for p in Parent.query.all():\n        print(p.kids)\n"
      "    Kid.query.filter_by(b=1).all()\n"
      "    Kid.query.filter_by(a=1, b=2).all()\n"
      "    session.query(Kid).filter(Kid.parent == p).all()\n");
  add(&p, "tests/test_views.py", "def test():\n    Kid.query.filter_by(c=1).all()\n");
  ol_index_link(&p.ix);
  ol_index_summarize(&p.ix);
  ol_index_resolve_lookups(&p.ix);
  int32_t parent = class_id(&p, "Parent"), kid = class_id(&p, "Kid"), link = class_id(&p, "Link");
  assert_true(ol_index_column_covered(&p.ix, parent, "id"));
  assert_true(ol_index_column_covered(&p.ix, parent, "code"));
  assert_false(ol_index_column_covered(&p.ix, parent, "at"));
  assert_true(ol_index_column_covered(&p.ix, kid, "a"));  /* leads Index('ix', 'a', 'b') */
  assert_false(ol_index_column_covered(&p.ix, kid, "b")); /* second column */
  assert_true(ol_index_column_covered(&p.ix, kid, "c"));  /* leads the UniqueConstraint */
  assert_false(ol_index_column_covered(&p.ix, kid, "parent_id"));
  assert_true(ol_index_column_covered(&p.ix, kid, "d")); /* Index in the class body */
  assert_true(ol_index_column_covered(&p.ix, kid, "e")); /* Index at module level */
  assert_true(ol_index_column_covered(&p.ix, link, "x"));
  assert_false(ol_index_column_covered(&p.ix, link, "y"));
  assert_int_equal(uses_of(&p, "Stamp", "at"), 1);      /* the mixin's column, for Parent */
  assert_int_equal(uses_of(&p, "Kid", "parent_id"), 2); /* p.kids per parent; Kid.parent == p */
  assert_int_equal(uses_of(&p, "Kid", "b"), 2);
  assert_int_equal(uses_of(&p, "Kid", "c"), 0); /* only in a test */
  char *t = ol_index_table(&p.ix, parent);
  assert_string_equal(t, "parent");
  ol_free(t);
  t = ol_index_table(&p.ix, class_id(&p, "Special")); /* single-table inheritance */
  assert_string_equal(t, "kids");
  ol_free(t);
  close_project(&p);
}

/* A module's dotted suffixes are its names only where no package is above them (index.h). */
static void test_module_names_below_a_package(void **state) {
  (void)state;
  char *mods[] = {"sympy", "sympy.core", "sympy.core.random", "src.app", "src.app.x", "ab", "a"};
  bool pkg[] = {true, true, false, true, false, true, false};
  size_t n;
  char **packages = ol_module_packages(mods, pkg, 7, &n);
  assert_int_equal(n, 4);
  const char *m = "sympy.core.random";
  assert_int_equal(ol_module_key_under(packages, n, m, 0), 0);   /* the whole name */
  assert_int_equal(ol_module_key_under(packages, n, m, 6), 5);   /* core.random: below sympy */
  assert_int_equal(ol_module_key_under(packages, n, m, 11), 10); /* random: below sympy.core */
  /* src/ holds no __init__.py: app.x is a name of src/app/x.py; x is not (src/app is one) */
  assert_int_equal(ol_module_key_under(packages, n, "src.app.x", 4), 0);
  assert_int_equal(ol_module_key_under(packages, n, "src.app.x", 8), 7);
  assert_int_equal(ol_module_key_under(packages, n, "a.y", 2), 0); /* `a` is a module, not "ab" */
  /* `random` of sympy/core/random.py: only from sympy/core's own modules */
  assert_true(ol_module_key_visible(m, 10, "sympy.core.basic", false));
  assert_true(ol_module_key_visible(m, 10, "sympy.core", true));
  assert_false(ol_module_key_visible(m, 10, "app.views", false));
  assert_false(ol_module_key_visible(m, 10, "sympy.core.sub.mod", false));
  assert_false(ol_module_key_visible(m, 10, "sympy", true));
  assert_true(ol_module_key_visible(m, 0, "app.views", false));
  ol_free(packages);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_module_names_below_a_package),
      cmocka_unit_test(test_which_classes_are_models),
      cmocka_unit_test(test_summaries_across_packages),
      cmocka_unit_test(test_relationships),
      cmocka_unit_test(test_relationship_from_a_mixin),
      cmocka_unit_test(test_lookup_coverage),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
