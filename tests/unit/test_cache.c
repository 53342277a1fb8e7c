/* The cache's record of a file's facts (analyzer/cache_facts.c) and the
 * prefilter's identifier scan (analyzer/prefilter.c): facts survive a round
 * trip with every vector and string; a record cut short or with flipped
 * bytes is refused or read without a crash, never half-trusted; identifiers
 * match whole, not as parts of longer names. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <string.h>

#include "alloc.h"
#include "cache.h"
#include "prefilter.h"
#include "syntax.h"
#include "walk.h"

static const char SRC[] =
    "from flask_sqlalchemy import SQLAlchemy\n"
    "from .helpers import rating_of as rate\n"
    "db = SQLAlchemy()\n"
    "class Chef(db.Model):\n"
    "    __tablename__ = 'chefs'\n"
    "    id = db.Column(db.Integer, primary_key=True)\n"
    "    bookings = db.relationship('Booking', backref=db.backref('chef', lazy='immediate'))\n"
    "    @property\n"
    "    def score(self):\n"
    "        return Review.query.filter_by(chef_id=self.id).count()\n"
    "class Booking(db.Model):\n"
    "    id = db.Column(db.Integer, primary_key=True)\n"
    "    chef_id = db.Column(db.Integer, db.ForeignKey('chefs.id'), index=True)\n"
    "def page(bookings, user):\n"
    "    n = Booking.query.count()\n"
    "    m = Chef.query.filter_by(id=1).count()\n"
    "    total = len(Booking.query.all())\n"
    "    for b in Booking.query.all():\n"
    "        Chef.query.get(b.chef_id)\n"
    "        b.chef.name\n"
    "        rate(b.chef_id, user=user)\n"
    "        db.session.commit()\n"
    "    return [c for c in Chef.query.all() if c.bookings]\n";

static void facts_of(const char *src, ol_config *cfg, ol_file_facts *f) {
  ol_config_init(cfg);
  ol_error err = {0};
  assert_int_equal(ol_config_compile(cfg, &err), OL_OK);
  TSParser *p = ol_parser_new();
  TSTree *tree = ol_parse(p, src, (uint32_t)strlen(src));
  memset(f, 0, sizeof *f);
  ol_walk_file(cfg, tree, src, (uint32_t)strlen(src), f);
  ts_tree_delete(tree);
  ts_parser_delete(p);
}

static void test_round_trip(void **state) {
  (void)state;
  ol_config cfg;
  ol_file_facts f, g;
  facts_of(SRC, &cfg, &f);
  assert_true(f.queries.len && f.loops.len && f.classes.len && f.funcs.len && f.calls.len &&
              f.imports.len && f.count_stmts.len && f.commits.len && f.lens.len);
  ol_buf a = {0}, b = {0};
  ol_facts_serialize(&f, &a);
  assert_true(ol_facts_deserialize(a.s, a.len, &g));
  ol_facts_serialize(&g, &b);
  assert_int_equal(a.len, b.len);
  assert_memory_equal(a.s, b.s, a.len);
  /* Strings are read in place: pointers into the record, not the walker's. */
  assert_string_equal(g.classes.items[0].name, "Chef");
  assert_ptr_not_equal(g.classes.items[0].name, f.classes.items[0].name);
  assert_true(g.classes.items[0].name > a.s && g.classes.items[0].name < a.s + a.len);
  assert_int_equal(g.classes.items[0].n_rels, f.classes.items[0].n_rels);
  assert_string_equal(g.classes.items[0].rels[0].backref, "chef");
  assert_string_equal(g.imports.items[1].local, "rate");
  assert_int_equal(g.funcs.items[0].n_params, f.funcs.items[0].n_params);
  ol_facts_free(&g);
  /* A file that is not checked: its own checks' tables are left empty, the
   * rest is the same. */
  ol_file_facts h;
  assert_true(ol_facts_deserialize_for(a.s, a.len, &h, false));
  assert_int_equal(h.count_stmts.len, 0);
  assert_null(h.count_stmts.items);
  h.count_stmts = f.count_stmts;
  ol_buf c = {0};
  ol_facts_serialize(&h, &c);
  assert_int_equal(a.len, c.len);
  assert_memory_equal(a.s, c.s, a.len);
  h.count_stmts.items = NULL, h.count_stmts.len = h.count_stmts.cap = 0;
  ol_facts_free(&h);
  ol_buf_free(&c);
  ol_buf_free(&a);
  ol_buf_free(&b);
  ol_facts_free(&f);
  ol_config_free(&cfg);
}

