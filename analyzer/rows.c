/* Rows of a model (DESIGN.md "Rows of a model"): which loop variables hold
 * rows of which model, the query that produced them and the eager options on
 * it; and the relationship attributes read on those rows in the loop. */
#include <ctype.h>
#include <string.h>

#include "walk_internal.h"

static char strategy_letter(const ol_walker *w, TSNode name) {
  static const struct {
    const char *name;
    char letter;
  } s[] = {{"joinedload", 'J'},    {"selectinload", 'S'},   {"subqueryload", 'Q'},
           {"immediateload", 'I'}, {"contains_eager", 'C'}, {"defaultload", 'D'},
           {"lazyload", 'L'},      {"raiseload", 'R'},      {"noload", 'R'},
           {"undefer", 'U'}};
  for (size_t i = 0; i < sizeof s / sizeof *s; i++)
    if (ol_node_text_is(w, name, s[i].name))
      return s[i].letter;
  return 0;
}

/* The attribute a loader option names: Model.rel, Model.rel.of_type(X), "rel", "*". */
static void option_attr(const ol_walker *w, TSNode arg, ol_buf *out) {
  arg = ol_unwrap(w, arg);
  ol_kind k = ol_kind_of(w->sx, arg);
  if (k == OL_K_call) { /* M.rel.of_type(X) / M.rel.and_(...) */
    TSNode fn = ol_child(w->sx, arg, OL_F_function);
    if (ol_kind_of(w->sx, fn) == OL_K_attribute)
      arg = ol_child(w->sx, fn, OL_F_object), k = ol_kind_of(w->sx, arg);
  }
  if (k == OL_K_attribute) {
    TSNode a = ol_child(w->sx, arg, OL_F_attribute);
    ol_buf_add(out, w->src + ts_node_start_byte(a), ts_node_end_byte(a) - ts_node_start_byte(a));
  } else if (k == OL_K_string) {
    uint32_t s = ts_node_start_byte(arg) + 1, e = ts_node_end_byte(arg) - 1;
    const char *dot = NULL;
    for (uint32_t i = s; i < e; i++)
      if (w->src[i] == '.')
        dot = w->src + i;
    if (dot)
      s = (uint32_t)(dot - w->src) + 1;
    if (e > s)
      ol_buf_add(out, w->src + s, e - s);
  } else {
    ol_buf_putc(out, '?');
  }
}

/* One loader option, e.g. joinedload(A.b).selectinload(B.c) -> "J:b/S:c",
 * written after prefix ("" or "D:b/"). Sub-options
 * (`defaultload(A.b).options(joinedload(B.c), ...)`) extend the path; both
 * branches of a conditional option count (either may be the one that runs). */
static void option_path_from(const ol_walker *w, TSNode opt, const char *prefix, ol_buf *out,
                             int depth) {
  opt = ol_unwrap(w, opt);
  if (depth > 8)
    return;
  if (ol_kind_of(w->sx, opt) == OL_K_conditional_expression) {
    for (uint32_t i = 0; i < ts_node_named_child_count(opt); i += 2)
      option_path_from(w, ts_node_named_child(opt, i), prefix, out, depth + 1);
    return;
  }
  TSNode segs[32];
  int n = 0;
  for (TSNode c = opt; n < 32 && ol_kind_of(w->sx, c) == OL_K_call;) {
    segs[n++] = c;
    TSNode fn = ol_child(w->sx, c, OL_F_function);
    if (ol_kind_of(w->sx, fn) != OL_K_attribute)
      break;
    c = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
  }
  ol_buf path = {0};
  ol_buf_puts(&path, prefix);
  size_t base = path.len;
  for (int i = n - 1; i >= 0; i--) {
    TSNode fn = ol_child(w->sx, segs[i], OL_F_function);
    TSNode name =
        ol_kind_of(w->sx, fn) == OL_K_attribute ? ol_child(w->sx, fn, OL_F_attribute) : fn;
    TSNode args = ol_child(w->sx, segs[i], OL_F_arguments);
    uint32_t na = ts_node_named_child_count(args);
    if (ol_node_text_is(w, name, "options")) { /* sub-options under the path so far */
      size_t before = path.len;
      if (path.len)
        ol_buf_putc(&path, '/');
      ol_buf_puts(&path, "");
      for (uint32_t a = 0; a < na; a++)
        option_path_from(w, ts_node_named_child(args, a), path.s, out, depth + 1);
      path.len = before;
      if (path.s)
        path.s[path.len] = '\0';
      continue;
    }
    char letter = strategy_letter(w, name);
    if (!letter)
      continue; /* Load(M) */
    /* Legacy chained strings: joinedload("a", "b") / joinedload("a.b"). */
    for (uint32_t a = 0; a < (na ? na : 1); a++) {
      if (path.len && path.s[path.len - 1] != '/')
        ol_buf_putc(&path, '/');
      ol_buf_putc(&path, letter);
      ol_buf_putc(&path, ':');
      if (na)
        option_attr(w, ts_node_named_child(args, a), &path);
      if (ol_kind_of(w->sx, ts_node_named_child(args, a)) != OL_K_string)
        break;
    }
  }
  if (path.len > base) {
    ol_buf_add(out, path.s, path.len);
    ol_buf_putc(out, ' ');
  }
  ol_buf_free(&path);
}

static void option_path(const ol_walker *w, TSNode opt, ol_buf *out) {
  option_path_from(w, opt, "", out, 0);
}

/* The body of the function the walk is in; null at module or class level. */
static TSNode function_body(const ol_walker *w) {
  TSNode def = ol_walk_current_def(w);
  return ts_node_is_null(def) ? def : ol_child(w->sx, def, OL_F_body);
}

/* The name a chain of calls and attributes starts from (`s` of
 * `s.joinedload(B.c).noload(...)`), null when it starts elsewhere. */
static TSNode chain_name(const ol_walker *w, TSNode n) {
  for (int depth = 0; depth < 64; depth++) {
    n = ol_unwrap(w, n);
    ol_kind k = ol_kind_of(w->sx, n);
    if (k == OL_K_identifier)
      return n;
    if (k == OL_K_call)
      n = ol_child(w->sx, n, OL_F_function);
    else if (k == OL_K_attribute)
      n = ol_child(w->sx, n, OL_F_object);
    else
      break;
  }
  return (TSNode){0};
}

#define MAX_OPTION_VARS 16

typedef struct {
  uint64_t hash;
  char *path;  /* the loader path the name ends at, "" for a list of loaders; owned */
  TSNode name; /* where it is bound */
} option_var;

/* Whether the text of n holds the identifier name as a whole word. */
static bool mentions_word(const ol_walker *w, TSNode n, TSNode name) {
  const char *s = w->src + ts_node_start_byte(n), *end = w->src + ts_node_end_byte(n);
  const char *id = w->src + ts_node_start_byte(name);
  size_t len = ts_node_end_byte(name) - ts_node_start_byte(name);
  for (const char *p = s; len && p + len <= end; p++) {
    p = memmem(p, (size_t)(end - p), id, len);
    if (!p)
      return false;
    bool before = p > s && (isalnum((unsigned char)p[-1]) || p[-1] == '_' || p[-1] == '.');
    bool after = p + len < end && (isalnum((unsigned char)p[len]) || p[len] == '_');
    if (!before && !after)
      return true;
  }
  return false;
}

