/* ORM003 count-in-loop: a count query per iteration — `Child.query.filter_by(
 * parent_id=p.id).count()`, `p.dynamic_rel.count()`, `func.count` scalars,
 * `len(q.all())`. Fix (unsafe): the count becomes a correlated scalar
 * subquery added as a column of the query that loads the rows, and the loop
 * unpacks `(row, n)`: one query in all. */
#include <ctype.h>
#include <string.h>

#include "fixtext.h"
#include "rule.h"

typedef struct {
  const char *child;  /* counted model */
  const char *parent; /* the rows' model, as the rows query names it */
  char *builders;     /* the count's own filters, as select() builders (owned) */
  char *link;         /* `Child.col == Parent.attr` (owned) */
} count_shape;

static bool ident_char(char ch) { return isalnum((unsigned char)ch) || ch == '_' || (unsigned char)ch >= 0x80; }

/* Why the loop's rows cannot take a count column, or NULL. */
static const char *rows_problem(const ol_rule_ctx *ctx, const ol_loop *l) {
  if (!l->has_rows || l->rows_parent >= 0 || ol_span_empty(l->rows.last) || !l->rows.entity)
    return "the loop's rows do not come from a query in reach";
  if (!ol_index_model(ctx->index, l->rows.entity)) return "the loop's rows are not of a model of this project";
  const char *t = ctx->src + l->target.start;
  size_t tl = l->target.end - l->target.start;
  for (size_t i = 0; i < tl; i++)
    if (!ident_char(t[i])) return "the loop unpacks its rows already";
  const char *it = ctx->src + l->iterable.start;
  size_t il = l->iterable.end - l->iterable.start;
  bool name = il && strspn(it, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") >= il;
  if (name) {
    char *var = ol_strndup(it, il);
    int n = ol_fixtext_count_uses(ctx, l->scope, var);
    ol_free(var);
    if (n != 2) return "the rows are used elsewhere too, where a count column would change their shape";
  }
  return NULL;
}

/* Child.query... / session.query(Child)...: the end of that prefix in the chain text. */
static uint32_t prefix_end(const ol_rule_ctx *ctx, ol_span chain) {
  const char *q = memmem(ctx->src + chain.start, chain.end - chain.start, ".query", 6);
  if (!q) return chain.start;
  uint32_t at = (uint32_t)(q - ctx->src) + 6;
  if (at < chain.end && ctx->src[at] == '(') {
    int depth = 0;
    for (; at < chain.end; at++) {
      if (ctx->src[at] == '(') depth++;
      if (ctx->src[at] == ')' && --depth == 0) return at + 1;
    }
  }
  return at;
}

static char *subquery(const count_shape *c) {
  char *where = c->link ? ol_format(".where(%s)", c->link) : ol_strdup("");
  char *s = ol_format("select(func.count()).select_from(%s)%s%s.correlate(%s).scalar_subquery()", c->child, c->builders,
                      where, c->parent);
  ol_free(where);
  return s;
}

static ol_fix_draft *column_fix(const ol_rule_ctx *ctx, const ol_loop *l, ol_span use, const count_shape *c) {
  const char *child = strrchr(c->child, '.') ? strrchr(c->child, '.') + 1 : c->child;
  char *snake = ol_fixtext_snake(child), *base = ol_format("%s_count", snake);
  char *var = ol_fixtext_free_name(ctx, l->scope, base);
  char *sq = subquery(c);
  char *target = ol_strndup(ctx->src + l->target.start, l->target.end - l->target.start);
  ol_fix_draft *f = ol_fix_draft_new(
      OL_FIX_UNSAFE,
      ol_format("Count with the rows: add the count as a column of the query on line %u and unpack it in the loop",
                ol_rule_line(ctx, l->rows.last.start)),
      (ol_span){l->rows.stmt.start < l->stmt.start ? l->rows.stmt.start : l->stmt.start, l->stmt.end});
  ol_fix_draft_edit(f, l->rows.last.end, l->rows.last.end, ol_format(".add_columns(%s)", sq));
  ol_fix_draft_edit(f, l->target.start, l->target.end, ol_format("%s, %s", target, var));
  ol_fix_draft_edit(f, use.start, use.end, ol_strdup(var));
  static const char *const names[] = {"func", "select", NULL};
  ol_fixtext_import(ctx, f, "sqlalchemy", names);
  ol_free(snake);
  ol_free(base);
  ol_free(var);
  ol_free(sq);
  ol_free(target);
  return f;
}

/* A keyed count query: `Child.query.filter_by(col=row.attr, ...).count()`. */
static const char *query_shape(const ol_rule_ctx *ctx, const ol_query_site *s, const ol_loop *l, count_shape *c) {
  const ol_batch *b = &s->batch;
  if (b->mode != OL_BATCH_COUNT) return s->batch_why ? s->batch_why : "it is not a keyed count of one model's rows";
  const char *key = ctx->src + b->key.start;
  size_t kl = b->key.end - b->key.start, tl = l->target.end - l->target.start;
  if (kl <= tl + 1 || memcmp(key, ctx->src + l->target.start, tl) != 0 || key[tl] != '.' ||
      memchr(key + tl + 1, '.', kl - tl - 1) || memchr(key, '(', kl))
    return "its key is not an attribute of the loop's row";
  c->child = b->entity;
  c->parent = l->rows.entity;
  if (!strcmp(c->child, c->parent)) return "it counts rows of the same model as the loop's, which needs an alias";
  uint32_t from = prefix_end(ctx, b->rows);
  c->link = ol_format("%s.%s == %s.%.*s", c->child, b->column, c->parent, (int)(kl - tl - 1), key + tl + 1);
  ol_splice sp = {.at = ol_span_empty(b->swap) ? b->cut : b->swap, .text = ol_span_empty(b->swap) ? "" : c->link};
  bool swap_inside = !ol_span_empty(sp.at) && sp.at.start >= from;
  c->builders = ol_fixtext_splice(ctx, (ol_span){from, b->rows.end}, &sp, swap_inside ? 1 : 0);
  if (!ol_span_empty(b->swap)) { /* the comparison itself became the correlation */
    ol_free(c->link);
    c->link = NULL;
  }
  return NULL;
}

static void report(const ol_rule_ctx *ctx, const ol_rule_meta *meta, ol_span span, const ol_loop *l, const char *why,
                   ol_fix_draft *fix) {
  char *brief = ol_fixtext_brief(ctx, span, 60);
  ol_draft *d = ol_draft_add(ctx, meta, span,
                             ol_format("`%s` runs a COUNT query on every iteration of the loop on line %u%s%s", brief,
                                       ol_rule_line(ctx, l->header.start), why ? "; no automatic fix: " : "",
                                       why ? why : ""));
  ol_free(brief);
  ol_draft_relate(d, l->header, ol_strdup("the loop"));
  if (!ol_span_empty(l->rows.last)) ol_draft_relate(d, l->rows.last, ol_strdup("the query that loads the rows"));
  d->fix = fix;
}

static void check(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  for (size_t i = 0; i < ctx->facts->queries.len; i++) {
    const ol_query_site *s = &ctx->facts->queries.items[i];
    if (s->loop < 0 || !s->is_count) continue;
    const ol_loop *l = &ctx->facts->loops.items[s->loop];
    count_shape c = {0};
    const char *why = rows_problem(ctx, l);
    if (!why) why = query_shape(ctx, s, l, &c);
    report(ctx, meta, s->span, l, why, why ? NULL : column_fix(ctx, l, s->batch.use, &c));
    ol_free(c.builders);
    ol_free(c.link);
  }
  for (size_t i = 0; i < ctx->facts->reads.len; i++) { /* row.dynamic_rel.count() */
    const ol_attr_read *r = &ctx->facts->reads.items[i];
    if (!r->attr2 || strcmp(r->attr2, "count") != 0 || ol_span_empty(r->call2)) continue;
    const ol_loop *l = &ctx->facts->loops.items[r->loop];
    if (l->rows_parent >= 0 || !l->rows.entity) continue;
    const ol_relation *rel = ol_index_relation(ctx->index, l->rows.entity, r->attr);
    if (!rel || rel->lazy != OL_LAZY_DYNAMIC || !rel->target) continue;
    const char *why = rows_problem(ctx, l);
    const ol_model *parent = ol_index_model(ctx->index, l->rows.entity);
    const char *fk = ol_index_fk_column(ctx->index, rel->target, l->rows.entity);
    if (!why && (!parent || parent->n_pk != 1 || !fk)) why = "the foreign key between the two models is not declared";
    count_shape c = {.child = rel->target, .parent = l->rows.entity, .builders = ol_strdup("")};
    if (!why) c.link = ol_format("%s.%s == %s.%s", rel->target, fk, l->rows.entity, parent->pk[0]);
    if (!why && !ol_fixtext_module_binds(ctx, rel->target))
      why = ol_format("`%s` is not imported here, which the count subquery needs", rel->target);
    report(ctx, meta, r->call2, l, why, why ? NULL : column_fix(ctx, l, r->call2, &c));
    if (why && strstr(why, "is not imported")) ol_free((char *)why);
    ol_free(c.builders);
    ol_free(c.link);
  }
}

const ol_rule ol_rule_orm003 = {
    .meta = {.code = "ORM003",
             .name = "count-in-loop",
             .short_desc = "A count query runs on every iteration of a loop (N+1 COUNTs).",
             .full_desc = "Counting the children of each row in a loop (query.count(), a dynamic "
                          "relationship's count(), func.count scalars, len(q.all())) runs one COUNT per row. "
                          "Add the count as a correlated subquery column of the query that loads the rows.",
             .level = OL_LEVEL_WARNING,
             .precision = "high",
             .tags = "performance,sqlalchemy,n+1"},
    .folder = "orm003_count_in_loop",
    .check = check,
};
