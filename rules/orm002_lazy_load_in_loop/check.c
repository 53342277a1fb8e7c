/* ORM002 lazy-load-in-loop: a lazy relationship of each row read in a loop
 * over query results, with no eager option for it on the query that
 * produced the rows; and relationships declared lazy="immediate". Fix
 * (safe): the eager option on that query — joinedload for a scalar,
 * selectinload for a collection — merged into one edit per query, plus the
 * import. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtext.h"
#include "rule.h"

static bool lazy_on_access(ol_lazy l) { return l == OL_LAZY_SELECT; }

/* Whether a loader path list covers rel (level 1) or rel.sub (level 2). */
static bool covered(const char *eager, const char *rel, const char *sub) {
  if (!eager)
    return false;
  for (const char *p = eager; *p;) {
    size_t len = strcspn(p, " ");
    char path[256];
    snprintf(path, sizeof path, "%.*s", (int)(len < 255 ? len : 255), p);
    p += len + (p[len] == ' ');
    char *seg2 = strchr(path, '/');
    if (seg2)
      *seg2++ = '\0';
    char s1 = path[0];
    const char *a1 = path + 2;
    if (strcmp(a1, rel) != 0 && strcmp(a1, "*") != 0)
      continue;
    if (!sub) {
      if (s1 != 'D' && s1 != 'L')
        return true;
      continue;
    }
    if (!seg2)
      continue;
    char *end = strchr(seg2, '/');
    if (end)
      *end = '\0';
    if ((!strcmp(seg2 + 2, sub) || !strcmp(seg2 + 2, "*")) && seg2[0] != 'D' && seg2[0] != 'L')
      return true;
  }
  return false;
}

static const char *loader(const ol_relation *r) {
  return r->collection ? "selectinload" : "joinedload";
}

/* One producing query: the options its findings need, and the first finding. */
typedef struct {
  const ol_rows *rows;
  ol_draft *first; /* index into drafts, re-found after growth */
  size_t first_index;
  uint32_t first_line;
  char **options;
  size_t n_options;
} group;

typedef OL_VEC(group) groups;

static group *group_for(groups *gs, const ol_rows *rows) {
  for (size_t i = 0; i < gs->len; i++)
    if (gs->items[i].rows->query.start == rows->query.start &&
        gs->items[i].rows->query.end == rows->query.end)
      return &gs->items[i];
  group g = {.rows = rows, .first_index = (size_t)-1};
  ol_vec_push(gs, g);
  return &gs->items[gs->len - 1];
}

static void add_option(group *g, char *opt) {
  for (size_t i = 0; i < g->n_options; i++) {
    size_t n = strlen(g->options[i]);
    if (!strcmp(g->options[i], opt) ||
        (!strncmp(opt, g->options[i], strlen(opt)) && g->options[i][strlen(opt)] == '.')) {
      ol_free(opt); /* already covered by an equal or longer chain */
      return;
    }
    if (!strncmp(opt, g->options[i], n) && opt[n] == '.') { /* the new chain extends it */
      ol_free(g->options[i]);
      g->options[i] = opt;
      return;
    }
  }
  g->options = ol_realloc(g->options, (g->n_options + 1) * sizeof(char *));
  g->options[g->n_options++] = opt;
}

static ol_fix_draft *group_fix(const ol_rule_ctx *ctx, const group *g) {
  const ol_rows *rows = g->rows;
  ol_buf opts = {0};
  bool need_joined = false, need_selectin = false;
  for (size_t i = 0; i < g->n_options; i++) {
    if (i)
      ol_buf_puts(&opts, ", ");
    ol_buf_puts(&opts, g->options[i]);
    need_joined |= strstr(g->options[i], "joinedload(") != NULL;
    need_selectin |= strstr(g->options[i], "selectinload(") != NULL;
  }
  char *text = ol_buf_take(&opts);
  ol_fix_draft *f =
      ol_fix_draft_new(OL_FIX_SAFE,
                       ol_format("Load %s with the rows: add .options(%s) to the query on line %u",
                                 g->n_options > 1 ? "the relationships" : "the relationship", text,
                                 ol_rule_line(ctx, rows->query.start)),
                       rows->stmt);
  if (!ol_span_empty(rows->options_args)) {
    uint32_t close = rows->options_args.end - 1;
    bool empty = rows->options_args.end - rows->options_args.start <= 2;
    ol_fix_draft_edit(f, close, close, ol_format("%s%s", empty ? "" : ", ", text));
  } else {
    ol_fix_draft_edit(f, rows->query.end, rows->query.end, ol_format(".options(%s)", text));
  }
  const char *names[3] = {NULL, NULL, NULL};
  int k = 0;
  if (need_joined)
    names[k++] = "joinedload";
  if (need_selectin)
    names[k++] = "selectinload";
  ol_fixtext_import(ctx, f, "sqlalchemy.orm", names);
  ol_free(text);
  return f;
}

