/* ORM004 serial-count: two or more independent count queries that run on
 * one path of a function — side by side in one statement, in statements one
 * after another, or apart with other code between them; through functions
 * that return a count. One group is one finding per count after the first.
 * Fix (unsafe), where the counts are in one statement or adjacent ones: one
 * query returning every count as a scalar subquery, each with its own
 * filters — never one query of several func.count() columns over several
 * tables (a cross product). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "fixtext.h"
#include "requirements.h"
#include "rule.h"

/* `Model.query.filter_by(x=1).count()` ->
 * `select(func.count()).select_from(Model.query.filter_by(x=1).subquery()).scalar_subquery()`:
 * built from the query itself, as Query.count() is (`SELECT count(*) FROM
 * (<the query>)`), so every criterion survives — the discriminator of a
 * single-table-inheritance subclass, joins, distinct, group_by, limit. */
static char *subquery(const ol_rule_ctx *ctx, const ol_count_stmt *c) {
  if (c->form == OL_COUNT_SELECT) { /* already one count column: its own scalar subquery */
    char *sel = ol_fixtext_expr(ctx, c->select);
    char *s = ol_format("%s.%s()", sel, ol_fixtext_scalar_subquery(ctx));
    ol_free(sel);
    return s;
  }
  char *query = ol_fixtext_expr(ctx, (ol_span){c->prefix.start, c->chain_end.end});
  char *sel = ol_fixtext_select(ctx, "func.count()");
  char *s =
      ol_format("%s.select_from(%s.subquery()).%s()", sel, query, ol_fixtext_scalar_subquery(ctx));
  ol_free(sel);
  ol_free(query);
  return s;
}

/* A project that allows SQLAlchemy 1.3 through 2.0 has no select() spelling
 * that works on both; the legacy Query has: `a, b = session.query(
 * session.query(func.count()).select_from(<query>.subquery()).label("a"),
 * ...).one()`. */
static void query_form(const ol_rule_ctx *ctx, const ol_count_stmt *const *run, char **names,
                       size_t n, const char *indent, const char *session, ol_buf *b) {
  const char *unit = ol_fixtext_unit(indent);
  ol_buf_printf(b, " = %s.query(\n", session);
  for (size_t i = 0; i < n; i++) {
    if (run[i]->form == OL_COUNT_SELECT) {
      char *sel = ol_fixtext_expr(ctx, run[i]->select);
      ol_buf_printf(b, "%s%s%s.label(\"%s\"),\n", indent, unit, sel, names[i]);
      ol_free(sel);
      continue;
    }
    char *query = ol_fixtext_expr(ctx, (ol_span){run[i]->prefix.start, run[i]->chain_end.end});
    ol_buf_printf(b, "%s%s%s.query(func.count()).select_from(%s.subquery()).label(\"%s\"),\n",
                  indent, unit, session, query, names[i]);
    ol_free(query);
  }
  ol_buf_printf(b, "%s).one()", indent);
}

/* `a, b = session.execute(select(<subquery a>, <subquery b>)).one()` */
static char *one_query(const ol_rule_ctx *ctx, const ol_count_stmt *const *run, char **names,
                       size_t n, const char *indent) {
  const char *unit = ol_fixtext_unit(indent);
  char *session = !ol_span_empty(run[0]->session) ? ol_fixtext_expr(ctx, run[0]->session)
                  : ol_fixtext_module_binds(ctx, "db")
                      ? ol_strdup("db.session")
                      : ol_format("%s.query.session", run[0]->entity);
  ol_buf b = {0};
  for (size_t i = 0; i < n; i++)
    ol_buf_printf(&b, "%s%s", i ? ", " : "", names[i]);
  if (ctx->sqla == OL_SQLA_13_TO_20) {
    query_form(ctx, run, names, n, indent, session, &b);
    ol_free(session);
    return ol_buf_take(&b);
  }
  /* 1.3: select([...]) and ResultProxy.first() (a select without FROM has one row) */
  bool v13 = ctx->sqla == 13;
  ol_buf_printf(&b, " = %s.execute(\n%s%sselect(%s\n", session, indent, unit, v13 ? "[" : "");
  for (size_t i = 0; i < n; i++) {
    char *sq = subquery(ctx, run[i]);
    ol_buf_printf(&b, "%s%s%s%s,\n", indent, unit, unit, sq);
    ol_free(sq);
  }
  ol_buf_printf(&b, "%s%s%s)\n%s).%s()", indent, unit, v13 ? "]" : "", indent,
                v13 ? "first" : "one");
  ol_free(session);
  return ol_buf_take(&b);
}

