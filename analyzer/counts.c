/* Count queries outside loops (ORM004): every expression that runs one
 * COUNT — `q.count()`, a query or select() of one func.count() read with
 * .scalar(), `session.scalar(select(func.count())...)`, and calls of project
 * functions that may return a count (the summaries decide) — with what the
 * rule needs to group the counts that run on one path of a function: the
 * branch arms around each, where a return ends its path, which earlier
 * count's result its query or its conditions read, and the shape a fix
 * rewrites. */
#include <stdio.h>
#include <string.h>

#include "walk_internal.h"

/* Builders a count keeps when it becomes a scalar subquery: each gives one
 * row of one count, whatever the filters. */
static const char *const KEEP[] = {"filter",    "filter_by", "where",       "join",
                                   "outerjoin", "order_by",  "select_from", NULL};

static bool text_in(const ol_walker *w, TSNode n, const char *const *list) {
  for (const char *const *s = list; *s; s++)
    if (ol_node_text_is(w, n, *s))
      return true;
  return false;
}

static TSNode method_of(const ol_walker *w, TSNode call, TSNode *recv) {
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  if (ol_kind_of(w->sx, fn) != OL_K_attribute)
    return (TSNode){0};
  *recv = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
  return ol_child(w->sx, fn, OL_F_attribute);
}

static uint32_t n_args(const ol_walker *w, TSNode call) {
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  return ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
}

/* Down a builder chain to its root: `Model.query` or `session.query(...)`
 * (prefix, session), `select(...)`. Clears *keep on a builder a scalar
 * subquery would not keep. Returns the root. */
static TSNode chain_root(ol_walker *w, TSNode n, ol_count_stmt *c, bool *keep) {
  for (int depth = 0; depth < 200 && !ts_node_is_null(n); depth++) {
    n = ol_unwrap(w, n);
    if (ol_kind_of(w->sx, n) == OL_K_attribute) /* Model.query */
      return n;
    if (ol_kind_of(w->sx, n) != OL_K_call)
      return (TSNode){0};
    TSNode fn = ol_child(w->sx, n, OL_F_function);
    if (ol_kind_of(w->sx, fn) == OL_K_identifier) /* select(...) */
      return n;
    TSNode obj, m = method_of(w, n, &obj);
    if (ol_node_text_is(w, m, "query") && ol_classify(w, obj).kind == OL_VAL_SESSION) {
      c->session = ol_node_span(obj);
      return n;
    }
    if (ol_node_text_is(w, m, "select") && ol_node_text_is(w, obj, "sa"))
      return n;
    if (!text_in(w, m, KEEP))
      *keep = false;
    n = obj;
  }
  return (TSNode){0};
}

/* `session.query(func.count(M.id))` / `select(func.count())`: selects one
 * column, a count; *entity gets M when the count names it. */
static bool selects_one_count(ol_walker *w, TSNode root, TSNode *entity) {
  TSNode args = ol_child(w->sx, root, OL_F_arguments);
  if (ts_node_is_null(args) || ts_node_named_child_count(args) != 1)
    return false;
  TSNode a = ol_unwrap(w, ts_node_named_child(args, 0));
  if (ol_kind_of(w->sx, a) != OL_K_call)
    return false;
  TSNode fn = ol_child(w->sx, a, OL_F_function);
  TSNode name = ol_kind_of(w->sx, fn) == OL_K_attribute ? ol_child(w->sx, fn, OL_F_attribute) : fn;
  if (!ol_node_text_is(w, name, "count"))
    return false;
  TSNode inner =
      n_args(w, a) == 1 ? ts_node_named_child(ol_child(w->sx, a, OL_F_arguments), 0) : (TSNode){0};
  if (!ts_node_is_null(inner) && ol_kind_of(w->sx, inner) == OL_K_attribute)
    *entity = ol_child(w->sx, inner, OL_F_object);
  return true;
}