static void report_immediate(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  for (size_t c = 0; c < ctx->facts->classes.len; c++) {
    const ol_class_fact *cls = &ctx->facts->classes.items[c];
    for (size_t i = 0; i < cls->n_rels; i++) {
      const ol_rel_fact *r = &cls->rels[i];
      if (r->lazy != OL_LAZY_IMMEDIATE || ol_span_empty(r->lazy_value))
        continue;
      ol_draft *d = ol_draft_add(
          ctx, meta, r->lazy_value,
          ol_format("`%s.%s` is declared lazy=\"immediate\": loading N rows of %s runs N more "
                    "SELECTs, one per row",
                    cls->name, r->name, cls->name));
      d->fix = ol_fix_draft_new(
          OL_FIX_SAFE, ol_strdup("Load it with one SELECT ... IN for all rows: lazy=\"selectin\""),
          r->span);
      ol_fix_draft_edit(d->fix, r->lazy_value.start, r->lazy_value.end, ol_strdup("\"selectin\""));
    }
  }
}

static char *rows_where(const ol_rule_ctx *ctx, const ol_rows *rows) {
  if (!ol_span_empty(rows->query))
    return ol_format("the query on line %u", ol_rule_line(ctx, rows->query.start));
  return ol_format("`%s`", rows->origin ? rows->origin : "its rows");
}

/* The rows a loop holds: its own query's, or a collection relationship of an
 * enclosing loop's rows (`for c in p.children`), loaded by that loop's query. */
typedef struct {
  const ol_rows *rows;    /* the query that loads them (the parent's, for a collection) */
  const char *entity;     /* the model of the rows */
  const ol_relation *via; /* the collection they come through, NULL for direct rows */
  const char *via_owner;  /* the parent rows' model */
} loop_rows;

static bool rows_of_loop(const ol_rule_ctx *ctx, const ol_loop *l, loop_rows *out) {
  memset(out, 0, sizeof *out);
  if (l->rows_parent < 0) {
    out->rows = &l->rows;
    out->entity = l->rows.entity;
    return l->rows.entity && ol_index_model(ctx->index, l->rows.entity);
  }
  const ol_loop *p = &ctx->facts->loops.items[l->rows_parent];
  if (p->rows_parent >= 0 || !p->rows.entity || !ol_index_model(ctx->index, p->rows.entity))
    return false;
  const ol_relation *via = ol_index_relation(ctx->index, p->rows.entity, l->rows_via);
  if (!via || !via->collection || !via->target || !ol_index_model(ctx->index, via->target))
    return false;
  *out =
      (loop_rows){.rows = &p->rows, .entity = via->target, .via = via, .via_owner = p->rows.entity};
  return true;
}

/* `for c in p.children: c.parent` is the reverse of p.children: the
 * identity map answers it without a query. */
static bool answered_by_identity_map(const loop_rows *lr, const ol_relation *rel) {
  if (!lr->via || rel->collection || !rel->target)
    return false;
  const char *owner = strrchr(lr->via_owner, '.') ? strrchr(lr->via_owner, '.') + 1 : lr->via_owner;
  return !strcmp(rel->target, owner);
}

