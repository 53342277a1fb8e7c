/* ORM005 len-all: outside loops, len() of rows loaded only to be counted.
 * Fix: a count query — safe when count() counts the same rows (no join,
 * select_from, distinct, union or grouping), unsafe otherwise. */
#include "fixtext.h"
#include "rule.h"

static void check(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  for (size_t i = 0; i < ctx->facts->lens.len; i++) {
    const ol_len_site *s = &ctx->facts->lens.items[i];
    char *brief = ol_fixtext_brief(ctx, s->span, 60);
    char *query = ol_fixtext_expr(ctx, s->query);
    char *count;
    if (s->kind == OL_LEN_SCALARS_ALL) {
      char *session = ol_fixtext_expr(ctx, s->session);
      count = ol_format("%s.scalar(select(func.count()).select_from(%s.subquery()))", session, query);
      ol_free(session);
    } else {
      count = ol_format("%s.count()", query);
    }
    ol_draft *d = ol_draft_add(ctx, meta, s->span,
                               ol_format("`%s` loads every row only to count them; a count query returns the number", brief));
    d->fix = ol_fix_draft_new(s->plain ? OL_FIX_SAFE : OL_FIX_UNSAFE,
                              ol_format("Count in the database: %s%s", count,
                                        s->plain ? "" : " (the query joins, selects from, de-duplicates or groups: "
                                                        "check that count() counts what len() did)"),
                              s->span);
    ol_fix_draft_edit(d->fix, s->span.start, s->span.end, count);
    if (s->kind == OL_LEN_SCALARS_ALL) {
      static const char *const names[] = {"func", "select", NULL};
      ol_fixtext_import(ctx, d->fix, "sqlalchemy", names);
    }
    ol_free(brief);
    ol_free(query);
  }
}

const ol_rule ol_rule_orm005 = {
    .meta = {.code = "ORM005",
             .name = "len-all",
             .short_desc = "len() of rows loaded only to count them.",
             .full_desc = "len(query.all()), len(list(query)) and len(session.scalars(...).all()) fetch and "
                          "build every row only to count them. A count query returns the number from the "
                          "database.",
             .level = OL_LEVEL_WARNING,
             .precision = "high",
             .tags = "performance,sqlalchemy"},
    .folder = "orm005_len_all",
    .check = check,
};