static option_var *option_var_of(option_var *vars, int n, uint64_t h) {
  for (int i = 0; i < n; i++)
    if (vars[i].hash == h)
      return &vars[i];
  return NULL;
}

/* Whether chain is a loader derived from a name the function body binds
 * before it (`nested = strategy.selectinload(B.c)`): its path starts where
 * that name's ends, which is not read here (`orm.joinedload(A.b)` starts
 * from a module, bound by no statement of the body). */
static bool derived_from_local(const ol_walker *w, TSNode chain) {
  TSNode root = chain_name(w, chain), body = function_body(w);
  TSNode c = ol_unwrap(w, chain);
  while (ol_kind_of(w->sx, c) == OL_K_call) {
    TSNode fn = ol_child(w->sx, c, OL_F_function);
    if (ol_kind_of(w->sx, fn) != OL_K_attribute)
      return false; /* joinedload(...)..., Load(M)...: from the root */
    c = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
  }
  if (ts_node_is_null(root) || ts_node_is_null(body) || !ts_node_eq(c, root))
    return false;
  uint64_t h = ol_node_hash(w, root);
  for (uint32_t i = 0; i < ts_node_named_child_count(body); i++) {
    TSNode stmt = ts_node_named_child(body, i);
    if (ts_node_start_byte(stmt) >= ts_node_start_byte(chain))
      break;
    TSNode e = ts_node_named_child(stmt, 0);
    if (ol_kind_of(w->sx, stmt) == OL_K_expression_statement &&
        ol_kind_of(w->sx, e) == OL_K_assignment &&
        ol_node_hash(w, ol_child(w->sx, e, OL_F_left)) == h)
      return true;
  }
  return false;
}

/* A loader chain's paths written after prefix into out; its own path (the
 * last one written, without the separator) returned, NULL when it loads
 * nothing or what it loads is not read (derived_from_local). Caller frees. */
static char *loader_paths(const ol_walker *w, TSNode chain, const char *prefix, ol_buf *out) {
  if (derived_from_local(w, chain))
    return NULL;
  ol_buf one = {0};
  option_path_from(w, chain, prefix, &one, 0);
  if (!one.len) {
    ol_buf_free(&one);
    return NULL;
  }
  ol_buf_add(out, one.s, one.len);
  one.s[one.len - 1] = '\0'; /* the trailing space */
  char *last = strrchr(one.s, ' ');
  char *path = ol_strdup(last ? last + 1 : one.s);
  ol_buf_free(&one);
  return path;
}

/* One statement of the function body before the use, for option variable
 * h: `h = <loader chain>` / `h = [<loader>, ...]` binds it, `h.append(<loader>)`
 * / `h.extend([...])` add to a list, `h.joinedload(...)` adds nothing known.
 * False (unknown) when the statement uses a tracked name some other way. */
static bool option_statement(const ol_walker *w, TSNode stmt, uint64_t h, option_var *vars, int *n,
                             ol_buf *paths) {
  TSNode e = ts_node_named_child(stmt, 0);
  ol_kind k = ol_kind_of(w->sx, stmt) == OL_K_expression_statement ? ol_kind_of(w->sx, e) : 0;
  TSNode left = k == OL_K_assignment ? ol_child(w->sx, e, OL_F_left) : (TSNode){0};
  TSNode value = k == OL_K_assignment ? ol_unwrap(w, ol_child(w->sx, e, OL_F_right)) : e;
  if (k == OL_K_assignment && ol_kind_of(w->sx, left) == OL_K_identifier &&
      ol_node_hash(w, left) == h) { /* (re)bound: what it held before is gone */
    for (int i = 0; i < *n; i++)
      ol_free(vars[i].path);
    *n = 0;
    paths->len = 0;
    char *path = NULL;
    if (ol_kind_of(w->sx, value) == OL_K_list) {
      for (uint32_t i = 0; i < ts_node_named_child_count(value); i++) {
        char *one = loader_paths(w, ts_node_named_child(value, i), "", paths);
        if (!one)
          return false;
        ol_free(one);
      }
      path = ol_strdup("");
    } else if (!(path = loader_paths(w, value, "", paths))) {
      return false;
    }
    vars[(*n)++] = (option_var){.hash = h, .path = path, .name = left};
    return true;
  }
  TSNode root = k == OL_K_assignment || k == OL_K_call ? chain_name(w, value) : (TSNode){0};
  option_var *from = ts_node_is_null(root) ? NULL : option_var_of(vars, *n, ol_node_hash(w, root));
  if (!from) { /* unrelated, unless it mentions a tracked name */
    for (int i = 0; i < *n; i++)
      if (mentions_word(w, stmt, vars[i].name))
        return false;
    return true;
  }
  TSNode fn = ol_child(w->sx, value, OL_F_function);
  if (!from->path[0]) { /* a list: only `opts.append(<loader>)` / `opts.extend([...])` */
    TSNode m = ol_child(w->sx, fn, OL_F_attribute);
    TSNode arg = ts_node_named_child(ol_child(w->sx, value, OL_F_arguments), 0);
    if (k != OL_K_call || !ts_node_eq(ol_unwrap(w, ol_child(w->sx, fn, OL_F_object)), root))
      return false;
    if (ol_node_text_is(w, m, "append")) {
      char *one = loader_paths(w, arg, "", paths);
      ol_free(one);
      return one != NULL;
    }
    if (!ol_node_text_is(w, m, "extend") || ol_kind_of(w->sx, arg) != OL_K_list)
      return false;
    for (uint32_t i = 0; i < ts_node_named_child_count(arg); i++) {
      char *one = loader_paths(w, ts_node_named_child(arg, i), "", paths);
      if (!one)
        return false;
      ol_free(one);
    }
    return true;
  }
  /* `h.joinedload(...)`: SQLAlchemy 1.x's unbound loaders share their path
   * list with what they derive (the statement extends h), 2.0's are copied
   * (it does not): what the statement derives is written marked `~`, loaded
   * where the project's SQLAlchemy is 1.x. `t = h.selectinload(...)` derives a
   * loader t, followed like h (`t.joinedload(...)` extends h in 1.x). */
  if (k != OL_K_call && !(k == OL_K_assignment && ol_kind_of(w->sx, value) == OL_K_call))
    return false;
  ol_buf prefix = {0}; /* `~`: loaded by 1.x only (what the rules read of it: covered_path) */
  if (from->path[0] != '~')
    ol_buf_putc(&prefix, '~');
  ol_buf_puts(&prefix, from->path);
  ol_buf_putc(&prefix, '/');
  size_t at = paths->len;
  option_path_from(w, value, prefix.s, paths, 0);
  ol_buf_free(&prefix);
  if (paths->len > at && k == OL_K_assignment && ol_kind_of(w->sx, left) == OL_K_identifier &&
      *n < MAX_OPTION_VARS && !option_var_of(vars, *n, ol_node_hash(w, left))) {
    size_t end = paths->len - 1; /* the trailing space */
    size_t start = end;
    while (start > at && paths->s[start - 1] != ' ')
      start--;
    vars[(*n)++] = (option_var){.hash = ol_node_hash(w, left),
                                .path = ol_strndup(paths->s + start, end - start),
                                .name = left};
  }
  return true;
}

/* What a local option variable passed to .options() loads, from the
 * statements of the function body before the use (see option_statement);
 * false (unknown) when it is no such variable or a statement uses it in a
 * way not read here (inside a block, passed to a call). */
