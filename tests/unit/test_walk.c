/* Pass 1 (analyzer/walk.c, exec.c) on small Python snippets: the loop
 * context of DESIGN.md "Loop context" (every loop form, nesting, what runs
 * once and what runs per iteration), query recognition of "Query execution"
 * (entry points, receivers, terminals, look-alikes that execute nothing),
 * the facts a fix needs (dependence, hoisting, batching), and walks that
 * stay iterative on 3,000-deep nesting. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "syntax.h"
#include "walk.h"

/* ---- harness --------------------------------------------------------------- */

typedef struct {
  ol_config cfg;
  char *src;
  uint32_t len;
  ol_file_facts facts;
} walked;

/* Parses and walks src with the default config, or with session_names as
 * the --session-names pattern when it is not NULL. */
static walked *walk_with(const char *src, const char *session_names) {
  walked *w = ol_calloc(1, sizeof *w);
  ol_config_init(&w->cfg);
  if (session_names) {
    ol_free(w->cfg.session_names);
    w->cfg.session_names = ol_strdup(session_names);
  }
  ol_error err = {0};
  assert_int_equal(ol_config_compile(&w->cfg, &err), OL_OK);
  w->len = (uint32_t)strlen(src);
  w->src = ol_strndup(src, w->len);
  TSParser *p = ol_parser_new();
  TSTree *tree = ol_parse(p, w->src, w->len);
  assert_non_null(tree);
  ol_walk_file(&w->cfg, tree, w->src, w->len, &w->facts);
  ts_tree_delete(tree);
  ts_parser_delete(p);
  return w;
}

static walked *walk(const char *src) { return walk_with(src, NULL); }

static void done(walked *w) {
  ol_facts_free(&w->facts);
  ol_config_free(&w->cfg);
  ol_free(w->src);
  ol_free(w);
}

static bool span_is(const walked *w, ol_span s, const char *text) {
  size_t n = strlen(text);
  return s.end - s.start == n && memcmp(w->src + s.start, text, n) == 0;
}

static void print_facts(const walked *w) {
  for (size_t i = 0; i < w->facts.loops.len; i++) {
    const ol_loop *l = &w->facts.loops.items[i];
    print_error("  loop %zu (parent %d): %.*s\n", i, l->parent,
                (int)(l->header.end - l->header.start), w->src + l->header.start);
  }
  for (size_t i = 0; i < w->facts.queries.len; i++) {
    const ol_query_site *s = &w->facts.queries.items[i];
    print_error("  site %zu (loop %d, %s): %.*s\n", i, s->loop, s->method,
                (int)(s->span.end - s->span.start), w->src + s->span.start);
  }
}

/* The nth (0-based) query site whose text is `text`, or NULL. */
static const ol_query_site *find_site(const walked *w, const char *text, int nth) {
  for (size_t i = 0; i < w->facts.queries.len; i++)
    if (span_is(w, w->facts.queries.items[i].span, text) && nth-- == 0)
      return &w->facts.queries.items[i];
  return NULL;
}

static const ol_query_site *site_at(const walked *w, const char *text, int nth, const char *file,
                                    int line) {
  const ol_query_site *s = find_site(w, text, nth);
  if (!s) {
    print_error("no query site #%d `%s`; the facts are:\n", nth, text);
    print_facts(w);
    _fail(file, line);
  }
  return s;
}

static void no_site_at(const walked *w, const char *text, const char *file, int line) {
  if (find_site(w, text, 0)) {
    print_error("`%s` is not a query, but the walk recorded it; the facts are:\n", text);
    print_facts(w);
    _fail(file, line);
  }
}

/* The index of the loop whose header is exactly `header`. */
static int loop_at(const walked *w, const char *header, const char *file, int line) {
  for (size_t i = 0; i < w->facts.loops.len; i++)
    if (span_is(w, w->facts.loops.items[i].header, header))
      return (int)i;
  print_error("no loop with header `%s`; the facts are:\n", header);
  print_facts(w);
  _fail(file, line);
  return -1;
}

/* The nth site `text` runs on every iteration of the loop `header` (NULL: of no loop). */
static void in_loop_at(const walked *w, const char *text, int nth, const char *header,
                       const char *file, int line) {
  const ol_query_site *s = site_at(w, text, nth, file, line);
  int want = header ? loop_at(w, header, file, line) : -1;
  if (s->loop != want) {
    print_error("`%s` runs in loop %d, expected %d (%s); the facts are:\n", text, s->loop, want,
                header ? header : "no loop");
    print_facts(w);
    _fail(file, line);
  }
}

#define SITE(w, text) site_at(w, text, 0, __FILE__, __LINE__)
#define SITE_N(w, text, n) site_at(w, text, n, __FILE__, __LINE__)
#define NO_SITE(w, text) no_site_at(w, text, __FILE__, __LINE__)
#define LOOP(w, header) loop_at(w, header, __FILE__, __LINE__)
#define IN_LOOP(w, text, header) in_loop_at(w, text, 0, header, __FILE__, __LINE__)
#define IN_LOOP_N(w, text, n, header) in_loop_at(w, text, n, header, __FILE__, __LINE__)
#define ONCE(w, text) in_loop_at(w, text, 0, NULL, __FILE__, __LINE__)
#define N_SITES(w, n)                                                                              \
  do {                                                                                             \
    if ((w)->facts.queries.len != (size_t)(n))                                                     \
      print_facts(w);                                                                              \
    assert_int_equal((w)->facts.queries.len, (n));                                                 \
  } while (0)

/* ---- loop forms -------------------------------------------------------------- */

static void test_for_body(void **state) {
  (void)state;
  walked *w = walk("def f(bookings):\n"
                   "    for b in bookings:\n"
                   "        chef = Chef.query.get(b.chef_id)\n"
                   "        print(chef)\n"
                   "    return Chef.query.get(1)\n");
  N_SITES(w, 2);
  int l = LOOP(w, "for b in bookings");
  const ol_loop *loop = &w->facts.loops.items[l];
  assert_int_equal(loop->kind, OL_LOOP_FOR);
  assert_false(loop->is_async);
  assert_int_equal(loop->parent, -1);
  assert_true(span_is(w, loop->target, "b"));
  assert_true(span_is(w, loop->iterable, "bookings"));
  const ol_query_site *s = SITE(w, "Chef.query.get(b.chef_id)");
  assert_int_equal(s->loop, l);
  assert_int_equal(s->how, OL_EXEC_TERMINAL);
  assert_string_equal(s->method, "get");
  assert_false(s->is_count);
  assert_false(s->awaited);
  assert_string_equal(s->entity, "Chef");
  ONCE(w, "Chef.query.get(1)");
  done(w);
}

static void test_async_for(void **state) {
  (void)state;
  walked *w = walk("async def f(stream, session):\n"
                   "    async for item in stream:\n"
                   "        await session.get(Chef, item.chef_id)\n");
  N_SITES(w, 1);
  int l = LOOP(w, "async for item in stream");
  assert_int_equal(w->facts.loops.items[l].kind, OL_LOOP_FOR);
  assert_true(w->facts.loops.items[l].is_async);
  const ol_query_site *s = SITE(w, "await session.get(Chef, item.chef_id)");
  assert_int_equal(s->loop, l);
  assert_int_equal(s->how, OL_EXEC_SESSION);
  assert_string_equal(s->method, "get");
  assert_true(s->awaited);
  /* An async iterable cannot be read twice to collect the keys first. */
  assert_int_equal(s->batch.mode, OL_BATCH_NONE);
  done(w);
}

