/* ORM007 unindexed-lookup: a column that queries filter, join or order by,
 * or the foreign key behind a relationship joined, loaded or counted per
 * parent, with no index behind it. Reported once per column, at its
 * declaration, with the lookups as related locations and the index as
 * data for --emit-sql. Fix (unsafe: a schema change that needs a
 * migration): `index=True` on the column. */
#include <string.h>

#include "fixtext.h"
#include "rule.h"

#define SHOWN 10

static const char *use_text(ol_lookup_kind k) {
  switch (k) {
  case OL_LOOKUP_EQUAL:
    return "filters on it";
  case OL_LOOKUP_RANGE:
    return "compares a range on it";
  case OL_LOOKUP_ORDER:
    return "orders by it";
  case OL_LOOKUP_JOIN:
    return "joins on it";
  default:
    return "loads a relationship by it";
  }
}

static bool is_foreign_key(const ol_column_fact *col) { return col->fk_table || col->fk_class; }

static ol_advice_kind advice_kind(ol_lookup_kind k) {
  return k == OL_LOOKUP_EQUAL   ? OL_ADVICE_EQUAL
         : k == OL_LOOKUP_RANGE ? OL_ADVICE_RANGE
         : k == OL_LOOKUP_ORDER ? OL_ADVICE_ORDER
                                : OL_ADVICE_OTHER;
}

static char *where(const ol_rule_ctx *ctx, const ol_key_use *u) {
  return ol_format("%s:%u", ctx->index->files.items[u->file].path,
                   ol_rule_line_in(ctx, u->file, u->span.start));
}

static char *related_text(const ol_key_use *u) {
  if (u->kind != OL_LOOKUP_RELATION)
    return ol_strdup(use_text(u->kind));
  return ol_format("joins, loads or counts `.%s` by it", u->via);
}

/* One advice per table the column's uncovered lookups query. */
static void advise(const ol_rule_ctx *ctx, ol_draft *d, const ol_column_fact *col,
                   const ol_key_use *const *uses, size_t n) {
  for (size_t i = 0; i < n; i++) {
    bool seen = false;
    for (size_t k = 0; k < i && !seen; k++)
      seen = uses[k]->model == uses[i]->model;
    if (seen)
      continue;
    ol_index_advice a = {.table = ol_index_table(ctx->index, uses[i]->model),
                         .column = ol_strdup(col->db_name ? col->db_name : col->name),
                         .foreign_key = is_foreign_key(col),
                         .text = col->type_kind == OL_COL_TEXT};
    for (size_t k = i; k < n; k++) {
      if (uses[k]->model != uses[i]->model)
        continue;
      a.uses = ol_realloc(a.uses, (a.n_uses + 1) * sizeof *a.uses);
      a.uses[a.n_uses++] = (ol_advice_use){.where = where(ctx, uses[k]),
                                           .query = uses[k]->query,
                                           .order = uses[k]->span.start,
                                           .kind = advice_kind(uses[k]->kind)};
    }
    ol_draft_advise(d, a);
  }
}

static ol_fix_draft *index_fix(const ol_column_fact *col) {
  if (!col->insert_at && ol_span_empty(col->index_value))
    return NULL; /* `id: Mapped[int]` without mapped_column(): nothing to add the keyword to */
  ol_fix_draft *f = ol_fix_draft_new(
      OL_FIX_UNSAFE,
      ol_format("Index `%s` (index=True): a schema change, apply it with a migration", col->name),
      col->decl);
  if (!ol_span_empty(col->index_value))
    ol_fix_draft_edit(f, col->index_value.start, col->index_value.end, ol_strdup("True"));
  else
    ol_fix_draft_edit(f, col->insert_at, col->insert_at,
                      ol_strdup(col->insert_comma ? ", index=True" : "index=True"));
  return f;
}

static size_t distinct_queries(const ol_key_use *const *uses, size_t n) {
  size_t q = 0;
  for (size_t i = 0; i < n; i++) {
    bool seen = false;
    for (size_t k = 0; k < i && !seen; k++)
      seen = uses[k]->query == uses[i]->query;
    q += !seen;
  }
  return q;
}