static void add_imports(const ol_rule_ctx *ctx, ol_fix_draft *f) {
  static const char *const query_form_names[] = {"func", NULL};
  static const char *const names[] = {"func", "select", NULL};
  if (ctx->sqla == OL_SQLA_13_TO_20) {
    ol_fixtext_import(ctx, f, "sqlalchemy", query_form_names);
    return;
  }
  ol_fixtext_import(ctx, f, "sqlalchemy", names);
}

/* A run of `name = q.count()` statements becomes one statement. */
static ol_fix_draft *merged(const ol_rule_ctx *ctx, const ol_count_stmt *const *run, size_t n) {
  char *indent = ol_fixtext_indent(ctx, run[0]->stmt.start);
  char **names = ol_calloc(n, sizeof(char *));
  for (size_t i = 0; i < n; i++)
    names[i] = run[i]->name;
  ol_span block = {run[0]->stmt.start, run[n - 1]->stmt.end};
  ol_fix_draft *f = ol_fix_draft_new(
      OL_FIX_UNSAFE, ol_format("Run the %zu counts as one query of scalar subqueries", n), block);
  ol_fix_draft_edit(f, block.start, block.end, one_query(ctx, run, names, n, indent));
  add_imports(ctx, f);
  ol_free(names);
  ol_free(indent);
  return f;
}

static bool is_identifier(const char *s) {
  if (!s || !*s || (!isalpha((unsigned char)*s) && *s != '_'))
    return false;
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && *s != '_')
      return false;
  return true;
}

/* Counts in one statement or in adjacent ones (a literal, keyword
 * arguments, subscript assignments): one query before the first statement,
 * each count read from its own variable (named after its dict key, keyword
 * or variable when it has one). */
static ol_fix_draft *merged_literal(const ol_rule_ctx *ctx, const ol_count_stmt *const *run,
                                    size_t n, ol_span scope) {
  char *indent = ol_fixtext_indent(ctx, run[0]->stmt.start);
  char **names = ol_calloc(n, sizeof(char *));
  ol_span block = {run[0]->stmt.start, run[n - 1]->stmt.end};
  ol_fix_draft *f = ol_fix_draft_new(
      OL_FIX_UNSAFE, ol_format("Run the %zu counts as one query of scalar subqueries", n), block);
  for (size_t i = 0; i < n; i++) {
    char *base;
    if (is_identifier(run[i]->name))
      base = ol_strdup(run[i]->name);
    else if (!run[i]->entity)
      base = ol_strdup("count");
    else {
      char *snake = ol_fixtext_snake(ol_last_component(run[i]->entity));
      base = ol_format("%s_count", snake);
      ol_free(snake);
    }
    names[i] = ol_fixtext_free_name(ctx, scope, base);
    for (size_t j = 0; j < i; j++) /* two counts of one model: tell them apart */
      if (!strcmp(names[j], names[i])) {
        ol_free(names[i]);
        names[i] = ol_format("%s_%zu", base, i + 1);
      }
    ol_free(base);
    ol_fix_draft_edit(f, run[i]->call.start, run[i]->call.end, ol_strdup(names[i]));
  }
  uint32_t at = ol_fixtext_line_start(ctx, block.start);
  char *query = one_query(ctx, run, names, n, indent);
  ol_fix_draft_edit(f, at, at, ol_format("%s%s\n", indent, query));
  add_imports(ctx, f);
  for (size_t i = 0; i < n; i++)
    ol_free(names[i]);
  ol_free(names);
  ol_free(query);
  ol_free(indent);
  return f;
}

/* One database: models with another __bind_key__ live elsewhere and cannot
 * share one query. */
