/* ORM005 len-all: outside loops, len() of rows loaded only to be counted.
 * Fix: a count query — safe when count() counts the same rows (no join,
 * select_from, distinct, union or grouping), unsafe otherwise. */
#include <string.h>

#include "fixtext.h"
#include "rule.h"

/* `{{ q.all()|length }}` / `{{ q|list|length }}` in a template, where the
 * view passed q as a query: every row loaded to be counted. No automatic
 * fix (fixes edit Python): the message says what to write instead. */
static void template_len(const ol_rule_ctx *ctx, const ol_rule_meta *meta, const ol_len_site *s) {
  ol_template_binding tb;
  if (!s->rel || !ol_index_template_binding(ctx->index, ctx->file, s->rel, &tb) ||
      !tb.arg->is_query)
    return;
  char *text = ol_fixtext_brief(ctx, s->span, 60);
  ol_draft *d = ol_draft_add(
      ctx, meta, s->span,
      ol_format("`%s` loads every row of the query `%s` is (%s:%u) only to count them; "
                "no automatic fix: write `{{ %s.count() }}`, one COUNT in the database",
                text, s->rel, ctx->index->files.items[tb.file].path,
                ol_rule_line_in(ctx, tb.file, tb.arg->value.start), s->rel));
  ol_free(text);
  ol_draft_relate_at(d, tb.file, tb.arg->value, ol_strdup("the query the view passes"));
  ol_draft_relate_at(d, tb.file, tb.render->call, ol_strdup("the view that renders the template"));
}

/* len(obj.rel) of a lazy collection of a loaded object: a count filtered on
 * the foreign key. Returns false when it is no finding (loaded anyway, used). */
static bool relation_len(const ol_rule_ctx *ctx, const ol_rule_meta *meta, const ol_len_site *s) {
  const ol_relation *rel = ol_index_relation(ctx->index, s->entity, s->rel);
  if (!rel || !rel->collection || rel->lazy != OL_LAZY_SELECT || !rel->target)
    return false;
  char *obj = ol_strndup(ctx->src + s->object.start, s->object.end - s->object.start);
  char *path = ol_format("%s.%s", obj, s->rel);
  bool used = ol_fixtext_count_uses(ctx, s->scope, path) > 1;
  ol_free(path);
  if (used) {
    ol_free(obj);
    return false; /* the collection is used besides: loading it is the point */
  }
  const ol_model *parent = ol_index_model(ctx->index, s->entity);
  const char *fk = ol_index_fk_column(ctx->index, rel->target, s->entity);
  const char *why = !parent || parent->n_pk != 1 || !fk
                        ? "the foreign key of the relationship is not declared on a column"
                    : !ol_fixtext_module_binds(ctx, rel->target)
                        ? "the related model is not imported here"
                        : NULL;
  ol_draft *d = ol_draft_add(
      ctx, meta, s->span,
      ol_format("`len(%s.%s)` loads every `%s` of the %s only to count them%s%s", obj, s->rel,
                rel->target, s->entity, why ? "; no automatic fix: " : "", why ? why : ""));
  if (!why) {
    bool db = ol_fixtext_module_binds(ctx, "db");
    char *session = db ? ol_strdup("db.session") : ol_format("object_session(%s)", obj);
    char *count = ol_format("%s.query(%s).filter_by(%s=%s.%s).count()", session, rel->target, fk,
                            obj, parent->pk[0]);
    d->fix = ol_fix_draft_new(
        OL_FIX_UNSAFE,
        ol_format("Count in the database: %s (children added but not flushed are not counted)",
                  count),
        s->span);
    ol_fix_draft_edit(d->fix, s->span.start, s->span.end, count);
    if (!db) {
      static const char *const names[] = {"object_session", NULL};
      ol_fixtext_import(ctx, d->fix, "sqlalchemy.orm", names);
    }
    ol_free(session);
  }
  ol_free(obj);
  return true;
}

static void check(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  for (size_t i = 0; i < ctx->facts->lens.len; i++) {
    const ol_len_site *s = &ctx->facts->lens.items[i];
    if (ctx->facts->template) {
      template_len(ctx, meta, s);
      continue;
    }
    if (s->kind == OL_LEN_RELATION) {
      relation_len(ctx, meta, s);
      continue;
    }
    char *brief = ol_fixtext_brief(ctx, s->span, 60);
    /* A legacy Query's .all() returns each entity once however many joined
     * rows match; count() counts the rows: withheld rather than wrong. */
    bool legacy = s->kind != OL_LEN_SCALARS_ALL;
    /* `len(q.all())` of a query built elsewhere: its joins are not in sight. */
    bool hidden = legacy && !memchr(ctx->src + s->query.start, '(', s->query.end - s->query.start);
    const char *why = hidden ? "the query is built elsewhere (in a variable), so whether it joins "
                               "or de-duplicates, which count() would count differently, is not "
                               "in sight"
                      : legacy && !s->plain
                          ? "the query joins, selects from, de-duplicates or groups, and .all() "
                            "returns each entity once where count() counts every joined row"
                          : NULL;
    ol_draft *d = ol_draft_add(
        ctx, meta, s->span,
        ol_format("`%s` loads every row only to count them; a count query returns the number%s%s",
                  brief, why ? "; no automatic fix: " : "", why ? why : ""));
    char *query = ol_fixtext_expr(ctx, s->query);
    char *count;
    if (s->kind == OL_LEN_SCALARS_ALL) {
      char *session = ol_fixtext_expr(ctx, s->session);
      char *sel = ol_fixtext_select(ctx, "func.count()");
      count = ol_format("%s.scalar(%s.select_from(%s.subquery()))", session, sel, query);
      ol_free(sel);
      ol_free(session);
    } else {
      count = ol_format("%s.count()", query);
    }
    if (!why) {
      /* session.scalars(...).all() de-duplicates nothing: its rows are the
       * subquery's; still, a joined or grouped statement is for a person to read. */
      d->fix =
          ol_fix_draft_new(s->plain ? OL_FIX_SAFE : OL_FIX_UNSAFE,
                           ol_format("Count in the database: %s%s", count,
                                     s->plain ? ""
                                              : " (the statement joins, de-duplicates or "
                                                "groups: check that it counts what len() did)"),
                           s->span);
      ol_fix_draft_edit(d->fix, s->span.start, s->span.end, ol_strdup(count));
      if (s->kind == OL_LEN_SCALARS_ALL) {
        static const char *const names[] = {"func", "select", NULL};
        ol_fixtext_import(ctx, d->fix, "sqlalchemy", names);
      }
    }
    ol_free(count);
    ol_free(brief);
    ol_free(query);
  }
}

const ol_rule ol_rule_orm005 = {
    .meta = {.code = "ORM005",
             .name = "len-all",
             .short_desc = "len() of rows loaded only to count them.",
             .full_desc =
                 "len(query.all()), len(list(query)) and len(session.scalars(...).all()) fetch and "
                 "build every row only to count them. A count query returns the number from the "
                 "database.",
             .level = OL_LEVEL_WARNING,
             .precision = "high",
             .tags = "performance,sqlalchemy"},
    .folder = "orm005_len_all",
    .check = check,
};