static void test_while_body_and_condition(void **state) {
  (void)state;
  walked *w = walk("def drain():\n"
                   "    while Booking.query.filter_by(status='new').first():\n"
                   "        Booking.query.filter_by(status='new').delete()\n"
                   "        db.session.commit()\n");
  N_SITES(w, 2);
  int l = LOOP(w, "while Booking.query.filter_by(status='new').first()");
  assert_int_equal(w->facts.loops.items[l].kind, OL_LOOP_WHILE);
  assert_true(ol_span_empty(w->facts.loops.items[l].target));
  IN_LOOP(w, "Booking.query.filter_by(status='new').first()",
          "while Booking.query.filter_by(status='new').first()");
  IN_LOOP(w, "Booking.query.filter_by(status='new').delete()",
          "while Booking.query.filter_by(status='new').first()");
  const ol_query_site *s = SITE(w, "Booking.query.filter_by(status='new').first()");
  /* A while loop's exit may depend on what the query reads: never hoisted. */
  assert_int_equal(s->hoist_loop, -1);
  assert_non_null(s->no_hoist_why);
  assert_string_equal(SITE(w, "Booking.query.filter_by(status='new').delete()")->method, "delete");
  done(w);
}

static void test_comprehension_parts(void **state) {
  (void)state;
  walked *w = walk("def f(ids, rows):\n"
                   "    a = [Chef.query.get(i) for i in ids]\n"
                   "    b = {Chef.query.get(j) for j in ids}\n"
                   "    c = {Chef.query.get(k): Booking.query.get(k) for k in ids}\n"
                   "    d = list(Chef.query.get(m) for m in ids)\n"
                   "    e = [n for n in ids if Chef.query.get(n)]\n"
                   "    g = [y for x in rows for y in Booking.query.filter_by(chef_id=x.id) if "
                   "Chef.query.get(y.id)]\n"
                   "    h = any(Chef.query.get(p) for p in ids)\n");
  N_SITES(w, 9);
  IN_LOOP(w, "Chef.query.get(i)", "[Chef.query.get(i) for i in ids");
  IN_LOOP(w, "Chef.query.get(j)", "{Chef.query.get(j) for j in ids");
  IN_LOOP(w, "Chef.query.get(k)",
          "{Chef.query.get(k): Booking.query.get(k) for k in ids"); /* key */
  IN_LOOP(w, "Booking.query.get(k)",
          "{Chef.query.get(k): Booking.query.get(k) for k in ids"); /* value */
  IN_LOOP(w, "Chef.query.get(m)", "(Chef.query.get(m) for m in ids");
  IN_LOOP(w, "Chef.query.get(n)", "[n for n in ids"); /* if clause */
  /* A later for clause's iterable and an if clause after it run per element. */
  IN_LOOP(w, "Booking.query.filter_by(chef_id=x.id)", "[y for x in rows");
  IN_LOOP(w, "Chef.query.get(y.id)", "[y for x in rows");
  IN_LOOP(w, "Chef.query.get(p)", "(Chef.query.get(p) for p in ids");
  for (size_t i = 0; i < w->facts.loops.len; i++)
    assert_int_equal(w->facts.loops.items[i].kind, OL_LOOP_COMPREHENSION);
  const ol_query_site *it = SITE(w, "Booking.query.filter_by(chef_id=x.id)");
  assert_int_equal(it->how, OL_EXEC_ITERATE);
  done(w);
}

static void test_comprehension_first_iterable_runs_once(void **state) {
  (void)state;
  walked *w = walk("def f():\n"
                   "    a = [c.name for c in Chef.query.filter_by(active=True)]\n"
                   "    b = {c.id: c for c in Chef.query.all()}\n"
                   "    g = (c for c in session.scalars(select(Chef)))\n");
  N_SITES(w, 3);
  ONCE(w, "Chef.query.filter_by(active=True)");
  ONCE(w, "Chef.query.all()");
  ONCE(w, "session.scalars(select(Chef))");
  done(w);
}

static void test_callback_lambdas(void **state) {
  (void)state;
  walked *w =
      walk("def f(ids, chefs):\n"
           "    a = list(map(lambda i: Chef.query.get(i), ids))\n"
           "    b = list(filter(lambda j: Chef.query.get(j) is not None, ids))\n"
           "    c = sorted(chefs, key=lambda c: Booking.query.filter_by(chef_id=c.id).first().id)\n"
           "    d = min(chefs, key=lambda c: Booking.query.filter_by(chef_id=c.id).count())\n"
           "    e = max(chefs, key=lambda c: Booking.query.filter_by(chef_id=c.id).all())\n");
  N_SITES(w, 5);
  IN_LOOP(w, "Chef.query.get(i)", "map(lambda i: Chef.query.get(i), ids)");
  IN_LOOP(w, "Chef.query.get(j)", "filter(lambda j: Chef.query.get(j) is not None, ids)");
  IN_LOOP(w, "Booking.query.filter_by(chef_id=c.id).first()",
          "sorted(chefs, key=lambda c: Booking.query.filter_by(chef_id=c.id).first().id)");
  IN_LOOP(w, "Booking.query.filter_by(chef_id=c.id).count()",
          "min(chefs, key=lambda c: Booking.query.filter_by(chef_id=c.id).count())");
  IN_LOOP(w, "Booking.query.filter_by(chef_id=c.id).all()",
          "max(chefs, key=lambda c: Booking.query.filter_by(chef_id=c.id).all())");
  for (size_t i = 0; i < w->facts.loops.len; i++)
    assert_int_equal(w->facts.loops.items[i].kind, OL_LOOP_CALLBACK);
  assert_true(SITE(w, "Booking.query.filter_by(chef_id=c.id).count()")->is_count);
  done(w);
}

static void test_lambdas_not_called_per_element(void **state) {
  (void)state;
  walked *w = walk("def f(ids, chefs):\n"
                   "    a = max(chefs, default=lambda: Chef.query.first())\n"
                   "    b = register(lambda: Chef.query.all())\n"
                   "    c = lambda: Chef.query.one()\n"
                   "    d = list(map(lambda i: (lambda: Chef.query.get(i)), ids))\n");
  N_SITES(w, 4);
  ONCE(w, "Chef.query.first()");
  ONCE(w, "Chef.query.all()");
  ONCE(w, "Chef.query.one()");
  ONCE(w, "Chef.query.get(i)"); /* a lambda returned by the callback is not called there */
  done(w);
}

/* ---- nesting ------------------------------------------------------------------ */

static void test_inner_loop_iterable_is_in_outer_loop(void **state) {
  (void)state;
  walked *w = walk("def f(chefs):\n"
                   "    for chef in chefs:\n"
                   "        for b in Booking.query.filter_by(chef_id=chef.id):\n"
                   "            print(b)\n"
                   "        for b in Booking.query.filter_by(chef_id=chef.id).all():\n"
                   "            print(b)\n"
                   "        while Booking.query.filter_by(chef_id=chef.id).first():\n"
                   "            break\n"
                   "        x = [b for b in Booking.query.filter_by(chef_id=chef.id)]\n");
  N_SITES(w, 4);
  int outer = LOOP(w, "for chef in chefs");
  int inner = LOOP(w, "for b in Booking.query.filter_by(chef_id=chef.id)");
  int inner2 = LOOP(w, "for b in Booking.query.filter_by(chef_id=chef.id).all()");
  int wl = LOOP(w, "while Booking.query.filter_by(chef_id=chef.id).first()");
  int comp = LOOP(w, "[b for b in Booking.query.filter_by(chef_id=chef.id)");
  assert_int_equal(w->facts.loops.items[inner].parent, outer);
  assert_int_equal(w->facts.loops.items[inner2].parent, outer);
  assert_int_equal(w->facts.loops.items[wl].parent, outer);
  assert_int_equal(w->facts.loops.items[comp].parent, outer);
  IN_LOOP_N(w, "Booking.query.filter_by(chef_id=chef.id)", 0, "for chef in chefs");
  IN_LOOP(w, "Booking.query.filter_by(chef_id=chef.id).all()", "for chef in chefs");
  IN_LOOP(w, "Booking.query.filter_by(chef_id=chef.id).first()",
          "while Booking.query.filter_by(chef_id=chef.id).first()");
  IN_LOOP_N(w, "Booking.query.filter_by(chef_id=chef.id)", 1, "for chef in chefs");
  const ol_query_site *s = SITE(w, "Booking.query.filter_by(chef_id=chef.id)");
  assert_int_equal(s->how, OL_EXEC_ITERATE);
  assert_string_equal(s->method, "iterate-bare");
  assert_int_equal(s->dep_loop, outer);
  assert_string_equal(s->dep_name, "chef");
  done(w);
}