/* The model a select_from(M) in the chain names, else null. */
static TSNode select_from_entity(ol_walker *w, TSNode n) {
  for (int depth = 0; depth < 200 && ol_kind_of(w->sx, n) == OL_K_call; depth++) {
    TSNode obj, m = method_of(w, n, &obj);
    if (ts_node_is_null(m))
      break;
    if (ol_node_text_is(w, m, "select_from") && n_args(w, n) == 1)
      return ts_node_named_child(ol_child(w->sx, n, OL_F_arguments), 0);
    n = obj;
  }
  return (TSNode){0};
}

/* A select or query of func.count read as one value: fills c for a fix
 * that turns `stmt` into a scalar subquery. */
static void select_form(ol_walker *w, TSNode stmt, ol_count_stmt *c) {
  c->form = OL_COUNT_SELECT;
  c->select = ol_node_span(stmt);
  bool keep = true;
  TSNode root = chain_root(w, stmt, c, &keep), entity = {0};
  bool one = !ts_node_is_null(root) && ol_kind_of(w->sx, root) == OL_K_call &&
             selects_one_count(w, root, &entity);
  TSNode from = select_from_entity(w, stmt);
  if (!ts_node_is_null(from))
    entity = from;
  if (!ts_node_is_null(entity) && ol_kind_of(w->sx, ol_unwrap(w, entity)) == OL_K_identifier)
    c->entity = ol_node_text(w, entity);
  c->convertible = keep && one;
}

/* `obj.rel` (obj a name) under a count's builders, or a name bound to such a
 * chain: a relationship of a row whose model the walk does not know; the
 * index says whether rel is one. */
static bool on_rel(ol_walker *w, TSNode n, ol_count_stmt *c) {
  ol_span rel = {0};
  if (ol_kind_of(w->sx, n) == OL_K_attribute &&
      ol_kind_of(w->sx, ol_child(w->sx, n, OL_F_object)) == OL_K_identifier)
    rel = ol_node_span(n);
  else if (ol_kind_of(w->sx, n) == OL_K_identifier) { /* bound in this function only */
    const ol_scope *s = &w->scopes.items[w->scopes.len - 1];
    uint64_t h = ol_node_hash(w, n);
    for (size_t i = s->names.len; i-- > 0;)
      if (s->names.items[i].hash == h) {
        rel = s->names.items[i].on_rel;
        break;
      }
  }
  if (ol_span_empty(rel))
    return false;
  c->form = OL_COUNT_ON_REL;
  c->select = rel;
  return true;
}

ol_span ol_counts_rel_below_builders(ol_walker *w, TSNode n) {
  n = ol_unwrap(w, n);
  for (int depth = 0; depth < 64 && ol_kind_of(w->sx, n) == OL_K_call; depth++) {
    TSNode obj, m = method_of(w, n, &obj);
    if (ts_node_is_null(m) || !ol_exec_is_builder(w, m))
      return (ol_span){0};
    n = obj;
  }
  ol_count_stmt c = {0};
  return on_rel(w, n, &c) ? c.select : (ol_span){0};
}

/* `f(...).filter(...).count()`: the builders down to a call of a name the
 * project may define (the summaries say whether it returns a query); or
 * down to `obj.rel`. */
static bool on_call(ol_walker *w, TSNode recv, ol_count_stmt *c) {
  TSNode n = ol_unwrap(w, recv);
  if (ol_kind_of(w->sx, n) == OL_K_attribute || ol_kind_of(w->sx, n) == OL_K_identifier)
    return on_rel(w, n, c);
  for (int depth = 0; depth < 64 && ol_kind_of(w->sx, n) == OL_K_call; depth++) {
    TSNode obj, m = method_of(w, n, &obj);
    if (ts_node_is_null(m) || !ol_exec_is_builder(w, m)) {
      TSNode fn = ol_child(w->sx, n, OL_F_function);
      ol_kind k = ol_kind_of(w->sx, fn);
      if (k != OL_K_identifier && k != OL_K_attribute)
        return false;
      c->form = OL_COUNT_ON_CALL;
      c->select = ol_node_span(n);
      return true;
    }
    n = obj;
  }
  return on_rel(w, n, c);
}

