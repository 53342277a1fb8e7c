/* The editor's walk (analyzer/walk_memo.c): after any edit, the facts of a
 * walk that puts unchanged top-level functions back from the memo are the
 * facts of a walk from scratch — on every fixture and corpus file, under a
 * few hundred seeded random edits each (characters typed and deleted, lines
 * duplicated and removed, module-level names added), and the memo is
 * actually used. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "syntax.h"
#include "walk.h"

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  ol_buf b = {0};
  char chunk[4096];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
    ol_buf_add(&b, chunk, n);
  fclose(f);
  *len = b.len;
  return ol_buf_take(&b);
}

static uint64_t digest_of(TSParser *p, const ol_config *cfg, const char *src, size_t len,
                          ol_walk_memo **memo) {
  TSTree *t = ol_parse(p, src, (uint32_t)len);
  ol_file_facts facts = {0};
  ol_walk_file_memo(cfg, t, src, (uint32_t)len, &facts, memo);
  uint64_t d = ol_facts_digest(&facts);
  ol_facts_free(&facts);
  ts_tree_delete(t);
  return d;
}

static uint64_t rng = 0x243f6a8885a308d3ULL;
static uint32_t next_rand(void) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}

/* One random edit of text, in place (text has room for 256 more bytes). */
static void edit(char *text, size_t *len) {
  static const char *const typed[] = {"x",
                                      " ",
                                      "\n",
                                      "#",
                                      "(",
                                      ")",
                                      "1",
                                      ":",
                                      ".",
                                      "q",
                                      "\n    ",
                                      "    for r in rows:\n        r.x\n",
                                      "\nq = Model.query\n",
                                      "\nimport select\n"};
  size_t at = *len ? next_rand() % *len : 0;
  switch (next_rand() % 4) {
  case 0:
  case 1: { /* type something */
    const char *s = typed[next_rand() % (sizeof typed / sizeof *typed)];
    size_t n = strlen(s);
    memmove(text + at + n, text + at, *len - at + 1);
    memcpy(text + at, s, n);
    *len += n;
    break;
  }
  case 2: /* delete a character */
    if (*len) {
      memmove(text + at, text + at + 1, *len - at);
      (*len)--;
    }
    break;
  default: { /* remove the line at `at` */
    size_t a = at, b = at;
    while (a && text[a - 1] != '\n')
      a--;
    while (b < *len && text[b] != '\n')
      b++;
    if (b < *len)
      b++;
    memmove(text + a, text + b, *len - b + 1);
    *len -= b - a;
    break;
  }
  }
}

static void test_memo_walk_equals_a_fresh_walk(void **state) {
  (void)state;
  glob_t g = {0};
  glob("rules/*/fixture*.py", 0, NULL, &g);
  glob("rules/*/fixture_*/*.py", GLOB_APPEND, NULL, &g);
  glob("rules/*/fixture_*/*/*.py", GLOB_APPEND, NULL, &g);
  glob("corpus/softfactory/*/*.py", GLOB_APPEND, NULL, &g);
  glob("corpus/softfactory/*/*/*.py", GLOB_APPEND, NULL, &g);
  assert_true(g.gl_pathc > 20);
  ol_config cfg;
  ol_config_init(&cfg);
  ol_error err = {0};
  assert_int_equal(ol_config_compile(&cfg, &err), OL_OK);
  TSParser *p = ol_parser_new();
  size_t replayed = 0, edits = 0;
  for (size_t i = 0; i < g.gl_pathc; i++) {
    size_t len = 0;
    char *orig = read_file(g.gl_pathv[i], &len);
    assert_non_null(orig);
    enum { EDITS = 40 };
    char *text = ol_malloc(len + EDITS * 256 + 1);
    memcpy(text, orig, len + 1);
    ol_walk_memo *memo = NULL;
    assert_true(digest_of(p, &cfg, text, len, NULL) == digest_of(p, &cfg, text, len, NULL));
    assert_true(digest_of(p, &cfg, text, len, &memo) == digest_of(p, &cfg, text, len, NULL));
    for (int k = 0; k < EDITS; k++) {
      edit(text, &len);

      uint64_t fresh = digest_of(p, &cfg, text, len, NULL);
      uint64_t again = digest_of(p, &cfg, text, len, &memo);
      if (fresh != again)
        fail_msg("%s after edit %d: the memo's facts differ from a fresh walk's", g.gl_pathv[i], k);
      replayed += ol_walk_memo_replayed(memo);
      edits++;
    }
    ol_walk_memo_free(memo);
    ol_free(text);
    ol_free(orig);
  }
  print_message("%zu files, %zu edits, %zu functions put back from the memo\n", g.gl_pathc, edits,
                replayed);
  assert_true(replayed > 0);
  ts_parser_delete(p);
  ol_config_free(&cfg);
  globfree(&g);
}

/* A document as the editor walks it: its config, parser and memo. */
typedef struct {
  ol_config cfg;
  TSParser *p;
  ol_walk_memo *memo;
} editor;

static void editor_open(editor *e) {
  memset(e, 0, sizeof *e);
  ol_config_init(&e->cfg);
  ol_error err = {0};
  assert_int_equal(ol_config_compile(&e->cfg, &err), OL_OK);
  e->p = ol_parser_new();
}

static void editor_close(editor *e) {
  ol_walk_memo_free(e->memo);
  ts_parser_delete(e->p);
  ol_config_free(&e->cfg);
}

/* Walks text with the memo, checks its facts are a fresh walk's, and says
 * how many defs were put back from the memo. */
static size_t edit_walk(editor *e, const char *text, size_t len) {
  uint64_t fresh = digest_of(e->p, &e->cfg, text, len, NULL);
  assert_true(digest_of(e->p, &e->cfg, text, len, &e->memo) == fresh);
  return ol_walk_memo_replayed(e->memo);
}

