/* ORM004 serial-count: two or more count queries run one after another.
 * Fix (unsafe): one query returning every count as a scalar subquery, each
 * with its own filters, unpacked into the same names — never one query of
 * several func.count() columns over several tables (a cross product). */
#include <string.h>

#include "fixtext.h"
#include "rule.h"

/* `Model.query.filter_by(x=1).count()` -> `select(func.count()).select_from(Model).filter_by(x=1).scalar_subquery()` */
static char *subquery(const ol_rule_ctx *ctx, const ol_count_stmt *c) {
  char *builders = ol_strndup(ctx->src + c->prefix.end, c->chain_end.end - c->prefix.end);
  char *s = ol_format("select(func.count()).select_from(%s)%s.scalar_subquery()", c->entity, builders);
  ol_free(builders);
  return s;
}

static ol_fix_draft *merged(const ol_rule_ctx *ctx, const ol_count_stmt *run, size_t n) {
  char *indent = ol_fixtext_indent(ctx, run[0].stmt.start);
  const char *unit = ol_fixtext_unit(indent);
  char *session = !ol_span_empty(run[0].session) ? ol_fixtext_expr(ctx, run[0].session)
                  : ol_fixtext_module_binds(ctx, "db") ? ol_strdup("db.session")
                                                       : ol_format("%s.query.session", run[0].entity);
  ol_buf b = {0};
  for (size_t i = 0; i < n; i++) ol_buf_printf(&b, "%s%s", i ? ", " : "", run[i].name);
  ol_buf_printf(&b, " = %s.execute(\n%s%sselect(\n", session, indent, unit);
  for (size_t i = 0; i < n; i++) {
    char *sq = subquery(ctx, &run[i]);
    ol_buf_printf(&b, "%s%s%s%s,\n", indent, unit, unit, sq);
    ol_free(sq);
  }
  ol_buf_printf(&b, "%s%s)\n%s).one()", indent, unit, indent);
  ol_span block = {run[0].stmt.start, run[n - 1].stmt.end};
  ol_fix_draft *f = ol_fix_draft_new(OL_FIX_UNSAFE,
                                     ol_format("Run the %zu counts as one query of scalar subqueries", n), block);
  ol_fix_draft_edit(f, block.start, block.end, ol_buf_take(&b));
  static const char *const names[] = {"func", "select", NULL};
  ol_fixtext_import(ctx, f, "sqlalchemy", names);
  ol_free(indent);
  ol_free(session);
  return f;
}

/* Same session and same database: models with another __bind_key__ live
 * elsewhere and cannot share one query. */
static bool same_session(const ol_rule_ctx *ctx, const ol_count_stmt *a, const ol_count_stmt *b) {
  size_t la = a->session.end - a->session.start, lb = b->session.end - b->session.start;
  if (la != lb || memcmp(ctx->src + a->session.start, ctx->src + b->session.start, la)) return false;
  const char *ka = ol_index_bind_key(ctx->index, a->entity), *kb = ol_index_bind_key(ctx->index, b->entity);
  return (!ka && !kb) || (ka && kb && !strcmp(ka, kb));
}

static void check(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  const ol_count_stmt *all = ctx->facts->count_stmts.items;
  size_t total = ctx->facts->count_stmts.len;
  for (size_t i = 0; i < total;) {
    size_t j = i + 1; /* a run: each statement directly follows the one before */
    while (j < total && all[j - 1].next_start == all[j].stmt.start && same_session(ctx, &all[i], &all[j])) j++;
    if (j - i >= 2) {
      bool convertible = true;
      for (size_t k = i; k < j; k++) convertible &= all[k].convertible;
      for (size_t k = i + 1; k < j; k++) {
        char *brief = ol_fixtext_brief(ctx, all[k].call, 60);
        ol_draft *d = ol_draft_add(
            ctx, meta, all[k].call,
            ol_format("`%s` is count %zu of %zu run one after another from line %u: one query can return them all%s",
                      brief, k - i + 1, j - i, ol_rule_line(ctx, all[i].call.start),
                      convertible ? "" : "; no automatic fix: a count limits, groups or de-duplicates its rows"));
        ol_free(brief);
        ol_draft_relate(d, all[i].call, ol_strdup("the first count"));
        if (k == i + 1 && convertible) d->fix = merged(ctx, all + i, j - i);
      }
    }
    i = j;
  }
}

const ol_rule ol_rule_orm004 = {
    .meta = {.code = "ORM004",
             .name = "serial-count",
             .short_desc = "Two or more count queries run one after another.",
             .full_desc = "Each .count() is a round trip. Counts run one after another in one function can "
                          "be one query that returns every count as a scalar subquery, each with its own "
                          "filters.",
             .level = OL_LEVEL_WARNING,
             .precision = "high",
             .tags = "performance,sqlalchemy"},
    .folder = "orm004_serial_count",
    .check = check,
};