/* Whether call is a count query; fills c's form and shape. */
/* A count select run by session (`session.execute(<count>)`, `session.scalar(<count>)`). */
static bool session_count(ol_walker *w, TSNode stmt, TSNode session, ol_count_stmt *c) {
  ol_valinfo sv = ol_classify(w, stmt);
  if (sv.kind != OL_VAL_SELECT || !sv.count)
    return false;
  select_form(w, stmt, c);
  c->session = ol_node_span(session);
  return true;
}

static bool count_shape(ol_walker *w, TSNode call, ol_count_stmt *c) {
  TSNode recv, m = method_of(w, call, &recv);
  if (ts_node_is_null(m))
    return false;
  uint32_t args = n_args(w, call);
  if (ol_node_text_is(w, m, "count") && args == 0) { /* <query>.count() */
    ol_valinfo v = ol_classify(w, recv);
    if (v.kind == OL_VAL_NONE)
      return on_call(w, recv, c);
    if (v.kind != OL_VAL_QUERY || v.count)
      return false;
    c->form = OL_COUNT_QUERY;
    c->chain_end = (ol_span){ts_node_end_byte(recv), ts_node_end_byte(recv)};
    if (v.entity.id)
      c->entity = ol_node_text(w, v.entity);
    bool keep = true;
    TSNode root = chain_root(w, recv, c, &keep);
    if (!ts_node_is_null(root) && v.one_entity)
      c->prefix = ol_node_span(root);
    c->convertible = keep && v.one_entity && !ol_span_empty(c->prefix);
    return true;
  }
  bool scalar =
      (ol_node_text_is(w, m, "scalar") || ol_node_text_is(w, m, "scalar_one")) && args == 0;
  if (scalar && ol_classify(w, recv).kind == OL_VAL_QUERY && ol_classify(w, recv).count) {
    select_form(w, recv, c); /* session.query(func.count(M.id)).filter(...).scalar() */
    return true;
  }
  bool row = (ol_node_text_is(w, m, "one") || ol_node_text_is(w, m, "first") ||
              ol_node_text_is(w, m, "one_or_none")) &&
             args == 0;
  if (row && ol_classify(w, recv).kind == OL_VAL_QUERY && ol_classify(w, recv).aggregate) {
    select_form(w, recv, c); /* session.query(func.count(), func.sum(T.d)).filter(...).one() */
    c->convertible = false;  /* a row of totals: not one scalar subquery */
    return true;
  }
  TSNode inner_recv,
      im = ol_kind_of(w->sx, recv) == OL_K_call ? method_of(w, recv, &inner_recv) : (TSNode){0};
  if (scalar && ol_node_text_is(w, im, "execute") && n_args(w, recv) == 1 &&
      ol_classify(w, inner_recv).kind == OL_VAL_SESSION) { /* session.execute(<count>).scalar() */
    return session_count(w, ts_node_named_child(ol_child(w->sx, recv, OL_F_arguments), 0),
                         inner_recv, c);
  }
  if (ol_node_text_is(w, m, "scalar") && args == 1 &&
      ol_classify(w, recv).kind == OL_VAL_SESSION) { /* session.scalar(<count>) */
    return session_count(w, ts_node_named_child(ol_child(w->sx, call, OL_F_arguments), 0), recv, c);
  }
  return false;
}

bool ol_counts_is_count(ol_walker *w, TSNode n) {
  n = ol_unwrap(w, n);
  ol_count_stmt c = {0};
  return ol_kind_of(w->sx, n) == OL_K_call && count_shape(w, n, &c);
}

/* A string literal's text without its quotes (no prefix, no escapes), or NULL. */
static char *plain_string(ol_walker *w, TSNode s) {
  if (ol_kind_of(w->sx, s) != OL_K_string)
    return NULL;
  uint32_t a = ts_node_start_byte(s), b = ts_node_end_byte(s);
  if (b - a < 3 || (w->src[a] != '"' && w->src[a] != '\'') || w->src[b - 1] != w->src[a] ||
      memchr(w->src + a + 1, '\\', b - a - 2) || memchr(w->src + a + 1, w->src[a], b - a - 2))
    return NULL;
  return ol_arena_strndup(&w->out->arena, w->src + a + 1, b - a - 2);
}

/* What the value of node is named where it goes: `name = <count>`, a dict
 * key, a keyword argument, `d["key"] = <count>`. *assigned: the statement
 * is exactly `name = <count>`. */