static void check(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  report_immediate(ctx, meta);
  groups gs = {0};
  OL_VEC(char *) seen = {0};
  for (size_t i = 0; i < ctx->facts->reads.len; i++) {
    const ol_attr_read *r = &ctx->facts->reads.items[i];
    const ol_loop *l = &ctx->facts->loops.items[r->loop];
    loop_rows lr;
    if (!rows_of_loop(ctx, l, &lr))
      continue;
    const ol_rows *rows = lr.rows;
    const char *attr = r->attr, *sub = r->attr2;
    ol_span span = r->span;
    bool awaitable = !strcmp(attr, "awaitable_attrs");
    if (awaitable) {
      if (!sub)
        continue;
      attr = sub, sub = NULL, span = r->span2;
    }
    const ol_relation *rel = ol_index_relation(ctx->index, lr.entity, attr);
    if (!rel || answered_by_identity_map(&lr, rel))
      continue;
    const ol_relation *rel2 = NULL;
    bool level1 =
        lazy_on_access(rel->lazy) && !(lr.via ? covered(rows->eager, lr.via->name, rel->name)
                                              : covered(rows->eager, rel->name, NULL));
    if (lr.via)
      sub = NULL; /* one level below a collection is as deep as the fix chains */
    if (sub && rel->target && rel->lazy != OL_LAZY_DYNAMIC && rel->lazy != OL_LAZY_WRITE_ONLY) {
      rel2 = ol_index_relation(ctx->index, rel->target, sub);
      if (rel2 && !(lazy_on_access(rel2->lazy) && !covered(rows->eager, rel->name, sub)))
        rel2 = NULL;
      if (rel2 && rel->collection)
        rel2 = NULL; /* row.coll.x is an attribute of a list */
    }
    if (!level1 && !rel2)
      continue;
    for (int level = 1; level <= 2; level++) {
      if ((level == 1 && !level1) || (level == 2 && !rel2))
        continue;
      const ol_relation *lrel = level == 1 ? rel : rel2;
      /* The first read in a loop loads it; later reads in the same loop do not. */
      char *key = ol_format("%d:%s.%s%s%s", r->loop, rel->owner, rel->name, level == 2 ? "." : "",
                            level == 2 ? rel2->name : "");
      bool again = false;
      for (size_t k = 0; k < seen.len && !again; k++)
        again = !strcmp(seen.items[k], key);
      if (again) {
        ol_free(key);
        continue;
      }
      ol_vec_push(&seen, key);
      char *where = rows_where(ctx, rows);
      char *text = ol_fixtext_brief(ctx, level == 1 ? span : r->span2, 60);
      char *why = NULL;
      if (ol_span_empty(rows->query))
        why = ol_strdup("no query is in reach to add the eager option to");
      else if (level == 2 && !ol_fixtext_module_binds(ctx, rel->target))
        why = ol_format("`%s` is not imported here, which the chained option needs", rel->target);
      else if (lr.via && !ol_fixtext_module_binds(ctx, lr.entity))
        why = ol_format("`%s` is not imported here, which the chained option needs", lr.entity);
      char *msg = ol_format(
          "`%s` lazy-loads `%s.%s` (%s) once per row in the loop on line %u over rows of %s%s%s",
          text, lrel->owner, lrel->name, lrel->collection ? "a collection" : "one row",
          ol_rule_line(ctx, l->header.start), where, why ? "; no automatic fix: " : "",
          why ? why : "");
      ol_draft *d = ol_draft_add(ctx, meta, level == 1 ? span : r->span2, msg);
      ol_free(text);
      ol_free(where);
      if (!ol_span_empty(rows->query))
        ol_draft_relate(d, rows->query, ol_strdup("the query that loads the rows"));
      ol_draft_relate(d, l->header, ol_strdup("the loop"));
      if (why) {
        ol_free(why);
        continue;
      }
      group *g = group_for(&gs, rows);
      if (g->first_index == (size_t)-1) {
        g->first_index = ctx->out->len - 1;
      } else { /* one edit per query: the first finding carries it */
        ol_draft *first = &ctx->out->items[g->first_index];
        char *more = ol_format("%s; the fix of the finding on line %u loads it too", d->message,
                               ol_rule_line(ctx, first->span.start));
        ol_free(d->message);
        d->message = more;
      }
      char *opt = lr.via       ? ol_format("%s(%s.%s).%s(%s.%s)", loader(lr.via), rows->entity,
                                           lr.via->name, loader(rel), lr.entity, rel->name)
                  : level == 1 ? ol_format("%s(%s.%s)", loader(rel), rows->entity, rel->name)
                               : ol_format("%s(%s.%s).%s(%s.%s)", loader(rel), rows->entity,
                                           rel->name, loader(rel2), rel->target, rel2->name);
      add_option(g, opt);
    }
  }
  for (size_t i = 0; i < gs.len; i++) {
    group *g = &gs.items[i];
    ctx->out->items[g->first_index].fix = group_fix(ctx, g);
    for (size_t j = 0; j < g->n_options; j++)
      ol_free(g->options[j]);
    ol_free(g->options);
  }
  ol_vec_free(&gs);
  for (size_t i = 0; i < seen.len; i++)
    ol_free(seen.items[i]);
  ol_vec_free(&seen);
}

const ol_rule ol_rule_orm002 = {
    .meta =
        {.code = "ORM002",
         .name = "lazy-load-in-loop",
         .short_desc = "A lazy relationship is read on each row in a loop (N+1 queries).",
         .full_desc =
             "Reading a relationship that loads lazily (lazy=\"select\", the default) on every row "
             "of a query result issues one SELECT per row. Load it with the rows: joinedload for "
             "a scalar relationship, selectinload for a collection.",
         .level = OL_LEVEL_WARNING,
         .precision = "high",
         .tags = "performance,sqlalchemy,n+1"},
    .folder = "orm002_lazy_load_in_loop",
    .check = check,
};
