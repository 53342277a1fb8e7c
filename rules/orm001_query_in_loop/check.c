/* ORM001 query-in-loop: a query executed on every iteration of a loop.
 * Fix (unsafe): hoist a query that does not depend on the loop; batch a
 * query keyed by the loop variable into one IN query before the loop, read
 * through a dict inside it. Where neither is correct, the message says why. */
#include <ctype.h>
#include <string.h>

#include "fixtext.h"
#include "rule.h"
#include "rule_calls.h"

static char *hoist_name(const ol_rule_ctx *ctx, const ol_query_site *s, ol_span scope) {
  char *snake = s->entity ? ol_fixtext_snake(ol_last_component(s->entity)) : ol_strdup("query");
  char *base;
  if (!strcmp(s->method, "all") || !strncmp(s->method, "iterate", 7) ||
      !strcmp(s->method, "paginate") || !strcmp(s->method, "scalars") ||
      !strcmp(s->method, "execute"))
    base = s->entity ? ol_fixtext_plural(snake) : ol_strdup("query_rows");
  else if (!strcmp(s->method, "scalar"))
    base = ol_format("%s_value", snake);
  else
    base = ol_strdup(snake);
  char *name = ol_fixtext_free_name(ctx, scope, base);
  ol_free(snake);
  ol_free(base);
  return name;
}

static ol_fix_draft *hoist_fix(const ol_rule_ctx *ctx, const ol_query_site *s, char **name_out) {
  const ol_loop *l = &ctx->facts->loops.items[s->hoist_loop];
  uint32_t line_start = ol_fixtext_line_start(ctx, l->stmt.start);
  char *indent = ol_fixtext_indent(ctx, l->stmt.start);
  char *name = hoist_name(ctx, s, l->scope);
  char *expr = ol_fixtext_expr(ctx, s->hoist);
  char *value = !strcmp(s->method, "iterate-bare") || s->hoist_listify ? ol_format("list(%s)", expr)
                                                                       : ol_strdup(expr);
  ol_fix_draft *f = ol_fix_draft_new(
      OL_FIX_UNSAFE,
      ol_format("Run the query once, before the %s on line %u, and reuse its result",
                ol_rule_loop_word(l->kind), ol_rule_line(ctx, l->header.start)),
      (ol_span){line_start, l->stmt.end});
  ol_fix_draft_edit(f, line_start, line_start, ol_format("%s%s = %s\n", indent, name, value));
  /* A list the loop body may change: each iteration gets its own copy, as before. */
  ol_fix_draft_edit(f, s->hoist.start, s->hoist.end,
                    s->copy_fn[0] ? ol_format("%s(%s)", s->copy_fn, name) : ol_strdup(name));
  ol_free(indent);
  *name_out = name;
  ol_free(expr);
  ol_free(value);
  return f;
}

/* The IN query over the keys, text of the rows expression with the keyed filter replaced. */
static char *batch_rows(const ol_rule_ctx *ctx, const ol_query_site *s, const char *col,
                        const char *keys) {
  const ol_batch *b = &s->batch;
  char *in = ol_format("%s.%s.in_(%s)", b->entity, col, keys);
  char *rows;
  if (b->session_get) {
    char *session = ol_fixtext_expr(ctx, b->session);
    /* Session.scalars() is 2.0's (and 1.4.24's): otherwise execute().scalars(). */
    bool scalars = ctx->sqla == 20;
    if (b->awaited)
      rows = scalars ? ol_format("(await %s.scalars(select(%s).where(%s)))", session, b->entity, in)
                     : ol_format("(await %s.execute(select(%s).where(%s))).scalars()", session,
                                 b->entity, in);
    else if (b->uses_select && ctx->sqla != 13)
      rows = scalars
                 ? ol_format("%s.scalars(select(%s).where(%s))", session, b->entity, in)
                 : ol_format("%s.execute(select(%s).where(%s)).scalars()", session, b->entity, in);
    else
      rows = ol_format("%s.query(%s).filter(%s)", session, b->entity, in);
    ol_free(session);
  } else {
    ol_splice sp = {.at = ol_span_empty(b->swap) ? b->cut : b->swap,
                    .text = ol_span_empty(b->swap) ? "" : in};
    char *base = ol_fixtext_splice(ctx, b->rows, &sp, ol_span_empty(sp.at) ? 0 : 1);
    rows = b->append_filter ? ol_format("%s.filter(%s)", base, in) : ol_strdup(base);
    ol_free(base);
  }
  ol_free(in);
  if (strchr(rows, '\n')) {
    char *p = ol_format("(%s)", rows);
    ol_free(rows);
    rows = p;
  }
  return rows;
}