static char *name_of(ol_walker *w, TSNode node, TSNode stmt, bool *assigned) {
  TSNode p = ol_walk_parent(w, node);
  while (ol_kind_of(w->sx, p) == OL_K_parenthesized_expression ||
         ol_kind_of(w->sx, p) == OL_K_await)
    p = ol_walk_parent(w, p);
  switch (ol_kind_of(w->sx, p)) {
  case OL_K_assignment: {
    TSNode left = ol_child(w->sx, p, OL_F_left);
    if (ol_kind_of(w->sx, left) == OL_K_identifier) {
      *assigned = ol_kind_of(w->sx, stmt) == OL_K_expression_statement &&
                  ts_node_named_child_count(stmt) == 1 &&
                  ts_node_eq(ts_node_named_child(stmt, 0), p);
      return ol_node_text(w, left);
    }
    if (ol_kind_of(w->sx, left) == OL_K_subscript)
      return plain_string(w, ol_child(w->sx, left, OL_F_subscript));
    return NULL;
  }
  case OL_K_pair:
    return plain_string(w, ol_child(w->sx, p, OL_F_key));
  case OL_K_keyword_argument:
    return ol_node_text(w, ol_child(w->sx, p, OL_F_name));
  default:
    return NULL;
  }
}

static void put_token(ol_buf *b, uint32_t base, TSNode branch, uint32_t arm) {
  ol_buf_printf(b, "%s%u:%u", b->len ? " " : "", ts_node_start_byte(branch) - base, arm - base);
}

/* The branch arms between the function and node ("branch:arm" offsets from
 * the function's start, so that they move with it); *guarded when the
 * statement runs node only sometimes (a conditional expression, `and`/`or`). */
static char *arms_of(ol_walker *w, TSNode node, TSNode stmt, uint32_t base, bool *guarded) {
  ol_buf b = {0};
  size_t top = w->path.len;
  while (top > 0 && !ts_node_eq(w->path.items[top - 1], node))
    top--;
  size_t from = 0;
  for (size_t i = w->path.len; i-- > 0;) /* the innermost function */
    if (ol_kind_of(w->sx, w->path.items[i]) == OL_K_function_definition) {
      from = i;
      break;
    }
  bool in_stmt = false;
  for (size_t i = from; i + 1 < top; i++) {
    TSNode n = w->path.items[i], child = w->path.items[i + 1];
    in_stmt |= ts_node_eq(n, stmt);
    switch (ol_kind_of(w->sx, n)) {
    case OL_K_if_statement:
      if (!ts_node_eq(child, ol_child(w->sx, n, OL_F_condition)))
        put_token(&b, base, n, ts_node_start_byte(child));
      break;
    case OL_K_try_statement: /* body and else: one arm; each handler another */
      if (ol_kind_of(w->sx, child) == OL_K_except_clause)
        put_token(&b, base, n, ts_node_start_byte(child));
      else if (ol_kind_of(w->sx, child) != OL_K_finally_clause)
        put_token(&b, base, n, ts_node_start_byte(n));
      break;
    case OL_K_match_statement:
      put_token(&b, base, n, ts_node_start_byte(child));
      break;
    case OL_K_conditional_expression:
      *guarded = true;
      if (!ts_node_eq(child, ts_node_named_child(n, 1)))
        put_token(&b, base, n, ts_node_start_byte(child));
      break;
    case OL_K_boolean_operator:
      *guarded |= in_stmt && !ts_node_eq(child, ts_node_named_child(n, 0));
      break;
    default:
      break;
    }
  }
  char *arms = b.len ? ol_arena_strndup(&w->out->arena, b.s, b.len) : NULL;
  ol_buf_free(&b);
  return arms;
}

static bool is_exit(const ol_walker *w, TSNode n) {
  ol_kind k = ol_kind_of(w->sx, n);
  return k == OL_K_return_statement || k == OL_K_raise_statement;
}

/* Past this byte nothing of the function runs after stmt: the end of the
 * innermost block whose statements from stmt's on include a return or a
 * raise (control never leaves it). 0 when none. */
