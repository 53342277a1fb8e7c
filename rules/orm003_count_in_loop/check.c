/* ORM003 count-in-loop: a count query per iteration — `Child.query.filter_by(
 * parent_id=p.id).count()`, `p.dynamic_rel.count()`, `func.count` scalars,
 * `len(q.all())`. Fix (unsafe): the count becomes a correlated scalar
 * subquery added as a column of the query that loads the rows, and the loop
 * unpacks `(row, n)`: one query in all. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fixtext.h"
#include "requirements.h"
#include "rule.h"
#include "rule_calls.h"

typedef struct {
  const char *child;  /* counted model */
  const char *parent; /* the rows' model, as the rows query names it */
  char *builders;     /* the count's own filters, as select() builders (owned) */
  char *link;         /* `Child.col == Parent.attr` (owned) */
} count_shape;

static bool ident_char(char ch) {
  return isalnum((unsigned char)ch) || ch == '_' || (unsigned char)ch >= 0x80;
}

/* Why the loop's rows cannot take a count column, or NULL. *shared is set
 * when the rows' list is used elsewhere too: the fix then keeps that name
 * a list of rows, split from the rows with their counts. */
static const char *rows_problem_shared(const ol_rule_ctx *ctx, const ol_loop *l, bool *shared);

static const char *rows_problem(const ol_rule_ctx *ctx, const ol_loop *l) {
  bool shared;
  return rows_problem_shared(ctx, l, &shared);
}

