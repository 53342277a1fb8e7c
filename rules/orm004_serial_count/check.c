/* ORM004 serial-count: two or more count queries run one after another.
 * Fix (unsafe): one query returning every count as a scalar subquery, each
 * with its own filters, unpacked into the same names — never one query of
 * several func.count() columns over several tables (a cross product). */
#include <ctype.h>
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
static void query_form(const ol_rule_ctx *ctx, const ol_count_stmt *run, char **names, size_t n,
                       const char *indent, const char *session, ol_buf *b) {
  const char *unit = ol_fixtext_unit(indent);
  ol_buf_printf(b, " = %s.query(\n", session);
  for (size_t i = 0; i < n; i++) {
    char *query = ol_fixtext_expr(ctx, (ol_span){run[i].prefix.start, run[i].chain_end.end});
    ol_buf_printf(b, "%s%s%s.query(func.count()).select_from(%s.subquery()).label(\"%s\"),\n",
                  indent, unit, session, query, names[i]);
    ol_free(query);
  }
  ol_buf_printf(b, "%s).one()", indent);
}

/* `a, b = session.execute(select(<subquery a>, <subquery b>)).one()` */
static char *one_query(const ol_rule_ctx *ctx, const ol_count_stmt *run, char **names, size_t n,
                       const char *indent) {
  const char *unit = ol_fixtext_unit(indent);
  char *session = !ol_span_empty(run[0].session) ? ol_fixtext_expr(ctx, run[0].session)
                  : ol_fixtext_module_binds(ctx, "db")
                      ? ol_strdup("db.session")
                      : ol_format("%s.query.session", run[0].entity);
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
    char *sq = subquery(ctx, &run[i]);
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
static ol_fix_draft *merged(const ol_rule_ctx *ctx, const ol_count_stmt *run, size_t n) {
  char *indent = ol_fixtext_indent(ctx, run[0].stmt.start);
  char **names = ol_calloc(n, sizeof(char *));
  for (size_t i = 0; i < n; i++)
    names[i] = run[i].name;
  ol_span block = {run[0].stmt.start, run[n - 1].stmt.end};
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

/* Counts side by side in a literal: one query before the statement, each
 * count read from its own variable (named after its dict key when it has one). */
static ol_fix_draft *merged_literal(const ol_rule_ctx *ctx, const ol_count_stmt *run, size_t n,
                                    ol_span scope) {
  char *indent = ol_fixtext_indent(ctx, run[0].stmt.start);
  char **names = ol_calloc(n, sizeof(char *));
  ol_span block = run[0].stmt;
  ol_fix_draft *f = ol_fix_draft_new(
      OL_FIX_UNSAFE, ol_format("Run the %zu counts as one query of scalar subqueries", n), block);
  for (size_t i = 0; i < n; i++) {
    char *base;
    if (is_identifier(run[i].name))
      base = ol_strdup(run[i].name);
    else {
      char *snake = ol_fixtext_snake(ol_last_component(run[i].entity));
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
    ol_fix_draft_edit(f, run[i].call.start, run[i].call.end, ol_strdup(names[i]));
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

/* Same session and same database: models with another __bind_key__ live
 * elsewhere and cannot share one query. */
static bool same_session(const ol_rule_ctx *ctx, const ol_count_stmt *a, const ol_count_stmt *b) {
  size_t la = a->session.end - a->session.start, lb = b->session.end - b->session.start;
  if (la != lb || memcmp(ctx->src + a->session.start, ctx->src + b->session.start, la))
    return false;
  const char *ka = ol_index_bind_key(ctx->index, a->entity),
             *kb = ol_index_bind_key(ctx->index, b->entity);
  return (!ka && !kb) || (ka && kb && !strcmp(ka, kb));
}

static void check(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  const ol_count_stmt *all = ctx->facts->count_stmts.items;
  size_t total = ctx->facts->count_stmts.len;
  for (size_t i = 0; i < total;) {
    size_t j =
        i + 1; /* a run: each statement directly follows the one before, or one literal's counts */
    if (all[i].group >= 0)
      while (j < total && all[j].group == all[i].group && same_session(ctx, &all[i], &all[j]))
        j++;
    else
      while (j < total && all[j].group < 0 && all[j - 1].next_start == all[j].stmt.start &&
             same_session(ctx, &all[i], &all[j]))
        j++;
    if (j - i >= 2) {
      /* Each count is its own query as a subquery: limits, groups and
       * de-duplication survive, so every run converts. */
      bool convertible = true;
      for (size_t k = i + 1; k < j; k++) {
        char *brief = ol_fixtext_brief(ctx, all[k].call, 60);
        ol_draft *d = ol_draft_add(
            ctx, meta, all[k].call,
            ol_format(
                "`%s` is count %zu of %zu run one after another from line %u: one query can return "
                "them all%s",
                brief, k - i + 1, j - i, ol_rule_line(ctx, all[i].call.start),
                convertible
                    ? ""
                    : "; no automatic fix: a count limits, groups or de-duplicates its rows"));
        ol_free(brief);
        ol_draft_relate(d, all[i].call, ol_strdup("the first count"));
        if (k == i + 1 && convertible)
          d->fix = all[i].group >= 0 ? merged_literal(ctx, all + i, j - i, all[i].scope)
                                     : merged(ctx, all + i, j - i);
      }
    }
    i = j;
  }
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