#define MAX_EXIT_SEARCH 64
static uint32_t path_end(ol_walker *w, TSNode stmt) {
  TSNode cur = stmt;
  for (int depth = 0; depth < 64 && !ts_node_is_null(cur); depth++) {
    TSNode block = ol_walk_parent(w, cur);
    if (ts_node_is_null(block) || ol_kind_of(w->sx, block) != OL_K_block)
      break;
    TSNode sib = cur;
    for (int i = 0; i < MAX_EXIT_SEARCH && !ts_node_is_null(sib);
         i++, sib = ts_node_next_named_sibling(sib))
      if (is_exit(w, sib))
        return ts_node_end_byte(block);
    TSNode owner = ol_walk_parent(w, block);
    ol_kind ok = ol_kind_of(w->sx, owner);
    if (ok == OL_K_function_definition || ok == OL_K_class_definition || ts_node_is_null(owner))
      break;
    if (ok == OL_K_else_clause || ok == OL_K_elif_clause || ok == OL_K_except_clause ||
        ok == OL_K_finally_clause)
      owner = ol_walk_parent(w, owner);
    cur = owner;
  }
  return 0;
}

/* The latest count (and the latest project call) whose result the names
 * in n read, through the names assigned from them. */
static void note_deps(ol_walker *w, TSNode n, uint32_t scope, int32_t *count, int32_t *call) {
  if (!w->count_taints.len)
    return;
  ol_name_refs names = {0};
  ol_collect_names(w, n, &names);
  for (size_t i = 0; i < names.len; i++)
    for (size_t t = w->count_taints.len; t-- > 0;) {
      const ol_count_taint *ct = &w->count_taints.items[t];
      if (ct->scope != scope || ct->hash != names.items[i].hash)
        continue;
      if (ct->count > *count)
        *count = ct->count;
      if (ct->call > *call)
        *call = ct->call;
      break;
    }
  ol_vec_free(&names);
}

/* Conditions of the ifs around node, which decide whether it runs. */
static void condition_deps(ol_walker *w, TSNode node, uint32_t scope, ol_count_stmt *c) {
  for (size_t i = w->path.len; i-- > 0;) {
    TSNode n = w->path.items[i];
    ol_kind k = ol_kind_of(w->sx, n);
    if (k == OL_K_function_definition)
      break;
    if (k != OL_K_if_statement && k != OL_K_elif_clause && k != OL_K_conditional_expression)
      continue;
    TSNode cond = k == OL_K_conditional_expression ? ts_node_named_child(n, 1)
                                                   : ol_child(w->sx, n, OL_F_condition);
    if (!ts_node_is_null(cond) && !(ts_node_start_byte(node) >= ts_node_start_byte(cond) &&
                                    ts_node_end_byte(node) <= ts_node_end_byte(cond)))
      note_deps(w, cond, scope, &c->dep, &c->dep_call);
  }
}

/* Whether n holds a for or while loop (work per row, which may write). */
static bool has_loop(const ol_walker *w, TSNode n) {
  TSTreeCursor c = ts_tree_cursor_new(n);
  bool found = false;
  for (bool more = ts_tree_cursor_goto_first_child(&c); more && !found;) {
    ol_kind k = ol_kind_of(w->sx, ts_tree_cursor_current_node(&c));
    found = k == OL_K_for_statement || k == OL_K_while_statement;
    if (k != OL_K_function_definition && k != OL_K_class_definition &&
        ts_tree_cursor_goto_first_child(&c))
      continue;
    while (!(more = ts_tree_cursor_goto_next_sibling(&c)))
      if (!ts_tree_cursor_goto_parent(&c) || ts_node_eq(ts_tree_cursor_current_node(&c), n))
        break;
  }
  ts_tree_cursor_delete(&c);
  return found;
}

/* `if q.count(): for ...`: the end of the if statement whose condition
 * holds the call and whose arms run loops (work the count decides, which may
 * change what later counts see); 0 otherwise. */