static bool option_variable(const ol_walker *w, TSNode name, ol_buf *eager) {
  TSNode body = function_body(w);
  if (ts_node_is_null(body))
    return false;
  uint64_t h = ol_node_hash(w, name);
  option_var vars[MAX_OPTION_VARS];
  int n = 0;
  ol_buf paths = {0};
  bool ok = true;
  for (uint32_t i = 0; ok && i < ts_node_named_child_count(body); i++) {
    TSNode stmt = ts_node_named_child(body, i);
    if (ts_node_end_byte(stmt) > ts_node_start_byte(name))
      break;
    if (ol_kind_of(w->sx, stmt) == OL_K_comment)
      continue;
    ok = option_statement(w, stmt, h, vars, &n, &paths);
  }
  ok = ok && n > 0;
  if (ok)
    ol_buf_add(eager, paths.s, paths.len);
  for (int i = 0; i < n; i++)
    ol_free(vars[i].path);
  ol_buf_free(&paths);
  return ok;
}

void ol_rows_chain_options(ol_walker *w, TSNode chain, ol_rows *rows, ol_buf *eager) {
  TSNode n = ol_unwrap(w, chain);
  for (int depth = 0; depth < 200 && ol_kind_of(w->sx, n) == OL_K_call; depth++) {
    TSNode fn = ol_child(w->sx, n, OL_F_function);
    if (ol_kind_of(w->sx, fn) != OL_K_attribute)
      break;
    TSNode method = ol_child(w->sx, fn, OL_F_attribute);
    if (ol_node_text_is(w, method, "join") || ol_node_text_is(w, method, "outerjoin")) {
      /* join(M.rel): the rows' rel is joined but not loaded ("j:rel"); contains_eager loads it */
      TSNode args = ol_child(w->sx, n, OL_F_arguments);
      TSNode a = ts_node_named_child(args, 0);
      if (ts_node_named_child_count(args) == 1 && ol_kind_of(w->sx, a) == OL_K_attribute &&
          islower((unsigned char)w->src[ts_node_start_byte(ol_child(w->sx, a, OL_F_attribute))])) {
        ol_buf_puts(eager, "j:");
        option_attr(w, a, eager);
        ol_buf_putc(eager, ' ');
      }
    }
    if (ol_node_text_is(w, method, "options")) {
      TSNode args = ol_child(w->sx, n, OL_F_arguments);
      bool last = ol_span_empty(rows->options_args), read = true, names = false;
      char *self_attr = NULL;
      bool other = false;
      if (last)
        rows->options_args = ol_node_span(args);
      for (uint32_t i = 0; i < ts_node_named_child_count(args); i++) {
        TSNode a = ol_unwrap(w, ts_node_named_child(args, i));
        bool splat = ol_kind_of(w->sx, a) == OL_K_list_splat;
        if (splat)
          a = ol_unwrap(w, ts_node_named_child(a, 0));
        if (splat && !self_attr && ol_kind_of(w->sx, a) == OL_K_attribute &&
            ol_walk_self_class(w, ol_child(w->sx, a, OL_F_object))) {
          self_attr = ol_node_text(w, ol_child(w->sx, a, OL_F_attribute)); /* *self.opts */
          continue;
        }
        if (ol_kind_of(w->sx, a) != OL_K_identifier && ol_kind_of(w->sx, a) != OL_K_call)
          other = true; /* `*opts.x`, `*self.a, *self.b`: not known */
        if (ol_kind_of(w->sx, a) == OL_K_identifier) {
          names = true;
          read &= option_variable(w, a, eager);
        } else {
          option_path(w, a, eager);
        }
      }
      if (last) {
        rows->options_read = names && read && !self_attr;
        rows->options_self = read && !other ? self_attr : NULL;
      }
    }
    n = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
  }
}

static TSNode chain_root(ol_walker *w, TSNode chain) {
  TSNode n = ol_unwrap(w, chain);
  for (int depth = 0; depth < 200; depth++) {
    ol_kind k = ol_kind_of(w->sx, n);
    TSNode next;
    if (k == OL_K_call)
      next = ol_child(w->sx, n, OL_F_function);
    else if (k == OL_K_attribute)
      next = ol_child(w->sx, n, OL_F_object);
    else
      return n;
    n = ol_unwrap(w, next);
  }
  return n;
}

/* Rows of tuples as rows of their first column (`.scalars()`), false when it is no entity. */
static bool first_column(ol_rows *r) {
  if (!r->tuples)
    return r->entity != NULL;
  if (!r->cols[0])
    return false;
  r->entity = r->cols[0];
  r->tuples = false;
  memset(r->cols, 0, sizeof r->cols);
  return true;
}

/* `post.tags.filter(...)` of one row post: the query of a relationship
 * (dynamic, as the index will say), builders only. */
static bool rows_of_relationship_query(ol_walker *w, TSNode chain, ol_rows *out) {
  int builders;
  TSNode n = ol_exec_below_builders(w, chain, 64, &builders);
  TSNode obj = ol_child(w->sx, n, OL_F_object);
  if (ol_kind_of(w->sx, n) != OL_K_attribute || ol_kind_of(w->sx, obj) != OL_K_identifier)
    return false;
  const ol_binding *b = ol_scope_binding(w, ol_node_hash(w, obj));
  if (!b || !b->has_one || !b->one.entity)
    return false;
  *out = (ol_rows){.query = ol_node_span(chain),
                   .last = ol_node_span(chain),
                   .dyn_owner = b->one.entity,
                   .dyn_rel = ol_node_text(w, ol_child(w->sx, n, OL_F_attribute))};
  out->stmt = ol_walk_rows_statement(w, chain);
  ol_buf eager = {0};
  ol_rows_chain_options(w, chain, out, &eager);
  char *e = ol_buf_take(&eager);
  out->eager = ol_arena_strndup(&w->out->arena, e, strlen(e));
  ol_free(e);
  return true;
}

/* Rows of the query or select() chain: of its one entity, or (tuples: a
 * session.execute() Result, or a query of several columns) of tuples. */
static bool rows_from_query_as(ol_walker *w, TSNode chain, ol_rows *out, bool tuples) {
  ol_valinfo v = ol_classify(w, chain);
  if (v.kind == OL_VAL_NONE && !tuples)
    return rows_of_relationship_query(w, chain, out);
  if ((v.kind != OL_VAL_QUERY && v.kind != OL_VAL_SELECT) || (v.count && v.n_cols < 2))
    return false; /* a count; `query(M, func.count(...))` is rows of M with their counts */
  ol_buf eager = {0};
  TSNode root = chain_root(w, chain);
  const ol_binding *base = ol_kind_of(w->sx, root) == OL_K_identifier
                               ? ol_scope_binding(w, ol_node_hash(w, root))
                               : NULL;
  if (base &&
      base->has_rows) { /* q = q.options(...): the first query, with every option added since */
    *out = base->rows;
    out->last = ol_node_span(chain);
    out->options_args = (ol_span){0};
    if (base->rows.eager)
      ol_buf_puts(&eager, base->rows.eager);
    ol_rows here = {0};
    ol_rows_chain_options(w, chain, &here, &eager);
    if (!ol_span_empty(here.options_args) && ol_span_empty(out->query))
      out->options_args = here.options_args, out->options_read = here.options_read,
      out->options_self = here.options_self;
    else
      out->options_args = base->rows.options_args, out->options_read = base->rows.options_read,
      out->options_self = base->rows.options_self;
    if (here.options_self) /* q = q.options(*self.opts): what the class binds, too */
      out->options_self = here.options_self;
    else if (!ol_span_empty(here.options_args) && !here.options_read && !out->options_self &&
             memchr(w->src + here.options_args.start, '*',
                    here.options_args.end - here.options_args.start))
      out->options_args = here.options_args, out->options_read = false; /* *opts: not known */
    if (tuples && !out->tuples && out->entity) { /* execute(q): rows of one entity as 1-tuples */
      out->cols[0] = out->entity;
      out->entity = NULL;
      out->tuples = true;
    }
  } else {
    bool several = v.n_cols > 1 || (tuples && v.n_cols == 1);
    if (!several && !v.one_entity) {
      ol_buf_free(&eager);
      return false;
    }
    *out = (ol_rows){.query = ol_node_span(chain), .last = ol_node_span(chain)};
    if (several) {
      bool any = false;
      for (int i = 0; i < v.n_cols; i++)
        if (v.cols[i].id)
          out->cols[i] = ol_node_text(w, v.cols[i]), any = true;
      out->tuples = true;
      if (!any) {
        ol_buf_free(&eager);
        return false;
      }
    } else {
      out->entity = ol_node_text(w, v.entity);
    }
    out->stmt = ol_walk_rows_statement(w, chain);
    ol_rows_chain_options(w, chain, out, &eager);
  }
  char *e = ol_buf_take(&eager);
  out->eager = ol_arena_strndup(&w->out->arena, e, strlen(e));
  ol_free(e);
  return true;
}