static void test_nested_comprehensions(void **state) {
  (void)state;
  walked *w = walk("def f(ids):\n"
                   "    a = [[Chef.query.get(j) for j in i] for i in ids]\n"
                   "    b = [[y for y in Chef.query.filter_by(a=i)] for i in ids]\n"
                   "    c = [x for x in [Chef.query.get(k) for k in ids]]\n");
  N_SITES(w, 3);
  int a_outer = LOOP(w, "[[Chef.query.get(j) for j in i] for i in ids");
  int a_inner = LOOP(w, "[Chef.query.get(j) for j in i");
  assert_int_equal(w->facts.loops.items[a_inner].parent, a_outer);
  IN_LOOP(w, "Chef.query.get(j)", "[Chef.query.get(j) for j in i");
  /* The inner comprehension's own first iterable runs once per outer element. */
  IN_LOOP(w, "Chef.query.filter_by(a=i)", "[[y for y in Chef.query.filter_by(a=i)] for i in ids");
  /* A comprehension in the first iterable of another is not inside it. */
  int c_inner = LOOP(w, "[Chef.query.get(k) for k in ids");
  assert_int_equal(w->facts.loops.items[c_inner].parent, -1);
  IN_LOOP(w, "Chef.query.get(k)", "[Chef.query.get(k) for k in ids");
  done(w);
}

static void test_callback_inside_for(void **state) {
  (void)state;
  walked *w = walk("def f(groups):\n"
                   "    for g in groups:\n"
                   "        names = list(map(lambda i: Chef.query.get(i).name, g.ids))\n");
  int outer = LOOP(w, "for g in groups");
  int cb = LOOP(w, "map(lambda i: Chef.query.get(i).name, g.ids)");
  assert_int_equal(w->facts.loops.items[cb].parent, outer);
  IN_LOOP(w, "Chef.query.get(i)", "map(lambda i: Chef.query.get(i).name, g.ids)");
  done(w);
}

/* ---- what runs once, and what runs per iteration ------------------------------ */

static void test_loop_iterables_run_once(void **state) {
  (void)state;
  walked *w = walk("async def f(session):\n"
                   "    for chef in Chef.query.all():\n"
                   "        print(chef)\n"
                   "    for b in Booking.query.filter_by(status='paid'):\n"
                   "        print(b)\n"
                   "    async for c in await session.stream_scalars(select(Chef)):\n"
                   "        print(c)\n"
                   "    for row in session.execute(select(Chef)):\n"
                   "        print(row)\n");
  N_SITES(w, 3);
  ONCE(w, "Chef.query.all()");
  ONCE(w, "Booking.query.filter_by(status='paid')");
  ONCE(w, "session.execute(select(Chef))");
  done(w);
}

static void test_else_runs_once(void **state) {
  (void)state;
  walked *w = walk("def f(ids, groups):\n"
                   "    for i in ids:\n"
                   "        print(i)\n"
                   "    else:\n"
                   "        Chef.query.all()\n"
                   "    while ids:\n"
                   "        ids.pop()\n"
                   "    else:\n"
                   "        Chef.query.first()\n"
                   "    for g in groups:\n"
                   "        for i in g:\n"
                   "            print(i)\n"
                   "        else:\n"
                   "            Chef.query.filter_by(group=g.id).all()\n"
                   "        while g.more:\n"
                   "            g.step()\n"
                   "        else:\n"
                   "            Chef.query.filter_by(group=g.id).first()\n");
  N_SITES(w, 4);
  ONCE(w, "Chef.query.all()");
  ONCE(w, "Chef.query.first()");
  /* An inner loop's else runs once per iteration of the outer loop. */
  IN_LOOP(w, "Chef.query.filter_by(group=g.id).all()", "for g in groups");
  IN_LOOP(w, "Chef.query.filter_by(group=g.id).first()", "for g in groups");
  done(w);
}

static void test_deferred_bodies(void **state) {
  (void)state;
  walked *w = walk("def f(ids):\n"
                   "    callbacks = []\n"
                   "    for i in ids:\n"
                   "        def later():\n"
                   "            return Chef.query.get(i)\n"
                   "        async def later_async(session):\n"
                   "            return await session.get(Chef, i)\n"
                   "        callbacks.append(lambda: Chef.query.filter_by(id=i).first())\n"
                   "        class Local:\n"
                   "            def method(self):\n"
                   "                return Chef.query.all()\n"
                   "        def own_loop(js):\n"
                   "            for j in js:\n"
                   "                Booking.query.get(j)\n"
                   "    return callbacks\n");
  N_SITES(w, 5);
  ONCE(w, "Chef.query.get(i)");
  ONCE(w, "await session.get(Chef, i)");
  ONCE(w, "Chef.query.filter_by(id=i).first()");
  ONCE(w, "Chef.query.all()");
  /* A loop inside a deferred body is its own: no enclosing loop in its function. */
  int own = LOOP(w, "for j in js");
  assert_int_equal(w->facts.loops.items[own].parent, -1);
  IN_LOOP(w, "Booking.query.get(j)", "for j in js");
  done(w);
}

static void test_defaults_decorators_class_bodies_run_per_iteration(void **state) {
  (void)state;
  walked *w = walk("def f(ids):\n"
                   "    for i in ids:\n"
                   "        def helper(x=Chef.query.get(i), *, y=Booking.query.get(i)):\n"
                   "            return x, y\n"
                   "        g = lambda z=Setting.query.get(i): z\n"
                   "        @register(Chef.query.filter_by(id=i).first())\n"
                   "        def decorated():\n"
                   "            return None\n"
                   "        @dataclass(repr=Booking.query.filter_by(id=i).first())\n"
                   "        class Decorated:\n"
                   "            pass\n"
                   "        class Local:\n"
                   "            chef = Chef.query.filter_by(id=i).one()\n"
                   "            names = [c.name for c in Chef.query.filter_by(parent=i)]\n");
  N_SITES(w, 7);
  const char *header = "for i in ids";
  IN_LOOP(w, "Chef.query.get(i)", header);
  IN_LOOP(w, "Booking.query.get(i)", header);
  IN_LOOP(w, "Setting.query.get(i)", header);
  IN_LOOP(w, "Chef.query.filter_by(id=i).first()", header);
  IN_LOOP(w, "Booking.query.filter_by(id=i).first()", header);
  IN_LOOP(w, "Chef.query.filter_by(id=i).one()", header);
  IN_LOOP(w, "Chef.query.filter_by(parent=i)", header);
  done(w);
}