static uint32_t decides_end(ol_walker *w) {
  for (size_t i = w->path.len; i-- > 1;) {
    TSNode n = w->path.items[i - 1];
    ol_kind k = ol_kind_of(w->sx, n);
    if (k == OL_K_function_definition || k == OL_K_block)
      return 0;
    if ((k == OL_K_if_statement || k == OL_K_while_statement) &&
        ts_node_eq(w->path.items[i], ol_child(w->sx, n, OL_F_condition)))
      return has_loop(w, n) ? ts_node_end_byte(n) : 0;
  }
  return 0;
}

bool ol_counts_note_write(ol_walker *w, TSNode call) {
  if (!ol_exec_is_session_write(w, call))
    return false;
  w->count_write = ts_node_start_byte(call); /* a count after it may see other rows */
  w->count_write_scope = w->scopes.items[w->scopes.len - 1].span.start;
  return true;
}

static void record(ol_walker *w, TSNode call, ol_scope *scope, ol_count_stmt *cp);

void ol_counts_check_call(ol_walker *w, TSNode call) {
  ol_scope *scope = &w->scopes.items[w->scopes.len - 1];
  if (scope->is_lambda)
    return; /* deferred: runs where the lambda is called */
  if (ol_counts_note_write(w, call))
    return;
  ol_count_stmt c = {.dep = -1, .dep_call = -1, .load = -1};
  if (!count_shape(w, call, &c)) {
    const ol_call_fact *last =
        w->out->calls.len ? &w->out->calls.items[w->out->calls.len - 1] : NULL;
    if (!last || last->loop >= 0 || last->attr_only ||
        last->at.span.start != ts_node_start_byte(call) ||
        last->at.span.end != ts_node_end_byte(call))
      return;
    c.form = OL_COUNT_CALL; /* a count when the callee's summary says it returns one */
  }
  record(w, call, scope, &c);
}

/* Whether the function's entries since the last 64 hold a read of the same
 * `obj.attr` on the same load: loaded once, read again. */
static bool read_before(ol_walker *w, TSNode attr, uint32_t scope, const ol_rows *load) {
  uint32_t a = ts_node_start_byte(attr), len = ts_node_end_byte(attr) - a;
  for (size_t i = w->out->count_stmts.len, n = 0; i-- > 0 && n < 64; n++) {
    const ol_count_stmt *c = &w->out->count_stmts.items[i];
    if (c->scope.start != scope)
      return false;
    if (c->form == OL_COUNT_ON_ATTR && c->select.end - c->select.start == len &&
        !memcmp(w->src + c->select.start, w->src + a, len) &&
        (c->load < 0
             ? !load
             : load && w->out->func_rows.items[c->load].rows.stmt.start == load->stmt.start))
      return true;
  }
  return false;
}

/* `obj.attr` read as a value outside loops, obj one row of a model (`self`
 * in a method, a name bound to a one-row load): a COUNT when the index says
 * attr is a deferred count column property of the model its load does not
 * undefer (its first read on the object loads it by its own query). */
void ol_counts_check_attribute(ol_walker *w, TSNode attr) {
  ol_scope *scope = &w->scopes.items[w->scopes.len - 1];
  TSNode obj = ol_child(w->sx, attr, OL_F_object);
  if (scope->is_lambda || ol_kind_of(w->sx, obj) != OL_K_identifier)
    return;
  const ol_binding *b = ol_scope_binding(w, ol_node_hash(w, obj));
  if (!b || !b->has_one || b->has_rows || !b->one.entity || !strcmp(b->one.entity, "cls"))
    return;
  TSNode parent = ol_walk_parent(w, attr);
  ol_kind pk = ol_kind_of(w->sx, parent);
  if (pk == OL_K_attribute || pk == OL_K_subscript || pk == OL_K_call ||
      pk == OL_K_delete_statement ||
      ((pk == OL_K_assignment || pk == OL_K_augmented_assignment) &&
       ts_node_eq(ol_child(w->sx, parent, OL_F_left), attr)))
    return; /* `o.a.b`, `o.a[i]`, `o.a(...)`, `o.a = x`: not the value of a column */
  const ol_rows *load = ol_span_empty(b->one.query) ? NULL : &b->one;
  if (read_before(w, attr, scope->span.start, load))
    return;
  ol_count_stmt c = {.dep = -1, .dep_call = -1, .load = -1, .form = OL_COUNT_ON_ATTR};
  c.select = ol_node_span(attr);
  c.entity = b->one.entity;
  if (load) {
    c.load = (int32_t)w->out->func_rows.len;
    ol_func_rows fr = {.rows = *load};
    fr.at.span = load->stmt;
    ol_vec_push(&w->out->func_rows, fr);
  }
  record(w, attr, scope, &c);
}