/* Typing in one function of a long module walks that function only. */
static void test_an_edit_walks_one_function(void **state) {
  (void)state;
  ol_buf b = {0};
  ol_buf_puts(&b, "from models import Chef, Booking\nfrom app import db\n\n");
  for (int i = 0; i < 50; i++)
    ol_buf_printf(&b,
                  "def view_%d(ids):\n    out = []\n    for b in Booking.query.all():\n"
                  "        out.append(Chef.query.get(b.chef_id))\n        out.append(b.chef.name)\n"
                  "    db.session.commit()\n    return out\n\n",
                  i);
  size_t len = b.len;
  char *text = ol_buf_take(&b);
  editor e;
  editor_open(&e);
  assert_int_equal(edit_walk(&e, text, len), 0);
  char *at = strstr(text, "def view_25(ids):\n    out");
  assert_non_null(at);
  at[strlen("def view_25(ids):\n    ")] = 'O'; /* out -> Out, in one function */
  assert_int_equal(edit_walk(&e, text, len), 49);
  memmove(text + 1, text, len + 1); /* a blank line first: every function moves */
  text[0] = '\n';
  len++;
  assert_int_equal(edit_walk(&e, text, len), 50);
  editor_close(&e);
  ol_free(text);
}

/* Methods too: an edit in one walks it alone; a change to what the class
 * declares (a column) walks all of them again. */
static void test_methods_are_kept_with_their_class(void **state) {
  (void)state;
  ol_buf b = {0};
  ol_buf_puts(
      &b, "from app import db\n\nclass Chef(db.Model):\n"
          "    id = db.Column(db.Integer, primary_key=True)\n    name = db.Column(db.String)\n\n");
  for (int i = 0; i < 10; i++)
    ol_buf_printf(
        &b,
        "    def view_%d(self, ids):\n        for b in self.bookings:\n"
        "            self.total = Chef.query.get(b.chef_id)\n        return self.name\n\n",
        i);
  size_t len = b.len;
  char *text = ol_buf_take(&b);
  editor e;
  editor_open(&e);
  edit_walk(&e, text, len);
  char *at = strstr(text, "def view_4(self, ids):\n        for b");
  assert_non_null(at);
  at[strlen("def view_4(self, ids):\n        for ")] = 'c'; /* b -> c in one method */
  assert_int_equal(edit_walk(&e, text, len), 9);
  at = strstr(text, "db.String");
  memcpy(at, "db.Text  ", 9); /* a column's type: the class changed */
  assert_int_equal(edit_walk(&e, text, len), 0);
  editor_close(&e);
  ol_free(text);
}

/* A parse is a function of the text: not of what the parser parsed before
 * (tree-sitter-python's scanner keeps an f-string flag across parses). */
static void test_a_parse_does_not_depend_on_the_last_one(void **state) {
  (void)state;
  /* An unterminated f-string at the end leaves the scanner "inside" one. */
  const char *text = "class Chef(db.Model):\n    name = db.Column(db.String(80))\n"
                     "class Review(db.Model):\n        return f\"booking {";
  const char *before = text;
  TSParser *fresh = ol_parser_new(), *used = ol_parser_new();
  ts_tree_delete(ol_parse(used, before, (uint32_t)strlen(before)));
  TSTree *a = ol_parse(fresh, text, (uint32_t)strlen(text));
  TSTree *b = ol_parse(used, text, (uint32_t)strlen(text));
  char *sa = ts_node_string(ts_tree_root_node(a)), *sb = ts_node_string(ts_tree_root_node(b));
  assert_string_equal(sa, sb);
  free(sa);
  free(sb);
  ts_tree_delete(a);
  ts_tree_delete(b);
  ts_parser_delete(fresh);
  ts_parser_delete(used);
}

/* `self.rows = Post.query.all()` in a method put back from the memo is
 * still a fact of the class's attribute (ORM002 reads a loop over it). */
static size_t self_facts_of(editor *e, const char *text, size_t len) {
  TSTree *t = ol_parse(e->p, text, (uint32_t)len);
  ol_file_facts facts = {0};
  ol_walk_file_memo(&e->cfg, t, text, (uint32_t)len, &facts, &e->memo);
  size_t n = facts.self_facts.len;
  ol_facts_free(&facts);
  ts_tree_delete(t);
  return n;
}

static void test_replayed_methods_keep_their_self_facts(void **state) {
  (void)state;
  char text[] = "from app import db\n\nclass Post(db.Model):\n"
                "    id = db.Column(db.Integer, primary_key=True)\n\n"
                "class Feed:\n"
                "    def load(self):\n        self.rows = Post.query.all()\n\n"
                "    def other(self, x):\n        return x + 1\n";
  size_t len = strlen(text);
  editor e;
  editor_open(&e);
  assert_int_equal(self_facts_of(&e, text, len), 1);
  char *at = strstr(text, "x + 1");
  assert_non_null(at);
  at[4] = '2'; /* an edit in the other method's body */
  assert_int_equal(self_facts_of(&e, text, len), 1);
  assert_int_equal(ol_walk_memo_replayed(e.memo), 1); /* load was put back */
  at[4] = '3';
  assert_int_equal(edit_walk(&e, text, len), 1); /* and its facts are a fresh walk's */
  editor_close(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_memo_walk_equals_a_fresh_walk),
      cmocka_unit_test(test_an_edit_walks_one_function),
      cmocka_unit_test(test_methods_are_kept_with_their_class),
      cmocka_unit_test(test_a_parse_does_not_depend_on_the_last_one),
      cmocka_unit_test(test_replayed_methods_keep_their_self_facts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