static void test_statements_inside_loop_body(void **state) {
  (void)state;
  walked *w = walk("def f(rows):\n"
                   "    for r in rows:\n"
                   "        if r.ok:\n"
                   "            Chef.query.filter_by(a=r.id).first()\n"
                   "        try:\n"
                   "            Chef.query.filter_by(b=r.id).first()\n"
                   "        except KeyError:\n"
                   "            Chef.query.filter_by(c=r.id).first()\n"
                   "        finally:\n"
                   "            Chef.query.filter_by(d=r.id).first()\n"
                   "        with lock:\n"
                   "            Chef.query.filter_by(e=r.id).first()\n"
                   "        x = Chef.query.filter_by(f=r.id).first() if r.ok else None\n");
  N_SITES(w, 6);
  for (size_t i = 0; i < w->facts.queries.len; i++)
    assert_int_equal(w->facts.queries.items[i].loop, LOOP(w, "for r in rows"));
  done(w);
}

/* ---- query recognition ------------------------------------------------------- */

static void test_model_query_terminals(void **state) {
  (void)state;
  static const char *const terminals[] = {
      "all",          "first",      "one",        "one_or_none", "scalar", "count",  "get",
      "first_or_404", "get_or_404", "one_or_404", "paginate",    "delete", "update", NULL};
  for (const char *const *t = terminals; *t; t++) {
    bool has_arg = !strcmp(*t, "get") || !strcmp(*t, "get_or_404") || !strcmp(*t, "update");
    char *call = ol_format("User.query.filter(User.active == True).order_by(User.id).%s(%s)", *t,
                           has_arg ? "x" : "");
    char *src = ol_format("def f(xs):\n    for x in xs:\n        %s\n", call);
    walked *w = walk(src);
    N_SITES(w, 1);
    const ol_query_site *s = SITE(w, call);
    assert_int_equal(s->how, OL_EXEC_TERMINAL);
    assert_string_equal(s->method, *t);
    assert_int_equal(s->loop, 0);
    assert_string_equal(s->entity, "User");
    assert_int_equal(s->is_count, !strcmp(*t, "count"));
    done(w);
    ol_free(call);
    ol_free(src);
  }
}

static void test_session_query_receivers(void **state) {
  (void)state;
  walked *w = walk("class Repo:\n"
                   "    def f(self, xs, session, my_session, db):\n"
                   "        for x in xs:\n"
                   "            session.query(User).filter_by(a=x).all()\n"
                   "            db.session.query(User).get(x)\n"
                   "            self.session.query(User).filter(User.id == x).one_or_none()\n"
                   "            my_session.query(User).first()\n"
                   "            self.db_session.query(User).first()\n"
                   "            models.User.query.first()\n");
  N_SITES(w, 6);
  const char *texts[] = {"session.query(User).filter_by(a=x).all()",
                         "db.session.query(User).get(x)",
                         "self.session.query(User).filter(User.id == x).one_or_none()",
                         "my_session.query(User).first()",
                         "self.db_session.query(User).first()",
                         "models.User.query.first()"};
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    const ol_query_site *s = SITE(w, texts[i]);
    assert_int_equal(s->how, OL_EXEC_TERMINAL);
    assert_int_equal(s->loop, 0);
  }
  assert_string_equal(SITE(w, "session.query(User).filter_by(a=x).all()")->entity, "User");
  done(w);
}

static void test_session_execution(void **state) {
  (void)state;
  walked *w = walk("def f(xs, session, db, stmt):\n"
                   "    for x in xs:\n"
                   "        session.execute(stmt)\n"
                   "        session.scalars(select(User).where(User.id == x))\n"
                   "        session.scalar(select(User.name).where(User.id == x))\n"
                   "        session.get(User, x)\n"
                   "        db.session.get(User, x)\n"
                   "        db.session.execute(select(User))\n");
  N_SITES(w, 6);
  for (size_t i = 0; i < w->facts.queries.len; i++) {
    assert_int_equal(w->facts.queries.items[i].how, OL_EXEC_SESSION);
    assert_int_equal(w->facts.queries.items[i].loop, 0);
  }
  assert_string_equal(SITE(w, "session.execute(stmt)")->method, "execute");
  assert_string_equal(SITE(w, "session.scalars(select(User).where(User.id == x))")->method,
                      "scalars");
  assert_string_equal(SITE(w, "session.scalar(select(User.name).where(User.id == x))")->method,
                      "scalar");
  assert_string_equal(SITE(w, "session.get(User, x)")->method, "get");
  assert_string_equal(SITE(w, "db.session.get(User, x)")->entity, "User");
  done(w);
}

static void test_db_helpers(void **state) {
  (void)state;
  walked *w = walk("def f(xs, stmt):\n"
                   "    for x in xs:\n"
                   "        db.get_or_404(User, x)\n"
                   "        db.first_or_404(select(User).where(User.id == x))\n"
                   "        db.one_or_404(select(User).where(User.id == x))\n"
                   "        db.paginate(select(User), page=x)\n");
  N_SITES(w, 4);
  const char *methods[] = {"get_or_404", "first_or_404", "one_or_404", "paginate"};
  for (size_t i = 0; i < 4; i++) {
    const ol_query_site *s = &w->facts.queries.items[i];
    assert_int_equal(s->how, OL_EXEC_DB_HELPER);
    assert_string_equal(s->method, methods[i]);
    assert_int_equal(s->loop, 0);
    assert_int_equal(s->batch.mode, OL_BATCH_NONE); /* a 404 or a page per key */
  }
  done(w);
}

static void test_awaited_async_session(void **state) {
  (void)state;
  walked *w = walk("async def f(xs, session, async_session, stmt):\n"
                   "    for x in xs:\n"
                   "        await session.execute(stmt)\n"
                   "        await async_session.scalars(select(User).where(User.id == x))\n"
                   "        await session.get(User, x)\n"
                   "        (await session.execute(select(User))).scalars().all()\n"
                   "    return [await session.scalar(stmt) for _ in xs]\n");
  N_SITES(w, 5);
  for (size_t i = 0; i < w->facts.queries.len; i++) {
    assert_true(w->facts.queries.items[i].awaited);
    assert_int_equal(w->facts.queries.items[i].how, OL_EXEC_SESSION);
  }
  IN_LOOP(w, "await session.execute(stmt)", "for x in xs");
  IN_LOOP(w, "await async_session.scalars(select(User).where(User.id == x))", "for x in xs");
  IN_LOOP(w, "await session.get(User, x)", "for x in xs");
  IN_LOOP(w, "await session.execute(select(User))", "for x in xs");
  IN_LOOP(w, "await session.scalar(stmt)", "[await session.scalar(stmt) for _ in xs");
  done(w);
}