static bool same_database(const ol_rule_ctx *ctx, const ol_count_stmt *a, const ol_count_stmt *b) {
  const char *ka = a->entity ? ol_index_bind_key(ctx->index, a->entity) : NULL,
             *kb = b->entity ? ol_index_bind_key(ctx->index, b->entity) : NULL;
  return (!ka && !kb) || (ka && kb && !strcmp(ka, kb));
}

static bool same_text(const ol_rule_ctx *ctx, ol_span a, ol_span b) {
  size_t la = a.end - a.start, lb = b.end - b.start;
  return la == lb && !memcmp(ctx->src + a.start, ctx->src + b.start, la);
}

/* The attribute of a `self.attr` span (borrowed from the source), its length in *len. */
static const char *attr_of(const ol_rule_ctx *ctx, ol_span s, size_t *len) {
  const char *text = ctx->src + s.start, *end = ctx->src + s.end, *dot = end;
  while (dot > text && dot[-1] != '.')
    dot--;
  *len = (size_t)(end - dot);
  return dot;
}

/* Whether two `obj.attr` reads are of one object: one name, one model, one load. */
static bool same_object(const ol_rule_ctx *ctx, const ol_count_stmt *a, const ol_count_stmt *b) {
  size_t la, lb;
  attr_of(ctx, a->select, &la);
  attr_of(ctx, b->select, &lb);
  ol_span oa = {a->select.start, (uint32_t)(a->select.end - la)},
          ob = {b->select.start, (uint32_t)(b->select.end - lb)};
  if (!same_text(ctx, oa, ob) || !a->entity || !b->entity || strcmp(a->entity, b->entity) ||
      (a->load < 0) != (b->load < 0))
    return false;
  return a->load < 0 || ctx->facts->func_rows.items[a->load].rows.stmt.start ==
                            ctx->facts->func_rows.items[b->load].rows.stmt.start;
}

/* Two different arms of one branch (if/elif/else, try/except, match, a
 * conditional expression): never both on one path. */
static bool exclusive(const char *a, const char *b) {
  for (const char *p = a; p && *p;) {
    unsigned long br, arm;
    int used = 0;
    if (sscanf(p, "%lu:%lu%n", &br, &arm, &used) != 2)
      break;
    for (const char *q = b; q && *q;) {
      unsigned long br2, arm2;
      int used2 = 0;
      if (sscanf(q, "%lu:%lu%n", &br2, &arm2, &used2) != 2)
        break;
      if (br2 == br && arm2 != arm)
        return true;
      q += used2;
      while (*q == ' ')
        q++;
    }
    p += used;
    while (*p == ' ')
      p++;
  }
  return false;
}

/* Whether a loader path list undefers attr (`undefer(M.attr)`, "U:attr"). */
static bool undeferred(const char *eager, const char *attr) {
  size_t n = strlen(attr);
  for (const char *p = eager; p && (p = strstr(p, "U:")) != NULL; p += 2)
    if ((p == eager || p[-1] == ' ') && !strncmp(p + 2, attr, n) && (!p[2 + n] || p[2 + n] == ' '))
      return true;
  return false;
}

/* Whether the load of an object loads attr with it, or may: it undefers it,
 * or its options are not all known (`*opts`, undefer_group, a variable). */
static bool loads(const ol_rule_ctx *ctx, const ol_rows *load, const char *attr) {
  if (undeferred(load->eager, attr) || load->options_opaque || load->options_self)
    return true;
  ol_span a = load->options_args;
  size_t n = a.end - a.start;
  for (size_t i = 0; i + 5 <= n; i++)
    if (ctx->src[a.start + i] == '*' || !memcmp(ctx->src + a.start + i, "group", 5))
      return true;
  return n && memchr(ctx->src + a.start, '*', n);
}

/* Whether entry i is a count: a count query, or a call of a function whose
 * summary returns one. */
