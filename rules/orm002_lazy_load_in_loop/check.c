/* ORM002 lazy-load-in-loop: a lazy relationship of each row read in a loop
 * over query results, with no eager option for it on the query that
 * produced the rows; and relationships declared lazy="immediate". Fix
 * (safe): the eager option on that query — joinedload for a scalar,
 * selectinload for a collection — merged into one edit per query, plus the
 * import. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtext.h"
#include "rule.h"
#include "rule_calls.h"

static bool lazy_on_access(ol_lazy l) { return l == OL_LAZY_SELECT; }

/* Whether a loader path list covers the path names[0]/.../names[n-1]: a
 * loader option for its last step, whatever the steps before it are
 * (`defaultload(A.b).joinedload(B.c)` loads c). A path marked `~` is what a
 * statement derived from an option variable (`strategy.joinedload(B.c)`):
 * loaded by SQLAlchemy 1.x, not 2.0; it counts where the project's
 * SQLAlchemy is known to be 1.x (ctx->sqla). */
static bool covered_path(const ol_rule_ctx *ctx, const char *eager, const char *const *names,
                         size_t n) {
  if (!eager || !n)
    return false;
  for (const char *p = eager; *p;) {
    if (*p == '~' && ctx->sqla > 0 && ctx->sqla < 20)
      p++;
    size_t len = strcspn(p, " ");
    char path[256];
    snprintf(path, sizeof path, "%.*s", (int)(len < 255 ? len : 255), p);
    p += len + (p[len] == ' ');
    char *seg = path;
    size_t i = 0;
    char last = 0;
    for (; i < n && seg && *seg; i++) {
      char *next = strchr(seg, '/');
      if (next)
        *next++ = '\0';
      if (strlen(seg) < 2 || (strcmp(seg + 2, names[i]) != 0 && strcmp(seg + 2, "*") != 0))
        break;
      last = seg[0];
      seg = next;
    }
    if (i == n && last != 'D' && last != 'L' && last != 'j') /* j: joined, not loaded */
      return true;
  }
  return false;
}