static bool rows_from_query(ol_walker *w, TSNode chain, ol_rows *out) {
  return rows_from_query_as(w, chain, out, false);
}

static TSNode filtered_rows(ol_walker *w, TSNode n);

bool ol_rows_of(ol_walker *w, TSNode n, ol_rows *out) {
  /* `[a for a in rows if a.ports]`: some of the same rows, loaded by the same query (a name
   * bound to it, a function returning it, an argument holding it). */
  n = filtered_rows(w, ol_unwrap(w, n));
  ol_kind k = ol_kind_of(w->sx, n);
  if (k == OL_K_identifier) {
    const ol_binding *b = ol_scope_binding(w, ol_node_hash(w, n));
    if (!b || !b->has_rows)
      return false;
    *out = b->rows;
    return true;
  }
  if (k == OL_K_attribute) { /* page.items of a pagination, or Model.query */
    TSNode attr = ol_child(w->sx, n, OL_F_attribute);
    if (!ol_node_text_is(w, attr, "items")) /* `for c in post.comments`: a collection, not this */
      return ol_classify(w, n).kind != OL_VAL_NONE && rows_from_query(w, n, out);
    return ol_rows_of(w, ol_child(w->sx, n, OL_F_object), out);
  }
  if (k != OL_K_call)
    return false;
  TSNode fn = ol_child(w->sx, n, OL_F_function), args = ol_child(w->sx, n, OL_F_arguments);
  TSNode first = ts_node_named_child(args, 0);
  if (ol_kind_of(w->sx, fn) == OL_K_identifier) {
    static const char *const pass[] = {"list", "sorted", "reversed", "tuple", "iter", NULL};
    for (const char *const *p = pass; *p; p++)
      if (ol_node_text_is(w, fn, *p))
        return !ts_node_is_null(first) && ol_rows_of(w, first, out);
    return false;
  }
  if (ol_kind_of(w->sx, fn) != OL_K_attribute)
    return false;
  TSNode recv = ol_child(w->sx, fn, OL_F_object), m = ol_child(w->sx, fn, OL_F_attribute);
  static const char *const readers[] = {
      "all",    "unique",   "paginate", "scalars", "execute", "stream_scalars",
      "stream", "fetchall", "tuples",   NULL};
  for (const char *const *r = readers; *r; r++) {
    if (!ol_node_text_is(w, m, *r))
      continue;
    ol_valinfo rv = ol_classify(w, recv);
    bool scalars = !strcmp(*r, "scalars") || !strcmp(*r, "stream_scalars");
    bool execute = !strcmp(*r, "execute") || !strcmp(*r, "stream");
    if (rv.kind == OL_VAL_SESSION && (scalars || execute)) /* session.scalars(select(M)) */
      return !ts_node_is_null(first) && ol_kind_of(w->sx, first) != OL_K_keyword_argument &&
             rows_from_query_as(w, first, out, execute) && (execute || first_column(out));
    if (rv.kind == OL_VAL_DB && !strcmp(*r, "paginate")) /* db.paginate(select(M)) */
      return !ts_node_is_null(first) && ol_kind_of(w->sx, first) != OL_K_keyword_argument &&
             rows_from_query(w, first, out) && first_column(out);
    if (execute)
      return false;
    if (rv.kind == OL_VAL_QUERY)
      return rows_from_query(w, recv, out);
    TSNode ur = ol_unwrap(w, recv);
    if (rv.kind == OL_VAL_NONE && ol_kind_of(w->sx, ur) == OL_K_attribute &&
        !ol_node_text_is(w, ol_child(w->sx, ur, OL_F_attribute), "items"))
      return !scalars && rows_of_relationship_query(w, ur, out); /* post.tags.paginate() */
    /* session.scalars(...).all(), .unique().all(), session.execute(...).scalars() */
    return ol_rows_of(w, recv, out) && (!scalars || first_column(out));
  }
  return rows_from_query(w, n, out);
}

/* A parameter annotated list[M] / Iterable[M] / Sequence["M"]: rows without a query. */
void ol_rows_bind_parameters(ol_walker *w, TSNode params) {
  uint32_t n = ts_node_named_child_count(params);
  for (uint32_t i = 0; i < n; i++) {
    TSNode p = ts_node_named_child(params, i);
    ol_kind k = ol_kind_of(w->sx, p);
    if (k != OL_K_typed_parameter && k != OL_K_typed_default_parameter)
      continue;
    TSNode type = ol_child(w->sx, p, OL_F_type), name = k == OL_K_typed_parameter
                                                            ? ts_node_named_child(p, 0)
                                                            : ol_child(w->sx, p, OL_F_name);
    if (ol_kind_of(w->sx, name) != OL_K_identifier || ts_node_is_null(type))
      continue;
    uint32_t s = ts_node_start_byte(type), e = ts_node_end_byte(type);
    const char *t = w->src + s;
    const char *open = memchr(t, '[', e - s);
    /* `p: M`, `p: "model.M"`, `p: Optional[M]`, `p: M | None`: one row, loaded elsewhere */
    bool one = !open || (open - t == 8 && !memcmp(t, "Optional", 8));
    const char *bar = memchr(t, '|', e - s);
    if (one && bar) {
      const char *rest = bar + 1;
      while (rest < w->src + e && *rest == ' ')
        rest++;
      if (w->src + e - rest != 4 || memcmp(rest, "None", 4))
        continue; /* a union of several types */
      e = (uint32_t)(bar - w->src);
    }
    const char *a = open ? open + 1 : t, *b = w->src + e;
    while (a < b && (*a == '"' || *a == '\'' || *a == ' '))
      a++;
    const char *z = a;
    while (z < b && (isalnum((unsigned char)*z) || *z == '_' || *z == '.'))
      z++;
    const char *dot = a;
    for (const char *c = a; c < z; c++)
      if (*c == '.')
        dot = c + 1;
    if (z == dot || !isupper((unsigned char)*dot))
      continue;
    while (z < b && (*z == ' ' || *z == '"' || *z == '\'' || *z == ']'))
      z++;
    if (one && z != b)
      continue; /* `p: M[...]`, `p: Type[M]`-like forms are not one row of M */
    z = dot;
    while (z < b && (isalnum((unsigned char)*z) || *z == '_'))
      z++;
    ol_binding bind = {.hash = ol_node_hash(w, name)};
    ol_rows *r = one ? &bind.one : &bind.rows;
    if (one)
      bind.has_one = true;
    else
      bind.kind = OL_VAL_LIST, bind.has_rows = true;
    r->entity = ol_arena_strndup(&w->out->arena, dot, (size_t)(z - dot));
    r->origin = ol_arena_strndup(&w->out->arena, w->src + ts_node_start_byte(p),
                                 ts_node_end_byte(p) - ts_node_start_byte(p));
    ol_scope_push_binding(w, bind);
  }
}