typedef struct {
  char *indent, *dict, *var, *list, *iter, *keys;
} batch_names;

static void names_free(batch_names *n) {
  ol_free(n->keys);
  ol_free(n->indent);
  ol_free(n->dict);
  ol_free(n->var);
  ol_free(n->list);
  ol_free(n->iter);
}

static void pick_names(const ol_rule_ctx *ctx, const ol_query_site *s, const ol_loop *l,
                       const char *col, batch_names *n) {
  const char *ent = ol_last_component(s->batch.entity);
  char *snake = ol_fixtext_snake(ent);
  char *many = ol_fixtext_plural(snake);
  char *dict = ol_format("%s_by_%s", s->batch.mode == OL_BATCH_ALL ? many : snake, col);
  n->dict = ol_fixtext_free_name(ctx, l->scope, dict);
  /* chef_ids for Chef.id, chef_ids for Booking.chef_id, statuses for Booking.status */
  char *keys = !strcmp(col, "id") ? ol_format("%s_ids", snake) : ol_fixtext_plural(col);
  n->keys = ol_fixtext_free_name(ctx, l->scope, keys);
  ol_free(keys);
  char *row = ol_format("%s_row", snake);
  n->var = ol_fixtext_free_name(ctx, l->scope,
                                ol_fixtext_count_uses(ctx, l->scope, snake) > 0 ? row : snake);
  ol_free(row);
  n->indent = ol_fixtext_indent(ctx, l->stmt.start);
  if (l->iterable_is_list) {
    n->iter = ol_fixtext_expr(ctx, l->iterable);
  } else {
    const char *src = ctx->src + l->iterable.start;
    uint32_t len = l->iterable.end - l->iterable.start, tl = l->target.end - l->target.start;
    bool ident =
        len &&
        strspn(src, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") >= len;
    char *base = ident ? ol_format("%.*s_list", (int)len, src)
                       : ol_format("%.*s_rows", (int)tl, ctx->src + l->target.start);
    if (!ident && strpbrk(base, " ,()[]")) {
      ol_free(base);
      base = ol_strdup("loop_rows");
    }
    n->list = ol_fixtext_free_name(ctx, l->scope, base);
    n->iter = ol_strdup(n->list);
    ol_free(base);
  }
  ol_free(snake);
  ol_free(many);
  ol_free(dict);
}

static char *batch_code(const ol_rule_ctx *ctx, const ol_query_site *s, const ol_loop *l,
                        const char *col, const batch_names *n) {
  char *target = ol_strndup(ctx->src + l->target.start, l->target.end - l->target.start);
  char *key = ol_strndup(ctx->src + s->batch.key.start, s->batch.key.end - s->batch.key.start);
  char *keys;
  const char *unit = ol_fixtext_unit(n->indent);
  ol_buf b = {0};
  if (n->list) {
    char *iterable = ol_fixtext_expr(ctx, l->iterable);
    bool bare_tuple =
        memchr(iterable, ',', strlen(iterable)) && iterable[0] != '(' && iterable[0] != '[';
    ol_buf_printf(&b, "%s%s = list(%s%s%s)\n", n->indent, n->list, bare_tuple ? "(" : "", iterable,
                  bare_tuple ? ")" : "");
    ol_free(iterable);
  }
  const ol_model *m = ol_index_model(ctx->index, s->batch.entity);
  bool pk = m && m->n_pk == 1 && !strcmp(m->pk[0], col);
  if (s->batch.mode == OL_BATCH_GET || pk) {
    /* get(None) finds nothing, and no primary key is NULL. */
    keys = ol_format("{%s for %s in %s} - {None}", key, target, n->iter);
  } else {
    /* `col == None` is `col IS NULL` in SQLAlchemy: a None key matches NULL rows. */
    ol_buf_printf(&b, "%s%s = {%s for %s in %s}\n", n->indent, n->keys, key, target, n->iter);
    keys = ol_format("%s - {None}) | (%s.%s.is_(None) if None in %s else False", n->keys,
                     s->batch.entity, col, n->keys);
  }
  char *rows = batch_rows(ctx, s, col, keys);
  if (s->batch.mode == OL_BATCH_GET) {
    ol_buf_printf(&b, "%s%s = {%s.%s: %s for %s in %s}\n", n->indent, n->dict, n->var, col, n->var,
                  n->var, rows);
  } else {
    ol_buf_printf(&b, "%s%s = {}\n%sfor %s in %s:\n", n->indent, n->dict, n->indent, n->var, rows);
    if (s->batch.mode == OL_BATCH_FIRST)
      ol_buf_printf(&b, "%s%s%s.setdefault(%s.%s, %s)\n", n->indent, unit, n->dict, n->var, col,
                    n->var);
    else
      ol_buf_printf(&b, "%s%s%s.setdefault(%s.%s, []).append(%s)\n", n->indent, unit, n->dict,
                    n->var, col, n->var);
  }
  ol_free(target);
  ol_free(key);
  ol_free(keys);
  ol_free(rows);
  return ol_buf_take(&b);
}

static ol_fix_draft *batch_fix(const ol_rule_ctx *ctx, const ol_query_site *s, const char *col,
                               char **lookup_out) {
  const ol_loop *l = &ctx->facts->loops.items[s->loop];
  batch_names n = {0};
  pick_names(ctx, s, l, col, &n);
  uint32_t line_start = ol_fixtext_line_start(ctx, l->stmt.start);
  ol_fix_draft *f = ol_fix_draft_new(
      OL_FIX_UNSAFE,
      ol_format("Load the %s rows for every key with one IN query before the %s on line %u, then "
                "look each up in a dict",
                s->batch.entity, ol_rule_loop_word(l->kind), ol_rule_line(ctx, l->header.start)),
      (ol_span){line_start, l->stmt.end});
  ol_fix_draft_edit(f, line_start, line_start, batch_code(ctx, s, l, col, &n));
  if (n.list)
    ol_fix_draft_edit(f, l->iterable.start, l->iterable.end, ol_strdup(n.list));
  char *key = ol_strndup(ctx->src + s->batch.key.start, s->batch.key.end - s->batch.key.start);
  char *lookup;
  if (s->batch.mode != OL_BATCH_ALL)
    lookup = ol_format("%s.get(%s)", n.dict, key);
  else if (!strcmp(s->method, "iterate-bare"))
    lookup = ol_format("%s.get(%s, ())", n.dict, key);
  else
    lookup = ol_format("list(%s.get(%s, ()))", n.dict, key);
  ol_fix_draft_edit(f, s->batch.use.start, s->batch.use.end, ol_strdup(lookup));
  *lookup_out = lookup;
  ol_free(key);
  names_free(&n);
  return f;
}

/* The column a GET batch keys on: the model's single primary key. */
static const char *get_column(const ol_rule_ctx *ctx, const ol_query_site *s, const char **why) {
  const ol_model *m = ol_index_model(ctx->index, s->batch.entity);
  if (!m)
    *why = "its model is not defined in this project, so its primary key is unknown";
  else if (m->n_pk != 1)
    *why = m->n_pk ? "its model has a composite primary key"
                   : "its model's primary key is not declared with primary_key=True on one column";
  else
    return m->pk[0];
  return NULL;
}

/* Why rows read before loop l could differ from those its body reads: it
 * calls a project function that commits, or changes a relationship
 * collection (`user.followed.append(x)`), which autoflush sends before the
 * next query. (Session writes in the body itself are known to the walk.) */
static const char *loop_writes_problem(const ol_rule_ctx *ctx, const ol_loop *l) {
  const ol_file_facts *f = ctx->facts;
  for (size_t i = 0; i < f->calls.len; i++) {
    const ol_call_fact *c = &f->calls.items[i];
    if (c->at.span.start < l->node.start || c->at.span.end > l->node.end)
      continue;
    int32_t t = ol_index_call_target(ctx->index, ctx->file, i);
    if (t >= 0 && ctx->index->funcs.items[t].has[OL_EFFECT_COMMIT])
      return "the loop calls a function that writes and commits, so the query may see new rows "
             "on each iteration";
  }
  static const char *const MUTATORS[] = {".append(", ".extend(",  ".remove(", ".insert(",
                                         ".add(",    ".discard(", ".clear(",  NULL};
  const char *src = ctx->src;
  for (uint32_t p = l->node.start; p < l->node.end; p++) {
    if (src[p] != '.')
      continue;
    const char *const *m = MUTATORS;
    while (*m && (l->node.end - p < strlen(*m) || memcmp(src + p, *m, strlen(*m))))
      m++;
    if (!*m)
      continue;
    uint32_t e = p, b = p; /* the attribute before the mutator: `followed` of user.followed */
    while (b > l->node.start && (isalnum((unsigned char)src[b - 1]) || src[b - 1] == '_'))
      b--;
    if (b == e || b == l->node.start || src[b - 1] != '.')
      continue;
    for (size_t r = 0; r < ctx->index->relations.len; r++) {
      const char *name = ctx->index->relations.items[r].name;
      if (strlen(name) == e - b && !memcmp(name, src + b, e - b))
        return "the loop changes a relationship collection, which the session flushes before "
               "the next query";
    }
  }
  return NULL;
}

/* A dict keyed by the rows' column finds a key only by Python equality,
 * where the query compared in SQL: the database coerces '3' to 3, compares
 * strings by its collation, a UUID column to a string. The batch is offered
 * only where both sides are integers: an integer column keyed by an integer
 * column of the loop's rows (`b.chef_id`). */
static const char *key_type_problem(const ol_rule_ctx *ctx, const ol_query_site *s,
                                    const char *col) {
  ol_column_kind ck = ol_index_column_kind(ctx->index, s->batch.entity, col);
  if (ck == OL_COL_STRING || ck == OL_COL_TEXT)
    return "the column holds strings, which the database compares by its collation (perhaps "
           "ignoring case) and a dict by exact equality";
  if (ck != OL_COL_INTEGER)
    return "the column's type is not known to be an integer, so a dict lookup may not find "
           "what the database's comparison finds";
  const ol_loop *l = &ctx->facts->loops.items[s->loop];
  const char *key = ctx->src + s->batch.key.start;
  uint32_t kl = s->batch.key.end - s->batch.key.start, tl = l->target.end - l->target.start;
  const ol_rows *rows;
  uint32_t rf;
  int32_t rfn;
  const char *entity = ol_index_loop_entity(ctx->index, ctx->file, s->loop, &rows, &rf, &rfn);
  if (entity && tl && kl > tl + 1 && !memcmp(key, ctx->src + l->target.start, tl) &&
      key[tl] == '.' && !memchr(key + tl + 1, '.', kl - tl - 1)) {
    char *attr = ol_strndup(key + tl + 1, kl - tl - 1);
    ol_column_kind kk = ol_index_column_kind(ctx->index, entity, attr);
    ol_free(attr);
    if (kk == OL_COL_INTEGER)
      return NULL;
  }
  return "its keys are not known to be integers like the column (a string '3' from a request or "
         "JSON finds the row in SQL, where the database converts it, but not in a dict)";
}

static bool same_text(const ol_rule_ctx *ctx, ol_span a, ol_span b) {
  return a.end - a.start == b.end - b.start &&
         !memcmp(ctx->src + a.start, ctx->src + b.start, a.end - a.start);
}

/* The same query written again in the same loop reads the same rows: the
 * fix of the first serves them all (one hoisted value, one IN query), and
 * the later ones are marked covered with the first one's line. */
static void cover_repeats(const ol_rule_ctx *ctx, size_t i, ol_fix_draft *f, const char *text,
                          bool batch, uint32_t *covered) {
  const ol_query_site *s = &ctx->facts->queries.items[i];
  for (size_t j = i + 1; j < ctx->facts->queries.len; j++) {
    const ol_query_site *o = &ctx->facts->queries.items[j];
    if (o->loop != s->loop || o->is_count || covered[j] || !same_text(ctx, o->span, s->span) ||
        (batch ? o->batch.mode != s->batch.mode || !same_text(ctx, o->batch.use, s->batch.use)
               : o->hoist_loop != s->hoist_loop || !same_text(ctx, o->hoist, s->hoist)))
      continue;
    ol_span at = batch ? o->batch.use : o->hoist;
    ol_fix_draft_edit(f, at.start, at.end,
                      !batch && o->copy_fn[0] ? ol_format("%s(%s)", o->copy_fn, text)
                                              : ol_strdup(text));
    covered[j] = ol_rule_line(ctx, s->span.start);
  }
}

/* A get by primary key the session's identity map answers after the first
 * iteration: its key is a plain name no loop of the nest binds (dep_loop),
 * or `row.<pk>` of the loop's own row of exactly that model with a
 * single-column key (as ol_index_call_gets_held for a call), in a loop that
 * does not expire the session. */
/* `obj.attr` as a key: whether code writes an attribute of that name (ol_index_attr_written; a
 * plain name: no). */
static bool key_attr_written(const ol_rule_ctx *ctx, ol_span key, int outer) {
  uint32_t dot = key.end;
  while (dot > key.start && ctx->src[dot - 1] != '.')
    dot--;
  if (dot == key.start)
    return false;
  uint32_t name_end = dot - 1; /* `it.step()` in the nest may move `it.current_id` */
  while (name_end > key.start && ctx->src[name_end - 1] &&
         strchr(" \t\n\\", ctx->src[name_end - 1]))
    name_end--;
  bool on_self = dot - key.start >= 5 && !memcmp(ctx->src + key.start, "self", 4) &&
                 (ctx->src[key.start + 4] == '.' || ctx->src[key.start + 4] == ' ');
  /* `self.<attr>`: the project's writes answer (a method of the class is where it moves) */
  if (!on_self && outer >= 0 &&
      ol_text_calls_method_of(ctx->src, ctx->facts->loops.items[outer].node, ctx->src + key.start,
                              name_end - key.start))
    return true;
  while (dot < key.end && (ctx->src[dot] == ' ' || ctx->src[dot] == '\t' || ctx->src[dot] == '\n'))
    dot++;
  return ol_index_attr_written(ctx->index, ctx->file, on_self, ctx->src + dot, key.end - dot);
}

static bool get_held(const ol_rule_ctx *ctx, const ol_query_site *s) {
  const ol_file_facts *f = ctx->facts;
  int l = -1;
  int outer = s->loop;
  while (outer >= 0 && f->loops.items[outer].parent >= 0)
    outer = f->loops.items[outer].parent;
  if (!ol_span_empty(s->pk_key) && s->dep_loop < 0 && !key_attr_written(ctx, s->pk_key, outer)) {
    l = outer;
  } else if (s->pk_loop >= 0 && s->pk_attr && s->entity) {
    const ol_model *m = ol_index_model(ctx->index, s->entity);
    const char *rows = f->loops.items[s->pk_loop].rows.entity;
    if (m && m->is_model && m->n_pk == 1 && !strcmp(s->pk_attr, m->pk[0]) && rows &&
        !strcmp(rows, m->name))
      l = s->pk_loop;
  }
  return l >= 0 && !ol_rule_loop_expires(ctx, l);
}

static void check(const ol_rule_ctx *ctx, const ol_rule_meta *meta) {
  ol_rule_report_calls(
      ctx, meta, OL_EFFECT_QUERY,
      "the query is inside the function, which would have to load every row it needs at once");
  uint32_t *covered = ol_calloc(ctx->facts->queries.len + 1, sizeof *covered);
  for (size_t i = 0; i < ctx->facts->queries.len; i++) {
    const ol_query_site *s = &ctx->facts->queries.items[i];
    if (s->loop < 0 || s->is_count || !ol_rule_loop_repeats(ctx, s->loop))
      continue;
    if (s->in_except)
      continue; /* an error path: run on the iterations that failed */
    if (get_held(ctx, s))
      continue; /* the identity map answers it: no SQL after the first iteration */
    char *text = NULL;
    const ol_loop *l = &ctx->facts->loops.items[s->loop];
    uint32_t loop_line = ol_rule_line(ctx, l->header.start);
    const char *why = NULL;
    ol_fix_draft *fix = NULL;
    if (s->hoist_loop >= 0) {
      why = ol_fixtext_hoist_problem(ctx, s->hoist);
      for (int k = s->loop; !why && k >= 0; k = ctx->facts->loops.items[k].parent) {
        why = loop_writes_problem(ctx, &ctx->facts->loops.items[k]);
        if (k == s->hoist_loop)
          break;
      }
      if (!why && !covered[i]) {
        fix = hoist_fix(ctx, s, &text);
        cover_repeats(ctx, i, fix, text, false, covered);
      }
    } else if (s->batch.mode != OL_BATCH_NONE) {
      const char *col = s->batch.mode == OL_BATCH_GET ? get_column(ctx, s, &why) : s->batch.column;
      if (col && ol_index_relation(ctx->index, s->batch.entity, col)) {
        why = "it filters on a relationship, which has no IN form";
        col = NULL;
      }
      if (col && ((why = loop_writes_problem(ctx, l)) != NULL ||
                  (why = key_type_problem(ctx, s, col)) != NULL))
        col = NULL;
      if (col && !covered[i]) {
        fix = batch_fix(ctx, s, col, &text);
        cover_repeats(ctx, i, fix, text, true, covered);
      }
    } else if (s->dep_loop == s->loop) {
      why = s->batch_why;
    } else {
      why = s->no_hoist_why;
    }
    char *brief = ol_fixtext_brief(ctx, s->span, 60);
    char *also = covered[i] && !why
                     ? ol_format("; the fix of the finding on line %u covers it too", covered[i])
                     : ol_strdup("");
    char *msg = ol_format("`%s` runs a query on every iteration of the %s on line %u%s%s%s", brief,
                          ol_rule_loop_word(l->kind), loop_line, why ? "; no automatic fix: " : "",
                          why ? why : "", also);
    ol_free(also);
    ol_free(text);
    ol_free(brief);
    ol_draft *d = ol_draft_add(ctx, meta, s->span, msg);
    ol_draft_relate(d, l->header, ol_format("the %s", ol_rule_loop_word(l->kind)));
    d->fix = fix;
  }
  ol_free(covered);
}

const ol_rule ol_rule_orm001 = {
    .meta =
        {.code = "ORM001",
         .name = "query-in-loop",
         .short_desc = "A query is executed on every iteration of a loop (N+1 queries).",
         .full_desc =
             "A SQLAlchemy query (a terminal such as .all()/.first()/.get(), a session "
             "execute/scalars/get, or iterating a query) runs once per loop iteration, so the "
             "loop issues one round trip per row. Hoist it when it does not depend on the loop, "
             "or load every key at once with one IN query.",
         .level = OL_LEVEL_WARNING,
         .precision = "high",
         .tags = "performance,sqlalchemy,n+1"},
    .folder = "orm001_query_in_loop",
    .check = check,
};