static bool is_count(const ol_rule_ctx *ctx, size_t i) {
  const ol_count_stmt *c = &ctx->facts->count_stmts.items[i];
  if (c->form == OL_COUNT_ON_CALL) { /* f(...).count(): f returns a query */
    int32_t call = ol_facts_call_at(ctx->facts, c->select);
    int32_t t = call >= 0 ? ol_index_call_target(ctx->index, ctx->file, (size_t)call) : -1;
    return t >= 0 && ctx->index->funcs.items[t].returns_query;
  }
  if (c->form == OL_COUNT_ON_REL) { /* obj.rel...count(): rel is a dynamic relationship's name */
    const char *text = ctx->src + c->select.start, *end = ctx->src + c->select.end, *dot = end;
    while (dot > text && dot[-1] != '.')
      dot--;
    return dot > text && ol_index_rel_name_dynamic(ctx->index, dot, (size_t)(end - dot));
  }
  if (c->form == OL_COUNT_ON_ATTR) { /* obj.attr: a deferred COUNT column of its model */
    size_t len;
    const char *dot = attr_of(ctx, c->select, &len);
    char *attr = ol_strndup(dot, len);
    const ol_column_fact *col = c->entity ? ol_index_column(ctx->index, c->entity, attr) : NULL;
    const ol_rows *load = c->load >= 0 ? &ctx->facts->func_rows.items[c->load].rows : NULL;
    bool counts = col && col->counts && col->deferred && !(load && loads(ctx, load, attr));
    ol_free(attr);
    return counts;
  }
  if (c->form != OL_COUNT_CALL)
    return true;
  int32_t call = ol_facts_call_at(ctx->facts, c->call);
  int32_t t = call >= 0 ? ol_index_call_target(ctx->index, ctx->file, (size_t)call) : -1;
  return t >= 0 && ctx->index->funcs.items[t].returns_count;
}

/* Whether a call between the two counts (in their function) commits, or
 * does database work per row in a loop (it may write: a sync that marks
 * each row as done): the later count may see other rows. */
static bool works_between(const ol_rule_ctx *ctx, const ol_count_stmt *a, const ol_count_stmt *b) {
  const ol_file_facts *f = ctx->facts;
  for (size_t i = ol_facts_first_call(f, a->call.end);
       i < f->calls.len && f->calls.items[i].at.span.start < b->call.start; i++) {
    const ol_call_fact *c = &f->calls.items[i];
    if (c->at.span.start < a->scope.start || c->at.span.end > a->scope.end)
      continue;
    int32_t t = ol_index_call_target(ctx->index, ctx->file, i);
    if (t < 0)
      continue;
    const ol_summary *s = &ctx->index->funcs.items[t];
    if (s->has[OL_EFFECT_COMMIT] ||
        (c->loop >= 0 && (s->has[OL_EFFECT_QUERY] || s->has[OL_EFFECT_COUNT])))
      return true;
  }
  return false;
}

/* Whether count j (after the group's first, at index first) can run in one
 * query with every member: one function, one path, one database, and no
 * count's result in its query or in the conditions that decide it runs. */
static bool joins(const ol_rule_ctx *ctx, const size_t *group, size_t n, size_t j,
                  const bool *count) {
  const ol_count_stmt *all = ctx->facts->count_stmts.items, *c = &all[j];
  size_t first = group[0];
  if ((c->form == OL_COUNT_ON_ATTR) != (all[first].form == OL_COUNT_ON_ATTR))
    return false; /* deferred columns are undeferred where the object loads, not merged here */
  if (c->form == OL_COUNT_ON_ATTR && !same_object(ctx, &all[first], c))
    return false;
  for (size_t k = 0; k < n && c->form == OL_COUNT_ON_ATTR; k++)
    if (same_text(ctx, all[group[k]].select, c->select))
      return false; /* read once more: loaded already */
  if (c->scope.start != all[first].scope.start || c->scope.end != all[first].scope.end)
    return false;
  if (c->write_before > all[first].call.start)
    return false; /* the session wrote between them: the later count sees other rows */
  if ((c->dep >= 0 && (size_t)c->dep >= first) ||
      (c->dep_call >= 0 && (size_t)c->dep_call >= first && count[c->dep_call]))
    return false;
  for (size_t k = 0; k < n; k++) {
    const ol_count_stmt *m = &all[group[k]];
    if (exclusive(m->arms, c->arms) || (m->path_end && c->call.start >= m->path_end) ||
        (m->decides_end && c->call.start >= m->decides_end) || works_between(ctx, m, c) ||
        !same_database(ctx, m, c))
      return false;
  }
  return true;
}