/* Rows across calls: a loop over a parameter, the reads on its elements,
 * rows of a query passed as an argument, and the chain a loop builds on
 * what a project call returns come back from the record as they went in. */
static void test_round_trip_row_calls(void **state) {
  (void)state;
  static const char ROWS[] = "from flask_sqlalchemy import SQLAlchemy\n"
                             "from .q import base\n"
                             "db = SQLAlchemy()\n"
                             "def names(rows):\n"
                             "    return [r.chef.name for r in rows]\n"
                             "def listing():\n"
                             "    for b in base().filter(Booking.id > 1).all():\n"
                             "        print(b)\n"
                             "    return names(Booking.query.all())\n";
  ol_config cfg;
  ol_file_facts f, g;
  facts_of(ROWS, &cfg, &f);
  ol_buf a = {0}, b = {0};
  ol_facts_serialize(&f, &a);
  assert_true(ol_facts_deserialize(a.s, a.len, &g));
  ol_facts_serialize(&g, &b);
  assert_int_equal(a.len, b.len);
  assert_memory_equal(a.s, b.s, a.len);
  assert_true(ol_facts_valid(&g, (uint32_t)strlen(ROWS)));
  int param_loops = 0, built = 0;
  for (size_t i = 0; i < g.loops.len; i++) {
    param_loops += g.loops.items[i].rows_param == 0;
    built +=
        !ol_span_empty(g.loops.items[i].rows_call) && !ol_span_empty(g.loops.items[i].rows.query);
  }
  assert_int_equal(param_loops, 1);
  assert_int_equal(built, 1);
  bool element_read = false, rows_arg = false;
  for (size_t i = 0; i < g.param_reads.len; i++)
    element_read |= g.param_reads.items[i].rows && !strcmp(g.param_reads.items[i].attr, "chef");
  for (size_t i = 0; i < g.call_args.len; i++)
    rows_arg |= g.call_args.items[i].has_rows &&
                !strcmp(g.call_args.items[i].rows.entity, "Booking") &&
                g.call_args.items[i].rows.entity != f.call_args.items[i].rows.entity;
  assert_true(element_read);
  assert_true(rows_arg);
  ol_facts_free(&g);
  ol_buf_free(&a);
  ol_buf_free(&b);
  ol_facts_free(&f);
  ol_config_free(&cfg);
}

/* Read back into a region (as a warm run does, cache.h): the tables fit in
 * the record's size, nothing is freed from the region, the facts are those
 * of the heap read, and every cut of the record is refused, freeable. */
static void test_round_trip_in_region(void **state) {
  (void)state;
  ol_config cfg;
  ol_file_facts f, g;
  facts_of(SRC, &cfg, &f);
  ol_buf a = {0}, b = {0};
  ol_facts_serialize(&f, &a);
  size_t room = (a.len + 7) & ~(size_t)7;
  char *region = ol_malloc(room + 8);
  memset(region, 0xa5, room + 8);
  for (int checked = 0; checked < 2; checked++) {
    size_t used = 0;
    assert_true(ol_facts_deserialize_in(a.s, a.len, &g, checked, region, &used));
    assert_true(g.borrowed);
    assert_true(used > 0 && used <= room && used % 8 == 0);
    assert_true((char *)g.calls.items >= region && (char *)g.calls.items < region + room);
    assert_true((char *)g.funcs.items[0].params >= region || g.funcs.items[0].n_params == 0);
    if (checked) {
      ol_facts_serialize(&g, &b);
      assert_int_equal(a.len, b.len);
      assert_memory_equal(a.s, b.s, a.len);
      ol_buf_free(&b);
    }
    ol_facts_free(&g); /* leaves the tables to the region */
    for (size_t i = room; i < room + 8; i++)
      assert_int_equal((unsigned char)region[i], 0xa5); /* never past the record's size */
  }
  for (size_t cut = 0; cut < a.len; cut += cut < 64 ? 1 : 7) {
    assert_false(ol_facts_deserialize_in(a.s, cut, &g, true, region, NULL));
    ol_facts_free(&g);
  }
  ol_free(region);
  ol_buf_free(&a);
  ol_facts_free(&f);
  ol_config_free(&cfg);
}

/* Every cut of the record is refused; flipped bytes never crash (the
 * cache's checksum refuses them before this is reached). */