static void report(const ol_rule_ctx *ctx, const ol_rule_meta *meta, const ol_model *cls,
                   const ol_column_fact *col, const ol_key_use *const *uses, size_t n) {
  size_t queries = distinct_queries(uses, n);
  char *shown = n > SHOWN
                    ? ol_format("; the first %d of %zu lookups are related locations", SHOWN, n)
                    : ol_strdup("");
  char *first = where(ctx, uses[0]);
  char *count =
      n == 1 ? ol_format("at %s", first) : ol_format("%zu lookups, the first at %s", n, first);
  /* A B-tree entry holds the whole value: PostgreSQL refuses rows whose
   * TEXT value passes ~2.7 kB once indexed (a certificate, a document), and
   * MySQL indexes only a prefix. index=True would break inserts. */
  bool text = col->type_kind == OL_COL_TEXT;
  ol_draft *d = ol_draft_add(
      ctx, meta, col->decl,
      ol_format("`%s.%s` has no index, and %zu quer%s look%s rows up by it (%s)%s%s%s", cls->name,
                col->name, queries, queries == 1 ? "y" : "ies", queries == 1 ? "s" : "", count,
                is_foreign_key(col) ? ": a foreign key, which neither SQLAlchemy nor the database "
                                      "indexes by itself"
                                    : "",
                shown,
                text ? "; no automatic fix: a plain index on an unbounded TEXT column fails for "
                       "long values (PostgreSQL refuses index rows over ~2.7 kB): index a hash "
                       "or a prefix of it"
                     : ""));
  ol_free(count);
  ol_free(first);
  ol_free(shown);
  for (size_t i = 0; i < n && i < SHOWN; i++)
    ol_draft_relate_at(d, uses[i]->file, uses[i]->span, related_text(uses[i]));
  advise(ctx, d, col, uses, n);
  d->fix = text ? NULL : index_fix(col);
}

static void check_column(const ol_rule_ctx *ctx, const ol_rule_meta *meta, int32_t owner,
                         uint32_t c) {
  const ol_model *cls = &ctx->index->classes.items[owner];
  const ol_column_fact *col = &cls->cls->columns[c];
  if (is_foreign_key(col) && !strcmp(ctx->dialect, "mysql"))
    return; /* InnoDB indexes every foreign key itself */
  if (col->boolean)
    return; /* two values: an index on it alone rarely pays */
  size_t n;
  const ol_key_use *all = ol_index_key_uses(ctx->index, owner, c, &n);
  const ol_key_use **open = ol_calloc(n ? n : 1, sizeof *open);
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (ctx->index->classes.items[all[i].model].is_model && !all[i].named &&
        !ol_index_column_covered(ctx->index, all[i].model, col->name) &&
        !ol_index_query_keyed(ctx->index, &all[i]))
      open[m++] = &all[i];
  if (m)
    report(ctx, meta, cls, col, open, m);
  ol_free(open);
}

static void check(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  const ol_index *ix = ctx->index;
  size_t lo = 0, hi = ix->classes.len;
  while (lo < hi) { /* classes are indexed file by file: the first of this file */
    size_t mid = lo + (hi - lo) / 2;
    if (ix->classes.items[mid].file < ctx->file)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t i = lo; i < ix->classes.len && ix->classes.items[i].file == ctx->file; i++) {
    const ol_model *m = &ix->classes.items[i];
    if (ol_index_imperative_twin(ix, (int32_t)i) >= 0)
      continue; /* typing lines of an imperatively mapped class: its table says the indexes */
    for (uint32_t c = 0; c < m->cls->n_columns; c++)
      check_column(ctx, meta, (int32_t)i, c);
  }
}

const ol_rule ol_rule_orm007 = {
    .meta = {.code = "ORM007",
             .name = "unindexed-lookup",
             .short_desc = "A column queries filter, join or order by, with no index behind it.",
             .full_desc =
                 "A lookup on a column without an index reads the whole table. Foreign keys are "
                 "the usual case: SQLAlchemy does not index them, and neither do PostgreSQL or "
                 "SQLite, yet every per-parent load, join and count looks rows up by them.",
             .level = OL_LEVEL_NOTE,
             .precision = "medium",
             .tags = "performance,sqlalchemy,schema"},
    .folder = "orm007_unindexed_lookup",
    .check = check,
};