/* Why the group has no automatic fix, or NULL; *literal: the fix replaces
 * each count in place (not `a, b = ...` for `a = ...` statements). */
static const char *fix_problem(const ol_rule_ctx *ctx, const ol_count_stmt *const *run, size_t n,
                               bool *literal) {
  *literal = false;
  bool assigned = true;
  for (size_t k = 0; k < n; k++) {
    const ol_count_stmt *c = run[k];
    if (c->form == OL_COUNT_CALL)
      return "a count runs inside a function it calls";
    if (c->form == OL_COUNT_ON_CALL)
      return "a count is of a query another function builds";
    if (c->form == OL_COUNT_ON_REL)
      return "a count is of a relationship of an object whose model is not known here";
    if (!c->convertible)
      return "a count limits, groups or de-duplicates its rows, or is built in a variable";
    if (c->guarded)
      return "a count runs only on some evaluations of its statement";
    if (!c->simple)
      return "a count is in the header of a compound statement";
    if (!same_text(ctx, c->session, run[0]->session))
      return "the counts run on different sessions";
    if ((c->arms || run[0]->arms) && (!c->arms || !run[0]->arms || strcmp(c->arms, run[0]->arms)))
      return "other code runs between the counts";
    if (k && c->stmt.start != run[k - 1]->stmt.start && run[k - 1]->next_start != c->stmt.start)
      return "other code runs between the counts";
    assigned &= c->assigned && (!k || c->stmt.start != run[k - 1]->stmt.start);
  }
  *literal = !assigned;
  return NULL;
}

/* Why no fix undefers the columns on the load, or NULL. */
static const char *undefer_problem(const ol_rule_ctx *ctx, const ol_count_stmt *first,
                                   const ol_rows *load, const char *owner) {
  if (!load)
    return "the object is loaded outside this function (`self`, a parameter)";
  if (!ol_span_empty(load->get_key))
    return "get_or_404 takes no loader options";
  if (load->query.start < first->scope.start || load->query.end > first->scope.end)
    return "the object is loaded outside this function";
  if (!ol_fixtext_module_binds(ctx, owner))
    return "the model is not bound by name in this file";
  return NULL;
}

/* `.options(undefer(M.a), undefer(M.b))` on the query that loads the object,
 * as ORM002 adds a loader option: into its .options(...), its options=[...]
 * keyword (session.get), or a new .options(...) after the query. */
static ol_fix_draft *undefer_fix(const ol_rule_ctx *ctx, const ol_rows *load, const char *opts) {
  ol_fix_draft *f = ol_fix_draft_new(
      OL_FIX_UNSAFE,
      ol_format("Load the deferred counts with the object: add .options(%s) to the query on "
                "line %u",
                opts, ol_rule_line(ctx, load->query.start)),
      load->stmt);
  ol_fixtext_add_options(ctx, f, load, opts);
  static const char *const names[] = {"undefer", NULL};
  ol_fixtext_import(ctx, f, "sqlalchemy.orm", names);
  return f;
}

/* Deferred COUNT column properties of one object read on one path: each
 * first read loads its column by a query of its own. Undeferring them on
 * the query that loaded the object counts them with it; where that query is
 * the caller's (`self`), the finding names the options and has no fix. */