static void test_damaged_records(void **state) {
  (void)state;
  ol_config cfg;
  ol_file_facts f, g;
  facts_of(SRC, &cfg, &f);
  ol_buf a = {0};
  ol_facts_serialize(&f, &a);
  for (size_t cut = 0; cut < a.len; cut += cut < 64 ? 1 : 7) {
    assert_false(ol_facts_deserialize(a.s, cut, &g));
    assert_int_equal(g.classes.len, 0);
  }
  char *copy = ol_malloc(a.len);
  for (size_t at = 0; at < a.len; at += 3) {
    memcpy(copy, a.s, a.len);
    copy[at] ^= (char)0xff;
    /* Lengths and counts are bounds-checked; a flipped flag or offset inside
     * an item is data (the checksum's to catch). Either way: freeable. */
    if (ol_facts_deserialize(copy, a.len, &g))
      ol_facts_free(&g);
  }
  ol_free(copy);
  ol_buf_free(&a);
  ol_facts_free(&f);
  ol_config_free(&cfg);
}

/* Facts that pass the record's length checks but point outside their
 * tables, the file or the walker's limits are refused by ol_facts_valid
 * (what a crafted cache with a valid checksum holds); the walker's own
 * facts pass. */
static void test_crafted_facts_refused(void **state) {
  (void)state;
  ol_config cfg;
  ol_file_facts f;
  facts_of(SRC, &cfg, &f);
  uint32_t len = (uint32_t)strlen(SRC);
  assert_true(ol_facts_valid(&f, len));
  assert_false(ol_facts_valid(&f, len / 2)); /* spans past the end of a shorter file */
  ol_query_site q = f.queries.items[0];
  f.queries.items[0].loop = (int)f.loops.len;
  assert_false(ol_facts_valid(&f, len));
  f.queries.items[0] = q;
  memset(f.queries.items[0].method, 'x', sizeof q.method);
  assert_false(ol_facts_valid(&f, len));
  f.queries.items[0] = q;
  unsigned char two = 2;
  memcpy(&f.queries.items[0].guarded, &two, 1);
  assert_false(ol_facts_valid(&f, len));
  f.queries.items[0] = q;
  f.imports.items[1].level = 0xffffffffu;
  assert_false(ol_facts_valid(&f, len));
  f.imports.items[1].level = 1;
  ol_loop l = f.loops.items[0];
  f.loops.items[0].parent = 0; /* its own parent: a chain that never ends */
  assert_false(ol_facts_valid(&f, len));
  f.loops.items[0] = l;
  ol_call_fact c = f.calls.items[0];
  f.calls.items[0].first_arg = UINT32_MAX, f.calls.items[0].n_args = 2;
  assert_false(ol_facts_valid(&f, len));
  f.calls.items[0] = c;
  f.calls.items[0].callee = NULL;
  assert_false(ol_facts_valid(&f, len));
  f.calls.items[0] = c;
  ol_func_fact fn = f.funcs.items[0];
  f.funcs.items[0].site[OL_EFFECT_COUNT] = 1000;
  assert_false(ol_facts_valid(&f, len));
  f.funcs.items[0] = fn;
  assert_true(ol_facts_valid(&f, len));
  ol_facts_free(&f);
  ol_config_free(&cfg);
  /* A batch's cut lies in its rows: a fix cuts the rows' text there. */
  static const char KEYED[] = "from flask_sqlalchemy import SQLAlchemy\n"
                              "db = SQLAlchemy()\n"
                              "def page():\n"
                              "    for b in Chef.query.all():\n"
                              "        Review.query.filter_by(chef_id=b.id).first()\n";
  facts_of(KEYED, &cfg, &f);
  len = (uint32_t)strlen(KEYED);
  ol_batch *keyed = NULL;
  for (size_t i = 0; i < f.queries.len; i++)
    if (!ol_span_empty(f.queries.items[i].batch.cut))
      keyed = &f.queries.items[i].batch;
  assert_non_null(keyed);
  assert_true(ol_facts_valid(&f, len));
  keyed->cut.start = keyed->rows.start - 1;
  assert_false(ol_facts_valid(&f, len));
  ol_facts_free(&f);
  ol_config_free(&cfg);
}