static void test_iterating_and_indexing_a_query(void **state) {
  (void)state;
  walked *w = walk("def f(xs, session):\n"
                   "    for x in xs:\n"
                   "        for u in User.query:\n"
                   "            pass\n"
                   "        list(User.query.filter_by(a=x))\n"
                   "        sorted(session.query(User).filter_by(a=x))\n"
                   "        User.query[0]\n"
                   "        User.query.filter_by(a=x)[:10]\n"
                   "        [u for u in session.query(User).filter_by(a=x)]\n");
  N_SITES(w, 6);
  const ol_query_site *bare = SITE(w, "User.query");
  assert_int_equal(bare->how, OL_EXEC_ITERATE);
  assert_string_equal(bare->method, "iterate-bare");
  IN_LOOP(w, "User.query", "for x in xs");
  const ol_query_site *l = SITE(w, "list(User.query.filter_by(a=x))");
  assert_int_equal(l->how, OL_EXEC_ITERATE);
  assert_string_equal(l->method, "iterate");
  assert_int_equal(SITE(w, "sorted(session.query(User).filter_by(a=x))")->how, OL_EXEC_ITERATE);
  assert_int_equal(SITE(w, "User.query[0]")->how, OL_EXEC_SUBSCRIPT);
  assert_int_equal(SITE(w, "User.query.filter_by(a=x)[:10]")->how, OL_EXEC_SUBSCRIPT);
  assert_string_equal(SITE(w, "User.query[0]")->method, "subscript");
  IN_LOOP(w, "session.query(User).filter_by(a=x)", "for x in xs");
  for (size_t i = 0; i < w->facts.queries.len; i++)
    assert_int_equal(w->facts.queries.items[i].loop, 0);
  done(w);
}

static void test_variables_holding_queries_and_sessions(void **state) {
  (void)state;
  walked *w = walk("def f(xs, db):\n"
                   "    q = User.query.filter_by(active=True)\n"
                   "    s = db.session\n"
                   "    sq = s.query(User)\n"
                   "    qq: Query = (User.query\n"
                   "                 .filter_by(active=False))\n"
                   "    for x in xs:\n"
                   "        q.all()\n"
                   "        q.filter_by(a=x).first()\n"
                   "        s.get(User, x)\n"
                   "        sq.first()\n"
                   "        q[0]\n"
                   "        list(q)\n"
                   "        qq.one()\n"
                   "        for u in q:\n"
                   "            pass\n"
                   "        r = User.query.filter_by(a=x)\n"
                   "        r.first()\n"
                   "\n"
                   "def g(xs):\n"
                   "    for x in xs:\n"
                   "        q.all()\n"
                   "\n"
                   "def h(xs):\n"
                   "    q = User.query\n"
                   "    q = [1, 2]\n"
                   "    for x in xs:\n"
                   "        q.count(x)\n");
  N_SITES(w, 9);
  IN_LOOP(w, "q.all()", "for x in xs");
  IN_LOOP(w, "q.filter_by(a=x).first()", "for x in xs");
  IN_LOOP(w, "s.get(User, x)", "for x in xs");
  IN_LOOP(w, "sq.first()", "for x in xs");
  IN_LOOP(w, "q[0]", "for x in xs");
  IN_LOOP(w, "list(q)", "for x in xs");
  IN_LOOP(w, "qq.one()", "for x in xs");
  IN_LOOP(w, "q", "for x in xs"); /* the inner loop's iterable */
  const ol_query_site *r = SITE(w, "r.first()");
  assert_int_equal(r->dep_loop, r->loop);
  assert_string_equal(r->dep_name, "r");
  NO_SITE(w, "q.count(x)"); /* q was rebound to a list */
  done(w);
}

static void test_counts(void **state) {
  (void)state;
  walked *w =
      walk("def f(xs, session):\n"
           "    for x in xs:\n"
           "        User.query.filter_by(a=x).count()\n"
           "        session.query(func.count(User.id)).filter(User.a == x).scalar()\n"
           "        session.scalar(select(func.count()).select_from(User).where(User.a == x))\n"
           "        User.query.with_entities(func.count(User.id)).filter_by(a=x).scalar()\n"
           "        User.query.filter_by(a=x).first()\n");
  N_SITES(w, 5);
  assert_true(SITE(w, "User.query.filter_by(a=x).count()")->is_count);
  assert_true(SITE(w, "session.query(func.count(User.id)).filter(User.a == x).scalar()")->is_count);
  assert_true(SITE(w, "session.scalar(select(func.count()).select_from(User).where(User.a == x))")
                  ->is_count);
  assert_true(
      SITE(w, "User.query.with_entities(func.count(User.id)).filter_by(a=x).scalar()")->is_count);
  assert_false(SITE(w, "User.query.filter_by(a=x).first()")->is_count);
  done(w);
}

static void test_look_alikes_execute_nothing(void **state) {
  (void)state;
  walked *w = walk(
      "def f(ids, d, s, result, request, os, sessions, self, stmt, session, cache):\n"
      "    for i in ids:\n"
      "        d.get(i)\n"
      "        cache.get(i, None)\n"
      "        request.args.get('x')\n"
      "        os.environ.get('X')\n"
      "        'abc'.count('a')\n"
      "        s.count('a')\n"
      "        [1, 2].count(i)\n"
      "        ids.count(i)\n"
      "        result.scalars()\n"
      "        result.scalars().all()\n"
      "        result.scalar()\n"
      "        result.all()\n"
      "        result.first()\n"
      "        User.query.filter_by(a=i).exists()\n"
      "        session.query(User).filter_by(a=i).exists()\n"
      "        select(User).where(User.id == i)\n"
      "        select(User).where(User.id == i).limit(1)\n"
      "        User.query.filter_by(a=i)\n"
      "        User.query.filter_by(a=i).order_by(User.id).limit(3).options(joinedload(User.x))\n"
      "        session.query(User).join(Post).filter(Post.id == i)\n"
      "        User.query\n"
      "        q = User.query.filter_by(a=i)\n"
      "        sessions.get(i)\n"
      "        self.session_id.get(i)\n"
      "        session.get('https://example.com/', timeout=3)\n"
      "        user.query.all()\n"
      "        i.query.first()\n"
      "        db.get(User, i)\n"
      "        stmt.all()\n");
  N_SITES(w, 0);
  done(w);
}

static void test_result_readers_are_not_sites(void **state) {
  (void)state;
  walked *w = walk("def f(xs, session):\n"
                   "    for x in xs:\n"
                   "        session.execute(select(User).where(User.id == x)).scalars().all()\n"
                   "        session.execute(select(User.name)).scalar()\n"
                   "        session.scalars(select(User).where(User.id == x)).first()\n"
                   "        session.execute(select(User)).scalars().unique().all()\n");
  /* One query each: the execute/scalars; reading its result runs nothing more. */
  N_SITES(w, 4);
  SITE(w, "session.execute(select(User).where(User.id == x))");
  SITE(w, "session.execute(select(User.name))");
  SITE(w, "session.scalars(select(User).where(User.id == x))");
  SITE(w, "session.execute(select(User))");
  done(w);
}

static void test_custom_session_names(void **state) {
  (void)state;
  const char *src = "def f(xs, dbs, session):\n"
                    "    for x in xs:\n"
                    "        dbs.get(User, x)\n"
                    "        app.dbs.query(User).first()\n"
                    "        session.get(User, x)\n";
  walked *w = walk(src);
  N_SITES(w, 1);
  SITE(w, "session.get(User, x)");
  done(w);
  w = walk_with(src, "(?:^|\\.)dbs$");
  N_SITES(w, 2);
  assert_int_equal(SITE(w, "dbs.get(User, x)")->how, OL_EXEC_SESSION);
  assert_int_equal(SITE(w, "app.dbs.query(User).first()")->how, OL_EXEC_TERMINAL);
  NO_SITE(w, "session.get(User, x)"); /* the pattern replaces the default */
  done(w);
}

static void test_bad_session_pattern_is_a_usage_error(void **state) {
  (void)state;
  ol_config cfg;
  ol_config_init(&cfg);
  ol_free(cfg.session_names);
  cfg.session_names = ol_strdup("(unclosed");
  ol_error err = {0};
  assert_int_equal(ol_config_compile(&cfg, &err), OL_ERR_USAGE);
  assert_non_null(strstr(err.message, "(unclosed"));
  ol_config_free(&cfg);
}