/* Binds the names of a target pattern to the columns of rows of tuples
 * (`for a, b in session.query(A, B)`, `for (a,) in session.execute(...)`);
 * a bare name holds the tuple itself (`row.A`, `row[0]`). */
static bool bind_columns(ol_walker *w, ol_loop *l, TSNode holder, const ol_rows *rows) {
  ol_kind k = ol_kind_of(w->sx, holder);
  if (k == OL_K_identifier) {
    l->rows_var = ol_node_hash(w, holder);
    return true;
  }
  if (k != OL_K_pattern_list && k != OL_K_tuple_pattern && k != OL_K_list_pattern)
    return false;
  uint32_t n = ts_node_named_child_count(holder);
  bool any = false;
  for (uint32_t i = 0; i < n && i < 4; i++) {
    TSNode t = ts_node_named_child(holder, i);
    if (ol_kind_of(w->sx, t) != OL_K_identifier) {
      if (ol_kind_of(w->sx, t) == OL_K_list_splat_pattern)
        return false; /* `a, *rest`: positions after it are not known */
      continue;
    }
    if (rows->cols[i]) {
      l->col_vars[i] = ol_node_hash(w, t);
      any = true;
    }
  }
  return any && n <= 4;
}

/* `sorted(p.children, key=...)`, `list(p.children)`, `reversed(...)`: the
 * collection they copy in another order (its elements are the same rows);
 * n itself otherwise. */
static TSNode collection_argument(ol_walker *w, TSNode n) {
  static const char *const copies[] = {"sorted", "list", "reversed", "tuple", "set", NULL};
  TSNode fn = ol_child(w->sx, n, OL_F_function);
  if (ol_kind_of(w->sx, n) != OL_K_call || ol_kind_of(w->sx, fn) != OL_K_identifier)
    return n;
  TSNode first = ts_node_named_child(ol_child(w->sx, n, OL_F_arguments), 0);
  for (const char *const *c = copies; *c; c++)
    if (ol_node_text_is(w, fn, *c) && !ts_node_is_null(first) &&
        ol_kind_of(w->sx, first) == OL_K_attribute)
      return ol_unwrap(w, first);
  return n;
}

/* `[a for a in rows if a.ports]` (a set or generator too): the rows it
 * iterates, some left out; n itself for any other expression. */
static TSNode filtered_rows(ol_walker *w, TSNode n) {
  for (int depth = 0; depth < 4; depth++) {
    ol_kind k = ol_kind_of(w->sx, n);
    if (k != OL_K_list_comprehension && k != OL_K_set_comprehension &&
        k != OL_K_generator_expression)
      return n;
    TSNode body = ol_child(w->sx, n, OL_F_body), clause = {0};
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
      TSNode c = ts_node_named_child(n, i);
      ol_kind ck = ol_kind_of(w->sx, c);
      if (ck == OL_K_for_in_clause && ts_node_is_null(clause))
        clause = c;
      else if (ck != OL_K_if_clause && !ts_node_eq(c, body))
        return n; /* a second for clause, async: other elements */
    }
    TSNode var = ts_node_is_null(clause) ? clause : ol_child(w->sx, clause, OL_F_left);
    if (ts_node_is_null(var) || ol_kind_of(w->sx, var) != OL_K_identifier ||
        ol_kind_of(w->sx, body) != OL_K_identifier || ol_node_hash(w, var) != ol_node_hash(w, body))
      return n;
    n = ol_unwrap(w, ol_child(w->sx, clause, OL_F_right));
  }
  return n;
}

/* `self.<name>`, or what keeps its elements in another order or some of
 * them (`sorted(self.items, key=k)`, `[x for x in self.items if x.on]`,
 * `list(...)` of either): the name node; a null node otherwise. */
TSNode ol_rows_self_collection(ol_walker *w, TSNode value) {
  TSNode n = ol_unwrap(w, value);
  for (int depth = 0; depth < 4; depth++) {
    TSNode inner = ol_unwrap(w, collection_argument(w, filtered_rows(w, n)));
    if (ts_node_eq(inner, n))
      break;
    n = inner;
  }
  if (ol_kind_of(w->sx, n) != OL_K_attribute ||
      !ol_walk_self_class(w, ol_child(w->sx, n, OL_F_object)))
    return (TSNode){0};
  return ol_child(w->sx, n, OL_F_attribute);
}

/* The loop variable that holds rows: `x` of `for x in rows`, `x` of
 * `for i, x in enumerate(rows)`, the names of `for a, b in query(A, B)`. */
