/* ORM002 lazy-load-in-loop: a lazy relationship of each row read in a loop
 * over query results, with no eager option for it on the query that
 * produced the rows; and relationships declared lazy="immediate". Fix
 * (safe): the eager option on that query — joinedload for a scalar,
 * selectinload for a collection — merged into one edit per query, plus the
 * import. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ctype.h>

#include "fixtext.h"
#include "rule.h"
#include "rule_calls.h"

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

/* joinedload only for a relationship known to be scalar — declared
 * uselist=False, or its class holds the foreign key to the target
 * (many-to-one); a joined collection repeats the parent rows (and a 2.0
 * select() would need .unique()). Where the direction is not certain,
 * selectinload, which is right for both. */
static const char *loader(const ol_index *ix, const ol_relation *r) {
  return !r->collection && r->target &&
                 (r->uselist_false || ol_index_fk_column(ix, r->owner, r->target))
             ? "joinedload"
             : "selectinload";
}

/* The relationship an option names: an association proxy's collection. */
static const char *loaded(const ol_relation *r) { return r->proxy_of ? r->proxy_of : r->name; }

/* What follows it: `.joinedload(Assoc.attr)` when a proxy's attribute is
 * a lazy many-to-one of each element. Caller frees. */
static char *proxy_tail(const ol_relation *r) {
  return r->proxy_attr ? ol_format(".joinedload(%s.%s)", r->proxy_target, r->proxy_attr)
                       : ol_strdup("");
}

/* One producing query: the options its findings need, and the first finding. */
typedef struct {
  const ol_rows *rows;
  uint32_t file;   /* the file of the query (another one for rows a function returned) */
  ol_draft *first; /* index into drafts, re-found after growth */
  size_t first_index;
  uint32_t first_line;
  char **options;
  size_t n_options;
} group;

typedef OL_VEC(group) groups;