static const char *rows_problem_shared(const ol_rule_ctx *ctx, const ol_loop *l, bool *shared) {
  *shared = false;
  if (ctx->sqla == OL_SQLA_13_TO_20)
    return "the project allows SQLAlchemy 1.3 through 2.0, and no spelling of a count subquery "
           "works on both (set target-sqlalchemy to the version it runs)";
  if (!l->has_rows || l->rows_parent >= 0 || l->rows_via || ol_span_empty(l->rows.last) ||
      !l->rows.entity)
    return "the loop's rows do not come from a query in reach";
  if (!ol_index_model(ctx->index, l->rows.entity))
    return "the loop's rows are not of a model of this project";
  const char *t = ctx->src + l->target.start;
  size_t tl = l->target.end - l->target.start;
  for (size_t i = 0; i < tl; i++)
    if (!ident_char(t[i]))
      return "the loop unpacks its rows already";
  const char *it = ctx->src + l->iterable.start;
  size_t il = l->iterable.end - l->iterable.start;
  bool name =
      il && strspn(it, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") >= il;
  if (name) {
    char *var = ol_strndup(it, il);
    int n = ol_fixtext_count_uses(ctx, l->scope, var);
    const ol_span a = l->rows.assign;
    bool between = !ol_span_empty(a) && a.end <= l->stmt.start &&
                   ol_fixtext_count_uses(ctx, (ol_span){a.end, l->stmt.start}, var) > 0;
    ol_free(var);
    if (n != 2 && (ol_span_empty(a) || between))
      return "the rows are used elsewhere too, where a count column would change their shape";
    *shared = n != 2;
  }
  return NULL;
}

/* Child.query... / session.query(Child)...: the end of that prefix in the chain text. */
static uint32_t prefix_end(const ol_rule_ctx *ctx, ol_span chain) {
  const char *q = memmem(ctx->src + chain.start, chain.end - chain.start, ".query", 6);
  if (!q)
    return chain.start;
  uint32_t at = (uint32_t)(q - ctx->src) + 6;
  if (at < chain.end && ctx->src[at] == '(') {
    int depth = 0;
    for (; at < chain.end; at++) {
      if (ctx->src[at] == '(')
        depth++;
      if (ctx->src[at] == ')' && --depth == 0)
        return at + 1;
    }
  }
  return at;
}

static char *subquery(const ol_rule_ctx *ctx, const count_shape *c) {
  char *where = c->link ? ol_format(".where(%s)", c->link) : ol_strdup("");
  char *sel = ol_fixtext_select(ctx, "func.count()");
  char *s = ol_format("%s.select_from(%s)%s%s.correlate(%s).%s()", sel, c->child, c->builders,
                      where, c->parent, ol_fixtext_scalar_subquery(ctx));
  ol_free(sel);
  ol_free(where);
  return s;
}

/* One loop's counts that can become columns: all of them in one edit. */
typedef struct {
  int loop;
  ol_span use;
  count_shape shape;
  size_t draft; /* index of its finding */
} column;

typedef OL_VEC(column) columns;

static ol_fix_draft *columns_fix(const ol_rule_ctx *ctx, const ol_loop *l, const column *cols,
                                 size_t n) {
  ol_buf add = {0}, target = {0};
  ol_buf_add(&target, ctx->src + l->target.start, l->target.end - l->target.start);
  char **vars = ol_calloc(n, sizeof(char *));
  for (size_t i = 0; i < n; i++) {
    const char *child = ol_last_component(cols[i].shape.child);
    char *snake = ol_fixtext_snake(child), *base = ol_format("%s_count", snake);
    vars[i] = ol_fixtext_free_name(ctx, l->scope, base);
    for (size_t j = 0; j < i; j++)
      if (!strcmp(vars[i], vars[j])) {
        ol_free(vars[i]);
        vars[i] = ol_format("%s_%zu", base, i + 1);
      }
    char *sq = subquery(ctx, &cols[i].shape);
    ol_buf_printf(&add, "%s%s", i ? ", " : "", sq);
    ol_buf_printf(&target, ", %s", vars[i]);
    ol_free(sq);
    ol_free(snake);
    ol_free(base);
  }
  ol_fix_draft *f = ol_fix_draft_new(
      OL_FIX_UNSAFE,
      ol_format(
          "Count with the rows: add %s as %s of the query on line %u and unpack %s in the loop",
          n > 1 ? "the counts" : "the count", n > 1 ? "columns" : "a column",
          ol_rule_line(ctx, l->rows.last.start), n > 1 ? "them" : "it"),
      (ol_span){l->rows.stmt.start < l->stmt.start ? l->rows.stmt.start : l->stmt.start,
                l->stmt.end});
  char *a = ol_buf_take(&add);
  ol_fix_draft_edit(f, l->rows.last.end, l->rows.last.end, ol_format(".add_columns(%s)", a));
  bool shared;
  rows_problem_shared(ctx, l, &shared);
  if (shared) { /* `rows` stays a list of rows for its other uses; the loop reads rows with counts
                 */
    char *var = ol_strndup(ctx->src + l->iterable.start, l->iterable.end - l->iterable.start);
    char *base = ol_format("%s_with_counts", var),
         *with = ol_fixtext_free_name(ctx, l->scope, base);
    char *row = ol_strndup(ctx->src + l->target.start, l->target.end - l->target.start);
    char *indent = ol_fixtext_indent(ctx, l->rows.assign.start);
    ol_fix_draft_edit(f, l->rows.assign.start, l->rows.assign.start + (uint32_t)strlen(var),
                      ol_strdup(with));
    uint32_t eol = ol_fixtext_line_end(ctx, l->rows.assign.end);
    ol_fix_draft_edit(f, eol, eol,
                      ol_format("\n%s%s = [%s for %s, *_ in %s]", indent, var, row, row, with));
    ol_fix_draft_edit(f, l->iterable.start, l->iterable.end, ol_strdup(with));
    ol_free(var);
    ol_free(base);
    ol_free(with);
    ol_free(row);
    ol_free(indent);
  }
  ol_fix_draft_edit(f, l->target.start, l->target.end, ol_buf_take(&target));
  for (size_t i = 0; i < n; i++)
    ol_fix_draft_edit(f, cols[i].use.start, cols[i].use.end, vars[i]);
  static const char *const names[] = {"func", "select", NULL};
  ol_fixtext_import(ctx, f, "sqlalchemy", names);
  ol_free(vars);
  ol_free(a);
  return f;
}

/* A keyed count query: `Child.query.filter_by(col=row.attr, ...).count()`. */
static const char *query_shape(const ol_rule_ctx *ctx, const ol_query_site *s, const ol_loop *l,
                               count_shape *c) {
  const ol_batch *b = &s->batch;
  if (b->mode != OL_BATCH_COUNT)
    return s->batch_why ? s->batch_why : "it is not a keyed count of one model's rows";
  const char *key = ctx->src + b->key.start;
  size_t kl = b->key.end - b->key.start, tl = l->target.end - l->target.start;
  if (kl <= tl + 1 || memcmp(key, ctx->src + l->target.start, tl) != 0 || key[tl] != '.' ||
      memchr(key + tl + 1, '.', kl - tl - 1) || memchr(key, '(', kl))
    return "its key is not an attribute of the loop's row";
  c->child = b->entity;
  c->parent = l->rows.entity;
  if (!strcmp(c->child, c->parent))
    return "it counts rows of the same model as the loop's, which needs an alias";
  uint32_t from = prefix_end(ctx, b->rows);
  c->link = ol_format("%s.%s == %s.%.*s", c->child, b->column, c->parent, (int)(kl - tl - 1),
                      key + tl + 1);
  ol_splice sp = {.at = ol_span_empty(b->swap) ? b->cut : b->swap,
                  .text = ol_span_empty(b->swap) ? "" : c->link};
  bool swap_inside = !ol_span_empty(sp.at) && sp.at.start >= from;
  c->builders = ol_fixtext_splice(ctx, (ol_span){from, b->rows.end}, &sp, swap_inside ? 1 : 0);
  if (!ol_span_empty(b->swap)) { /* the comparison itself became the correlation */
    ol_free(c->link);
    c->link = NULL;
  }
  return NULL;
}

static size_t report(const ol_rule_ctx *ctx, const ol_rule_meta *meta, ol_span span,
                     const ol_loop *l, const char *why) {
  char *brief = ol_fixtext_brief(ctx, span, 60);
  ol_draft *d = ol_draft_add(
      ctx, meta, span,
      ol_format("`%s` runs a COUNT query on every iteration of the loop on line %u%s%s", brief,
                ol_rule_line(ctx, l->header.start), why ? "; no automatic fix: " : "",
                why ? why : ""));
  ol_free(brief);
  ol_draft_relate(d, l->header, ol_strdup("the loop"));
  if (!ol_span_empty(l->rows.last))
    ol_draft_relate(d, l->rows.last, ol_strdup("the query that loads the rows"));
  return ctx->out->len - 1;
}

static void fix_columns(const ol_rule_ctx *ctx, columns *cols) {
  for (size_t i = 0; i < cols->len;) {
    size_t j = i + 1;
    while (j < cols->len && cols->items[j].loop == cols->items[i].loop)
      j++;
    const ol_loop *l = &ctx->facts->loops.items[cols->items[i].loop];
    /* Sorted by position: the edits of one fix must not overlap. */
    for (size_t a = i + 1; a < j; a++)
      for (size_t b = a; b > i && cols->items[b].use.start < cols->items[b - 1].use.start; b--) {
        column t = cols->items[b];
        cols->items[b] = cols->items[b - 1];
        cols->items[b - 1] = t;
      }
    size_t first = cols->items[i].draft;
    for (size_t k = i; k < j; k++)
      first = cols->items[k].draft < first ? cols->items[k].draft : first;
    ctx->out->items[first].fix = columns_fix(ctx, l, cols->items + i, j - i);
    for (size_t k = i; k < j; k++) {
      if (cols->items[k].draft == first)
        continue;
      ol_draft *d = &ctx->out->items[cols->items[k].draft];
      char *more = ol_format("%s; the fix of the finding on line %u adds it too", d->message,
                             ol_rule_line(ctx, ctx->out->items[first].span.start));
      ol_free(d->message);
      d->message = more;
    }
    i = j;
  }
  for (size_t k = 0; k < cols->len; k++) {
    ol_free(cols->items[k].shape.builders);
    ol_free(cols->items[k].shape.link);
  }
}

/* `{{ p.dynamic_rel.count() }}` in a template's loop over a view's rows:
 * a COUNT per row. No automatic fix: a count column changes the shape of
 * the rows the template reads (a person moves the count into the view). */
static void template_count(const ol_rule_ctx *ctx, const ol_rule_meta *meta, const ol_attr_read *r,
                           const ol_loop *l) {
  const ol_rows *rows;
  uint32_t rf;
  int32_t rfn;
  const char *entity = ol_index_loop_entity(ctx->index, ctx->file, r->loop, &rows, &rf, &rfn);
  const ol_relation *rel = entity ? ol_index_relation(ctx->index, entity, r->attr) : NULL;
  if (!rel || rel->lazy != OL_LAZY_DYNAMIC)
    return;
  size_t d = report(ctx, meta, r->call2, l,
                    "the count is in a template: a count column on the view's query changes the "
                    "rows it passes");
  if (rows && !ol_span_empty(rows->query))
    ol_draft_relate_at(&ctx->out->items[d], rf, rows->query,
                       ol_strdup("the query that loads the rows"));
}

static int by_loop(const void *a, const void *b) {
  const column *x = a, *y = b;
  return x->loop != y->loop ? (x->loop < y->loop ? -1 : 1)
                            : (x->use.start < y->use.start ? -1 : x->use.start > y->use.start);
}

/* Whether a loader path list undefers attr (`undefer(M.attr)`, at any depth
 * of a chain: a collection's rows read through it). */
static bool undeferred(const char *eager, const char *attr) {
  size_t n = strlen(attr);
  for (const char *p = eager; p && (p = strstr(p, "U:")) != NULL; p += 2)
    if ((p == eager || p[-1] == ' ' || p[-1] == '/') && !strncmp(p + 2, attr, n) &&
        (!p[2 + n] || p[2 + n] == ' ' || p[2 + n] == '/'))
      return true;
  return false;
}

/* Whether the query that loaded rows (in file rf) undefers attr, or may:
 * its options come from a variable (`.options(*opts)`). */
static bool rows_undefer(const ol_rule_ctx *ctx, const ol_rows *rows, uint32_t rf,
                         const char *attr) {
  if (!rows)
    return false;
  if (undeferred(rows->eager, attr))
    return true;
  ol_rule_ctx there;
  const ol_rule_ctx *at = rf == ctx->file                      ? ctx
                          : ol_rule_ctx_other(ctx, rf, &there) ? &there
                                                               : NULL;
  return at && !ol_span_empty(rows->options_args) &&
         memchr(at->src + rows->options_args.start, '*',
                rows->options_args.end - rows->options_args.start);
}

/* `row.m()` / `helper(row)` in a loop, where m counts a dynamic relationship
 * of the row (`self.rel.filter(...).count()`), itself or through what it
 * calls: a COUNT per row, reported at the call with the path as a code flow. */
typedef struct {
  const ol_rule_ctx *ctx;
  const ol_rule_meta *meta;
  int loop;
  ol_span span;
  int32_t callee;
  bool done;
} counted_visit;

static void counted(void *ud, const ol_relation *rel, const ol_hop *path, size_t n) {
  counted_visit *v = ud;
  const ol_rule_ctx *ctx = v->ctx;
  if (v->done)
    return; /* one finding per call */
  const ol_rows *rows;
  uint32_t rf;
  int32_t rfn;
  bool counting_column =
      !rel->target && rel->lazy == OL_LAZY_DYNAMIC; /* see ol_index_counted_reads */
  if (counting_column && ol_index_loop_entity(ctx->index, ctx->file, v->loop, &rows, &rf, &rfn) &&
      rows_undefer(ctx, rows, rf, rel->name))
    return; /* the rows' query loads the counting column with them */
  v->done = true;
  const ol_loop *l = &ctx->facts->loops.items[v->loop];
  char *text = ol_fixtext_brief(ctx, v->span, 60),
       *name = ol_index_func_name(ctx->index, v->callee);
  char *what =
      rel->target
          ? ol_format("counts `%s.%s` (a dynamic relationship) of each row", rel->owner, rel->name)
      : counting_column
          ? ol_format("reads `%s.%s` (a deferred COUNT column property) of each row", rel->owner,
                      rel->name)
          : ol_format("calls `%s.%s` of each row, which runs a count query", rel->owner, rel->name);
  ol_draft *d = ol_draft_add(
      ctx, v->meta, v->span,
      ol_format("`%s` runs a count query once per iteration of the %s on line %u, through `%s`: "
                "it %s; no automatic fix: %s",
                text, ol_rule_loop_word(l->kind), ol_rule_line(ctx, l->header.start), name, what,
                counting_column ? "`undefer` it on the query that loads the rows"
                                : "the count is inside the function, which would have to count "
                                  "for every row at once (GROUP BY)"));
  ol_free(what);
  ol_draft_relate(d, l->header, ol_strdup("the loop"));
  ol_draft_flow(d, -1, v->span,
                ol_format("called once per iteration of the %s on line %u",
                          ol_rule_loop_word(l->kind), ol_rule_line(ctx, l->header.start)));
  for (size_t i = 0; i < n; i++)
    ol_draft_flow(d, (int32_t)path[i].file, path[i].at->span, ol_strdup(path[i].message));
  ol_free(text);
  ol_free(name);
}

/* Whether the call of callee in a loop is reported already, as a count
 * query of its own (ORM003 through rule_calls; its other queries are
 * ORM001's, a cost of their own). */
static bool reported_elsewhere(const ol_rule_ctx *ctx, int32_t callee) {
  return ctx->index->funcs.items[callee].has[OL_EFFECT_COUNT];
}

static void counted_calls(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  const ol_file_facts *f = ctx->facts;
  if (f->template)
    return;
  for (size_t i = 0; i < f->reads.len; i++) { /* row.m(), row.prop */
    const ol_attr_read *r = &f->reads.items[i];
    const char *entity;
    int32_t m = ol_rule_row_member(ctx, r, &entity);
    if (m < 0 || reported_elsewhere(ctx, m) || !ol_rule_loop_repeats(ctx, r->loop))
      continue;
    counted_visit v = {ctx, meta, r->loop, ol_rule_call_span(ctx, r->span), m, false};
    bool prop = ctx->index->funcs.items[m].fn->kind == OL_FN_PROPERTY; /* read, not called */
    ol_index_counted_reads(ctx->index, ctx->file, prop ? -1 : ol_index_call_of_attr(f, r->span), m,
                           0, entity, counted, &v);
  }
  for (size_t i = 0; i < f->calls.len; i++) { /* helper(row) */
    const ol_call_fact *c = &f->calls.items[i];
    int32_t t = c->loop >= 0 ? ol_index_call_target(ctx->index, ctx->file, i) : -1;
    if (t < 0 || reported_elsewhere(ctx, t) || !ol_rule_loop_repeats(ctx, c->loop))
      continue;
    const ol_call_arg *args = ol_call_args(f, c);
    counted_visit v = {ctx, meta, c->loop, c->at.span, t, false};
    for (uint32_t a = 0; a < c->n_args && !v.done; a++) {
      int param = ol_index_call_param(ctx->index, ctx->file, i, a);
      const ol_rows *rows;
      uint32_t rf;
      int32_t rfn;
      const char *entity =
          args[a].loop >= 0 && param >= 0
              ? ol_index_loop_entity(ctx->index, ctx->file, args[a].loop, &rows, &rf, &rfn)
              : NULL;
      if (entity)
        ol_index_counted_reads(ctx->index, ctx->file, (int32_t)i, t, (uint32_t)param, entity,
                               counted, &v);
    }
  }
}

/* `row.n` in a loop, n a deferred column_property of a COUNT (`n =
 * column_property(select(func.count())..., deferred=True)`): its first read
 * on each row runs that COUNT, unless the rows' query undefers it. */
static void deferred_counts(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  const ol_file_facts *f = ctx->facts;
  for (size_t i = 0; i < f->reads.len && !f->template; i++) {
    const ol_attr_read *r = &f->reads.items[i];
    const ol_rows *rows;
    uint32_t rf;
    int32_t rfn;
    const char *entity =
        r->col ? NULL : ol_index_loop_entity(ctx->index, ctx->file, r->loop, &rows, &rf, &rfn);
    const ol_column_fact *col = entity ? ol_index_column(ctx->index, entity, r->attr) : NULL;
    if (!col || !col->counts || !col->deferred || !ol_rule_loop_repeats(ctx, r->loop) ||
        rows_undefer(ctx, rows, rf, r->attr))
      continue;
    const char *owner = ol_last_component(entity);
    char *why = ol_format("`%s.%s` is a deferred COUNT column property, loaded by its own query on "
                          "each row; `.options(undefer(%s.%s))` on the query that loads the rows "
                          "counts with them",
                          owner, r->attr, owner, r->attr);
    report(ctx, meta, r->span, &f->loops.items[r->loop], why);
    ol_free(why);
  }
}

static void check(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  deferred_counts(ctx, meta);
  ol_rule_report_calls(ctx, meta, OL_EFFECT_COUNT,
                       "the count is inside the function, which would have to count for every row "
                       "at once (GROUP BY)");
  counted_calls(ctx, meta);
  columns cols = {0};
  for (size_t i = 0; i < ctx->facts->queries.len; i++) {
    const ol_query_site *s = &ctx->facts->queries.items[i];
    if (s->loop < 0 || !s->is_count || !ol_rule_loop_repeats(ctx, s->loop))
      continue;
    const ol_loop *l = &ctx->facts->loops.items[s->loop];
    column c = {.loop = s->loop, .use = s->batch.use};
    const char *why = rows_problem(ctx, l);
    if (!why)
      why = query_shape(ctx, s, l, &c.shape);
    c.draft = report(ctx, meta, s->span, l, why);
    if (why) {
      ol_free(c.shape.builders);
      ol_free(c.shape.link);
    } else {
      ol_vec_push(&cols, c);
    }
  }
  for (size_t i = 0; i < ctx->facts->reads.len; i++) { /* row.dynamic_rel.count() */
    const ol_attr_read *r = &ctx->facts->reads.items[i];
    bool narrowed = !ol_span_empty(r->count2); /* row.rel.filter(...).count() */
    if (!narrowed && (!r->attr2 || strcmp(r->attr2, "count") != 0 || ol_span_empty(r->call2)))
      continue;
    ol_span use = narrowed ? r->count2 : r->call2;
    const ol_loop *l = &ctx->facts->loops.items[r->loop];
    if (ctx->facts->template) {
      if (!narrowed)
        template_count(ctx, meta, r, l);
      continue;
    }
    if (l->rows_parent >= 0 || l->rows_via || !l->rows.entity || r->col)
      continue;
    const ol_relation *rel = ol_index_relation(ctx->index, l->rows.entity, r->attr);
    if (!rel || rel->lazy != OL_LAZY_DYNAMIC || !rel->target)
      continue;
    char *owned = NULL;
    const char *why = rows_problem(ctx, l);
    const ol_model *parent = ol_index_model(ctx->index, l->rows.entity);
    const char *fk = ol_index_fk_column(ctx->index, rel->target, l->rows.entity);
    if (!why && (!parent || parent->n_pk != 1 || !fk))
      why = "the foreign key between the two models is not declared";
    if (!why && narrowed && ol_span_empty(r->builders2))
      why = "the count narrows the relationship with more than filters, which a count column "
            "cannot keep";
    if (!why && !ol_fixtext_module_binds(ctx, rel->target))
      why = owned =
          ol_format("`%s` is not imported here, which the count subquery needs", rel->target);
    column c = {
        .loop = r->loop, .use = use, .shape = {.child = rel->target, .parent = l->rows.entity}};
    c.draft = report(ctx, meta, use, l, why);
    ol_free(owned);
    if (!why) {
      c.shape.builders = narrowed ? ol_fixtext_expr(ctx, r->builders2) : ol_strdup("");
      c.shape.link = ol_format("%s.%s == %s.%s", rel->target, fk, l->rows.entity, parent->pk[0]);
      ol_vec_push(&cols, c);
    }
  }
  if (cols.len > 1)
    qsort(cols.items, cols.len, sizeof(column), by_loop);
  fix_columns(ctx, &cols);
  ol_vec_free(&cols);
}

const ol_rule ol_rule_orm003 = {
    .meta =
        {.code = "ORM003",
         .name = "count-in-loop",
         .short_desc = "A count query runs on every iteration of a loop (N+1 COUNTs).",
         .full_desc =
             "Counting the children of each row in a loop (query.count(), a dynamic "
             "relationship's count(), func.count scalars, len(q.all())) runs one COUNT per row. "
             "Add the count as a correlated subquery column of the query that loads the rows.",
         .level = OL_LEVEL_WARNING,
         .precision = "high",
         .tags = "performance,sqlalchemy,n+1"},
    .folder = "orm003_count_in_loop",
    .check = check,
};