void ol_rows_for_loop(ol_walker *w, int loop, TSNode target, TSNode iterable) {
  ol_loop *l = &w->out->loops.items[loop];
  iterable = ol_unwrap(w, iterable);
  TSNode holder = target;
  ol_kind tk = ol_kind_of(w->sx, target);
  if (ol_kind_of(w->sx, iterable) == OL_K_call &&
      ol_node_text_is(w, ol_child(w->sx, iterable, OL_F_function), "enumerate")) {
    if ((tk != OL_K_pattern_list && tk != OL_K_tuple_pattern) ||
        ts_node_named_child_count(target) != 2)
      return;
    holder = ts_node_named_child(target, 1);
    iterable = ts_node_named_child(ol_child(w->sx, iterable, OL_F_arguments), 0);
  }
  while (ol_kind_of(w->sx, holder) == OL_K_parenthesized_expression)
    holder = ts_node_named_child(holder, 0);
  if (ts_node_is_null(iterable) || ts_node_is_null(holder))
    return;
  iterable = filtered_rows(w, ol_unwrap(w, iterable));
  ol_rows rows;
  if (ol_rows_of(w, iterable, &rows)) {
    if (rows.tuples) {
      if (!bind_columns(w, l, holder, &rows))
        return;
    } else if (ol_kind_of(w->sx, holder) == OL_K_identifier) {
      l->rows_var = ol_node_hash(w, holder);
    } else {
      return;
    }
    l->has_rows = true;
    l->rows = rows;
    l->rows.options_opaque = !ol_walk_options_known(w, &rows);
    if (rows.dyn_rel) { /* `self._query.all()`: a dynamic relationship of a model, or a property */
      TSNode chain = ol_unwrap(w, iterable), fn = ol_child(w->sx, chain, OL_F_function);
      if (ol_kind_of(w->sx, chain) == OL_K_call && ol_kind_of(w->sx, fn) == OL_K_attribute &&
          ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "all"))
        chain = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
      l->rows_call = ol_calls_prop_source(w, chain);
    }
    return;
  }
  if (ol_kind_of(w->sx, holder) != OL_K_identifier)
    return;
  iterable = collection_argument(w, iterable);
  /* `for c in p.children` over the rows p of an enclosing loop: rows of the
   * relationship's target, loaded (or not) by p's query; the index decides. */
  TSNode obj = ol_child(w->sx, iterable, OL_F_object);
  /* `for t in self.event.tracks`: a collection of the one row self.event
   * holds, if what the class assigns to it says so (ol_self_fact). */
  const char *cls =
      ol_kind_of(w->sx, iterable) == OL_K_attribute && ol_kind_of(w->sx, obj) == OL_K_attribute
          ? ol_walk_self_class(w, ol_child(w->sx, obj, OL_F_object))
          : NULL;
  if (cls) {
    l->has_rows = true;
    l->rows = (ol_rows){0};
    l->rows_via = ol_node_text(w, ol_child(w->sx, iterable, OL_F_attribute));
    l->rows_var = ol_node_hash(w, holder);
    l->self_cls = (char *)cls;
    l->self_attr = ol_node_text(w, ol_child(w->sx, obj, OL_F_attribute));
    l->self_one = true;
    return;
  }
  if (ol_kind_of(w->sx, iterable) != OL_K_attribute || ol_kind_of(w->sx, obj) != OL_K_identifier) {
    ol_calls_loop_iterable(w, loop, holder, iterable);
    return;
  }
  uint64_t h = ol_node_hash(w, obj);
  for (int p = l->parent; p >= 0; p = w->out->loops.items[p].parent) {
    const ol_loop *pl = &w->out->loops.items[p]; /* its rows, or a project call's (the index's) */
    if (!(pl->has_rows || !ol_span_empty(pl->rows_call) || pl->rows_param >= 0 ||
          pl->via_param >= 0) ||
        pl->rows_var != h || pl->rows.tuples)
      continue;
    l = &w->out->loops.items[loop];
    l->rows_parent = p;
    l->rows_via = ol_node_text(w, ol_child(w->sx, iterable, OL_F_attribute));
    l->has_rows = true;
    l->rows_var = ol_node_hash(w, holder);
    return;
  }
  /* `for c in post.comments` where post is one row: loaded by what loaded post. */
  const ol_binding *b = ol_scope_binding(w, h);
  int p = ol_calls_unbound_param(w, obj);
  if (p >= 0 && p < 31 && (!b || (!b->has_one && !b->has_rows))) {
    /* `for r in form.registrations`, form a parameter: a collection of the row every caller
     * passes there, if they agree on its model (param_types.c) */
    l->via_param = (int8_t)p;
    l->rows_via = ol_node_text(w, ol_child(w->sx, iterable, OL_F_attribute));
    l->rows_var = ol_node_hash(w, holder);
    return;
  }
  if (!b || !b->has_one) {
    /* `event = Event.get(id)`: one row if the index says the call returns one */
    ol_span call = ol_calls_bound_call(w, obj);
    if (ol_span_empty(call) || (b && b->has_rows))
      return;
    l->rows = (ol_rows){
        .origin = ol_arena_strndup(&w->out->arena, w->src + call.start, call.end - call.start)};
    l->rows_call = call;
    l->rows_via = ol_node_text(w, ol_child(w->sx, iterable, OL_F_attribute));
    l->has_rows = true;
    l->rows_var = ol_node_hash(w, holder);
    return;
  }
  l->rows = b->one;
  l->rows_via = ol_node_text(w, ol_child(w->sx, iterable, OL_F_attribute));
  l->has_rows = true;
  l->rows_var = ol_node_hash(w, holder);
  const char *self = ol_walk_self_class(w, obj);
  if (self) /* `for a in self.items`: no relationship unless the class is a model */
    l->self_cls = (char *)self, l->self_attr = l->rows_via;
}

/* The loop (ctx or around it) whose rows name h holds, and the column: 0
 * for rows of one model, 1 + k for column k of tuples; -1 for the tuple
 * itself (`row` of `for row in session.query(A, B)`). */
static int rows_loop_of(const ol_walker *w, int ctx, uint64_t h, int *col) {
  for (int l = ctx; l >= 0; l = w->out->loops.items[l].parent) {
    const ol_loop *lp = &w->out->loops.items[l];
    if ((lp->has_rows || !ol_span_empty(lp->rows_call) || lp->rows_param >= 0 ||
         lp->via_param >= 0) &&
        lp->rows_var == h) {
      *col = lp->rows.tuples ? -1 : 0;
      return l;
    }
    for (int k = 0; lp->has_rows && lp->rows.tuples && k < 4; k++)
      if (lp->col_vars[k] == h) {
        *col = k + 1;
        return l;
      }
  }
  return -1;
}

/* The column of a tuple `obj` reads: `row.A` (A the last part of a column's
 * model), `row[0]`; -1 for another expression. */
static int tuple_column(ol_walker *w, int ctx, TSNode obj, int *loop) {
  ol_kind k = ol_kind_of(w->sx, obj);
  TSNode base = k == OL_K_attribute   ? ol_child(w->sx, obj, OL_F_object)
                : k == OL_K_subscript ? ol_child(w->sx, obj, OL_F_value)
                                      : (TSNode){0};
  if (ol_kind_of(w->sx, base) != OL_K_identifier)
    return -1;
  int col;
  *loop = rows_loop_of(w, ctx, ol_node_hash(w, base), &col);
  if (*loop < 0 || col != -1)
    return -1;
  const ol_rows *rows = &w->out->loops.items[*loop].rows;
  if (k == OL_K_subscript) {
    TSNode idx = ol_child(w->sx, obj, OL_F_subscript);
    if (ol_kind_of(w->sx, idx) != OL_K_integer ||
        ts_node_end_byte(idx) - ts_node_start_byte(idx) != 1)
      return -1;
    int i = w->src[ts_node_start_byte(idx)] - '0';
    return i >= 0 && i < 4 && rows->cols[i] ? i : -1;
  }
  TSNode a = ol_child(w->sx, obj, OL_F_attribute);
  for (int i = 0; i < 4; i++) {
    if (!rows->cols[i])
      continue;
    const char *c = rows->cols[i], *dot = strrchr(c, '.');
    if (ol_node_text_is(w, a, dot ? dot + 1 : c))
      return i;
  }
  return -1;
}

int ol_rows_tuple_column_of(ol_walker *w, int ctx, TSNode e, int *col) {
  int loop = -1, c;
  if (ctx < 0)
    return -1;
  if (ol_kind_of(w->sx, e) == OL_K_identifier) {
    loop = rows_loop_of(w, ctx, ol_node_hash(w, e), &c);
    if (loop < 0 || c <= 0)
      return -1;
    *col = c;
    return loop;
  }
  c = tuple_column(w, ctx, e, &loop);
  if (c < 0)
    return -1;
  *col = c + 1;
  return loop;
}