static group *group_for(groups *gs, const ol_rows *rows, uint32_t file) {
  for (size_t i = 0; i < gs->len; i++)
    if (gs->items[i].file == file && gs->items[i].rows->query.start == rows->query.start &&
        gs->items[i].rows->query.end == rows->query.end)
      return &gs->items[i];
  group g = {.rows = rows, .file = file, .first_index = (size_t)-1};
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

static ol_fix_draft *group_fix(const ol_rule_ctx *here, const group *g) {
  const ol_rows *rows = g->rows;
  ol_rule_ctx there; /* the file of the query, where the edit goes */
  if (!ol_rule_ctx_other(here, g->file, &there))
    return NULL;
  const ol_rule_ctx *ctx = &there;
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
  if (g->file != here->file)
    f->file = (int32_t)g->file;
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

static char *rows_where(const ol_rule_ctx *ctx, const ol_rows *rows, const char *rows_path) {
  if (rows_path)
    return ol_format("the query at %s", rows_path);
  if (!ol_span_empty(rows->query))
    return ol_format("the query on line %u", ol_rule_line(ctx, rows->query.start));
  return ol_format("`%s`", rows->origin ? rows->origin : "its rows");
}

/* The rows a loop holds: its own query's, a collection relationship of an
 * enclosing loop's rows (`for c in p.children`), loaded by that loop's
 * query, or the rows a project function returned (`for b in pending()`). */
typedef struct {
  const ol_rows *rows;    /* the query that loads them (the parent's, for a collection) */
  const char *entity;     /* the model of the rows */
  const ol_relation *via; /* the collection they come through, NULL for direct rows */
  const char *via_owner;  /* the parent rows' model */
  char *elsewhere;        /* "path:line" when the query is in another file (owned), else NULL */
  int32_t func;           /* the function that returned them, -1 */
  uint32_t file;          /* the file of the query */
} loop_rows;

/* `{% for c in p.comments %}` where p holds the rows a view rendered the template with. */
static bool template_rows_via(const ol_rule_ctx *ctx, const ol_loop *l, loop_rows *out) {
  const ol_rows *rows;
  uint32_t file;
  int32_t fn;
  const char *parent =
      ol_index_loop_entity(ctx->index, ctx->file, l->rows_parent, &rows, &file, &fn);
  const ol_relation *via = parent ? ol_index_relation(ctx->index, parent, l->rows_via) : NULL;
  if (!via || !via->collection || !via->target || !ol_index_model(ctx->index, via->target))
    return false;
  *out = (loop_rows){.rows = rows,
                     .entity = via->target,
                     .via = via,
                     .via_owner = parent,
                     .func = -1,
                     .file = file};
  if (file != ctx->file)
    out->elsewhere = ol_format("%s:%u", ctx->index->files.items[file].path,
                               ol_rule_line_in(ctx, file, rows->query.start));
  return true;
}

static bool rows_of_loop(const ol_rule_ctx *ctx, int loop, loop_rows *out) {
  const ol_loop *l = &ctx->facts->loops.items[loop];
  memset(out, 0, sizeof *out);
  out->func = -1;
  out->file = ctx->file;
  if (!l->has_rows) { /* rows a function returned */
    uint32_t file;
    out->entity = ol_index_loop_entity(ctx->index, ctx->file, loop, &out->rows, &file, &out->func);
    out->file = file;
    if (!out->entity || !out->rows)
      return false;
    if (file != ctx->file) {
      const ol_summary *s = out->func >= 0 ? &ctx->index->funcs.items[out->func] : NULL;
      const ol_func_rows *fr =
          s ? ol_func_rows_of(ctx->index->files.items[file].facts, s->fn) : NULL;
      out->elsewhere =
          ol_format("%s:%u", ctx->index->files.items[file].path,
                    ol_rule_line_in(ctx, file, fr ? fr->at.span.start : out->rows->query.start));
    }
    return true;
  }
  if (l->rows_parent < 0) {
    out->rows = &l->rows;
    out->entity = l->rows.entity;
    return l->rows.entity && ol_index_model(ctx->index, l->rows.entity);
  }
  const ol_loop *p = &ctx->facts->loops.items[l->rows_parent];
  if (p->context) /* a template's loop over a collection of a view's rows */
    return template_rows_via(ctx, l, out);
  if (p->rows_parent >= 0 || !p->has_rows || !p->rows.entity ||
      !ol_index_model(ctx->index, p->rows.entity))
    return false;
  const ol_relation *via = ol_index_relation(ctx->index, p->rows.entity, l->rows_via);
  if (!via || !via->collection || !via->target || !ol_index_model(ctx->index, via->target))
    return false;
  *out = (loop_rows){.rows = &p->rows,
                     .entity = via->target,
                     .via = via,
                     .via_owner = p->rows.entity,
                     .func = -1,
                     .file = ctx->file};
  return true;
}

/* Whether s compares `key` with one value for every row: the value up to the
 * next `,` or `)` has no `in_(` (several parents) and is not a subquery. */
static bool keyed_on_one_value(const ol_rule_ctx *ctx, ol_span s, const char *key) {
  size_t kl = strlen(key);
  for (uint32_t at = s.start; at < s.end && s.end <= ctx->len;) {
    const char *hit = memmem(ctx->src + at, s.end - at, key, kl);
    if (!hit)
      return false;
    uint32_t v = (uint32_t)(hit - ctx->src) + (uint32_t)kl, e = v;
    while (e < s.end && ctx->src[e] != ',' && ctx->src[e] != ')')
      e++;
    uint32_t b = v;
    while (b < e && (ctx->src[b] == ' ' || ctx->src[b] == '\n'))
      b++;
    bool column = b < e && ctx->src[b] >= 'A' && ctx->src[b] <= 'Z' &&
                  memchr(ctx->src + b, '.', e - b); /* `Parent.id`: a join condition */
    if (e > b && !column && !memmem(ctx->src + v, e - v, "select", 6))
      return true;
    at = e;
  }
  return false;
}

/* Whether q holds `with_parent(x)` (or `with_parent(a.x)`) with x named
 * after rel or its target (`with_parent(event)` for `row.event`): the
 * object the rows were selected by, which that relationship leads back to. */
static bool with_parent_is(const ol_rule_ctx *ctx, ol_span q, const ol_relation *rel) {
  const char *key = "with_parent(";
  const char *hit = q.end <= ctx->len ? memmem(ctx->src + q.start, q.end - q.start, key, 12) : NULL;
  if (!hit)
    return false;
  const char *a = hit + 12, *end = ctx->src + q.end, *e = a;
  while (e < end && *e != ')' && *e != ',')
    e++;
  const char *last = a;
  for (const char *p = a; p < e; p++)
    if (*p == '.')
      last = p + 1;
  size_t n = (size_t)(e - last);
  while (n && (last[n - 1] == ' ' || last[n - 1] == '\n'))
    n--;
  const char *target = ol_last_component(rel->target);
  bool same_target = strlen(target) == n;
  for (size_t i = 0; same_target && i < n; i++)
    same_target = (last[i] | 0x20) == (target[i] | 0x20);
  return (strlen(rel->name) == n && !memcmp(last, rel->name, n)) || same_target;
}

/* `for c in p.children: c.parent` is the reverse of p.children: the
 * identity map answers it without a query. So is a many-to-one back to the
 * object the rows' query was built from: `Child.query.with_parent(p)`, or a
 * filter on the relationship's key (`filter_by(parent_id=p.id)`,
 * `Child.parent_id == p.id`, `filter_by(parent=p)`): every row's parent is
 * that one object, already in the session (DESIGN.md "Real code"). */
static bool answered_by_identity_map(const ol_rule_ctx *ctx, const loop_rows *lr,
                                     const ol_relation *rel) {
  if (rel->collection || !rel->target)
    return false;
  if (lr->via)
    return !strcmp(rel->target, ol_last_component(lr->via_owner));
  ol_rule_ctx view; /* a template's rows: the query is the view's */
  if (ctx->facts->template && lr->rows && lr->file != ctx->file &&
      ol_rule_ctx_other(ctx, lr->file, &view))
    ctx = &view;
  if (!lr->rows || lr->file != ctx->file || ol_span_empty(lr->rows->query))
    return false;
  ol_span q = lr->rows->query;
  if (with_parent_is(ctx, q, rel))
    return true;
  /* Every row's key equals one value: all rows share one parent, loaded
   * once and then answered by the identity map (at most one query, not one
   * per row). The key is the relationship's own foreign-key column. */
  const char *fk = ol_index_fk_column(ctx->index, lr->entity, rel->target);
  if (!fk)
    return false;
  static const char *const forms[] = {"(%s=", " %s=", ".%s == ", ".%s==", NULL};
  for (const char *const *f = forms; *f; f++) {
    char pat[200];
    snprintf(pat, sizeof pat, *f, fk);
    if (keyed_on_one_value(ctx, q, pat))
      return true;
  }
  return false;
}

typedef struct {
  const ol_rule_ctx *ctx;
  const ol_rule_meta *meta;
  groups gs;
  OL_VEC(char *) seen;
} state;

/* A call (or a method or property read on a row) in the loop that reads a
 * lazy relationship of the rows through the functions it calls. */
typedef struct {
  int32_t callee;
  const ol_hop *path;
  size_t n;
} through;

/* Whether an argument of the query's .options(...) is not a loader call
 * written out (`*opts`, `opts`): what it loads is unknown, perhaps this. */
static bool options_unknown(const ol_rule_ctx *ctx, const ol_rows *rows) {
  if (ol_span_empty(rows->options_args))
    return false;
  const char *s = ctx->src;
  int depth = 0;
  bool call = false, any = false;
  for (uint32_t p = rows->options_args.start; p < rows->options_args.end; p++) {
    char c = s[p];
    if (c == '(' || c == '[' || c == '{') {
      if (depth++ == 1)
        call = true;
    } else if (c == ')' || c == ']' || c == '}') {
      if (--depth == 0 && any && !call)
        return true;
    } else if (depth == 1 && c == ',') {
      if (any && !call)
        return true;
      any = call = false;
    } else if (depth == 1 && c == '*') {
      return true;
    } else if (depth == 1 && !isspace((unsigned char)c)) {
      any = true;
    }
  }
  return false;
}

/* A template's finding: the path from the view that renders it to the read. */
static void template_flow(const ol_rule_ctx *ctx, ol_draft *d, int loop, ol_span span) {
  int root = ol_index_template_root(ctx->index, ctx->file, loop);
  ol_template_binding tb;
  if (root < 0 ||
      !ol_index_template_binding(ctx->index, ctx->file, ctx->facts->loops.items[root].context, &tb))
    return;
  ol_draft_relate_at(d, tb.file, tb.render->call, ol_strdup("the view that renders the template"));
  ol_draft_flow(d, (int32_t)tb.file, tb.render->call,
                ol_format("renders %s with `%s`", tb.render->template, tb.arg->name));
  ol_draft_flow(d, -1, ctx->facts->loops.items[root].header,
                ol_format("loops over `%s`", tb.arg->name));
  ol_draft_flow(d, -1, span, ol_strdup("reads the relationship once per row"));
}

/* One finding: relationship lrel of the rows (level 1), or rel.lrel (level
 * 2), read at span in loop; plus its share of the query's fix. */
static void report(state *st, int loop, const loop_rows *lr, const ol_relation *rel,
                   const ol_relation *rel2, ol_span span, const through *th) {
  const ol_rule_ctx *ctx = st->ctx;
  const ol_loop *l = &ctx->facts->loops.items[loop];
  const ol_rows *rows = lr->rows;
  const ol_relation *lrel = rel2 ? rel2 : rel;
  /* The first read in a loop loads it; later reads in the same loop do not. */
  char *key = ol_format("%d:%s.%s%s%s", loop, rel->owner, rel->name, rel2 ? "." : "",
                        rel2 ? rel2->name : "");
  for (size_t k = 0; k < st->seen.len; k++)
    if (!strcmp(st->seen.items[k], key)) {
      ol_free(key);
      return;
    }
  ol_vec_push(&st->seen, key);
  char *where = rows_where(ctx, rows, lr->elsewhere);
  char *text = ol_fixtext_brief(ctx, span, 60);
  char *why = NULL;
  ol_rule_ctx there;
  if (!ol_rule_ctx_other(ctx, lr->file, &there))
    why = ol_format("the query that loads the rows is in %s, which is not among the files checked",
                    ctx->index->files.items[lr->file].path);
  else if (ol_span_empty(rows->query))
    why = ol_strdup("no query is in reach to add the eager option to");
  else if (rel2 && !ol_fixtext_module_binds(&there, rel->target))
    why = ol_format("`%s` is not imported where the query is, which the chained option needs",
                    rel->target);
  else if (lrel->proxy_attr && !ol_fixtext_module_binds(&there, lrel->proxy_target))
    why = ol_format("`%s` is not imported where the query is, which the chained option needs",
                    lrel->proxy_target);
  else if (lr->via && !ol_fixtext_module_binds(&there, lr->entity))
    why = ol_format("`%s` is not imported here, which the chained option needs", lr->entity);
  else if (options_unknown(&there, rows))
    why = ol_strdup("the query's options come from a variable (`*opts`), which may load it "
                    "already");
  else if (l->target_rebound)
    why = ol_strdup("the loop variable is assigned again inside the loop, so the rows it reads "
                    "may not be the query's");
  char *callee = th ? ol_index_func_name(ctx->index, th->callee) : NULL;
  const ol_hop *last = th && th->n ? &th->path[th->n - 1] : NULL;
  char *through_text = !callee ? ol_strdup("")
                       : last  ? ol_format(" through `%s` (%s at %s:%u)", callee, last->message,
                                           ctx->index->files.items[last->file].path,
                                           ol_rule_line_in(ctx, last->file, last->at->span.start))
                               : ol_format(" through `%s`", callee);
  char *kind = lrel->proxy_attr ? ol_format("an association proxy: it loads `%s`, then `.%s` of each",
                                            lrel->proxy_of, lrel->proxy_attr)
               : lrel->proxy_of ? ol_format("an association proxy: it loads `%s`", lrel->proxy_of)
               : ol_strdup(!lrel->direction_known ? "a relationship"
                           : lrel->collection     ? "a collection"
                                                  : "one row");
  char *msg = ol_format(
      "`%s` lazy-loads `%s.%s` (%s)%s once per row in the loop on line %u over rows of %s%s%s",
      text, lrel->owner, lrel->name,
      kind,
      through_text, ol_rule_line(ctx, l->header.start), where, why ? "; no automatic fix: " : "",
      why ? why : "");
  ol_free(kind);
  ol_free(callee);
  ol_free(through_text);
  ol_draft *d = ol_draft_add(ctx, st->meta, span, msg);
  ol_free(text);
  ol_free(where);
  if (lr->elsewhere && lr->func < 0) { /* rows a view rendered a template with */
    ol_draft_relate_at(d, lr->file, rows->query, ol_strdup("the query that loads the rows"));
  } else if (lr->elsewhere) {
    const ol_summary *s = &ctx->index->funcs.items[lr->func];
    ol_draft_relate_at(d, s->file,
                       ol_func_rows_of(ctx->index->files.items[s->file].facts, s->fn)->at.span,
                       ol_strdup("the query that loads the rows"));
  } else if (!ol_span_empty(rows->query)) {
    ol_draft_relate(d, rows->query, ol_strdup("the query that loads the rows"));
  }
  ol_draft_relate(d, l->header, ol_strdup("the loop"));
  if (ctx->facts->template)
    template_flow(ctx, d, loop, span);
  if (th) {
    ol_draft_flow(d, -1, span,
                  ol_format("called once per row in the loop on line %u",
                            ol_rule_line(ctx, l->header.start)));
    for (size_t i = 0; i < th->n; i++)
      ol_draft_flow(d, (int32_t)th->path[i].file, th->path[i].at->span,
                    ol_strdup(th->path[i].message));
  }
  if (why) {
    ol_free(why);
    return;
  }
  group *g = group_for(&st->gs, rows, lr->file);
  if (g->first_index == (size_t)-1) {
    g->first_index = ctx->out->len - 1;
  } else { /* one edit per query: the first finding carries it */
    ol_draft *first = &ctx->out->items[g->first_index];
    char *more = ol_format("%s; the fix of the finding on line %u loads it too", d->message,
                           ol_rule_line(ctx, first->span.start));
    ol_free(d->message);
    d->message = more;
  }
  char *tail = proxy_tail(rel);
  char *opt =
      lr->via ? ol_format("%s(%s.%s).%s(%s.%s)%s", loader(ctx->index, lr->via), rows->entity,
                          lr->via->name, loader(ctx->index, rel), lr->entity, loaded(rel), tail)
      : !rel2 ? ol_format("%s(%s.%s)%s", loader(ctx->index, rel), rows->entity, loaded(rel), tail)
              : ol_format("%s(%s.%s).%s(%s.%s)", loader(ctx->index, rel), rows->entity, rel->name,
                          loader(ctx->index, rel2), rel->target, rel2->name);
  ol_free(tail);
  add_option(g, opt);
}

/* In a template, a many-to-one onto a reference table (a role, a
 * category) or onto a row of the rows' own model (a reply's parent
 * comment, on the page already) is served by the identity map after its
 * first load: its queries do not grow with the rows the view passes. */
static bool few_targets(const ol_rule_ctx *ctx, const loop_rows *lr, const ol_relation *rel) {
  if (!ctx->facts->template || rel->collection || !rel->target)
    return false;
  return !strcmp(rel->target, ol_last_component(lr->entity)) ||
         ol_index_is_reference_table(ctx->index, rel->target);
}

/* Whether rel (read on the rows of lr) loads lazily and no option loads it. */
static bool lazily_read(const ol_rule_ctx *ctx, const loop_rows *lr, const ol_relation *rel) {
  if (answered_by_identity_map(ctx, lr, rel) || few_targets(ctx, lr, rel))
    return false;
  return lazy_on_access(rel->lazy) &&
         !(lr->via ? covered(lr->rows->eager, lr->via->name, loaded(rel))
                   : covered(lr->rows->eager, loaded(rel), NULL));
}

typedef struct {
  state *st;
  int loop;
  const loop_rows *lr;
  ol_span span;
  int32_t callee;
} visit_ctx;

static void visit(void *ud, const ol_relation *rel, const ol_hop *path, size_t n) {
  visit_ctx *v = ud;
  if (!lazily_read(v->st->ctx, v->lr, rel))
    return;
  through th = {.callee = v->callee, .path = path, .n = n};
  report(v->st, v->loop, v->lr, rel, NULL, v->span, &th);
}

static void check_read(state *st, const ol_attr_read *r) {
  const ol_rule_ctx *ctx = st->ctx;
  loop_rows lr;
  if (!rows_of_loop(ctx, r->loop, &lr))
    return;
  const char *attr = r->attr, *sub = r->attr2;
  ol_span span = r->span;
  if (!strcmp(attr, "awaitable_attrs")) {
    if (!sub)
      goto done;
    attr = sub, sub = NULL, span = r->span2;
  }
  const ol_relation *rel = ol_index_relation(ctx->index, lr.entity, attr);
  if (!rel) { /* a method or property of the model that reads relationships of self */
    const char *entity;
    int32_t m = ol_rule_row_member(ctx, r, &entity);
    if (m >= 0) {
      visit_ctx v = {
          .st = st, .loop = r->loop, .lr = &lr, .span = ol_rule_call_span(ctx, span), .callee = m};
      ol_index_lazy_reads(ctx->index, m, 0, lr.entity, visit, &v);
    }
    goto done;
  }
  if (answered_by_identity_map(st->ctx, &lr, rel))
    goto done;
  const ol_relation *rel2 = NULL;
  bool level1 = lazily_read(st->ctx, &lr, rel);
  if (lr.via)
    sub = NULL; /* one level below a collection is as deep as the fix chains */
  if (sub && rel->target && rel->lazy != OL_LAZY_DYNAMIC && rel->lazy != OL_LAZY_WRITE_ONLY) {
    rel2 = ol_index_relation(ctx->index, rel->target, sub);
    if (rel2 && !(lazy_on_access(rel2->lazy) && !covered(lr.rows->eager, rel->name, sub)))
      rel2 = NULL;
    if (rel2 && rel->collection)
      rel2 = NULL; /* row.coll.x is an attribute of a list */
  }
  if (level1)
    report(st, r->loop, &lr, rel, NULL, span, NULL);
  if (rel2)
    report(st, r->loop, &lr, rel, rel2, r->span2, NULL);
done:
  ol_free(lr.elsewhere);
}

/* `helper(row)`: what the function reads on the parameter the row goes to. */
static void check_call(state *st, size_t i) {
  const ol_rule_ctx *ctx = st->ctx;
  const ol_call_fact *c = &ctx->facts->calls.items[i];
  int32_t t = c->loop >= 0 ? ol_index_call_target(ctx->index, ctx->file, i) : -1;
  if (t < 0)
    return;
  const ol_call_arg *args = ol_call_args(ctx->facts, c);
  for (uint32_t a = 0; a < c->n_args; a++) {
    int param = ol_index_call_param(ctx->index, ctx->file, i, a);
    loop_rows lr;
    if (args[a].loop < 0 || param < 0 || !rows_of_loop(ctx, args[a].loop, &lr))
      continue;
    visit_ctx v = {.st = st, .loop = args[a].loop, .lr = &lr, .span = c->at.span, .callee = t};
    ol_index_lazy_reads(ctx->index, t, (uint32_t)param, lr.entity, visit, &v);
    ol_free(lr.elsewhere);
  }
}

/* A template's call of a macro imported from another template (or an include of one) with a
 * row: what the macro reads of that parameter is read per row, at the call. */
static void check_macro_call(state *st, const ol_macro_call *mc) {
  const ol_index *ix = st->ctx->index;
  uint32_t mfile;
  const char *name = "";
  int32_t inc = mc->include ? ol_index_template_file(ix, mc->callee, st->ctx->file) : -1;
  if (inc >= 0)
    mfile = (uint32_t)inc;
  else if (mc->include || !ol_index_template_macro(ix, st->ctx->file, mc->callee, &mfile, &name))
    return;
  const ol_file_facts *m = ix->files.items[mfile].facts;
  for (size_t i = 0; i < m->macro_reads.len; i++) {
    const ol_macro_read *r = &m->macro_reads.items[i];
    if (strcmp(r->macro, name) != 0 ||
        !(mc->kw ? !strcmp(mc->kw, r->param_name) : mc->arg == (int32_t)r->param))
      continue;
    ol_attr_read read = {.loop = mc->loop,
                         .span = mc->span,
                         .attr = r->attr,
                         .attr2 = r->attr2,
                         .span2 = r->attr2 ? mc->span : (ol_span){0, 0}};
    check_read(st, &read);
  }
}

static void check(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  report_immediate(ctx, meta);
  state st = {.ctx = ctx, .meta = meta};
  /* In source order: the first read of a relationship in a loop is the one that loads it. */
  const ol_file_facts *f = ctx->facts;
  for (size_t r = 0, c = 0; r < f->reads.len || c < f->calls.len;) {
    if (c == f->calls.len ||
        (r < f->reads.len && f->reads.items[r].span.start <= f->calls.items[c].at.span.start))
      check_read(&st, &f->reads.items[r++]);
    else
      check_call(&st, c++);
  }
  for (size_t i = 0; i < f->macro_calls.len; i++)
    check_macro_call(&st, &f->macro_calls.items[i]);
  for (size_t i = 0; i < st.gs.len; i++) {
    group *g = &st.gs.items[i];
    ctx->out->items[g->first_index].fix = group_fix(ctx, g);
    for (size_t j = 0; j < g->n_options; j++)
      ol_free(g->options[j]);
    ol_free(g->options);
  }
  ol_vec_free(&st.gs);
  for (size_t i = 0; i < st.seen.len; i++)
    ol_free(st.seen.items[i]);
  ol_vec_free(&st.seen);
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