/* Whether a loader path list covers rel (level 1) or rel.sub (level 2). */
static bool covered(const ol_rule_ctx *ctx, const char *eager, const char *rel, const char *sub) {
  const char *names[2] = {rel, sub};
  return covered_path(ctx, eager, names, sub ? 2 : 1);
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
  bool need_joined = false, need_selectin = false, need_contains = false, need_undefer = false;
  for (size_t i = 0; i < g->n_options; i++) {
    if (i)
      ol_buf_puts(&opts, ", ");
    ol_buf_puts(&opts, g->options[i]);
    need_joined |= strstr(g->options[i], "joinedload(") != NULL;
    need_selectin |= strstr(g->options[i], "selectinload(") != NULL;
    need_contains |= strstr(g->options[i], "contains_eager(") != NULL;
    need_undefer |= !strncmp(g->options[i], "undefer(", 8);
  }
  char *text = ol_buf_take(&opts);
  ol_fix_draft *f = ol_fix_draft_new(
      OL_FIX_SAFE,
      ol_format(!ol_span_empty(rows->get_key)
                    ? "Load %s with the rows: get_or_404 takes no loader options, so select the "
                      "row with one_or_404 and .options(%s) (line %u)"
                    : "Load %s with the rows: add .options(%s) to the query on line %u",
                g->n_options > 1                         ? "what the loop reads"
                : !strncmp(g->options[0], "undefer(", 8) ? "the deferred column"
                                                         : "the relationship",
                text, ol_rule_line(ctx, rows->query.start)),
      rows->stmt);
  const ol_model *m = rows->entity ? ol_index_model(ctx->index, rows->entity) : NULL;
  if (!ol_span_empty(rows->get_key) && m && m->n_pk == 1) {
    /* db.get_or_404(M, pk, ...) -> db.one_or_404(db.select(M).filter_by(id=pk).options(...), ...)
     */
    const char *call = ctx->src + rows->query.start;
    const char *dot = NULL;
    for (const char *p = call; p < ctx->src + rows->get_key.start; p++)
      if (!strncmp(p, ".get_or_404", 11))
        dot = p;
    const char *open = dot ? strchr(dot, '(') : NULL;
    const char *first = open ? open + 1 : NULL;
    while (first && isspace((unsigned char)*first))
      first++;
    const char *comma = first ? strchr(first, ',') : NULL;
    if (comma && comma < ctx->src + rows->get_key.start) {
      int rl = (int)(dot - call);
      ol_fix_draft_edit(
          f, rows->query.start, rows->query.end,
          ol_format("%.*s.one_or_404(%.*s.select(%.*s).filter_by(%s=%.*s).options(%s)%.*s)", rl,
                    call, rl, call, (int)(comma - first), first, m->pk[0],
                    (int)(rows->get_key.end - rows->get_key.start), ctx->src + rows->get_key.start,
                    text, (int)(rows->query.end - 1 - rows->get_key.end),
                    ctx->src + rows->get_key.end));
    }
  } else {
    ol_fixtext_add_options(ctx, f, rows, text);
  }
  const char *names[5] = {NULL, NULL, NULL, NULL, NULL};
  int k = 0;
  if (need_undefer)
    names[k++] = "undefer";
  if (need_contains)
    names[k++] = "contains_eager";
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

#define MAX_VIA 4

/* The rows a loop holds: its own query's, a collection relationship of an
 * enclosing loop's rows (`for c in p.children`) or of one row
 * (`for c in post.comments`), loaded by what loaded those, or the rows a
 * project function returned (`for b in pending()`), or a view's rows. */
typedef struct {
  const ol_rows *rows; /* the query that loads them (the parent's, for a collection) */
  const char *entity;  /* the model of the rows */
  const char *root;    /* the model the query loads, as it names it: where options start */
  const ol_relation *vias[MAX_VIA]; /* the collections they come through, from the root */
  size_t n_via;
  const ol_relation *via; /* the last of them, NULL for direct rows */
  const char *via_owner;  /* the model of via's parent rows */
  const ol_relation *dyn; /* the rows are a query of this dynamic relationship of one row */
  char *elsewhere;        /* "path:line" when the query is in another file (owned), else NULL */
  bool self_rows;         /* rows (or a collection of the one row) held by `self.<attr>` */
  int32_t callers;        /* the rows (or the row) are what every call of this function passes
                             its parameter (param_types.c): loaded at each caller, -1 */
  bool callers_many;      /* with callers: rows of root, else one row of it */
  int32_t func;           /* the function that returned them, -1 */
  uint32_t file;          /* the file of the query */
  const char *eager2;     /* the options of the query a function returned, when rows is the chain
                             built on it at the loop (`f().filter(...).all()`), else NULL */
  const ol_rows *rows2;   /* that returned query, NULL */
  uint32_t file2;         /* its file */
} loop_rows;

/* The root of a loop's rows when they are not its own query's: a project
 * function's, or a view's for a template. */
static bool options_unknown(const ol_rule_ctx *ctx, const ol_rows *rows);

static bool returned_rows(const ol_rule_ctx *ctx, const ol_rows *at, uint32_t file, loop_rows *out);

static bool rows_of_elsewhere(const ol_rule_ctx *ctx, int loop, loop_rows *out) {
  uint32_t file;
  out->root = ol_index_loop_entity(ctx->index, ctx->file, loop, &out->rows, &file, &out->func);
  return returned_rows(ctx, &ctx->facts->loops.items[loop].rows, file, out);
}

/* out's rows (root, rows, func resolved) come from a project function: at, the chain built on
 * its call where the rows are used, or the query it returns (in file). */
static bool returned_rows(const ol_rule_ctx *ctx, const ol_rows *at, uint32_t file,
                          loop_rows *out) {
  out->file = file;
  if (!out->root || !out->rows)
    return false;
  if (out->rows == at && out->func >= 0) {
    /* the chain at the loop, on the query a function returned */
    const ol_summary *s = &ctx->index->funcs.items[out->func];
    out->rows2 = &ol_func_rows_of(ctx->index->files.items[s->file].facts, s->fn)->rows;
    out->eager2 = out->rows2->eager;
    out->file2 = s->file;
    out->func = -1;
    ol_rule_ctx there; /* its options from a variable (`*opts`) may load anything: not known */
    return !(ol_rule_ctx_other(ctx, s->file, &there) && options_unknown(&there, out->rows2));
  }
  if (file != ctx->file) {
    const ol_summary *s = out->func >= 0 ? &ctx->index->funcs.items[out->func] : NULL;
    const ol_func_rows *fr = s ? ol_func_rows_of(ctx->index->files.items[file].facts, s->fn) : NULL;
    out->elsewhere =
        ol_format("%s:%u", ctx->index->files.items[file].path,
                  ol_rule_line_in(ctx, file, fr ? fr->at.span.start : out->rows->query.start));
  }
  return true;
}

/* Whether loop commits on every iteration (not a flush, not under a
 * condition): the commit expires every object of the session, the rows
 * included, so from the second row on what an eager load brought is gone. */
static bool commits_each_row(const ol_rule_ctx *ctx, int loop) {
  for (size_t i = 0; loop >= 0 && i < ctx->facts->commits.len; i++) {
    const ol_commit_site *c = &ctx->facts->commits.items[i];
    if (c->loop == loop && !c->flush && !c->guarded)
      return true;
  }
  return false;
}

/* col: 0 for rows of one model, 1 + k for column k of tuples. */
static bool rows_of_loop(const ol_rule_ctx *ctx, int loop, int col, loop_rows *out) {
  memset(out, 0, sizeof *out);
  out->func = -1;
  out->callers = -1;
  out->file = ctx->file;
  const char *names[MAX_VIA];
  size_t n = 0;
  int cur = loop;
  const ol_loop *l = &ctx->facts->loops.items[cur];
  while (l->has_rows && l->rows_parent >= 0) {
    if (n == MAX_VIA || !l->rows_via)
      return false;
    names[n++] = l->rows_via;
    cur = l->rows_parent;
    l = &ctx->facts->loops.items[cur];
  }
  if (l->has_rows && l->self_attr &&
      (l->self_one || !l->rows.entity || !ol_index_model(ctx->index, l->rows.entity))) {
    /* `for a in self.items`, `for t in self.event.tracks`: what the class
     * assigns; not where the loop commits per row (its fix would not hold) */
    if (commits_each_row(ctx, loop))
      return false;
    uint32_t file;
    out->root = ol_index_self_rows(ctx->index, ctx->file, l, &out->rows, &file);
    if (!out->root)
      return false;
    if (l->self_one) {
      if (n == MAX_VIA)
        return false;
      names[n++] = l->rows_via;
    }
    out->file = file;
    out->self_rows = true;
    if (file != ctx->file)
      out->elsewhere = ol_format("%s:%u", ctx->index->files.items[file].path,
                                 ol_rule_line_in(ctx, file, out->rows->query.start));
  } else if (l->has_rows) {
    if (l->rows_via) {
      if (n == MAX_VIA)
        return false;
      names[n++] = l->rows_via;
    }
    out->rows = &l->rows;
    if (l->rows.dyn_rel) { /* post.tags.filter(...): a query of the target, options go on it */
      const ol_relation *d = ol_index_relation(ctx->index, l->rows.dyn_owner, l->rows.dyn_rel);
      if ((!d || d->lazy != OL_LAZY_DYNAMIC) && !ol_span_empty(l->rows_call) && !n)
        return rows_of_elsewhere(ctx, cur, out) && (out->entity = out->root); /* a property */
      if (!d || d->lazy != OL_LAZY_DYNAMIC || !d->target || !ol_index_model(ctx->index, d->target))
        return false;
      out->dyn = d;
    }
    out->root = out->dyn                    ? out->dyn->target
                : !l->rows.tuples           ? l->rows.entity
                : col > 0 && !n && col <= 4 ? l->rows.cols[col - 1]
                                            : NULL;
    if (!out->root && !out->dyn && !l->rows.tuples && l->rows_via && !ol_span_empty(l->rows_call))
      out->root = ol_index_returned_one(ctx->index, ctx->file, l->rows_call); /* `e = M.get(i)` */
    if (!out->root || !ol_index_model(ctx->index, out->root))
      return false;
  } else if (l->via_param >= 0 || l->rows_param >= 0) {
    /* `for b in blocks`, `for r in form.registrations` on a parameter every caller fills
     * alike; rows of a query passed whole are reported at each call (check_rows_args) */
    const ol_param_type *pt = ol_index_loop_param_type(ctx->index, ctx->file, cur);
    if (!pt || (pt->many && pt->from_query) || commits_each_row(ctx, loop))
      return false;
    if (l->via_param >= 0) {
      if (n == MAX_VIA)
        return false;
      names[n++] = l->rows_via;
    }
    out->rows = &pt->rows;
    out->root = pt->entity;
    out->callers_many = pt->many;
    out->callers =
        (int32_t)ctx->index->files.items[ctx->file].first_func + ol_index_loop_func(ctx->facts, l);
  } else if (!rows_of_elsewhere(ctx, cur, out)) {
    return false;
  }
  const char *entity = out->root;
  for (size_t i = n; i-- > 0;) {
    const ol_relation *via = ol_index_collection(ctx->index, entity, names[i]);
    if (!via || !via->collection || !via->target || !ol_index_model(ctx->index, via->target) ||
        via->lazy == OL_LAZY_DYNAMIC || via->lazy == OL_LAZY_WRITE_ONLY) {
      ol_free(out->elsewhere);
      out->elsewhere = NULL;
      return false;
    }
    out->vias[out->n_via++] = via;
    out->via_owner = entity;
    out->via = via;
    entity = via->target;
  }
  out->entity = entity;
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

/* Whether s filters `key` (`.parent_id.in_(`) on the keys of objects the
 * code holds: `in_(p.id for p in parents)`, `in_([p.id for p in ps])`,
 * `in_(map(attrgetter('id'), ps))`. Those objects are in the session, so
 * each row's many-to-one back to one of them is an identity-map hit. */
/* Whether what starts at p is a name or an attribute chain (`posts`,
 * `self.posts`) and nothing more: objects the code holds, so their rows stay
 * in the session's identity map (it keeps only weak references; a query or
 * a call iterated in place lets them go). */
static bool held_name(const char *p, const char *end) {
  while (p < end && *p == ' ')
    p++;
  const char *b = p;
  while (p < end && (isalnum((unsigned char)*p) || *p == '_' || *p == '.'))
    p++;
  static const char *const VIEWS[] = {".values()", ".items()", ".keys()", NULL};
  for (const char *const *v = VIEWS; *v; v++) { /* `by_id.values()`: a dict holds them */
    size_t n = strlen(*v) - 2;
    if (p - b > (ptrdiff_t)n && !memcmp(p - n, *v, n) && end - p >= 2 && !memcmp(p, "()", 2)) {
      p += 2;
      break;
    }
  }
  while (p < end && *p == ' ')
    p++;
  return p > b && p < end &&
         (*p == ')' || *p == ',' || *p == ']' || *p == '}' ||
          (end - p > 3 && !memcmp(p, "if ", 3)));
}

/* Whether what starts at a (up to end) is the keys of objects the code holds:
 * `map(attrgetter('id'), held`, `p.id for p in held`. */
static bool held_keys(const char *a, const char *end) {
  static const char *const maps[] = {"map(attrgetter('id'),", "map(attrgetter(\"id\"),", NULL};
  for (const char *const *m = maps; *m; m++)
    if ((size_t)(end - a) > strlen(*m) && !memcmp(a, *m, strlen(*m)))
      return held_name(a + strlen(*m), end);
  const char *e = a; /* the element expression, up to ` for ` of a comprehension */
  while (e < end && *e != ')' && *e != ',' && *e != '\n' && *e != '\r' &&
         !(e + 5 <= end && !memcmp(e, " for ", 5)))
    e++;
  if (e + 5 <= end && !memcmp(e, " for ", 5) && e - a > 3 && !memcmp(e - 3, ".id", 3)) {
    const char *in = e + 5; /* ` for x in <held>` */
    while (in + 4 <= end && memcmp(in, " in ", 4) && *in != ')' && *in != '\n' && *in != '\r')
      in++;
    return in + 4 <= end && !memcmp(in, " in ", 4) && held_name(in + 4, end);
  }
  return false;
}

static ol_span display_binding(const ol_rule_ctx *ctx, const char *qs, const char *n, size_t len,
                               char open);

static bool keyed_on_held_objects(const ol_rule_ctx *ctx, ol_span s, const char *key) {
  size_t kl = strlen(key);
  for (uint32_t at = s.start; at < s.end && s.end <= ctx->len;) {
    const char *hit = memmem(ctx->src + at, s.end - at, key, kl);
    if (!hit)
      return false;
    const char *a = hit + kl, *end = ctx->src + s.end, *b = hit;
    at = (uint32_t)(a - ctx->src);
    while (b > ctx->src + s.start &&
           (isalnum((unsigned char)b[-1]) || b[-1] == '_' || b[-1] == '.'))
      b--;
    while (b > ctx->src + s.start && b[-1] == ' ')
      b--;
    if (b > ctx->src + s.start &&
        (b[-1] == '~' || (b - ctx->src >= 5 && !memcmp(b - 5, "not_(", 5))))
      continue; /* `~M.key.in_(...)`: the rows are those of the other keys */
    while (a < end && strchr(" \n[{(", *a))
      a++;
    const char *z = a; /* `in_(ids)`: a name bound to such keys before, in the function */
    while (z < end && (isalnum((unsigned char)*z) || *z == '_'))
      z++;
    if (z > a && z < end && *z == ')' && !isdigit((unsigned char)*a)) {
      ol_span d = display_binding(ctx, hit, a, (size_t)(z - a), '[');
      if (ol_span_empty(d))
        d = display_binding(ctx, hit, a, (size_t)(z - a), '{');
      if (ol_span_empty(d))
        return false;
      return held_keys(ctx->src + d.start + 1, ctx->src + d.end);
    }
    return held_keys(a, end);
  }
  return false;
}

/* The display (opened by `open`: `[` or `{`) of the one binding `name = [...]` of the function
 * before qs, a statement of its own (not in a comment), no deeper in blocks than qs: bound on
 * every path qs runs on, and written nowhere else; empty otherwise. */
static ol_span display_binding(const ol_rule_ctx *ctx, const char *qs, const char *n, size_t len,
                               char open) {
  if (len > 60)
    return (ol_span){0};
  char bind[80];
  snprintf(bind, sizeof bind, "%.*s = %c", (int)len, n, open);
  /* The one binding of the name in the function before the query, a
   * statement of its own (not in a comment), no deeper in blocks than
   * the query: bound on every path the query runs on. */
  const char *found = NULL, *from = ctx->src;
  for (const char *d = ctx->src; (d = memmem(d, (size_t)(qs - d), "def ", 4)); d++)
    from = d;
  int bindings = 0;
  size_t written = 0; /* other writes: `name = ...`, `name += ...` */
  char other[80];
  snprintf(other, sizeof other, "%.*s =", (int)len, n);
  for (const char *p = from; p < qs;) {
    const char *hit = memmem(p, (size_t)(qs - p), other, strlen(other));
    if (!hit)
      break;
    if (hit[-1] == ' ' || hit[-1] == '\n' || hit[-1] == '\r' || hit[-1] == '\t')
      written++;
    p = hit + 1;
  }
  for (const char *p = from; p < qs;) {
    const char *hit = memmem(p, (size_t)(qs - p), bind, strlen(bind));
    if (!hit)
      break;
    if (hit[-1] == ' ' || hit[-1] == '\n' || hit[-1] == '\r' || hit[-1] == '\t') {
      bindings++;
      found = hit;
    }
    p = hit + 1;
  }
  if (!found || bindings != 1 || written != 1 || memmem(found, (size_t)(qs - found), "def ", 4))
    return (ol_span){0};
  /* changed in place before the query (`ids.extend(more)`, `ids += more`, `grow(ids)`): it may
   * hold keys of objects the code does not hold */
  uint32_t at = (uint32_t)(found - ctx->src), end = (uint32_t)(qs - ctx->src);
  for (uint32_t i = at + (uint32_t)len; i + len <= end; i++)
    if (!memcmp(ctx->src + i, n, len) &&
        !(isalnum((unsigned char)ctx->src[i - 1]) || ctx->src[i - 1] == '_' ||
          ctx->src[i - 1] == '.') &&
        !(isalnum((unsigned char)ctx->src[i + len]) || ctx->src[i + len] == '_') &&
        ol_text_changes_name_at(ctx->src, at, i, len, end))
      return (ol_span){0};
  const char *line = found, *qline = qs;
  while (line > ctx->src && line[-1] != '\n' && line[-1] != '\r')
    line--;
  while (qline > ctx->src && qline[-1] != '\n' && qline[-1] != '\r')
    qline--;
  size_t indent = 0, qindent = 0;
  while (line + indent < found && (line[indent] == ' ' || line[indent] == '\t'))
    indent++;
  while (qline[qindent] == ' ' || qline[qindent] == '\t')
    qindent++;
  if (line + indent != found || indent > qindent)
    return (ol_span){
        0}; /* in a comment or after other code on its line, or in a block the query is not */
  const char *lo = found + strlen(bind) - 1, *close = lo;
  for (int depth = 0; close < ctx->src + ctx->len; close++) {
    depth += *close == '[' || *close == '(' || *close == '{';
    depth -= *close == ']' || *close == ')' || *close == '}';
    if (!depth)
      break;
  }
  if (close < ctx->src + ctx->len)
    return (ol_span){(uint32_t)(lo - ctx->src), (uint32_t)(close - ctx->src) + 1};
  return (ol_span){0};
}

/* `.filter(*criteria)` in q, criteria a list display bound earlier in the
 * same function (`criteria = [M.parent_id == p.id, ...]`): the list, whose
 * conditions the filter ANDs like its own arguments; empty otherwise (no
 * such list, or a `def` between it and the query). */
static ol_span splatted_criteria(const ol_rule_ctx *ctx, ol_span q) {
  if (q.end > ctx->len)
    return (ol_span){0};
  const char *qs = ctx->src + q.start, *qe = ctx->src + q.end;
  for (const char *star = qs; star < qe; star++) {
    if (*star != '*' || star + 1 >= qe || !(isalpha((unsigned char)star[1]) || star[1] == '_'))
      continue;
    const char *b = star;
    while (b > qs && strchr(" \t\r\n", b[-1]))
      b--;
    if (b == qs || (b[-1] != ',' && b[-1] != '('))
      continue;               /* a product, or `**kw` */
    const char *open = b - 1; /* the call the argument is in */
    for (int depth = 0; open > qs; open--) {
      depth += *open == ')' || *open == ']' || *open == '}';
      depth -= *open == '(' || *open == '[' || *open == '{';
      if (depth < 0)
        break;
    }
    bool filter = (open - qs >= 7 && !memcmp(open - 7, ".filter", 7)) ||
                  (open - qs >= 6 && !memcmp(open - 6, ".where", 6));
    if (*open != '(' || !filter)
      continue; /* `or_(*criteria)` is not every condition */
    const char *n = star + 1, *a = n;
    while (a < qe && (isalnum((unsigned char)*a) || *a == '_'))
      a++;
    ol_span list = display_binding(ctx, qs, n, (size_t)(a - n), '[');
    if (!ol_span_empty(list))
      return list;
  }
  return (ol_span){0};
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
  if (lr->dyn) /* the reverse of the parent's dynamic relationship */
    return !strcmp(rel->target, ol_last_component(lr->dyn->owner));
  ol_rule_ctx view; /* rows loaded in another file (a template's: the view's): read there */
  if (lr->rows && lr->file != ctx->file && ol_rule_ctx_other(ctx, lr->file, &view))
    ctx = &view;
  if (lr->rows2 && lr->file2 == ctx->file && !ol_span_empty(lr->rows2->query) &&
      with_parent_is(ctx, lr->rows2->query, rel))
    return true; /* the query a function returned, the chain at the loop built on it */
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
  ol_span criteria = splatted_criteria(ctx, q);
  static const char *const forms[] = {"(%s=", " %s=", ".%s == ", ".%s==", NULL};
  for (const char *const *f = forms; *f; f++) {
    char pat[200];
    snprintf(pat, sizeof pat, *f, fk);
    if (keyed_on_one_value(ctx, q, pat) ||
        (!ol_span_empty(criteria) && keyed_on_one_value(ctx, criteria, pat)))
      return true;
  }
  char in[200];
  snprintf(in, sizeof in, ".%s.in_(", fk);
  return keyed_on_held_objects(ctx, q, in) ||
         (!ol_span_empty(criteria) && keyed_on_held_objects(ctx, criteria, in));
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
  bool every;   /* a generic read of every relationship (OL_READ_EVERY) */
  bool scalars; /* with every: of every scalar relationship (OL_READ_SCALARS) */
} through;

/* Whether an argument of the query's .options(...) is not a loader call
 * written out (`*opts`, `opts`): what it loads is unknown, perhaps this. */
static bool options_unknown(const ol_rule_ctx *ctx, const ol_rows *rows) {
  if (ol_span_empty(rows->options_args) || rows->options_read)
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

/* The class a chained option names for a collection on the way (or for
 * the rows) that the query's file does not bind, NULL when it binds all. */
static const char *chain_class_unbound(const ol_rule_ctx *there, const loop_rows *lr) {
  if (lr->dyn && !ol_fixtext_module_binds(there, lr->root))
    return lr->root;
  for (size_t i = 0; i < lr->n_via; i++)
    if (!ol_fixtext_module_binds(there, lr->vias[i]->target))
      return lr->vias[i]->target;
  return NULL;
}

/* `selectinload(Post.comments).joinedload(Comment.author)`: the loader of
 * every collection on the way from the query's rows, then rel's. */
static char *via_option(const ol_rule_ctx *ctx, const loop_rows *lr, const ol_relation *rel,
                        bool column) {
  ol_buf b = {0};
  const char *owner = lr->root;
  for (size_t i = 0; i < lr->n_via; i++) {
    char *seg = ol_format("%s%s(%s.%s)", i ? "." : "", loader(ctx->index, lr->vias[i]), owner,
                          lr->vias[i]->name);
    ol_buf_puts(&b, seg);
    ol_free(seg);
    owner = lr->vias[i]->target;
  }
  char *tail = proxy_tail(rel);
  char *seg = ol_format(".%s(%s.%s)%s", column ? "undefer" : loader(ctx->index, rel), owner,
                        loaded(rel), tail);
  ol_free(tail);
  ol_buf_puts(&b, seg);
  ol_free(seg);
  return ol_buf_take(&b);
}

/* Whether the query's loader paths cover rel read on the rows of lr. */
static bool rows_cover(const ol_rule_ctx *ctx, const loop_rows *lr, const ol_relation *rel) {
  const char *names[MAX_VIA + 1];
  for (size_t i = 0; i < lr->n_via; i++)
    names[i] = lr->vias[i]->name;
  names[lr->n_via] = loaded(rel);
  return covered_path(ctx, lr->rows->eager, names, lr->n_via + 1) ||
         covered_path(ctx, lr->eager2, names, lr->n_via + 1);
}

/* Whether the rows' query joins rel itself (`.join(M.rel)`): joined, not loaded. */
static bool joins(const loop_rows *lr, const ol_relation *rel) {
  if (lr->via || !lr->rows->eager)
    return false;
  size_t n = strlen(rel->name);
  for (const char *p = lr->rows->eager; (p = strstr(p, "j:")) != NULL; p += 2)
    if ((p == lr->rows->eager || p[-1] == ' ') && !strncmp(p + 2, rel->name, n) &&
        (p[2 + n] == ' ' || !p[2 + n]))
      return true;
  return false;
}

/* Whether the rows come from `cls.query` in a classmethod of a class that is
 * not their model (a CRUD mixin): an option naming cls there is wrong for
 * the other models that inherit it. */
static bool cls_shared(const ol_index *ix, const loop_rows *lr) {
  if (lr->func < 0 || !lr->rows->entity || strcmp(lr->rows->entity, "cls") != 0)
    return false;
  const char *cls = ix->funcs.items[lr->func].fn->cls;
  return !cls || strcmp(cls, ol_last_component(lr->root)) != 0;
}

/* Whether this is the first read of rel (rel.rel2) in loop (-1: at span): the
 * first read loads it, later reads in the same loop do not. Marks it read. */
static bool first_read(state *st, int loop, ol_span span, const ol_relation *rel,
                       const ol_relation *rel2) {
  char *key = ol_format("%d:%u:%s.%s%s%s", loop, loop >= 0 ? 0 : span.start, rel->owner, rel->name,
                        rel2 ? "." : "", rel2 ? rel2->name : "");
  for (size_t k = 0; k < st->seen.len; k++)
    if (!strcmp(st->seen.items[k], key)) {
      ol_free(key);
      return false;
    }
  ol_vec_push(&st->seen, key);
  return true;
}

/* `M.a`, `M.b` and `M.c`: the relationships a generic read loads. Caller frees. */
static char *names_of(const ol_relation *const *rels, size_t n) {
  ol_buf b = {0};
  for (size_t i = 0; i < n; i++) {
    char *one = ol_format("%s`%s.%s`",
                          !i           ? ""
                          : i + 1 == n ? " and "
                                       : ", ",
                          rels[i]->owner, rels[i]->name);
    ol_buf_puts(&b, one);
    ol_free(one);
  }
  return ol_buf_take(&b);
}

static void report_rels(state *st, int loop, const loop_rows *lr, const ol_relation *const *rels,
                        size_t n_rels, const ol_relation *rel2, ol_span span, const through *th,
                        bool column);
static char *rel_option(const ol_rule_ctx *ctx, const loop_rows *lr, const ol_relation *rel,
                        const ol_relation *rel2, bool column);

/* One finding: relationship lrel of the rows (level 1), or rel.lrel (level
 * 2), read at span in loop (-1: in the loop of the function called at span
 * with the rows); plus its share of the query's fix. */
static void report(state *st, int loop, const loop_rows *lr, const ol_relation *rel,
                   const ol_relation *rel2, ol_span span, const through *th, bool column) {
  if (first_read(st, loop, span, rel, rel2))
    report_rels(st, loop, lr, &rel, 1, rel2, span, th, column);
}

/* The finding of rels (first reads, n_rels >= 1; several: a generic read of every relationship,
 * th->every, with no rel2) and their share of the query's fix. */
static void report_rels(state *st, int loop, const loop_rows *lr, const ol_relation *const *rels,
                        size_t n_rels, const ol_relation *rel2, ol_span span, const through *th,
                        bool column) {
  const ol_rule_ctx *ctx = st->ctx;
  const ol_loop *l = loop >= 0 ? &ctx->facts->loops.items[loop] : NULL;
  const ol_rows *rows = lr->rows;
  const ol_relation *rel = rels[0];
  const ol_relation *lrel = rel2 ? rel2 : rel;
  bool every = th && th->every;
  char *where = lr->callers >= 0 && !lr->via ? ol_format("parameter `%s`", rows->origin)
                                             : rows_where(ctx, rows, lr->elsewhere);
  if (lr->via && lr->callers >= 0) {
    ol_free(where);
    where = ol_format("`%s.%s`, a collection of parameter `%s`", ol_last_component(lr->via_owner),
                      lr->via->name, rows->origin);
  } else if (lr->via) { /* the rows are a collection of the rows (or row) the query loads */
    char *of = ol_span_empty(rows->query) && rows->origin
                   ? ol_format("`%s.%s`, a collection of `%s`", ol_last_component(lr->via_owner),
                               lr->via->name, rows->origin)
                   : ol_format("`%s.%s`, a collection of what %s loads",
                               ol_last_component(lr->via_owner), lr->via->name, where);
    ol_free(where);
    where = of;
  }
  const char *missing;
  char *text = ol_fixtext_brief(ctx, span, 60);
  char *why = NULL;
  ol_rule_ctx there;
  if (!ol_rule_ctx_other(ctx, lr->file, &there))
    why = ol_format("the query that loads the rows is in %s, which is not among the files checked",
                    ctx->index->files.items[lr->file].path);
  else if (!ol_span_empty(rows->get_key) && (!ol_index_model(ctx->index, rows->entity) ||
                                             ol_index_model(ctx->index, rows->entity)->n_pk != 1))
    why = ol_format("`%s` takes no loader options, and `%s` has no single primary-key column to "
                    "select it by",
                    rows->origin ? rows->origin : "db.get_or_404", rows->entity);
  else if (lr->callers >= 0) {
    char *fname = ol_index_func_name(ctx->index, lr->callers);
    why = ol_format("every call of `%s` passes `%s` %s `%s` loaded by its own caller's query, "
                    "not one query an option could go on",
                    fname, rows->origin, lr->callers_many ? "rows of" : "a row of",
                    ol_last_component(lr->root));
    ol_free(fname);
  } else if (ol_span_empty(rows->query) && lr->n_via && rows->origin)
    why = strchr(rows->origin, '(')
              ? ol_format("the `%s` row comes from `%s`, which takes no loader options",
                          lr->vias[0]->owner, rows->origin)
              : ol_format("the `%s` row is `%s`, loaded wherever the method is called",
                          lr->vias[0]->owner, rows->origin);
  else if (ol_span_empty(rows->query))
    why = ol_strdup("no query is in reach to add the eager option to");
  else if (cls_shared(ctx->index, lr))
    why = ol_format("the rows are loaded by `cls.query` in `%s.%s`, a classmethod other models "
                    "share, where no one model's option can go",
                    ctx->index->funcs.items[lr->func].fn->cls,
                    ctx->index->funcs.items[lr->func].fn->name);
  else if (rel2 && !ol_fixtext_module_binds(&there, rel->target))
    why = ol_format("`%s` is not imported where the query is, which the chained option needs",
                    rel->target);
  else if (lrel->proxy_attr && !ol_fixtext_module_binds(&there, lrel->proxy_target))
    why = ol_format("`%s` is not imported where the query is, which the chained option needs",
                    lrel->proxy_target);
  else if ((missing = chain_class_unbound(&there, lr)))
    why = ol_format("`%s` is not imported here, which the chained option needs", missing);
  else if (!rows->entity && !ol_fixtext_module_binds(&there, lr->root))
    why = ol_format("`%s` is not imported where the query is built, which the option needs",
                    lr->root);
  else if (rows->entity && !strncmp(rows->entity, "self.", 5))
    why = ol_format("the query's model is `%s`, a class attribute each subclass may set",
                    rows->entity);
  else if (rows->options_self)
    why = ol_format("the query's options come from `self.%s`, which each subclass may set: "
                    "set it where the rows are read",
                    rows->options_self);
  else if (options_unknown(&there, rows))
    why = ol_strdup("the query's options come from a variable (`*opts`), which may load it "
                    "already");
  else if (l && l->target_rebound)
    why = ol_strdup("the loop variable is assigned again inside the loop, so the rows it reads "
                    "may not be the query's");
  char *callee = th ? ol_index_func_name(ctx->index, th->callee) : NULL;
  const ol_hop *last = th && th->n ? &th->path[th->n - 1] : NULL;
  char *through_text = !callee ? ol_strdup("")
                       : last  ? ol_format(" through `%s` (%s at %s:%u)", callee, last->message,
                                           ctx->index->files.items[last->file].path,
                                           ol_rule_line_in(ctx, last->file, last->at->span.start))
                               : ol_format(" through `%s`", callee);
  bool joined = !rel2 && joins(lr, rel);
  char *per = l ? ol_format("in the loop on line %u", ol_rule_line(ctx, l->header.start))
                : ol_strdup("it iterates,");
  char *kind = lrel->proxy_attr
                   ? ol_format("an association proxy: it loads `%s`, then `.%s` of each",
                               lrel->proxy_of, lrel->proxy_attr)
               : lrel->proxy_of ? ol_format("an association proxy: it loads `%s`", lrel->proxy_of)
                                : ol_strdup(column                   ? "a deferred column"
                                            : !lrel->direction_known ? "a relationship"
                                            : lrel->collection       ? "a collection"
                                                                     : "one row");
  char *names = every ? names_of(rels, n_rels) : NULL;
  char *msg =
      every ? ol_format("`%s` lazy-loads %s (%s: read generically, every %srelationship of the "
                        "row the mapper lists)%s once per row %s over rows of %s%s%s",
                        text, names, n_rels > 1 ? "each a relationship" : "a relationship",
                        th->scalars ? "scalar " : "", through_text, per, where,
                        why ? "; no automatic fix: " : "", why ? why : "")
            : ol_format("`%s` lazy-loads `%s.%s` (%s)%s once per row %s over rows of %s%s%s%s",
                        text, lrel->owner, lrel->name, kind, through_text, per, where,
                        joined ? "; the query joins it, but a join does not load it" : "",
                        why ? "; no automatic fix: " : "", why ? why : "");
  ol_free(names);
  ol_free(kind);
  ol_free(per);
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
  if (l)
    ol_draft_relate(d, l->header, ol_strdup("the loop"));
  if (l && ctx->facts->template)
    template_flow(ctx, d, loop, span);
  if (th) {
    ol_draft_flow(d, -1, span,
                  l ? ol_format("called once per row in the loop on line %u",
                                ol_rule_line(ctx, l->header.start))
                    : ol_strdup("called with the rows, which it iterates"));
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
  for (size_t i = 0; i < n_rels; i++)
    add_option(g, rel_option(ctx, lr, rels[i], rel2, column));
}

/* The loader option that loads rel (rel.rel2; column: the deferred column rel) with the rows of
 * lr. Caller frees. */
static char *rel_option(const ol_rule_ctx *ctx, const loop_rows *lr, const ol_relation *rel,
                        const ol_relation *rel2, bool column) {
  bool joined = !rel2 && joins(lr, rel);
  char *tail = proxy_tail(rel);
  char *opt =
      column && lr->via ? via_option(ctx, lr, rel, column)
      : column          ? ol_format("undefer(%s.%s)", lr->root, rel->name)
      : lr->via         ? via_option(ctx, lr, rel, column)
      : !rel2           ? ol_format("%s(%s.%s)%s",
                          joined && !strcmp(loader(ctx->index, rel), "joinedload")
                                        ? "contains_eager"
                                        : loader(ctx->index, rel),
                                    lr->root, loaded(rel), tail)
                        : ol_format("%s(%s.%s).%s(%s.%s)",
                          joins(lr, rel) && !strcmp(loader(ctx->index, rel), "joinedload")
                                        ? "contains_eager"
                                        : loader(ctx->index, rel),
                                    lr->root, rel->name, loader(ctx->index, rel2), rel->target, rel2->name);
  ol_free(tail);
  return opt;
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
  return lazy_on_access(rel->lazy) && !rows_cover(ctx, lr, rel);
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
  report(v->st, v->loop, v->lr, rel, NULL, v->span, &th, false);
}

#define MAX_EVERY 32 /* relationships one generic read names */

typedef struct {
  visit_ctx *v;
  bool scalars; /* only the scalar ones (a direction known, no association proxy) */
  const ol_relation *rels[MAX_EVERY];
  size_t n;
} every_list;

static void collect_lazy(void *ud, const ol_relation *rel) {
  every_list *el = ud;
  if (el->scalars && (rel->collection || !rel->direction_known || rel->proxy_of))
    return;
  if (el->n < MAX_EVERY && lazily_read(el->v->st->ctx, el->v->lr, rel) &&
      first_read(el->v->st, el->v->loop, el->v->span, rel, NULL))
    el->rels[el->n++] = rel;
}

/* A generic read of every relationship of the row (`row.serialize(relations=True)` over the
 * mapper's attributes): one finding naming each lazy one no option loads. */
static void visit_every(void *ud, const char *entity, bool scalars, const ol_hop *path, size_t n) {
  visit_ctx *v = ud;
  every_list el = {.v = v, .scalars = scalars};
  ol_index_each_relation(v->st->ctx->index, entity, collect_lazy, &el);
  if (!el.n)
    return;
  through th = {.callee = v->callee, .path = path, .n = n, .every = true, .scalars = scalars};
  report_rels(v->st, v->loop, v->lr, el.rels, el.n, NULL, v->span, &th, false);
}

static void check_read(state *st, const ol_attr_read *r) {
  const ol_rule_ctx *ctx = st->ctx;
  loop_rows lr;
  if (!rows_of_loop(ctx, r->loop, r->col, &lr))
    return;
  const char *attr = r->attr, *sub = r->attr2;
  ol_span span = r->span;
  if (!strcmp(attr, "awaitable_attrs")) {
    if (!sub)
      goto done;
    attr = sub, sub = NULL, span = r->span2;
  }
  const ol_relation *rel = ol_index_relation(ctx->index, lr.entity, attr);
  const ol_column_fact *col = rel ? NULL : ol_index_column(ctx->index, lr.entity, attr);
  if (col && col->deferred && !col->counts) { /* a deferred column: one SELECT per row on first read
                                                  (a counting one is ORM003's) */
    ol_relation as_column = {.owner = ol_last_component(lr.entity), .name = col->name};
    if (!rows_cover(ctx, &lr, &as_column))
      report(st, r->loop, &lr, &as_column, NULL, span, NULL, true);
    goto done;
  }
  if (!rel) { /* a method or property of the model that reads relationships of self */
    const char *entity;
    int32_t m = ol_rule_row_member(ctx, r, &entity);
    if (m >= 0) {
      visit_ctx v = {
          .st = st, .loop = r->loop, .lr = &lr, .span = ol_rule_call_span(ctx, span), .callee = m};
      bool prop = ctx->index->funcs.items[m].fn->kind == OL_FN_PROPERTY; /* read, not called */
      ol_index_lazy_reads(ctx->index, ctx->file,
                          prop ? -1 : ol_index_call_of_attr(ctx->facts, span), m, 0, false,
                          lr.entity, visit, visit_every, &v);
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
    if (rel2 && !(lazy_on_access(rel2->lazy) && !covered(ctx, lr.rows->eager, rel->name, sub) &&
                  !covered(ctx, lr.eager2, rel->name, sub)))
      rel2 = NULL;
    if (rel2 && rel->collection)
      rel2 = NULL; /* row.coll.x is an attribute of a list */
  }
  if (level1)
    report(st, r->loop, &lr, rel, NULL, span, NULL, false);
  if (rel2)
    report(st, r->loop, &lr, rel, rel2, r->span2, NULL, false);
done:
  ol_free(lr.elsewhere);
}

/* `helper(row)`: what the function reads on the parameter the row goes to. */
static void check_call(state *st, size_t i) {
  const ol_rule_ctx *ctx = st->ctx;
  const ol_call_fact *c = &ctx->facts->calls.items[i];
  int32_t t = c->loop >= 0 ? ol_index_call_target(ctx->index, ctx->file, i) : -1;
  t = ol_index_dispatch(ctx->index, ctx->file, i, t);
  if (t < 0)
    return;
  const ol_call_arg *args = ol_call_args(ctx->facts, c);
  for (uint32_t a = 0; a < c->n_args; a++) {
    int param = ol_index_call_param(ctx->index, ctx->file, i, a);
    loop_rows lr;
    if (args[a].loop < 0 || param < 0 || !rows_of_loop(ctx, args[a].loop, args[a].col, &lr))
      continue;
    visit_ctx v = {.st = st, .loop = args[a].loop, .lr = &lr, .span = c->at.span, .callee = t};
    ol_index_lazy_reads(ctx->index, ctx->file, (int32_t)i, t, (uint32_t)param, false, lr.entity,
                        visit, visit_every, &v);
    ol_free(lr.elsewhere);
  }
}

/* `helper(posts)` with rows of a query, where helper iterates its parameter
 * and reads relationships of each element (itself, through further calls,
 * or through the model's methods): each read is a SELECT per row. */
static void check_rows_args(state *st, size_t i) {
  const ol_rule_ctx *ctx = st->ctx;
  const ol_call_fact *c = &ctx->facts->calls.items[i];
  int32_t t = c->n_args ? ol_index_call_target(ctx->index, ctx->file, i) : -1;
  if (t < 0)
    return;
  const ol_call_arg *args = ol_call_args(ctx->facts, c);
  for (uint32_t a = 0; a < c->n_args; a++) {
    int param = ol_index_call_param(ctx->index, ctx->file, i, a);
    if (param < 0)
      continue;
    loop_rows lr = {.rows = &args[a].rows,
                    .root = args[a].rows.entity,
                    .entity = args[a].rows.entity,
                    .func = -1,
                    .callers = -1,
                    .file = ctx->file};
    if (args[a].self_attr) { /* helper(self.items): the rows the class assigns to items */
      lr.root = lr.entity = ol_index_self_attr_rows(ctx->index, ctx->file, c->func,
                                                    args[a].self_attr, &lr.rows, &lr.file);
      lr.self_rows = true;
      if (!lr.root)
        continue;
      if (lr.file != ctx->file)
        lr.elsewhere = ol_format("%s:%u", ctx->index->files.items[lr.file].path,
                                 ol_rule_line_in(ctx, lr.file, lr.rows->query.start));
    } else if (!ol_span_empty(args[a].rows_call)) { /* helper(q), q = f(...).filter(...) */
      uint32_t file;
      lr.root = ol_index_arg_rows(ctx->index, ctx->file, &args[a], &lr.rows, &file, &lr.func);
      bool known = returned_rows(ctx, &args[a].rows, file, &lr);
      lr.entity = lr.root;
      if (!known || !lr.root) {
        ol_free(lr.elsewhere);
        continue;
      }
    } else if (!args[a].has_rows || !ol_index_model(ctx->index, args[a].rows.entity)) {
      continue;
    }
    visit_ctx v = {.st = st, .loop = -1, .lr = &lr, .span = c->at.span, .callee = t};
    ol_index_lazy_reads(ctx->index, ctx->file, (int32_t)i, t, (uint32_t)param, true, lr.entity,
                        visit, visit_every, &v);
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
    else {
      check_rows_args(&st, c);
      check_call(&st, c++);
    }
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