bool ol_rows_count_after(ol_walker *w, TSNode attr, ol_span *count, ol_span *builders) {
  static const char *const KEEP[] = {"filter", "filter_by", "where", "order_by", NULL};
  TSNode cur = attr;
  bool keep = true;
  for (int depth = 0; depth < 16; depth++) {
    TSNode dot = ol_walk_parent(w, cur);
    if (ol_kind_of(w->sx, dot) != OL_K_attribute ||
        !ts_node_eq(ol_child(w->sx, dot, OL_F_object), cur))
      return false;
    TSNode call = ol_walk_parent(w, dot), name = ol_child(w->sx, dot, OL_F_attribute);
    if (ol_kind_of(w->sx, call) != OL_K_call)
      return false;
    uint32_t args = ts_node_named_child_count(ol_child(w->sx, call, OL_F_arguments));
    if (ol_node_text_is(w, name, "count") && args == 0) {
      *count = ol_node_span(call);
      *builders = (ol_span){0}; /* builders a correlated count subquery keeps as they are: */
      if (keep && depth > 0)
        *builders = (ol_span){ts_node_end_byte(attr), ts_node_end_byte(cur)};
      return true;
    }
    if (!ol_exec_is_builder(w, name))
      return false;
    bool kept = false;
    for (const char *const *k = KEEP; *k && !kept; k++)
      kept = ol_node_text_is(w, name, *k);
    keep &= kept;
    cur = call;
  }
  return false;
}

/* `row.rel` where row is the rows variable of a loop this node runs in. */
void ol_rows_check_attribute(ol_walker *w, TSNode attr, int ctx) {
  TSNode obj = ol_child(w->sx, attr, OL_F_object);
  if (ctx < 0)
    return;
  int loop = -1, col = 0;
  if (ol_kind_of(w->sx, obj) == OL_K_identifier) {
    loop = rows_loop_of(w, ctx, ol_node_hash(w, obj), &col);
    if (col < 0)
      return; /* the tuple itself: its columns are read through row.A / row[0] */
  } else {
    int c = tuple_column(w, ctx, ol_unwrap(w, obj), &loop);
    if (c < 0)
      return;
    col = c + 1;
  }
  if (loop < 0)
    return;
  TSNode parent = ol_walk_parent(w, attr);
  ol_kind pk = ol_kind_of(w->sx, parent);
  if ((pk == OL_K_assignment || pk == OL_K_augmented_assignment) &&
      ts_node_eq(ol_child(w->sx, parent, OL_F_left), attr))
    return; /* row.rel = x writes */
  ol_attr_read r = {.loop = loop,
                    .span = ol_node_span(attr),
                    .attr = ol_node_text(w, ol_child(w->sx, attr, OL_F_attribute)),
                    .col = col};
  if (pk == OL_K_attribute && ts_node_eq(ol_child(w->sx, parent, OL_F_object), attr)) {
    r.attr2 = ol_node_text(w, ol_child(w->sx, parent, OL_F_attribute));
    r.span2 = ol_node_span(parent);
    TSNode call = ol_walk_parent(w, parent);
    if (ol_kind_of(w->sx, call) == OL_K_call &&
        ts_node_named_child_count(ol_child(w->sx, call, OL_F_arguments)) == 0)
      r.call2 = ol_node_span(call);
    else
      ol_rows_count_after(w, attr, &r.count2, &r.builders2); /* row.rel.filter(...).count() */
  }
  ol_vec_push(&w->out->reads, r);
}

/* Module-level names (imports, classes, functions) and where imports end. */
void ol_rows_module_statement(ol_walker *w, TSNode stmt) {
  ol_kind k = ol_kind_of(w->sx, stmt);
  if (k == OL_K_import_statement || k == OL_K_import_from_statement) {
    w->out->import_at = ts_node_end_byte(stmt);
    TSNode module = ol_child(w->sx, stmt, OL_F_module_name);
    ol_span mspan = ol_node_span(module); /* empty for `import x` */
    uint32_t ms = mspan.start, ml = mspan.end - mspan.start;
    bool from_sqlalchemy =
        k == OL_K_import_from_statement && ml >= 10 && !memcmp(w->src + ms, "sqlalchemy", 10);
    bool from_flask = k == OL_K_import_from_statement && ol_node_text_is(w, module, "flask");
    for (uint32_t i = 0; i < ts_node_named_child_count(stmt); i++) {
      TSNode c = ts_node_named_child(stmt, i);
      if (ts_node_eq(c, module) || ol_kind_of(w->sx, c) != OL_K_dotted_name)
        continue;
      if (from_sqlalchemy && ol_node_text_is(w, c, "select"))
        w->imports_select = true;
      if (from_flask && ol_node_text_is(w, c, "session"))
        w->flask_session = true;
    }
    uint32_t n = ts_node_named_child_count(stmt);
    for (uint32_t i = 0; i < n; i++) {
      TSNode c = ts_node_named_child(stmt, i);
      if (k == OL_K_import_from_statement && ts_node_eq(c, ol_child(w->sx, stmt, OL_F_module_name)))
        continue;
      if (ol_kind_of(w->sx, c) == OL_K_aliased_import)
        c = ol_child(w->sx, c, OL_F_alias);
      else if (ol_kind_of(w->sx, c) == OL_K_dotted_name)
        c = ts_node_named_child(c, 0);
      if (!ts_node_is_null(c))
        ol_vec_push(&w->out->module_names, ol_node_text(w, c));
    }
  } else if (k == OL_K_class_definition || k == OL_K_function_definition) {
    ol_vec_push(&w->out->module_names, ol_node_text(w, ol_child(w->sx, stmt, OL_F_name)));
  } else if (k == OL_K_decorated_definition) {
    ol_rows_module_statement(w, ol_child(w->sx, stmt, OL_F_definition));
  } else if (k == OL_K_expression_statement &&
             ol_kind_of(w->sx, ts_node_named_child(stmt, 0)) == OL_K_assignment &&
             ol_kind_of(w->sx, ol_child(w->sx, ts_node_named_child(stmt, 0), OL_F_left)) ==
                 OL_K_identifier) {
    ol_vec_push(&w->out->module_names,
                ol_node_text(w, ol_child(w->sx, ts_node_named_child(stmt, 0), OL_F_left)));
  } else if (k == OL_K_expression_statement && !w->out->import_at &&
             ts_node_start_byte(stmt) == 0 &&
             ol_kind_of(w->sx, ts_node_named_child(stmt, 0)) == OL_K_string) {
    w->out->import_at = ts_node_end_byte(stmt); /* after the module docstring */
  }
}

char *ol_rows_single_entity(ol_walker *w, TSNode n) {
  n = ol_unwrap(w, n);
  if (ol_kind_of(w->sx, n) != OL_K_call)
    return NULL;
  TSNode fn = ol_child(w->sx, n, OL_F_function), args = ol_child(w->sx, n, OL_F_arguments);
  if (ol_kind_of(w->sx, fn) != OL_K_attribute)
    return NULL;
  TSNode recv = ol_child(w->sx, fn, OL_F_object), m = ol_child(w->sx, fn, OL_F_attribute);
  static const char *const ONE[] = {"get",          "first",      "one",        "one_or_none",
                                    "first_or_404", "get_or_404", "one_or_404", NULL};
  bool one = false;
  for (const char *const *o = ONE; *o; o++)
    one |= ol_node_text_is(w, m, *o);
  if (!one)
    return NULL;
  ol_valinfo v = ol_classify(w, recv);
  if (v.kind == OL_VAL_QUERY && v.one_entity)
    return ol_node_text(w, v.entity);
  TSNode first = ts_node_named_child(args, 0);
  if ((v.kind == OL_VAL_SESSION || v.kind == OL_VAL_DB) &&
      ol_kind_of(w->sx, first) != OL_K_keyword_argument && !ts_node_is_null(first) &&
      (ol_kind_of(w->sx, first) == OL_K_identifier || ol_kind_of(w->sx, first) == OL_K_attribute)) {
    TSNode last =
        ol_kind_of(w->sx, first) == OL_K_attribute ? ol_child(w->sx, first, OL_F_attribute) : first;
    if (isupper((unsigned char)w->src[ts_node_start_byte(last)]))
      return ol_node_text(w, first);
  }
  return NULL;
}