static void test_identifiers_match_whole(void **state) {
  (void)state;
  ol_name_set s = {0};
  ol_name_set_add(&s, ol_ident_hash("rating_of", 9));
  const char *hit = "x = helpers.rating_of(1)", *miss = "x = helpers.rating_of2(1) + my_rating_of";
  assert_true(ol_prefilter_has_name(&s, hit, strlen(hit)));
  assert_false(ol_prefilter_has_name(&s, miss, strlen(miss)));
  ol_config cfg;
  ol_config_init(&cfg);
  ol_name_set t = {0};
  ol_prefilter_tokens(&cfg, &t);
  const char *plain = "import re  # noqa: E501\nWORD = re.compile('x')  # noqa\ndef f(a):\n"
                      "    \"\"\"The relationship of a and its session's Model.\"\"\"\n"
                      "    return a.get(1)  # a db, a session\n# selected, selection\n"
                      "DOC = r'''\nColumn \\''' db\n'''\n";
  const char *orm[] = {"from sqlalchemy.orm import Session\n",
                       "x = User.query\n",
                       "s = db_session\n",
                       "y = 1  # noqa: ORM001\n",
                       "y = 1  # NOQA:orm1\n",
                       "from sqlalchemy import select\n",
                       "class A(db.Model): pass\n",
                       "def f(s: 'Session'): pass\n",
                       "x = f\"\"\"{db.session.query(A)}\"\"\"\n",
                       "x = '#'; s = db_session\n",
                       "\"\"\"Docs.\"\"\"\nfrom sqlalchemy import orm\n"};
  assert_false(ol_prefilter_has_token(&t, plain, strlen(plain)));
  /* weak tokens: parsed only where an import connects the file (prefilter.h) */
  const char *weak = "stmt = sa.select(User)\nurl = parts.query\n";
  assert_false(ol_prefilter_has_token(&t, weak, strlen(weak)));
  assert_true(ol_prefilter_has_weak_token(weak, strlen(weak)));
  assert_false(ol_prefilter_has_weak_token(plain, strlen(plain)));
  for (size_t i = 0; i < sizeof orm / sizeof *orm; i++)
    assert_true(ol_prefilter_has_token(&t, orm[i], strlen(orm[i])));
  ol_name_set_free(&s);
  ol_name_set_free(&t);
  ol_config_free(&cfg);
}

/* A pending file's digest answers as the byte scans do: every identifier
 * ol_prefilter_has_name reads is a may (a miss is exact), the names found
 * while it is built are those has_name finds, and its class bases are
 * those ol_prefilter_has_class_base reads. The log of a name set lists
 * what was added, in order, once. */
static void test_digest_answers_as_the_scans(void **state) {
  (void)state;
  const char *src = "import helpers\nclass Report(BaseReport, metaclass=Meta):\n"
                    "    def f(self):  # totals_of in a comment\n"
                    "        return helpers.rating_of(self) + 0x1fdead\n"
                    "  class Inner (Mixin) : pass\nx = 'klass(NotABase)'\n";
  size_t len = strlen(src);
  ol_name_set a = {0}, b = {0}, classes = {0};
  ol_name_set_add(&a, ol_ident_hash("rating_of", 9));
  ol_name_set_add(&b, ol_ident_hash("nowhere", 7));
  assert_false(ol_name_set_add(&a, ol_ident_hash("rating_of", 9)));
  assert_int_equal(a.len, 1);
  assert_true(a.log[0] == ol_ident_hash("rating_of", 9));
  ol_name_digest d = {0};
  bool in_a = false, in_b = true;
  ol_prefilter_digest(src, len, &d, &a, &in_a, &b, &in_b);
  assert_true(in_a == ol_prefilter_has_name(&a, src, len) && in_a);
  assert_true(in_b == ol_prefilter_has_name(&b, src, len) && !in_b);
  const char *words[] = {"import", "helpers",  "Report",  "BaseReport", "metaclass",
                         "Meta",   "totals_of", "comment", "rating_of",  "Inner",
                         "Mixin",  "klass",    "NotABase", "self",       "pass"};
  for (size_t i = 0; i < sizeof words / sizeof *words; i++)
    assert_true(ol_name_digest_may_have(&d, ol_ident_hash(words[i], strlen(words[i]))));
  /* `dead` is the tail of a number, as has_name reads it: no identifier */
  size_t misses = 0;
  const char *absent[] = {"dead", "rating", "Report2", "totals", "Base", "x1", "yy", "zz"};
  for (size_t i = 0; i < sizeof absent / sizeof *absent; i++)
    misses += !ol_name_digest_may_have(&d, ol_ident_hash(absent[i], strlen(absent[i])));
  assert_true(misses >= 6); /* a may by chance is allowed, not a habit */
  const char *bases[] = {"BaseReport", "Meta", "metaclass", "Mixin"};
  for (size_t i = 0; i < sizeof bases / sizeof *bases; i++) {
    ol_name_set one = {0};
    ol_name_set_add(&one, ol_ident_hash(bases[i], strlen(bases[i])));
    assert_true(ol_name_digest_has_class_base(&d, &one));
    assert_true(ol_prefilter_has_class_base(&one, src, len));
    ol_name_set_free(&one);
  }
  ol_name_set_add(&classes, ol_ident_hash("NotABase", 8)); /* in a string, not a class statement */
  ol_name_set_add(&classes, ol_ident_hash("Report", 6));   /* the class's own name */
  assert_false(ol_name_digest_has_class_base(&d, &classes));
  assert_false(ol_prefilter_has_class_base(&classes, src, len));
  ol_name_digest_free(&d);
  ol_name_set_free(&a);
  ol_name_set_free(&b);
  ol_name_set_free(&classes);
}