static void record(ol_walker *w, TSNode call, ol_scope *scope, ol_count_stmt *cp) {
  ol_count_stmt c = *cp;
  TSNode node = call;
  for (TSNode p = ol_walk_parent(w, node); ol_kind_of(w->sx, p) == OL_K_await;
       p = ol_walk_parent(w, p)) {
    node = p;
    c.convertible = false; /* an AsyncSession's counts: the combined query is awaited too */
  }
  TSNode args_of = ol_walk_parent(w, node), outer = ol_walk_parent(w, args_of);
  if (ol_kind_of(w->sx, args_of) == OL_K_argument_list && ol_kind_of(w->sx, outer) == OL_K_call &&
      ol_node_text_is(w, ol_child(w->sx, outer, OL_F_function), "len"))
    return; /* len(q.all()) is ORM005's */
  TSNode stmt = ol_walk_statement(w, node);
  c.stmt = ol_node_span(stmt);
  c.call = ol_node_span(node);
  c.scope = scope->span;
  c.name = name_of(w, node, stmt, &c.assigned);
  c.simple = ol_kind_of(w->sx, stmt) == OL_K_expression_statement ||
             ol_kind_of(w->sx, stmt) == OL_K_return_statement;
  c.arms = arms_of(w, node, stmt, scope->span.start, &c.guarded);
  c.path_end = path_end(w, stmt);
  if (w->count_write && w->count_write_scope == scope->span.start)
    c.write_before = w->count_write;
  TSNode next = ts_node_next_named_sibling(stmt);
  while (!ts_node_is_null(next) && ol_kind_of(w->sx, next) == OL_K_comment)
    next = ts_node_next_named_sibling(next);
  c.next_start = ts_node_is_null(next) ? 0 : ts_node_start_byte(next);
  if (c.form != OL_COUNT_ON_ATTR) { /* what loaded the object undefers every column at once */
    note_deps(w, c.form == OL_COUNT_CALL ? call : node, scope->span.start, &c.dep, &c.dep_call);
    condition_deps(w, node, scope->span.start, &c);
    c.decides_end = decides_end(w);
  }
  ol_vec_push(&w->out->count_stmts, c);
}

/* The counts in the conditions of the ifs around node, and those their
 * names read: what decides whether an assignment there runs. */
static void controlled_by(ol_walker *w, TSNode node, uint32_t scope, int32_t *count,
                          int32_t *call) {
  for (size_t i = w->path.len; i-- > 0;) {
    TSNode n = w->path.items[i];
    ol_kind k = ol_kind_of(w->sx, n);
    if (k == OL_K_function_definition)
      break;
    if (k != OL_K_if_statement && k != OL_K_elif_clause)
      continue;
    TSNode cond = ol_child(w->sx, n, OL_F_condition);
    if (ts_node_is_null(cond) || (ts_node_start_byte(node) >= ts_node_start_byte(cond) &&
                                  ts_node_end_byte(node) <= ts_node_end_byte(cond)))
      continue;
    for (size_t j = w->out->count_stmts.len; j-- > 0;) {
      const ol_count_stmt *c = &w->out->count_stmts.items[j];
      if (c->call.start < ts_node_start_byte(cond))
        break;
      if (c->call.end > ts_node_end_byte(cond) || c->form == OL_COUNT_ON_ATTR)
        continue;
      int32_t *slot = c->form >= OL_COUNT_CALL ? call : count;
      if ((int32_t)j > *slot)
        *slot = (int32_t)j;
    }
    note_deps(w, cond, scope, count, call);
  }
}

/* `x = <...count...>`: x holds a count's result (or a project call's, which
 * may be one), and so does every name assigned from x. */