/* `options=[...]` of a session.get call: the list, null when absent; *other
 * when the keyword holds something else (a variable: unknown options). */
static TSNode options_keyword(ol_walker *w, TSNode args, bool *other) {
  *other = false;
  for (uint32_t i = 0; i < ts_node_named_child_count(args); i++) {
    TSNode a = ts_node_named_child(args, i);
    ol_kind k = ol_kind_of(w->sx, a);
    if (k == OL_K_dictionary_splat) {
      *other = true;
      return (TSNode){0};
    }
    if (k != OL_K_keyword_argument || !ol_node_text_is(w, ol_child(w->sx, a, OL_F_name), "options"))
      continue;
    TSNode v = ol_child(w->sx, a, OL_F_value);
    if (ol_kind_of(w->sx, v) == OL_K_list)
      return v;
    *other = true;
    return (TSNode){0};
  }
  return (TSNode){0};
}

bool ol_rows_one_load(ol_walker *w, TSNode n, ol_rows *out) {
  n = ol_unwrap(w, n);
  if (ol_kind_of(w->sx, n) != OL_K_call)
    return false;
  TSNode fn = ol_child(w->sx, n, OL_F_function), args = ol_child(w->sx, n, OL_F_arguments);
  if (ol_kind_of(w->sx, fn) != OL_K_attribute)
    return false;
  TSNode recv = ol_child(w->sx, fn, OL_F_object), m = ol_child(w->sx, fn, OL_F_attribute);
  static const char *const ONE[] = {"get",         "first",        "one",
                                    "one_or_none", "first_or_404", "get_or_404",
                                    "one_or_404",  "scalar_one",   "scalar_one_or_none",
                                    "get_one",     "scalar",       NULL};
  bool one = false, scalar = false;
  for (const char *const *o = ONE; *o; o++)
    if (ol_node_text_is(w, m, *o))
      one = true, scalar = !strncmp(*o, "scalar", 6);
  if (!one)
    return false;
  ol_valinfo v = ol_classify(w, recv);
  TSNode first = ts_node_named_child(args, 0);
  bool positional = !ts_node_is_null(first) && ol_kind_of(w->sx, first) != OL_K_keyword_argument;
  if ((v.kind == OL_VAL_QUERY || v.kind == OL_VAL_SELECT) && !scalar &&
      rows_from_query(w, recv, out))
    return !out->tuples;
  int func = ol_calls_current(w);
  TSNode r = ol_unwrap(w, recv);
  bool classmethod = func >= 0 && w->out->funcs.items[func].kind == OL_FN_CLASSMETHOD;
  bool cls_query = ol_kind_of(w->sx, r) == OL_K_attribute &&
                   ol_node_text_is(w, ol_child(w->sx, r, OL_F_object), "cls") &&
                   ol_node_text_is(w, ol_child(w->sx, r, OL_F_attribute), "query");
  /* `session.get(cls, oid)` with no loader options */
  bool cls_get = v.kind == OL_VAL_SESSION && positional && ol_node_text_is(w, m, "get") &&
                 ol_node_text_is(w, first, "cls") && ts_node_named_child_count(args) == 2 &&
                 ol_kind_of(w->sx, ts_node_named_child(args, 1)) != OL_K_keyword_argument;
  if (!scalar && classmethod && (cls_query || cls_get)) {
    /* `cls.query.get(oid)`, `session.get(cls, oid)` in a classmethod: one row of whichever
     * model it is called on */
    *out = (ol_rows){.entity = ol_arena_strndup(&w->out->arena, "cls", 3),
                     .query = ol_node_span(n),
                     .last = ol_node_span(n),
                     .stmt = ol_walk_rows_statement(w, n)};
    return true;
  }
  if (v.kind == OL_VAL_QUERY || v.kind == OL_VAL_SELECT)
    return false;
  if (v.kind == OL_VAL_SESSION &&
      (ol_node_text_is(w, m, "get") || ol_node_text_is(w, m, "get_one"))) {
    char *e = ol_rows_single_entity(w, n);
    if (!e)
      return false;
    bool other;
    TSNode list = options_keyword(w, args, &other);
    *out = (ol_rows){.entity = e, .options_kw = true};
    if (other) {
      out->origin = ol_node_text(w, n);
      return true;
    }
    out->query = out->last = ol_node_span(n);
    out->stmt = ol_walk_rows_statement(w, n);
    out->options_args = ol_node_span(list);
    ol_buf eager = {0};
    for (uint32_t i = 0; !ts_node_is_null(list) && i < ts_node_named_child_count(list); i++)
      option_path(w, ts_node_named_child(list, i), &eager);
    char *t = ol_buf_take(&eager);
    out->eager = ol_arena_strndup(&w->out->arena, t, strlen(t));
    ol_free(t);
    return true;
  }
  if (v.kind == OL_VAL_SESSION && positional && ol_node_text_is(w, m, "scalar"))
    return rows_from_query(w, first, out) && first_column(out); /* session.scalar(select(M)) */
  if (v.kind == OL_VAL_DB && positional &&
      (ol_node_text_is(w, m, "first_or_404") || ol_node_text_is(w, m, "one_or_404")))
    return rows_from_query(w, first, out) && first_column(out); /* db.one_or_404(select(M)) */
  if (v.kind == OL_VAL_DB && ol_node_text_is(w, m, "get_or_404")) {
    char *e = ol_rows_single_entity(w, n);
    if (!e)
      return false;
    /* Flask-SQLAlchemy's get_or_404 passes no loader options to session.get. */
    *out = (ol_rows){.entity = e, .origin = ol_node_text(w, n)};
    TSNode key = ts_node_named_child(args, 1);
    uint32_t na = ts_node_named_child_count(args);
    bool plain = na == 2 || (na == 3 && ol_kind_of(w->sx, ts_node_named_child(args, 2)) ==
                                            OL_K_keyword_argument); /* description= */
    if (plain && !ts_node_is_null(key) && ol_kind_of(w->sx, key) != OL_K_keyword_argument &&
        ol_kind_of(w->sx, key) != OL_K_tuple) {
      out->query = out->last = ol_node_span(n);
      out->stmt = ol_walk_rows_statement(w, n);
      out->get_key = ol_node_span(key);
      out->origin = NULL;
    }
    return true;
  }
  /* session.scalars(select(M)).first(), session.execute(select(M)).scalar_one() */
  if (v.kind == OL_VAL_NONE && ol_kind_of(w->sx, ol_unwrap(w, recv)) == OL_K_call &&
      ol_rows_of(w, recv, out)) {
    if (out->tuples && !scalar)
      return false; /* .first() of a Result is a Row */
    return first_column(out);
  }
  return false;
}

void ol_rows_bind_self(ol_walker *w, TSNode params, const char *cls) {
  TSNode p = ts_node_named_child(params, 0);
  if (ol_kind_of(w->sx, p) != OL_K_identifier || !cls)
    return;
  ol_binding b = {.hash = ol_node_hash(w, p), .has_one = true};
  b.one.entity = ol_walk_intern_string(w, cls);
  b.one.origin = ol_node_text(w, p);
  ol_scope_push_binding(w, b);
}