static void report_deferred(const ol_rule_ctx *ctx, const ol_rule_meta *meta,
                            const ol_count_stmt *const *run, size_t n, const char *lines) {
  const char *owner = ol_last_component(run[0]->entity);
  const ol_rows *load = run[0]->load >= 0 ? &ctx->facts->func_rows.items[run[0]->load].rows : NULL;
  ol_buf opts = {0};
  for (size_t k = 0; k < n; k++) {
    size_t len;
    const char *a = attr_of(ctx, run[k]->select, &len);
    ol_buf_printf(&opts, "%sundefer(%s.%.*s)", k ? ", " : "", owner, (int)len, a);
  }
  const char *why = undefer_problem(ctx, run[0], load, owner);
  for (size_t k = 1; k < n; k++) {
    char *brief = ol_fixtext_brief(ctx, run[k]->select, 60);
    ol_draft *d = ol_draft_add(
        ctx, meta, run[k]->select,
        ol_format("`%s` is deferred COUNT column property %zu of %zu of `%s` read one after "
                  "another on one path from line %u (lines %s): each first read runs its own "
                  "COUNT query; `.options(%s)` on the query that loads the object counts them "
                  "with it%s%s",
                  brief, k + 1, n, owner, ol_rule_line(ctx, run[0]->select.start), lines, opts.s,
                  why ? "; no automatic fix: " : "", why ? why : ""));
    ol_free(brief);
    ol_draft_relate(d, run[0]->select, ol_strdup("the first deferred count"));
    if (load && !ol_span_empty(load->query))
      ol_draft_relate(d, load->query, ol_strdup("the query that loads the object"));
    if (k == 1 && !why)
      d->fix = undefer_fix(ctx, load, opts.s);
  }
  ol_buf_free(&opts);
}

static void report_group(const ol_rule_ctx *ctx, const ol_rule_meta *meta, const size_t *group,
                         size_t n) {
  const ol_count_stmt *all = ctx->facts->count_stmts.items;
  const ol_count_stmt **run = ol_calloc(n, sizeof *run);
  ol_buf lines = {0};
  for (size_t k = 0; k < n; k++) {
    run[k] = &all[group[k]];
    uint32_t line = ol_rule_line(ctx, run[k]->call.start);
    if (!k || line != ol_rule_line(ctx, run[k - 1]->call.start))
      ol_buf_printf(&lines, "%s%u", k ? ", " : "", line);
  }
  if (run[0]->form == OL_COUNT_ON_ATTR) {
    report_deferred(ctx, meta, run, n, lines.s);
    ol_buf_free(&lines);
    ol_free(run);
    return;
  }
  bool literal;
  const char *why = fix_problem(ctx, run, n, &literal);
  for (size_t k = 1; k < n; k++) {
    char *brief = ol_fixtext_brief(ctx, run[k]->call, 60);
    ol_draft *d = ol_draft_add(
        ctx, meta, run[k]->call,
        ol_format("`%s` is count %zu of %zu that run one after another on one path from line %u "
                  "(lines %s): one query can return them all%s%s",
                  brief, k + 1, n, ol_rule_line(ctx, run[0]->call.start), lines.s,
                  why ? "; no automatic fix: " : "", why ? why : ""));
    ol_free(brief);
    ol_draft_relate(d, run[0]->call, ol_strdup("the first count"));
    if (k == 1 && !why)
      d->fix = literal ? merged_literal(ctx, run, n, run[0]->scope) : merged(ctx, run, n);
  }
  ol_buf_free(&lines);
  ol_free(run);
}

static void check(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  size_t total = ctx->facts->count_stmts.len;
  if (total < 2)
    return;
  bool *count = ol_calloc(total, sizeof(bool)), *taken = ol_calloc(total, sizeof(bool));
  size_t *group = ol_calloc(total, sizeof(size_t));
  for (size_t i = 0; i < total; i++)
    count[i] = is_count(ctx, i);
  for (size_t i = 0; i < total; i++) {
    if (!count[i] || taken[i])
      continue;
    size_t n = 0;
    group[n++] = i;
    for (size_t j = i + 1; j < total; j++)
      if (count[j] && !taken[j] && joins(ctx, group, n, j, count)) {
        taken[j] = true;
        group[n++] = j;
      }
    if (n >= 2)
      report_group(ctx, meta, group, n);
  }
  ol_free(group);
  ol_free(taken);
  ol_free(count);
}

const ol_rule ol_rule_orm004 = {
    .meta = {.code = "ORM004",
             .name = "serial-count",
             .short_desc = "Two or more count queries run one after another.",
             .full_desc =
                 "Each .count() is a round trip. Counts run one after another in one function can "
                 "be one query that returns every count as a scalar subquery, each with its own "
                 "filters.",
             .level = OL_LEVEL_WARNING,
             .precision = "high",
             .tags = "performance,sqlalchemy"},
    .folder = "orm004_serial_count",
    .check = check,
};