/* ---- dependence, hoisting and batching --------------------------------------- */

static void test_invariant_query_hoists(void **state) {
  (void)state;
  walked *w = walk("def f(bookings):\n"
                   "    for b in bookings:\n"
                   "        currency = Setting.query.filter_by(key='currency').first()\n"
                   "        print(b, currency)\n");
  const ol_query_site *s = SITE(w, "Setting.query.filter_by(key='currency').first()");
  assert_int_equal(s->loop, 0);
  assert_int_equal(s->dep_loop, -1);
  assert_int_equal(s->hoist_loop, 0);
  done(w);
}

static void test_nested_dependence(void **state) {
  (void)state;
  walked *w = walk("def f(chefs, days):\n"
                   "    for chef in chefs:\n"
                   "        for day in days:\n"
                   "            Booking.query.filter_by(chef_id=chef.id).all()\n"
                   "            Booking.query.filter_by(day=day).all()\n"
                   "            Setting.query.first()\n");
  int outer = LOOP(w, "for chef in chefs"), inner = LOOP(w, "for day in days");
  const ol_query_site *a = SITE(w, "Booking.query.filter_by(chef_id=chef.id).all()");
  assert_int_equal(a->loop, inner);
  assert_int_equal(a->dep_loop, outer);
  assert_string_equal(a->dep_name, "chef");
  assert_int_equal(a->hoist_loop, inner);         /* out of the inner loop, not the outer */
  assert_int_equal(a->batch.mode, OL_BATCH_NONE); /* it is keyed by the outer loop */
  const ol_query_site *b = SITE(w, "Booking.query.filter_by(day=day).all()");
  assert_int_equal(b->dep_loop, inner);
  assert_int_equal(b->hoist_loop, -1);
  assert_int_equal(b->batch.mode, OL_BATCH_ALL);
  const ol_query_site *c = SITE(w, "Setting.query.first()");
  assert_int_equal(c->dep_loop, -1);
  assert_int_equal(c->hoist_loop, outer);
  done(w);
}

static void test_session_writes_block_hoisting(void **state) {
  (void)state;
  walked *w = walk("def f(rows):\n"
                   "    for r in rows:\n"
                   "        db.session.add(r)\n"
                   "        Setting.query.first()\n");
  assert_true(w->facts.loops.items[0].writes_session);
  const ol_query_site *s = SITE(w, "Setting.query.first()");
  assert_int_equal(s->hoist_loop, -1);
  assert_non_null(s->no_hoist_why);
  done(w);
}

static void test_batch_shapes(void **state) {
  (void)state;
  walked *w =
      walk("def f(bookings, session):\n"
           "    for b in bookings:\n"
           "        Chef.query.filter_by(id=b.chef_id).first()\n"
           "        Booking.query.filter(Booking.chef_id == b.chef_id).order_by(Booking.id).all()\n"
           "        Chef.query.get(b.chef_id)\n"
           "        session.get(Chef, b.chef_id)\n"
           "        session.scalars(select(Chef).where(Chef.id == b.chef_id)).first()\n"
           "        session.query(Chef).filter(Chef.id == b.chef_id).one()\n"
           "        Chef.query.filter_by(id=b.chef_id).limit(1).first()\n"
           "        Chef.query.join(Booking).filter_by(id=b.chef_id).first()\n"
           "        Chef.query.filter_by(id=b.chef_id, owner=b.owner_id).first()\n"
           "        k = b.chef_id + 1\n"
           "        Chef.query.filter_by(id=k).first()\n"
           "        for x in Booking.query.filter_by(chef_id=b.chef_id):\n"
           "            pass\n");
  const ol_query_site *s = SITE(w, "Chef.query.filter_by(id=b.chef_id).first()");
  assert_int_equal(s->batch.mode, OL_BATCH_FIRST);
  assert_string_equal(s->batch.entity, "Chef");
  assert_string_equal(s->batch.column, "id");
  assert_true(span_is(w, s->batch.key, "b.chef_id"));
  s = SITE(w, "Booking.query.filter(Booking.chef_id == b.chef_id).order_by(Booking.id).all()");
  assert_int_equal(s->batch.mode, OL_BATCH_ALL);
  assert_string_equal(s->batch.column, "chef_id");
  assert_true(span_is(w, s->batch.swap, "Booking.chef_id == b.chef_id"));
  s = SITE(w, "Chef.query.get(b.chef_id)");
  assert_int_equal(s->batch.mode, OL_BATCH_GET);
  assert_true(span_is(w, s->batch.key, "b.chef_id"));
  s = SITE(w, "session.get(Chef, b.chef_id)");
  assert_int_equal(s->batch.mode, OL_BATCH_GET);
  assert_true(s->batch.session_get);
  assert_true(span_is(w, s->batch.session, "session"));
  s = SITE(w, "session.scalars(select(Chef).where(Chef.id == b.chef_id))");
  assert_int_equal(s->batch.mode, OL_BATCH_FIRST);
  assert_true(span_is(w, s->batch.use,
                      "session.scalars(select(Chef).where(Chef.id == b.chef_id)).first()"));
  s = SITE(w, "Booking.query.filter_by(chef_id=b.chef_id)");
  assert_int_equal(s->batch.mode, OL_BATCH_ALL);
  /* No correct IN rewrite: each says why. */
  const char *none[] = {"session.query(Chef).filter(Chef.id == b.chef_id).one()",
                        "Chef.query.filter_by(id=b.chef_id).limit(1).first()",
                        "Chef.query.join(Booking).filter_by(id=b.chef_id).first()",
                        "Chef.query.filter_by(id=b.chef_id, owner=b.owner_id).first()",
                        "Chef.query.filter_by(id=k).first()"};
  for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
    s = SITE(w, none[i]);
    assert_int_equal(s->batch.mode, OL_BATCH_NONE);
    assert_non_null(s->batch_why);
    assert_int_equal(s->dep_loop, 0);
  }
  assert_string_equal(SITE(w, "Chef.query.filter_by(id=k).first()")->dep_name, "k");
  done(w);
}

static void test_callback_and_while_never_batch(void **state) {
  (void)state;
  walked *w = walk("def f(ids):\n"
                   "    a = list(map(lambda i: Chef.query.get(i), ids))\n"
                   "    while ids:\n"
                   "        Chef.query.get(ids.pop())\n");
  const ol_query_site *s = SITE(w, "Chef.query.get(i)");
  assert_int_equal(s->batch.mode, OL_BATCH_NONE);
  assert_non_null(s->batch_why);
  s = SITE(w, "Chef.query.get(ids.pop())");
  assert_int_equal(s->batch.mode, OL_BATCH_NONE);
  assert_int_equal(s->hoist_loop, -1);
  done(w);
}

/* ---- imperfect input ------------------------------------------------------------ */

static void test_syntax_error_elsewhere(void **state) {
  (void)state;
  walked *w = walk("def broken(:\n"
                   "    pass\n"
                   "\n"
                   "def f(bookings):\n"
                   "    for b in bookings:\n"
                   "        Chef.query.get(b.chef_id)\n");
  assert_true(w->facts.parse_errors > 0);
  assert_true(w->facts.first_error_byte < (uint32_t)strlen("def broken(:\n"));
  IN_LOOP(w, "Chef.query.get(b.chef_id)", "for b in bookings");
  done(w);
}