void ol_counts_check_assignment(ol_walker *w, TSNode assign) {
  TSNode left = ol_child(w->sx, assign, OL_F_left), right = ol_child(w->sx, assign, OL_F_right);
  if (ts_node_is_null(right) || ts_node_is_null(left))
    return;
  uint32_t scope = w->scopes.items[w->scopes.len - 1].span.start;
  int32_t count = -1, call = -1;
  for (size_t i = w->out->count_stmts.len; i-- > 0;) {
    const ol_count_stmt *c = &w->out->count_stmts.items[i];
    if (c->call.start < ts_node_start_byte(right))
      break;
    if (c->call.end > ts_node_end_byte(right) || c->form == OL_COUNT_ON_ATTR)
      continue; /* a column's value: what it depends on is the object's load, not a query */
    if (c->form >= OL_COUNT_CALL && call < 0)
      call = (int32_t)i;
    if (c->form < OL_COUNT_CALL && count < 0)
      count = (int32_t)i;
  }
  note_deps(w, right, scope, &count, &call);
  controlled_by(w, assign, scope, &count, &call);
  if (count < 0 && call < 0)
    return;
  ol_name_refs names = {0};
  if (ol_kind_of(w->sx, left) == OL_K_identifier)
    ol_vec_push(&names, ((ol_name_ref){ol_node_hash(w, left), ol_node_span(left)}));
  else if (ol_kind_of(w->sx, left) == OL_K_pattern_list ||
           ol_kind_of(w->sx, left) == OL_K_tuple_pattern)
    for (uint32_t i = 0; i < ts_node_named_child_count(left); i++) {
      TSNode n = ts_node_named_child(left, i);
      if (ol_kind_of(w->sx, n) == OL_K_identifier)
        ol_vec_push(&names, ((ol_name_ref){ol_node_hash(w, n), ol_node_span(n)}));
    }
  else if (ol_kind_of(w->sx, left) == OL_K_subscript ||
           ol_kind_of(w->sx, left) == OL_K_attribute) { /* d["a"] = n, o.a = n: d, o hold it */
    TSNode v = left;
    for (int depth = 0; depth < 16 && (ol_kind_of(w->sx, v) == OL_K_subscript ||
                                       ol_kind_of(w->sx, v) == OL_K_attribute);
         depth++)
      v = ol_child(w->sx, v, ol_kind_of(w->sx, v) == OL_K_subscript ? OL_F_value : OL_F_object);
    if (ol_kind_of(w->sx, v) == OL_K_identifier)
      ol_vec_push(&names, ((ol_name_ref){ol_node_hash(w, v), ol_node_span(v)}));
  }
  for (size_t i = 0; i < names.len; i++) {
    ol_count_taint t = {.hash = names.items[i].hash, .scope = scope, .count = count, .call = call};
    ol_vec_push(&w->count_taints, t);
  }
  ol_vec_free(&names);
}

/* `return <value>` whose value holds what a count of this function computed
 * (`return {"users": q1.count(), "posts": q2.count()}`, `return page` after
 * `page = Pagination(p, n, q.count())`): a call of the function runs that
 * count for its caller, as `return q.count()` does. Called once the
 * statement's counts are recorded. */
void ol_counts_check_return(ol_walker *w, TSNode ret) {
  int func = ol_calls_current(w);
  if (func < 0 || w->out->funcs.items[func].returns_count || ts_node_named_child_count(ret) == 0)
    return;
  ol_scope *scope = &w->scopes.items[w->scopes.len - 1];
  int32_t count = -1, call = -1;
  for (size_t i = w->out->count_stmts.len; i-- > 0 && count < 0;) {
    const ol_count_stmt *c = &w->out->count_stmts.items[i];
    if (c->call.start < ts_node_start_byte(ret))
      break;
    if (c->form < OL_COUNT_CALL && c->call.end <= ts_node_end_byte(ret) &&
        c->scope.start == scope->span.start)
      count = (int32_t)i;
  }
  if (count < 0)
    note_deps(w, ret, scope->span.start, &count, &call);
  if (count >= 0 && w->out->count_stmts.items[count].form < OL_COUNT_CALL)
    w->out->funcs.items[func].returns_count = true;
}