/* .ormlint_cache/calls: every field of every entry comes back. The entries
 * are filled with a byte pattern first and compared as bytes (their
 * pointers aside), so a field added to ol_resolved_calls that
 * ol_calls_serialize does not write fails here, as does one of
 * ol_resolve_cache (its `resolved`, a statistic, is not written). */
static void test_calls_round_trip(void **state) {
  (void)state;
  ol_resolve_cache rc;
  memset(&rc, 0xa5, sizeof rc);
  memset(&rc.files, 0, sizeof rc.files);
  rc.resolved = 0;
  for (uint32_t f = 0; f < 4; f++) {
    ol_resolved_calls r;
    memset(&r, 0x5a + f, sizeof r);
    r.n = f;
    r.n_deps = f % 3;
    r.file = ol_malloc(4 * sizeof(int32_t));
    r.func = ol_malloc(4 * sizeof(int32_t));
    r.deps = ol_malloc(4 * sizeof(uint32_t));
    for (uint32_t i = 0; i < 4; i++)
      r.file[i] = (int32_t)(f * 10 + i) - 1, r.func[i] = (int32_t)(f * 7 + i), r.deps[i] = i + 1;
    ol_vec_push(&rc.files, r);
  }
  ol_buf b = {0};
  ol_calls_serialize(&rc, &b);
  ol_resolve_cache back;
  assert_true(ol_calls_deserialize(b.s, b.len, &back));
  ol_resolve_cache x = rc, y = back;
  memset(&x.files, 0, sizeof x.files);
  memset(&y.files, 0, sizeof y.files);
  assert_memory_equal(&x, &y, sizeof x);
  assert_int_equal(back.files.len, rc.files.len);
  for (size_t f = 0; f < rc.files.len; f++) {
    ol_resolved_calls a = rc.files.items[f], c = back.files.items[f];
    assert_memory_equal(a.file, c.file, a.n * sizeof(int32_t));
    assert_memory_equal(a.func, c.func, a.n * sizeof(int32_t));
    assert_memory_equal(a.deps, c.deps, a.n_deps * sizeof(uint32_t));
    a.file = a.func = c.file = c.func = NULL;
    a.deps = c.deps = NULL;
    assert_memory_equal(&a, &c, sizeof a);
  }
  /* Cut anywhere, or a count changed: refused, never read past the record. */
  for (size_t cut = 0; cut < b.len; cut++) {
    ol_resolve_cache z;
    assert_false(ol_calls_deserialize(b.s, cut, &z));
    assert_int_equal(z.files.len, 0);
  }
  for (size_t at = 0; at < b.len; at++) {
    char *d = ol_strndup(b.s, b.len);
    d[at] ^= 0x41;
    ol_resolve_cache z;
    if (ol_calls_deserialize(d, b.len, &z))
      ol_resolve_cache_free(&z);
    ol_free(d);
  }
  ol_buf_free(&b);
  ol_resolve_cache_free(&rc);
  ol_resolve_cache_free(&back);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_round_trip_row_calls),
      cmocka_unit_test(test_round_trip_in_region),
      cmocka_unit_test(test_calls_round_trip),
      cmocka_unit_test(test_damaged_records),
      cmocka_unit_test(test_crafted_facts_refused),
      cmocka_unit_test(test_identifiers_match_whole),
      cmocka_unit_test(test_digest_answers_as_the_scans),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