static void test_line_endings(void **state) {
  (void)state;
  const char *srcs[] = {"def f(bs):\r\n    for b in bs:\r\n        Chef.query.get(b.id)\r\n",
                        "def f(bs):\r    for b in bs:\r        Chef.query.get(b.id)\r",
                        "def f(bs):\n\tfor b in bs:\n\t\tChef.query.get(b.id)\n"};
  for (size_t i = 0; i < sizeof srcs / sizeof *srcs; i++) {
    walked *w = walk(srcs[i]);
    assert_int_equal(w->facts.parse_errors, 0);
    IN_LOOP(w, "Chef.query.get(b.id)", "for b in bs");
    done(w);
  }
}

static void test_empty_and_non_ascii(void **state) {
  (void)state;
  walked *w = walk("");
  N_SITES(w, 0);
  assert_int_equal(w->facts.loops.len, 0);
  done(w);
  w = walk("def f(b\xC3\xBC"
           "cher):\n"
           "    for \xE6\x9B\xB8 in b\xC3\xBC"
           "cher: \xC3\xA9t\xC3\xA9 = 1; "
           "Chef.query.get(\xE6\x9B\xB8.id)\n");
  IN_LOOP(w, "Chef.query.get(\xE6\x9B\xB8.id)",
          "for \xE6\x9B\xB8 in b\xC3\xBC"
          "cher");
  assert_string_equal(SITE(w, "Chef.query.get(\xE6\x9B\xB8.id)")->dep_name, "\xE6\x9B\xB8");
  done(w);
}

/* ---- deep nesting: every walk is iterative --------------------------------------- */

#define DEEP 3000

static char *repeat(const char *s, int n) {
  ol_buf b = {0};
  for (int i = 0; i < n; i++)
    ol_buf_puts(&b, s);
  return ol_buf_take(&b);
}

static void test_deep_parentheses(void **state) {
  (void)state;
  char *open = repeat("(", DEEP), *close = repeat(")", DEEP);
  char *src = ol_format("for i in ids:\n    x = %sChef.query.get(i)%s\n", open, close);
  walked *w = walk(src);
  assert_int_equal(w->facts.parse_errors, 0);
  IN_LOOP(w, "Chef.query.get(i)", "for i in ids");
  done(w);
  ol_free(src);
  ol_free(open);
  ol_free(close);
}

static void test_deep_calls(void **state) {
  (void)state;
  char *open = repeat("f(", DEEP), *close = repeat(")", DEEP);
  char *src = ol_format("for i in ids:\n    x = %sChef.query.get(i)%s\n", open, close);
  walked *w = walk(src);
  assert_int_equal(w->facts.parse_errors, 0);
  N_SITES(w, 1);
  IN_LOOP(w, "Chef.query.get(i)", "for i in ids");
  done(w);
  ol_free(src);
  ol_free(open);
  ol_free(close);
}

static void test_deep_if_statements(void **state) {
  (void)state;
  /* Python itself stops at 100 indentation levels and the grammar's scanner
   * keeps a bounded indent stack, so error nodes are allowed here: the walk
   * must simply finish. */
  ol_buf b = {0};
  for (int d = 0; d < DEEP; d++)
    ol_buf_printf(&b, "%*sif x%d:\n", d, "", d);
  ol_buf_printf(&b, "%*sfor i in ids: Chef.query.get(i)\n", DEEP, "");
  ol_buf_puts(&b, "for j in ids:\n    Chef.query.get(j)\n");
  walked *w = walk(b.s);
  SITE(w, "Chef.query.get(j)");
  done(w);
  ol_buf_free(&b);
}

static void test_deep_expressions(void **state) {
  (void)state;
  /* Conditional expressions, lists, subscripts, unary operators, a binary
   * chain of 3,000 queries, nested lambdas: no recursion on any of them.
   * (Time grows with depth squared here, since ts_node_parent walks down
   * from the root; 3,000 levels stay around a second.) */
  ol_buf b = {0};
  ol_buf_puts(&b, "for i in ids:\n    a = ");
  for (int d = 0; d < DEEP; d++)
    ol_buf_puts(&b, "y if x else (");
  ol_buf_puts(&b, "Chef.query.get(i)");
  for (int d = 0; d < DEEP; d++)
    ol_buf_putc(&b, ')');
  ol_buf_puts(&b, "\n    b = ");
  for (int d = 0; d < DEEP; d++)
    ol_buf_putc(&b, '[');
  for (int d = 0; d < DEEP; d++)
    ol_buf_putc(&b, ']');
  ol_buf_puts(&b, "\n    c = q");
  for (int d = 0; d < DEEP; d++)
    ol_buf_puts(&b, "[0]");
  ol_buf_puts(&b, "\n    d = ");
  for (int d = 0; d < DEEP; d++)
    ol_buf_puts(&b, "not ");
  for (int d = 0; d < DEEP; d++)
    ol_buf_putc(&b, '-');
  ol_buf_puts(&b, "y\n    e = Chef.query.first()");
  for (int d = 1; d < DEEP; d++)
    ol_buf_puts(&b, " + Chef.query.first()");
  ol_buf_puts(&b, "\n    f = ");
  for (int d = 0; d < DEEP; d++)
    ol_buf_puts(&b, "lambda: ");
  ol_buf_puts(&b, "Setting.query.first()\n");
  walked *w = walk(b.s);
  assert_int_equal(w->facts.parse_errors, 0);
  N_SITES(w, DEEP + 2);
  IN_LOOP(w, "Chef.query.get(i)", "for i in ids");
  for (int k = 0; k < DEEP; k++)
    assert_int_equal(SITE_N(w, "Chef.query.first()", k)->loop, 0);
  ONCE(w, "Setting.query.first()");
  done(w);
  ol_buf_free(&b);
}

static void test_nested_comprehensions_moderately_deep(void **state) {
  (void)state;
  /* Each comprehension is a loop whose parent is the one around it. */
  enum { N = 100 };
  ol_buf b = {0};
  ol_buf_puts(&b, "x = ");
  for (int d = 0; d < N; d++)
    ol_buf_putc(&b, '[');
  ol_buf_puts(&b, "Chef.query.get(i)");
  for (int d = 0; d < N; d++)
    ol_buf_puts(&b, " for i in ids]");
  ol_buf_putc(&b, '\n');
  walked *w = walk(b.s);
  assert_int_equal(w->facts.loops.len, N);
  for (int d = 1; d < N; d++)
    assert_int_equal(w->facts.loops.items[d].parent, d - 1);
  assert_int_equal(SITE(w, "Chef.query.get(i)")->loop, N - 1);
  done(w);
  ol_buf_free(&b);
}

/* ---- regressions ---------------------------------------------------------- */

static void test_dep_loop_through_a_while(void **state) {
  (void)state;
  walked *w = walk("def f(chefs):\n"
                   "    for chef in chefs:\n"
                   "        while Booking.query.filter_by(chef_id=chef.id).first():\n"
                   "            break\n");
  const ol_query_site *s = SITE(w, "Booking.query.filter_by(chef_id=chef.id).first()");
  assert_int_equal(s->loop, LOOP(w, "while Booking.query.filter_by(chef_id=chef.id).first()"));
  assert_int_equal(s->dep_loop, LOOP(w, "for chef in chefs"));
  done(w);
}

static void test_dep_loop_through_a_writing_loop(void **state) {
  (void)state;
  walked *w = walk("def f(chefs, days):\n"
                   "    for chef in chefs:\n"
                   "        for day in days:\n"
                   "            db.session.add(day)\n"
                   "            Booking.query.filter_by(chef_id=chef.id).first()\n");
  const ol_query_site *s = SITE(w, "Booking.query.filter_by(chef_id=chef.id).first()");
  assert_int_equal(s->dep_loop, LOOP(w, "for chef in chefs"));
  assert_string_equal(s->dep_name, "chef");
  done(w);
}

/* A query or session variable of the enclosing function, read in a lambda or a nested def. */
static void test_enclosing_scope_variables(void **state) {
  (void)state;
  walked *w = walk("def f(ids):\n"
                   "    q = User.query.filter_by(active=True)\n"
                   "    s = db.session\n"
                   "    a = list(map(lambda i: q.get(i), ids))\n"
                   "    b = sorted(ids, key=lambda i: s.get(User, i).name)\n"
                   "    def g():\n"
                   "        for i in ids:\n"
                   "            q.filter_by(id=i).first()\n"
                   "    return a, b, g\n");
  IN_LOOP(w, "q.get(i)", "map(lambda i: q.get(i), ids)");
  IN_LOOP(w, "s.get(User, i)", "sorted(ids, key=lambda i: s.get(User, i).name)");
  IN_LOOP(w, "q.filter_by(id=i).first()", "for i in ids");
  done(w);
}

/* ---- lookup keys (ORM007) ------------------------------------------------- */

/* Whether facts hold a lookup of kind on entity.column. */
static bool has_lookup(const walked *w, ol_lookup_kind kind, const char *entity,
                       const char *column) {
  for (size_t i = 0; i < w->facts.lookups.len; i++) {
    const ol_lookup *l = &w->facts.lookups.items[i];
    if (l->kind == kind && !strcmp(l->entity, entity) && !strcmp(l->column, column))
      return true;
  }
  return false;
}

static void test_lookup_keys(void **state) {
  (void)state;
  walked *w =
      walk("from sqlalchemy import and_, desc, select\n"
           "A = aliased(Order)\n"
           "def f(session, q):\n"
           "    Order.query.filter_by(state='x').join(Line).filter_by(sku='y').all()\n"
           "    session.query(Order).filter(and_(Order.total > 1, Order.tag.in_(t))"
           " | (Order.kind == 2)).all()\n"
           "    session.execute(select(Order).where(A.code == c).order_by(desc(Order.at)))\n"
           "    Order.query.join(Line, Line.order_id == Order.id).all()\n"
           "    Order.query.join(Order.lines).filter(Order.lines.any(Line.qty >= 2)).all()\n"
           "    Order.query.options(selectinload(Order.lines)).all()\n"
           "    Order.query.order_by(Order.placed.desc(), Order.id).all()\n"
           "    x.filter(Order.nope == 1)\n"
           "    d.filter_by(nope=1)\n"
           "class Order(db.Model):\n"
           "    @classmethod\n"
           "    def by(cls, v):\n"
           "        return cls.query.filter_by(mine=v).first()\n"
           "Index('ix', Order.placed.desc())\n");
  assert_true(has_lookup(w, OL_LOOKUP_EQUAL, "Order", "state"));
  assert_true(has_lookup(w, OL_LOOKUP_EQUAL, "Line", "sku")); /* filter_by after join: the joined */
  assert_false(has_lookup(w, OL_LOOKUP_EQUAL, "Order", "sku"));
  assert_true(has_lookup(w, OL_LOOKUP_RANGE, "Order", "total"));
  assert_true(has_lookup(w, OL_LOOKUP_EQUAL, "Order", "tag"));
  assert_true(has_lookup(w, OL_LOOKUP_EQUAL, "Order", "kind"));
  assert_true(has_lookup(w, OL_LOOKUP_EQUAL, "Order", "code")); /* the alias */
  assert_true(has_lookup(w, OL_LOOKUP_ORDER, "Order", "at"));
  assert_true(has_lookup(w, OL_LOOKUP_JOIN, "Line", "order_id"));
  assert_true(has_lookup(w, OL_LOOKUP_JOIN, "Order", "id"));
  assert_true(has_lookup(w, OL_LOOKUP_RELATION, "Order", "lines"));
  assert_true(has_lookup(w, OL_LOOKUP_RANGE, "Line", "qty")); /* inside any() */
  assert_true(has_lookup(w, OL_LOOKUP_ORDER, "Order", "placed"));
  assert_true(has_lookup(w, OL_LOOKUP_EQUAL, "Order", "mine"));  /* cls in a classmethod */
  assert_false(has_lookup(w, OL_LOOKUP_EQUAL, "Order", "nope")); /* not a query */
  /* one chain, one query */
  uint32_t q = 0;
  for (size_t i = 0; i < w->facts.lookups.len; i++)
    if (!strcmp(w->facts.lookups.items[i].column, "total"))
      q = w->facts.lookups.items[i].query;
  for (size_t i = 0; i < w->facts.lookups.len; i++)
    if (!strcmp(w->facts.lookups.items[i].column, "kind"))
      assert_int_equal(w->facts.lookups.items[i].query, q);
  assert_int_equal(w->facts.index_decls.len, 1);
  assert_string_equal(w->facts.index_decls.items[0].column, "placed");
  done(w);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_for_body),
      cmocka_unit_test(test_async_for),
      cmocka_unit_test(test_while_body_and_condition),
      cmocka_unit_test(test_comprehension_parts),
      cmocka_unit_test(test_comprehension_first_iterable_runs_once),
      cmocka_unit_test(test_callback_lambdas),
      cmocka_unit_test(test_lambdas_not_called_per_element),
      cmocka_unit_test(test_inner_loop_iterable_is_in_outer_loop),
      cmocka_unit_test(test_nested_comprehensions),
      cmocka_unit_test(test_callback_inside_for),
      cmocka_unit_test(test_loop_iterables_run_once),
      cmocka_unit_test(test_else_runs_once),
      cmocka_unit_test(test_deferred_bodies),
      cmocka_unit_test(test_defaults_decorators_class_bodies_run_per_iteration),
      cmocka_unit_test(test_statements_inside_loop_body),
      cmocka_unit_test(test_model_query_terminals),
      cmocka_unit_test(test_session_query_receivers),
      cmocka_unit_test(test_session_execution),
      cmocka_unit_test(test_db_helpers),
      cmocka_unit_test(test_awaited_async_session),
      cmocka_unit_test(test_iterating_and_indexing_a_query),
      cmocka_unit_test(test_variables_holding_queries_and_sessions),
      cmocka_unit_test(test_counts),
      cmocka_unit_test(test_look_alikes_execute_nothing),
      cmocka_unit_test(test_result_readers_are_not_sites),
      cmocka_unit_test(test_custom_session_names),
      cmocka_unit_test(test_bad_session_pattern_is_a_usage_error),
      cmocka_unit_test(test_invariant_query_hoists),
      cmocka_unit_test(test_nested_dependence),
      cmocka_unit_test(test_session_writes_block_hoisting),
      cmocka_unit_test(test_batch_shapes),
      cmocka_unit_test(test_callback_and_while_never_batch),
      cmocka_unit_test(test_syntax_error_elsewhere),
      cmocka_unit_test(test_line_endings),
      cmocka_unit_test(test_empty_and_non_ascii),
      cmocka_unit_test(test_deep_parentheses),
      cmocka_unit_test(test_deep_calls),
      cmocka_unit_test(test_deep_if_statements),
      cmocka_unit_test(test_deep_expressions),
      cmocka_unit_test(test_nested_comprehensions_moderately_deep),
      cmocka_unit_test(test_dep_loop_through_a_while),
      cmocka_unit_test(test_dep_loop_through_a_writing_loop),
      cmocka_unit_test(test_enclosing_scope_variables),
      cmocka_unit_test(test_lookup_keys),
  };
  return cmocka_run_group_tests_name("walk", tests, NULL, NULL);
}
