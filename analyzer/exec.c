/* Query recognition (DESIGN.md "Query execution"): which expressions are
 * queries, sessions or statements, which calls execute SQL, and, for each
 * executing site, the filters a batching fix could key on. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "walk_internal.h"

static const char *const TERMINALS[] = {
    "all",          "first",      "one",        "one_or_none", "scalar", "count",  "get",
    "first_or_404", "get_or_404", "one_or_404", "paginate",    "delete", "update", NULL};
static const char *const BUILDERS[] = {"filter",
                                       "filter_by",
                                       "join",
                                       "outerjoin",
                                       "options",
                                       "order_by",
                                       "limit",
                                       "offset",
                                       "group_by",
                                       "having",
                                       "distinct",
                                       "with_entities",
                                       "add_columns",
                                       "add_entity",
                                       "select_from",
                                       "enable_eagerloads",
                                       "execution_options",
                                       "params",
                                       "yield_per",
                                       "union",
                                       "union_all",
                                       "intersect",
                                       "except_",
                                       "correlate",
                                       "autoflush",
                                       "populate_existing",
                                       "with_for_update",
                                       "from_self",
                                       "reset_joinpoint",
                                       "where",
                                       "with_parent",
                                       "slice",
                                       "with_hint",
                                       "prefix_with",
                                       "suffix_with",
                                       "enable_assertions",
                                       "join_from",
                                       "outerjoin_from",
                                       "with_labels",
                                       "order_by",
                                       "with_session",
                                       "set_label_style",
                                       "filter_by",
                                       NULL};
/* Builders a keyed batch can keep: they do not change which rows match a key. */
static const char *const BATCH_SAFE[] = {"filter",
                                         "filter_by",
                                         "where",
                                         "options",
                                         "order_by",
                                         "execution_options",
                                         "populate_existing",
                                         "autoflush",
                                         "enable_eagerloads",
                                         NULL};
static const char *const SESSION_EXEC[] = {"execute", "scalars", "scalar", "get", "get_one", NULL};
static const char *const DB_HELPERS[] = {"get_or_404", "first_or_404", "one_or_404", "paginate",
                                         NULL};
static const char *const ITER_CONSUMERS[] = {
    "list", "tuple", "set", "frozenset", "sorted", "enumerate", "zip",  "any",
    "all",  "sum",   "min", "max",       "map",    "filter",    "dict", NULL};
static const char *const SESSION_WRITES[] = {"add",
                                             "add_all",
                                             "delete",
                                             "merge",
                                             "commit",
                                             "flush",
                                             "bulk_save_objects",
                                             "bulk_insert_mappings",
                                             "bulk_update_mappings",
                                             NULL};

static bool in_list(const char *const *list, const char *s, size_t len) {
  for (; *list; list++)
    if (strlen(*list) == len && memcmp(*list, s, len) == 0)
      return true;
  return false;
}

static bool node_in_list(const ol_walker *w, TSNode n, const char *const *list) {
  return !ts_node_is_null(n) &&
         in_list(list, w->src + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
}

/* One of the config's query-terminals (extra terminal method names). */
static bool is_extra_terminal(const ol_config *c, const char *s, size_t len) {
  for (size_t i = 0; i < c->n_query_terminals; i++)
    if (strlen(c->query_terminals[i]) == len && memcmp(c->query_terminals[i], s, len) == 0)
      return true;
  return false;
}

bool ol_exec_is_terminal(const ol_walker *w, TSNode name) {
  return node_in_list(w, name, TERMINALS) ||
         (!ts_node_is_null(name) &&
          is_extra_terminal(w->cfg, w->src + ts_node_start_byte(name),
                            ts_node_end_byte(name) - ts_node_start_byte(name)));
}
bool ol_exec_is_builder(const ol_walker *w, TSNode name) { return node_in_list(w, name, BUILDERS); }

TSNode ol_exec_below_builders(ol_walker *w, TSNode n, int max_depth, int *builders) {
  *builders = 0;
  n = ol_unwrap(w, n);
  for (; *builders < max_depth && ol_kind_of(w->sx, n) == OL_K_call; ++*builders) {
    TSNode fn = ol_child(w->sx, n, OL_F_function);
    if (ol_kind_of(w->sx, fn) != OL_K_attribute ||
        !ol_exec_is_builder(w, ol_child(w->sx, fn, OL_F_attribute)))
      break;
    n = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
  }
  return n;
}

static bool matches(const ol_walker *w, const pcre2_code *re, TSNode n) {
  uint32_t s = ts_node_start_byte(n), e = ts_node_end_byte(n);
  if (e - s > 200)
    return false;
  /* Only plain dotted names can be sessions; skip calls and subscripts quickly. */
  for (uint32_t i = s; i < e; i++) {
    unsigned char c = (unsigned char)w->src[i];
    if (!(isalnum(c) || c == '_' || c == '.' || c >= 0x80))
      return false;
  }
  return ol_re_match(re, w->src + s, e - s);
}

TSNode ol_unwrap(const ol_walker *w, TSNode n) {
  for (int i = 0; i < 64 && !ts_node_is_null(n); i++) {
    ol_kind k = ol_kind_of(w->sx, n);
    if (k != OL_K_parenthesized_expression && k != OL_K_await)
      break;
    n = ts_node_named_child(n, 0);
  }
  return n;
}

static bool is_capword_name(const ol_walker *w, TSNode n) {
  ol_kind k = ol_kind_of(w->sx, n);
  if (k == OL_K_attribute)
    n = ol_child(w->sx, n, OL_F_attribute);
  else if (k != OL_K_identifier)
    return false;
  if (ts_node_is_null(n))
    return false;
  unsigned char c = (unsigned char)w->src[ts_node_start_byte(n)];
  return isupper(c);
}

/* `self.role_model` in a method: a class attribute that may name a model
 * (`role_model = Role`); the index resolves it for the method's class. */
static bool is_self_model_attr(const ol_walker *w, TSNode n) {
  if (ol_kind_of(w->sx, n) != OL_K_attribute)
    return false;
  TSNode obj = ol_child(w->sx, n, OL_F_object), attr = ol_child(w->sx, n, OL_F_attribute);
  return ol_kind_of(w->sx, obj) == OL_K_identifier && ol_node_text_is(w, obj, "self") &&
         !ts_node_is_null(attr);
}

/* Whether an argument list selects func.count(...) / count(...). */
static bool args_count(const ol_walker *w, TSNode args) {
  if (ts_node_is_null(args))
    return false;
  uint32_t s = ts_node_start_byte(args), e = ts_node_end_byte(args);
  return memmem(w->src + s, e - s, "count(", 6) != NULL;
}

/* `func.sum(...)`, `db.func.count()`: an aggregate (any function of `func`). */
static bool is_func_call(const ol_walker *w, TSNode a) {
  a = ol_unwrap(w, a);
  for (int i = 0; i < 4 && ol_kind_of(w->sx, a) == OL_K_call; i++) { /* func.sum(x).label("n") */
    TSNode fn = ol_child(w->sx, a, OL_F_function);
    if (ol_kind_of(w->sx, fn) != OL_K_attribute)
      return false;
    TSNode obj = ol_child(w->sx, fn, OL_F_object);
    if (ol_node_text_is(w, obj, "func") ||
        (ol_kind_of(w->sx, obj) == OL_K_attribute &&
         ol_node_text_is(w, ol_child(w->sx, obj, OL_F_attribute), "func")))
      return true;
    a = obj;
  }
  return false;
}

/* Every column an aggregate: `session.query(func.count(), func.sum(T.d))`. */
static bool args_aggregate(const ol_walker *w, TSNode args) {
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++)
    if (!is_func_call(w, ts_node_named_child(args, i)))
      return false;
  return n > 0;
}

static ol_valinfo entity_of_args(const ol_walker *w, TSNode args, ol_val kind) {
  ol_valinfo v = {.kind = kind};
  if (ts_node_is_null(args))
    return v;
  v.count = args_count(w, args);
  v.aggregate = v.count && args_aggregate(w, args);
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n && i < 4; i++) {
    TSNode a = ts_node_named_child(args, i);
    ol_kind k = ol_kind_of(w->sx, a);
    if (k == OL_K_keyword_argument || k == OL_K_list_splat || k == OL_K_comment) {
      v.n_cols = 0;
      break;
    }
    v.cols[i] = is_capword_name(w, a) ? a : (TSNode){0};
    v.n_cols = (uint8_t)(i + 1);
  }
  if (n > 4)
    v.n_cols = 0;
  if (n == 1) {
    TSNode a = ts_node_named_child(args, 0);
    if (is_capword_name(w, a) || is_self_model_attr(w, a)) {
      v.one_entity = true;
      v.entity = a;
    }
  }
  return v;
}

static ol_valinfo classify_call(ol_walker *w, TSNode call, int depth);

static ol_valinfo classify_at(ol_walker *w, TSNode n, int depth) {
  ol_valinfo none = {0};
  n = ol_unwrap(w, n);
  if (ts_node_is_null(n) || depth > 200)
    return none;
  switch (ol_kind_of(w->sx, n)) {
  case OL_K_identifier:
    if (w->flask_session && ol_node_text_is(w, n, "session"))
      return none;
    if (matches(w, w->cfg->session_re, n))
      return (ol_valinfo){.kind = OL_VAL_SESSION};
    if (matches(w, w->cfg->db_re, n))
      return (ol_valinfo){.kind = OL_VAL_DB};
    if (ol_node_text_is(w, n, "select") || ol_node_text_is(w, n, "Session"))
      return none;
    {
      const ol_binding *b = ol_scope_binding(w, ol_node_hash(w, n));
      return b ? (ol_valinfo){.kind = b->kind, .count = b->count, .aggregate = b->aggregate} : none;
    }
  case OL_K_attribute: {
    TSNode obj = ol_child(w->sx, n, OL_F_object), attr = ol_child(w->sx, n, OL_F_attribute);
    if (ol_node_text_is(w, attr, "query") && is_capword_name(w, obj))
      return (ol_valinfo){.kind = OL_VAL_QUERY, .one_entity = true, .entity = obj};
    if (ol_node_text_is(w, attr, "query") && ol_node_text_is(w, obj, "cls"))
      return (ol_valinfo){.kind = OL_VAL_QUERY}; /* a model's classmethod: the model is not named */
    if (matches(w, w->cfg->session_re, n))
      return (ol_valinfo){.kind = OL_VAL_SESSION};
    if (matches(w, w->cfg->db_re, n))
      return (ol_valinfo){.kind = OL_VAL_DB};
    return none;
  }
  case OL_K_call:
    return classify_call(w, n, depth);
  case OL_K_list:
  case OL_K_list_comprehension:
    return (ol_valinfo){.kind = OL_VAL_LIST};
  default:
    return none;
  }
}

static ol_valinfo classify_call(ol_walker *w, TSNode call, int depth) {
  ol_valinfo none = {0};
  TSNode fn = ol_child(w->sx, call, OL_F_function), args = ol_child(w->sx, call, OL_F_arguments);
  ol_kind fk = ol_kind_of(w->sx, fn);
  if (fk == OL_K_identifier) {
    if (ol_node_text_is(w, fn, "select"))
      return entity_of_args(w, args, OL_VAL_SELECT);
    if (ol_node_text_is(w, fn, "list") || ol_node_text_is(w, fn, "sorted"))
      return (ol_valinfo){.kind = OL_VAL_LIST};
    return none;
  }
  if (fk != OL_K_attribute)
    return none;
  TSNode obj = ol_child(w->sx, fn, OL_F_object), m = ol_child(w->sx, fn, OL_F_attribute);
  if (ol_node_text_is(w, m, "select") && ol_node_text_is(w, obj, "sa"))
    return entity_of_args(w, args, OL_VAL_SELECT);
  ol_valinfo recv = classify_at(w, obj, depth + 1);
  if (recv.kind == OL_VAL_DB && ol_node_text_is(w, m, "select")) /* Flask-SQLAlchemy's db.select */
    return entity_of_args(w, args, OL_VAL_SELECT);
  if (recv.kind == OL_VAL_SESSION && ol_node_text_is(w, m, "query"))
    return entity_of_args(w, args, OL_VAL_QUERY);
  if (recv.kind == OL_VAL_QUERY && node_in_list(w, m, BUILDERS)) {
    if (ol_node_text_is(w, m, "with_entities") || ol_node_text_is(w, m, "add_columns") ||
        ol_node_text_is(w, m, "add_entity")) {
      recv.one_entity = false;
      recv.n_cols = 0;
      recv.count |= args_count(w, args);
      recv.aggregate =
          ol_node_text_is(w, m, "with_entities") && args_count(w, args) && args_aggregate(w, args);
    }
    if (ol_node_text_is(w, m, "group_by"))
      recv.aggregate = recv.count = false; /* a row per group: rows, not one count */
    return recv;
  }
  if (recv.kind == OL_VAL_QUERY && ol_node_text_is(w, m, "all"))
    return (ol_valinfo){.kind = OL_VAL_LIST};
  if (recv.kind == OL_VAL_SELECT) {
    if (ol_node_text_is(w, m, "add_columns")) /* scalars() still gives the first column */
      recv.n_cols = 0;
    if (ol_node_text_is(w, m, "with_only_columns"))
      recv.n_cols = 0, recv.one_entity = false;
    if (ol_node_text_is(w, m, "group_by"))
      recv.aggregate = recv.count = false; /* a row per group: rows, not one count */
    return recv;                           /* select(...).where(...)... */
  }
  return none;
}

ol_valinfo ol_classify(ol_walker *w, TSNode n) { return classify_at(w, n, 0); }

/* ---- sites ------------------------------------------------------------- */

/* A session call's Result can be read once: a hoist must take the reads
 * with it (`.scalars().all()`, `.first()`), or not hoist at all. */
static ol_span result_hoist(ol_walker *w, TSNode site, ol_query_site *s) {
  static const char *const DONE[] = {
      "all",      "first",    "one", "one_or_none", "scalar", "scalar_one", "scalar_one_or_none",
      "fetchall", "fetchone", NULL};
  TSNode cur = site, last = (TSNode){0};
  for (int i = 0; i < 8; i++) {
    TSNode p = ol_walk_parent(w, cur);
    if (ol_kind_of(w->sx, p) == OL_K_parenthesized_expression)
      p = ol_walk_parent(w, p);
    if (ol_kind_of(w->sx, p) != OL_K_attribute)
      break;
    TSNode call = ol_walk_parent(w, p);
    if (ol_kind_of(w->sx, call) != OL_K_call)
      break;
    cur = call;
    last = ol_child(w->sx, p, OL_F_attribute);
  }
  if (!node_in_list(w, last, DONE))
    return (ol_span){0};
  if (ol_node_text_is(w, last, "all") || ol_node_text_is(w, last, "fetchall"))
    strcpy(s->copy_fn, "list");
  if (ol_node_text_is(w, last, "one") || ol_node_text_is(w, last, "scalar_one"))
    s->raises = true;
  return ol_node_span(cur);
}

/* Path kinds between a site and its loop that make it run for some rows only. */
static void guards(ol_walker *w, ol_query_site *s) {
  if (s->loop < 0)
    return;
  ol_span loop = w->out->loops.items[s->loop].node;
  for (size_t i = w->path.len; i-- > 0;) {
    TSNode n = w->path.items[i];
    if (ts_node_start_byte(n) == loop.start && ts_node_end_byte(n) == loop.end)
      return;
    switch (ol_kind_of(w->sx, n)) {
    case OL_K_except_clause:
      s->in_except |= !ol_exec_catches_miss(w, n);
      s->guarded = true;
      break;
    case OL_K_try_statement:
      s->in_try = true; /* fallthrough */
    case OL_K_if_statement:
    case OL_K_conditional_expression:
    case OL_K_boolean_operator:
    case OL_K_match_statement:
    case OL_K_if_clause:
      s->guarded = true;
      break;
    default:
      break;
    }
  }
}

/* `for key, value in d.items(): if key == "roles": f()`: the keys of a dict
 * are distinct, so a branch on one of them runs once in the whole loop. */
bool ol_exec_once_per_loop(ol_walker *w, TSNode node, int loop) {
  if (loop < 0)
    return false;
  ol_span l = w->out->loops.items[loop].node;
  size_t at = w->path.len;
  while (at > 0 && !(ts_node_start_byte(w->path.items[at - 1]) == l.start &&
                     ts_node_end_byte(w->path.items[at - 1]) == l.end))
    at--;
  if (!at)
    return false;
  TSNode stmt = w->path.items[at - 1];
  if (ol_kind_of(w->sx, stmt) != OL_K_for_statement)
    return false;
  TSNode target = ol_child(w->sx, stmt, OL_F_left);
  TSNode it = ol_unwrap(w, ol_child(w->sx, stmt, OL_F_right));
  ol_kind tk = ol_kind_of(w->sx, target);
  if (tk == OL_K_pattern_list || tk == OL_K_tuple_pattern)
    target = ts_node_named_child(target, 0);
  if (ol_kind_of(w->sx, target) != OL_K_identifier)
    return false;
  ol_kind ik = ol_kind_of(w->sx, it);
  bool unique = ik == OL_K_dictionary || ik == OL_K_set || ik == OL_K_dictionary_comprehension ||
                ik == OL_K_set_comprehension;
  if (ik == OL_K_call) {
    TSNode fn = ol_child(w->sx, it, OL_F_function);
    unique = ol_kind_of(w->sx, fn) == OL_K_attribute &&
             (ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "items") ||
              ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "keys"));
  }
  if (!unique)
    return false;
  uint64_t key = ol_node_hash(w, target);
  for (size_t p = at; p < w->path.len; p++) {
    TSNode n = w->path.items[p];
    ol_kind k = ol_kind_of(w->sx, n);
    if (k != OL_K_if_statement && k != OL_K_elif_clause)
      continue;
    TSNode body = ol_child(w->sx, n, OL_F_consequence);
    TSNode next = p + 1 < w->path.len ? w->path.items[p + 1] : node;
    if (!ts_node_eq(body, next))
      continue;
    TSNode cond = ol_unwrap(w, ol_child(w->sx, n, OL_F_condition));
    if (ol_kind_of(w->sx, cond) != OL_K_comparison_operator ||
        ts_node_named_child_count(cond) != 2 || !ol_node_text_is(w, ts_node_child(cond, 1), "=="))
      continue;
    TSNode a = ts_node_named_child(cond, 0), b = ts_node_named_child(cond, 1);
    for (int side = 0; side < 2; side++) {
      TSNode name = side ? b : a, lit = side ? a : b;
      ol_kind lk = ol_kind_of(w->sx, lit);
      if (ol_kind_of(w->sx, name) == OL_K_identifier && ol_node_hash(w, name) == key &&
          (lk == OL_K_string || lk == OL_K_integer))
        return true;
    }
  }
  return false;
}

/* Statements after a site searched for the exit that follows it: first-
 * success code exits within a few; a bound keeps one site's search short in
 * a loop body of 50,000 statements (past it the site counts as repeated). */
#define MAX_EXIT_SEARCH 16

typedef enum { EXIT_NONE, EXIT_BREAK, EXIT_RETURN } loop_exit;

static loop_exit exit_kind(const ol_walker *w, TSNode n) {
  ol_kind k = ol_kind_of(w->sx, n);
  return k == OL_K_break_statement                                 ? EXIT_BREAK
         : k == OL_K_return_statement || k == OL_K_raise_statement ? EXIT_RETURN
                                                                   : EXIT_NONE;
}

/* How the iteration that runs site ends when it gets there: the site's
 * statement, or one after it in its block or in any block around it up to
 * the loop's body, leaves the loop unconditionally (`for x in xs: q(x);
 * break`, first success: `if q(x): ...; return x`). */
static loop_exit exit_after(ol_walker *w, TSNode site, int loop) {
  ol_span l = w->out->loops.items[loop].node;
  TSNode cur = ol_walk_statement(w, site);
  for (int depth = 0; depth < 64 && !ts_node_is_null(cur); depth++) {
    loop_exit e = exit_kind(w, cur);
    if (e != EXIT_NONE)
      return e;
    TSNode block = ol_walk_parent(w, cur);
    if (ol_kind_of(w->sx, block) != OL_K_block)
      return EXIT_NONE;
    TSNode sib = ts_node_next_named_sibling(cur);
    for (int i = 0; i < MAX_EXIT_SEARCH && !ts_node_is_null(sib);
         i++, sib = ts_node_next_named_sibling(sib))
      if ((e = exit_kind(w, sib)) != EXIT_NONE)
        return e;
    TSNode owner = ol_walk_parent(w, block);
    if (ts_node_start_byte(owner) == l.start && ts_node_end_byte(owner) == l.end)
      return EXIT_NONE;
    ol_kind ok = ol_kind_of(w->sx, owner);
    if (ok == OL_K_for_statement || ok == OL_K_while_statement || ok == OL_K_function_definition ||
        ok == OL_K_class_definition)
      return EXIT_NONE; /* an exit there leaves that, not our loop */
    if (ok == OL_K_else_clause || ok == OL_K_elif_clause || ok == OL_K_except_clause ||
        ok == OL_K_finally_clause)
      owner = ol_walk_parent(w, owner);
    cur = owner;
  }
  return EXIT_NONE;
}

int ol_exec_effective_loop(ol_walker *w, TSNode site, int loop) {
  if (loop < 0 || w->out->loops.items[loop].kind != OL_LOOP_FOR)
    return loop;
  switch (exit_after(w, site, loop)) {
  case EXIT_RETURN:
    return -1; /* a return leaves every loop of the function */
  case EXIT_BREAK:
    return w->out->loops.items[loop].parent;
  default:
    return ol_exec_once_per_loop(w, site, loop) ? w->out->loops.items[loop].parent : loop;
  }
}

static ol_query_site *add_site(ol_walker *w, TSNode span_node, ol_exec_how how, const char *method,
                               int loop) {
  TSNode parent = ol_walk_parent(w, span_node);
  bool awaited = !ts_node_is_null(parent) && ol_kind_of(w->sx, parent) == OL_K_await;
  if (awaited)
    span_node = parent;
  loop = ol_exec_effective_loop(w, span_node, loop);
  bool lazy_self = false;
  int lazy = ol_exec_in_lazy_init(w, span_node, &lazy_self);
  if (lazy == 2)
    loop = -1; /* once per instance or process, not per iteration */
  ol_query_site s = {.span = ol_node_span(span_node),
                     .how = how,
                     .loop = loop,
                     .dep_loop = -1,
                     .hoist_loop = -1,
                     .pk_loop = -1,
                     .awaited = awaited,
                     .func = ol_calls_current(w)};
  s.hoist = s.span;
  snprintf(s.method, sizeof s.method, "%s", method);
  if (how == OL_EXEC_SESSION && (!strcmp(method, "execute") || !strcmp(method, "scalars")))
    s.hoist = result_hoist(w, span_node, &s);
  if (!strcmp(method, "all") || !strcmp(method, "iterate"))
    strcpy(s.copy_fn, "list");
  s.raises = s.raises || strstr(method, "one") != NULL || strstr(method, "_or_404") != NULL;
  guards(w, &s);
  s.guard = ol_guard_of(w, span_node);
  s.lazy_init = lazy != 0;
  s.lazy_self = lazy_self;
  ol_vec_push(&w->out->queries, s);
  ol_site_temp t = {0};
  ol_collect_names(w, span_node, &t.free);
  ol_vec_push(&w->site_tmp, t);
  return &w->out->queries.items[w->out->queries.len - 1];
}

static ol_site_temp *site_tmp_last(ol_walker *w) { return &w->site_tmp.items[w->site_tmp.len - 1]; }

static void add_candidate(ol_walker *w, ol_span key, ol_span cut, ol_span swap, TSNode col) {
  ol_key_candidate c = {.key = key, .cut = cut, .swap = swap, .column = ol_node_text(w, col)};
  ol_vec_push(&site_tmp_last(w)->candidates, c);
}

/* filter_by(col=key, ...): each keyword is a candidate; cutting it removes
 * the keyword and a comma, or the whole `.filter_by(...)` when it is alone. */
static void candidates_filter_by(ol_walker *w, TSNode fn, TSNode args) {
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode kw = ts_node_named_child(args, i);
    if (ol_kind_of(w->sx, kw) != OL_K_keyword_argument)
      continue;
    ol_span cut;
    if (n == 1)
      cut = (ol_span){ts_node_end_byte(ol_child(w->sx, fn, OL_F_object)), ts_node_end_byte(args)};
    else if (i + 1 < n)
      cut = (ol_span){ts_node_start_byte(kw), ts_node_start_byte(ts_node_named_child(args, i + 1))};
    else
      cut = (ol_span){ts_node_end_byte(ts_node_named_child(args, i - 1)), ts_node_end_byte(kw)};
    add_candidate(w, ol_node_span(ol_child(w->sx, kw, OL_F_value)), cut, (ol_span){0},
                  ol_child(w->sx, kw, OL_F_name));
  }
}

/* filter(E.col == key, ...) / where(...): `E.col == key` (or `key == E.col`). */
static void candidates_compare(ol_walker *w, TSNode args, TSNode entity) {
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode cmp = ts_node_named_child(args, i);
    if (ol_kind_of(w->sx, cmp) != OL_K_comparison_operator || ts_node_named_child_count(cmp) != 2)
      continue;
    TSNode op = ts_node_child(cmp, 1);
    if (ts_node_end_byte(op) - ts_node_start_byte(op) != 2 ||
        memcmp(w->src + ts_node_start_byte(op), "==", 2))
      continue;
    for (int side = 0; side < 2; side++) {
      TSNode col = ts_node_named_child(cmp, (uint32_t)side),
             key = ts_node_named_child(cmp, (uint32_t)!side);
      if (ol_kind_of(w->sx, col) != OL_K_attribute)
        continue;
      TSNode obj = ol_child(w->sx, col, OL_F_object);
      uint32_t ol = ts_node_end_byte(obj) - ts_node_start_byte(obj);
      if (ol != ts_node_end_byte(entity) - ts_node_start_byte(entity) ||
          memcmp(w->src + ts_node_start_byte(obj), w->src + ts_node_start_byte(entity), ol) != 0)
        continue;
      add_candidate(w, ol_node_span(key), (ol_span){0}, ol_node_span(cmp),
                    ol_child(w->sx, col, OL_F_attribute));
      break;
    }
  }
}

/* Walks a query or select chain down from `top`, collecting key candidates.
 * Returns false when a builder changes which rows match a key (limit, join...). */
static bool collect_chain(ol_walker *w, TSNode top, TSNode entity) {
  TSNode n = ol_unwrap(w, top);
  for (int depth = 0; depth < 200; depth++) {
    if (ol_kind_of(w->sx, n) != OL_K_call)
      return true;
    TSNode fn = ol_child(w->sx, n, OL_F_function), args = ol_child(w->sx, n, OL_F_arguments);
    if (ol_kind_of(w->sx, fn) != OL_K_attribute)
      return true; /* select(E) */
    TSNode m = ol_child(w->sx, fn, OL_F_attribute);
    if (ol_node_text_is(w, m, "query"))
      return true; /* session.query(E) */
    if (!node_in_list(w, m, BATCH_SAFE))
      return false;
    if (ol_node_text_is(w, m, "filter_by"))
      candidates_filter_by(w, fn, args);
    else if (!ol_node_text_is(w, m, "options") && !ol_node_text_is(w, m, "order_by"))
      candidates_compare(w, args, entity);
    n = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
  }
  return false;
}

static void set_batch_base(ol_walker *w, ol_query_site *s, ol_batch_mode mode, TSNode rows,
                           TSNode use, TSNode entity) {
  s->batch.mode = mode;
  s->batch.rows = ol_node_span(rows);
  s->batch.use = ol_node_span(use);
  s->batch.entity = ol_node_text(w, entity);
  s->batch.uses_select = w->imports_select;
}

/* Reads the result of session.scalars(...): `.first()` / `.all()` directly on it. */
static ol_batch_mode result_reader(ol_walker *w, TSNode site, TSNode *use) {
  TSNode attr = ol_walk_parent(w, site);
  if (ts_node_is_null(attr) || ol_kind_of(w->sx, attr) != OL_K_attribute)
    return OL_BATCH_NONE;
  TSNode call = ol_walk_parent(w, attr);
  if (ts_node_is_null(call) || ol_kind_of(w->sx, call) != OL_K_call)
    return OL_BATCH_NONE;
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  if (ts_node_named_child_count(args) != 0)
    return OL_BATCH_NONE;
  *use = call;
  TSNode m = ol_child(w->sx, attr, OL_F_attribute);
  if (ol_node_text_is(w, m, "first"))
    return OL_BATCH_FIRST;
  if (ol_node_text_is(w, m, "all"))
    return OL_BATCH_ALL;
  return OL_BATCH_NONE;
}

static void shape_terminal(ol_walker *w, ol_query_site *s, TSNode call, TSNode recv, ol_valinfo v,
                           TSNode m) {
  if (!v.one_entity || v.count)
    return;
  if (ol_node_text_is(w, m, "count")) { /* the builders must be ones a count select() keeps */
    static const char *const KEEP[] = {"filter",    "filter_by", "where", "join",
                                       "outerjoin", "order_by",  "query", NULL};
    for (TSNode n = ol_unwrap(w, recv); ol_kind_of(w->sx, n) == OL_K_call;) {
      TSNode f = ol_child(w->sx, n, OL_F_function);
      if (!node_in_list(w, ol_child(w->sx, f, OL_F_attribute), KEEP))
        return;
      n = ol_unwrap(w, ol_child(w->sx, f, OL_F_object));
    }
  }
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  if (ol_node_text_is(w, m, "get") && ts_node_named_child_count(args) == 1 &&
      ol_kind_of(w->sx, ts_node_named_child(args, 0)) != OL_K_keyword_argument) {
    set_batch_base(w, s, OL_BATCH_GET, recv, call, v.entity);
    s->batch.key = ol_node_span(ts_node_named_child(args, 0));
    s->batch.append_filter = true;
    if (!collect_chain(w, recv, v.entity))
      s->batch.mode = OL_BATCH_NONE;
    return;
  }
  ol_batch_mode mode = ol_node_text_is(w, m, "first")   ? OL_BATCH_FIRST
                       : ol_node_text_is(w, m, "all")   ? OL_BATCH_ALL
                       : ol_node_text_is(w, m, "count") ? OL_BATCH_COUNT
                                                        : OL_BATCH_NONE;
  if (mode == OL_BATCH_NONE || ts_node_named_child_count(args) != 0)
    return;
  set_batch_base(w, s, mode, recv, call, v.entity);
  s->batch.append_filter = true;
  if (!collect_chain(w, recv, v.entity))
    s->batch.mode = OL_BATCH_NONE;
}

static void shape_session(ol_walker *w, ol_query_site *s, TSNode call, TSNode recv, TSNode m) {
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  if (ol_node_text_is(w, m, "get") && ts_node_named_child_count(args) == 2) {
    TSNode ent = ts_node_named_child(args, 0), key = ts_node_named_child(args, 1);
    if (!is_capword_name(w, ent) || ol_kind_of(w->sx, key) == OL_K_keyword_argument)
      return;
    set_batch_base(w, s, OL_BATCH_GET, call, call, ent);
    s->batch.key = ol_node_span(key);
    s->batch.session_get = true;
    s->batch.session = ol_node_span(recv);
    if (s->awaited) {
      s->batch.awaited = true;
      s->batch.use = s->span; /* the whole `await session.get(...)` */
      if (!w->imports_select) {
        s->batch.mode = OL_BATCH_NONE;
        s->batch_why = "an AsyncSession has no legacy query(); import select to batch it";
      }
    }
    return;
  }
  if (!ol_node_text_is(w, m, "scalars") || ts_node_named_child_count(args) != 1 || s->awaited)
    return;
  TSNode stmt = ts_node_named_child(args, 0);
  ol_valinfo v = ol_classify(w, stmt);
  if (v.kind != OL_VAL_SELECT || !v.one_entity || v.count)
    return;
  TSNode use = call;
  ol_batch_mode mode = result_reader(w, s->awaited ? ol_walk_parent(w, call) : call, &use);
  if (mode == OL_BATCH_NONE)
    return;
  set_batch_base(w, s, mode, call, use, v.entity);
  if (!collect_chain(w, stmt, v.entity))
    s->batch.mode = OL_BATCH_NONE;
}

static const char *shape_why(const char *method, ol_valinfo v) {
  if (!strcmp(method, "one") || !strcmp(method, "get_one"))
    return "`.one()` raises when a key has no row or several, which a dict lookup would not "
           "reproduce";
  if (!strcmp(method, "one_or_none"))
    return "`.one_or_none()` raises when a key has several rows, which a dict lookup would not "
           "reproduce";
  if (strstr(method, "_or_404"))
    return "it aborts with 404 on the first missing row, which a batched lookup would not "
           "reproduce";
  if (!strcmp(method, "paginate"))
    return "it pages the rows, which one IN query cannot do per key";
  if (!strcmp(method, "subscript"))
    return "it is limited by indexing or slicing, which one IN query cannot do per key";
  if (!strcmp(method, "delete") || !strcmp(method, "update"))
    return "it writes rows";
  if (!v.one_entity)
    return "it does not select the rows of one model";
  return NULL;
}

/* SQLAlchemy's session.get(Entity, key, ...): two positional arguments, the
 * first a class, not a URL string. */
static bool is_orm_get(const ol_walker *w, TSNode args) {
  uint32_t positional = 0, n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    ol_kind k = ol_kind_of(w->sx, ts_node_named_child(args, i));
    if (k != OL_K_keyword_argument && k != OL_K_comment)
      positional++;
  }
  TSNode first = ts_node_named_child(args, 0);
  /* `session.get(cls, id)` in a classmethod: a CRUD mixin's `Model.get(id)`. */
  bool cls = ol_kind_of(w->sx, first) == OL_K_identifier && ol_node_text_is(w, first, "cls") &&
             ol_calls_current(w) >= 0 &&
             w->out->funcs.items[ol_calls_current(w)].kind == OL_FN_CLASSMETHOD;
  return positional >= 2 && (cls || is_capword_name(w, first));
}

/* The key of a get by primary key, when it is the only argument besides the
 * model (a keyword such as populate_existing= or with_for_update= makes it
 * emit SQL whatever the session holds): a plain name or `name.<attr>` (pk_key),
 * or `row.<attr>` on a loop's rows variable (pk_loop, pk_attr). */
static void note_pk_key(ol_walker *w, ol_query_site *s, TSNode args, uint32_t want, int loop) {
  uint32_t n = ts_node_named_child_count(args), positional = 0;
  TSNode key = {0};
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    ol_kind k = ol_kind_of(w->sx, a);
    if (k == OL_K_comment)
      continue;
    if (k == OL_K_keyword_argument || k == OL_K_list_splat || k == OL_K_dictionary_splat)
      return;
    if (++positional == want)
      key = a;
  }
  if (positional != want)
    return;
  if (ol_kind_of(w->sx, key) == OL_K_identifier)
    s->pk_key = ol_node_span(key);
  else if (loop >= 0)
    s->pk_loop = ol_calls_row_key(w, loop, key, &s->pk_attr);
  if (s->pk_loop < 0 && ol_kind_of(w->sx, key) == OL_K_attribute &&
      ol_kind_of(w->sx, ol_unwrap(w, ol_child(w->sx, key, OL_F_object))) == OL_K_identifier)
    s->pk_key = ol_node_span(key); /* `obj.id`: one key while nothing rebinds obj or writes id */
}

/* `M.query.get(k)`, `cls.query.get(k)`, `session.query(M).get(k)`: no builder
 * between the model and the get. */
static bool is_plain_model_query(ol_walker *w, TSNode recv) {
  recv = ol_unwrap(w, recv);
  if (ol_kind_of(w->sx, recv) == OL_K_attribute)
    return ol_node_text_is(w, ol_child(w->sx, recv, OL_F_attribute), "query") &&
           ol_kind_of(w->sx, ol_child(w->sx, recv, OL_F_object)) == OL_K_identifier;
  if (ol_kind_of(w->sx, recv) != OL_K_call)
    return false;
  TSNode fn = ol_child(w->sx, recv, OL_F_function), args = ol_child(w->sx, recv, OL_F_arguments);
  return ol_kind_of(w->sx, fn) == OL_K_attribute &&
         ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "query") &&
         ol_classify(w, ol_child(w->sx, fn, OL_F_object)).kind == OL_VAL_SESSION &&
         !ts_node_is_null(args) && ts_node_named_child_count(args) == 1 &&
         ol_kind_of(w->sx, ts_node_named_child(args, 0)) == OL_K_identifier;
}

void ol_exec_check_call(ol_walker *w, TSNode call, int loop) {
  TSNode fn = ol_child(w->sx, call, OL_F_function), args = ol_child(w->sx, call, OL_F_arguments);
  ol_kind fk = ol_kind_of(w->sx, fn);
  if (fk == OL_K_identifier && node_in_list(w, fn, ITER_CONSUMERS) &&
      ts_node_named_child_count(args) >= 1) {
    for (uint32_t i = 0; i < ts_node_named_child_count(args); i++) {
      ol_valinfo v = ol_classify(w, ts_node_named_child(args, i));
      if (v.kind != OL_VAL_QUERY)
        continue;
      ol_query_site *s = add_site(w, call, OL_EXEC_ITERATE, "iterate", loop);
      static const char *const LAZY[] = {"enumerate", "zip", "map", "filter", NULL};
      s->hoist_listify = node_in_list(w, fn, LAZY);
      strcpy(s->copy_fn,
             s->hoist_listify || ol_node_text_is(w, fn, "list") || ol_node_text_is(w, fn, "sorted")
                 ? "list"
             : ol_node_text_is(w, fn, "set")  ? "set"
             : ol_node_text_is(w, fn, "dict") ? "dict"
                                              : "");
      s->is_count = v.count;
      if (v.entity.id)
        s->entity = ol_node_text(w, v.entity);
      if (i == 0 && ol_node_text_is(w, fn, "list") && v.one_entity && !v.count) {
        set_batch_base(w, s, OL_BATCH_ALL, ts_node_named_child(args, 0), call, v.entity);
        s->batch.append_filter = true;
        if (!collect_chain(w, ts_node_named_child(args, 0), v.entity))
          s->batch.mode = OL_BATCH_NONE;
      }
      return;
    }
    return;
  }
  if (fk != OL_K_attribute)
    return;
  TSNode recv = ol_child(w->sx, fn, OL_F_object), m = ol_child(w->sx, fn, OL_F_attribute);
  uint32_t ms = ts_node_start_byte(m), ml = ts_node_end_byte(m) - ms;
  if (ml >= 24)
    return;
  char method[24];
  memcpy(method, w->src + ms, ml);
  method[ml] = '\0';
  bool terminal = in_list(TERMINALS, method, ml) || is_extra_terminal(w->cfg, method, ml),
       session_exec = in_list(SESSION_EXEC, method, ml), helper = in_list(DB_HELPERS, method, ml);
  if (!terminal && !session_exec && !helper)
    return;
  ol_valinfo v = ol_classify(w, recv);
  if (session_exec && v.kind == OL_VAL_SESSION && !strcmp(method, "get") && !is_orm_get(w, args))
    return; /* requests.Session().get(url): an HTTP session, not an ORM one */
  if (terminal && v.kind == OL_VAL_QUERY) {
    ol_query_site *s = add_site(w, call, OL_EXEC_TERMINAL, method, loop);
    s->is_count = v.count || strcmp(method, "count") == 0;
    TSNode args_of = ol_walk_parent(w, call), outer = ol_walk_parent(w, args_of);
    if (ol_kind_of(w->sx, args_of) == OL_K_argument_list && ol_kind_of(w->sx, outer) == OL_K_call &&
        ol_node_text_is(w, ol_child(w->sx, outer, OL_F_function), "len"))
      s->is_count = true; /* len(q.all()): rows loaded to be counted */
    if (v.entity.id)
      s->entity = ol_node_text(w, v.entity);
    if (ol_kind_of(w->sx, ol_unwrap(w, recv)) == OL_K_identifier)
      s->batch_why =
          "its query is built in a variable, so the keyed filter is not visible at the call";
    else
      s->batch_why = (char *)shape_why(method, v);
    shape_terminal(w, s, call, recv, v, m);
    TSNode cls = ol_child(w->sx, ol_unwrap(w, recv), OL_F_object);
    if (!strcmp(method, "get") && !s->entity && is_plain_model_query(w, recv) &&
        ol_kind_of(w->sx, ol_unwrap(w, recv)) == OL_K_attribute && ol_node_text_is(w, cls, "cls") &&
        ol_calls_current(w) >= 0 &&
        w->out->funcs.items[ol_calls_current(w)].kind == OL_FN_CLASSMETHOD)
      s->entity = ol_node_text(w, cls); /* `cls.query.get(k)`: a CRUD mixin's `Model.get(k)` */
    if (!strcmp(method, "get") && s->entity && is_plain_model_query(w, recv))
      note_pk_key(w, s, args, 1, s->loop);
  } else if (session_exec && v.kind == OL_VAL_SESSION) {
    ol_query_site *s = add_site(w, call, OL_EXEC_SESSION, method, loop);
    TSNode first = ts_node_named_child(args, 0);
    ol_valinfo sv = ts_node_is_null(first) ? (ol_valinfo){0} : ol_classify(w, first);
    s->is_count = args_count(w, args) && (sv.kind != OL_VAL_SELECT || sv.count); /* not grouped */
    if (sv.entity.id)
      s->entity = ol_node_text(w, sv.entity);
    else if (strcmp(method, "get") == 0 && !ts_node_is_null(first))
      s->entity = ol_node_text(w, first);
    if (strcmp(method, "get") == 0 && s->entity && ol_kind_of(w->sx, first) == OL_K_identifier)
      note_pk_key(w, s, args, 2, s->loop);
    s->batch_why =
        ol_kind_of(w->sx, ol_unwrap(w, first)) == OL_K_identifier
            ? "its statement is built in a variable, so the keyed filter is not visible at the call"
            : (char *)shape_why(method, sv);
    if (!s->batch_why && strcmp(method, "scalars") != 0 && strcmp(method, "get") != 0)
      s->batch_why = "it reads a statement's result directly; batch it by hand with an IN filter";
    shape_session(w, s, call, recv, m);
  } else if (helper && v.kind == OL_VAL_DB) {
    ol_query_site *s = add_site(w, call, OL_EXEC_DB_HELPER, method, loop);
    s->batch_why = (char *)shape_why(method, v);
    TSNode first = ts_node_named_child(args, 0);
    if (!ts_node_is_null(first) && is_capword_name(w, first))
      s->entity = ol_node_text(w, first);
  }
}

void ol_exec_check_subscript(ol_walker *w, TSNode sub, int loop) {
  ol_valinfo v = ol_classify(w, ol_child(w->sx, sub, OL_F_value));
  if (v.kind != OL_VAL_QUERY)
    return;
  ol_query_site *s = add_site(w, sub, OL_EXEC_SUBSCRIPT, "subscript", loop);
  s->batch_why = (char *)shape_why("subscript", v);
  if (v.entity.id)
    s->entity = ol_node_text(w, v.entity);
}

void ol_exec_check_iterable(ol_walker *w, TSNode iterable, int loop) {
  ol_valinfo v = ol_classify(w, iterable);
  if (v.kind != OL_VAL_QUERY)
    return;
  ol_query_site *s = add_site(w, iterable, OL_EXEC_ITERATE, "iterate", loop);
  s->is_count = v.count;
  site_tmp_last(w)->bare_iter = true;
  s->copy_fn[0] = '\0'; /* iterated in place: nothing mutates it */
  if (v.entity.id)
    s->entity = ol_node_text(w, v.entity);
  if (!v.one_entity || v.count)
    return;
  set_batch_base(w, s, OL_BATCH_ALL, iterable, iterable, v.entity);
  s->batch.append_filter = true;
  if (!collect_chain(w, iterable, v.entity))
    s->batch.mode = OL_BATCH_NONE;
}

bool ol_exec_is_session_write(ol_walker *w, TSNode call) {
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  if (ol_kind_of(w->sx, fn) != OL_K_attribute)
    return false;
  TSNode recv = ol_child(w->sx, fn, OL_F_object), m = ol_child(w->sx, fn, OL_F_attribute);
  ol_valinfo v = ol_classify(w, recv);
  if (v.kind == OL_VAL_SESSION && node_in_list(w, m, SESSION_WRITES))
    return true;
  if (v.kind == OL_VAL_SESSION && ol_node_text_is(w, m, "execute")) {
    TSNode arg = ol_unwrap(w, ts_node_named_child(ol_child(w->sx, call, OL_F_arguments), 0));
    if (ol_kind_of(w->sx, arg) == OL_K_call) {
      TSNode f = ol_child(w->sx, arg, OL_F_function);
      static const char *const DML[] = {"insert", "update", "delete", "text", NULL};
      if (ol_kind_of(w->sx, f) == OL_K_attribute)
        f = ol_child(w->sx, f, OL_F_attribute);
      return node_in_list(w, f, DML);
    }
  }
  if (v.kind == OL_VAL_QUERY)
    return ol_node_text_is(w, m, "delete") || ol_node_text_is(w, m, "update");
  /* Active-record helpers (row.save(), row.delete(), Model.create(...)) write
   * through a session we cannot see: treat them as writes. */
  static const char *const ANY_WRITES[] = {"save", "delete", "commit", "flush", NULL};
  static const char *const MODEL_WRITES[] = {"create", "insert",      "update",
                                             "delete", "bulk_create", NULL};
  return node_in_list(w, m, ANY_WRITES) ||
         (is_capword_name(w, recv) && node_in_list(w, m, MODEL_WRITES));
}

/* ---- commits in loops -------------------------------------------------- */

/* Calls that leave the process (DESIGN.md "Real code"): a loop that makes
 * one per item does a unit of outside work per item — its commits keep
 * what was done outside recorded when a later item fails, and its lookups
 * are not the cost a maintainer tunes. Judged on the call's dotted name as
 * written: its root module, its receiver, or its method. */
static const char *const EXTERNAL_MODULES[] = {
    "requests", "httpx",    "urllib", "urllib3", "aiohttp",  "smtplib", "subprocess", "shutil",
    "boto3",    "botocore", "socket", "ftplib",  "paramiko", "ldap",    "ldap3",      NULL};
static const char *const EXTERNAL_METHODS[] = {"urlopen",    "sleep",
                                               "send_mail",  "send_email",
                                               "sendmail",   "send_message",
                                               "upload",     "upload_file",
                                               "download",   "download_file",
                                               "delay",      "apply_async",
                                               "send_task",  "publish",
                                               "remove",     "unlink",
                                               "rmtree",     "copyfile",
                                               "copy",       "move",
                                               "rename",     "makedirs",
                                               "save_file",  "delete_file",
                                               "notify",     "send_notification",
                                               "check_call", "check_output",
                                               "Popen",      "run",
                                               NULL};
/* Objects named for something outside the process: `plugin.upload(...)`,
 * `s3_client.put_object(...)`, `self.storage.save(...)`. */
static const char *const EXTERNAL_RECEIVERS[] = {"plugin", "storage", "client", "api",
                                                 "mail",   "mailer",  "ldap",   "s3",
                                                 "drive",  "bucket",  "smtp",   NULL};
static bool name_in(const char *s, size_t n, const char *const *list) {
  for (const char *const *p = list; *p; p++)
    if (strlen(*p) == n && !memcmp(s, *p, n))
      return true;
  return false;
}

/* Whether the last `_`-separated word of s[0..n) (or s itself) is in list:
 * `destination_plugin`, `s3_client`, `gdrive_api`. */
static bool last_word_in(const char *s, size_t n, const char *const *list) {
  if (name_in(s, n, list))
    return true;
  const char *u = memrchr(s, '_', n);
  return u && name_in(u + 1, n - (size_t)(u + 1 - s), list);
}

static bool node_last_word_in(ol_walker *w, TSNode n, const char *const *list, bool plural) {
  if (ol_kind_of(w->sx, n) == OL_K_attribute)
    n = ol_child(w->sx, n, OL_F_attribute);
  if (ol_kind_of(w->sx, n) != OL_K_identifier)
    return false;
  const char *s = w->src + ts_node_start_byte(n);
  size_t len = ts_node_end_byte(n) - ts_node_start_byte(n);
  if (plural && len > 1 && s[len - 1] == 's')
    len--;
  return last_word_in(s, len, list);
}

/* The name x in `x.m(...)` was bound to an outside object (see
 * ol_exec_yields_external). */
static bool bound_outside(ol_walker *w, TSNode recv) {
  if (ol_kind_of(w->sx, recv) != OL_K_identifier)
    return false;
  const ol_binding *b = ol_scope_binding(w, ol_node_hash(w, recv));
  return b && b->external;
}

/* Whether `from <module> import <name>` imports outside work: from a module named for it (its
 * root), or one of the outside methods of os, time or asyncio. */
static bool import_outside(const ol_import_fact *im) {
  const char *dot = strchr(im->module, '.');
  size_t root = dot ? (size_t)(dot - im->module) : strlen(im->module);
  if (root == 6 && !memcmp(im->module, "urllib", 6)) /* urllib.parse: strings */
    return !strcmp(im->module, "urllib.request");
  if (name_in(im->module, root, EXTERNAL_MODULES))
    return true;
  bool os_like = !strcmp(im->module, "os") || !strcmp(im->module, "os.path") ||
                 !strcmp(im->module, "time") || !strcmp(im->module, "asyncio");
  return os_like && name_in(im->name, strlen(im->name), EXTERNAL_METHODS);
}

static bool from_import(const ol_import_fact *im) { return im->module && im->name && !im->level; }

/* `remove(path)` after `from os import remove`, `get(url)` after `from requests import get`:
 * the first import of that name imports outside work. Most files import none: the imports are
 * looked at once for that, before any is compared with a call's name. */
static bool imported_outside(ol_walker *w, TSNode fn) {
  const ol_file_facts *f = w->out;
  for (; w->outside_seen < f->imports.len; w->outside_seen++) {
    const ol_import_fact *im = &f->imports.items[w->outside_seen];
    w->outside_any = w->outside_any || (from_import(im) && import_outside(im));
  }
  if (!w->outside_any)
    return false;
  const char *s = w->src + ts_node_start_byte(fn);
  size_t n = ts_node_end_byte(fn) - ts_node_start_byte(fn);
  for (size_t i = 0; i < f->imports.len; i++) {
    const ol_import_fact *im = &f->imports.items[i];
    if (from_import(im) && strlen(im->local) == n && !memcmp(im->local, s, n))
      return import_outside(im);
  }
  return false;
}

bool ol_exec_is_external_call(ol_walker *w, TSNode call) {
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  if (ol_node_text_is(w, fn, "open")) /* the builtin */
    return true;
  if (ol_kind_of(w->sx, fn) == OL_K_identifier)
    return imported_outside(w, fn);
  if (ol_kind_of(w->sx, fn) != OL_K_attribute ||
      ol_callee_is_telemetry(w->src + ts_node_start_byte(fn),
                             ts_node_end_byte(fn) - ts_node_start_byte(fn)))
    return false;
  TSNode m = ol_child(w->sx, fn, OL_F_attribute), obj = ol_child(w->sx, fn, OL_F_object);
  const char *ms = w->src + ts_node_start_byte(m);
  size_t mn = ts_node_end_byte(m) - ts_node_start_byte(m);
  TSNode root = obj;
  while (ol_kind_of(w->sx, root) == OL_K_attribute)
    root = ol_child(w->sx, root, OL_F_object);
  if (ol_kind_of(w->sx, root) == OL_K_identifier &&
      name_in(w->src + ts_node_start_byte(root), ts_node_end_byte(root) - ts_node_start_byte(root),
              EXTERNAL_MODULES) &&
      (!ol_node_text_is(w, root, "urllib") || /* urllib.parse only reads strings */
       (ol_kind_of(w->sx, obj) == OL_K_attribute &&
        ol_node_text_is(w, ol_child(w->sx, obj, OL_F_attribute), "request"))))
    return true;
  bool os_call = ol_node_text_is(w, obj, "os") || ol_node_text_is(w, obj, "os.path") ||
                 ol_node_text_is(w, obj, "time") || ol_node_text_is(w, obj, "asyncio");
  bool method = name_in(ms, mn, EXTERNAL_METHODS);
  if (method && os_call)
    return true;
  if (node_last_word_in(w, obj, EXTERNAL_RECEIVERS, false) || bound_outside(w, obj) ||
      (ol_kind_of(w->sx, obj) == OL_K_call && ol_exec_yields_external(w, obj)))
    return true; /* plugin.upload(x); p = plugins.get(k) ... p.upload(x) */
  /* A method that says it sends, uploads or notifies, on any receiver. */
  static const char *const SENDS[] = {
      "send_mail",   "send_email", "sendmail",          "upload",  "upload_file", "download_file",
      "apply_async", "delay",      "send_notification", "urlopen", "publish",     "enqueue",
      NULL};
  return name_in(ms, mn, SENDS);
}

bool ol_exec_yields_external(ol_walker *w, TSNode value) {
  TSNode v = ol_unwrap(w, value);
  ol_kind k = ol_kind_of(w->sx, v);
  if (k == OL_K_subscript) /* plugins[name] */
    return node_last_word_in(w, ol_child(w->sx, v, OL_F_value), EXTERNAL_RECEIVERS, true);
  if (k != OL_K_call)
    return false;
  if (ol_exec_is_external_call(w, v)) /* boto3.client("s3"), open(path), smtplib.SMTP(host) */
    return true;
  TSNode fn = ol_child(w->sx, v, OL_F_function);
  if (node_last_word_in(w, fn, EXTERNAL_RECEIVERS, true)) /* get_plugin(name), self.get_storage() */
    return true;
  return ol_kind_of(w->sx, fn) == OL_K_attribute && /* plugins.get(name), clients.pop(key) */
         node_last_word_in(w, ol_child(w->sx, fn, OL_F_object), EXTERNAL_RECEIVERS, true);
}

/* `if ...: ... else: ...` (through any elifs): every item takes one arm. */
static bool ends_in_else(ol_walker *w, TSNode if_stmt) {
  uint32_t n = ts_node_named_child_count(if_stmt);
  return n && ol_kind_of(w->sx, ts_node_named_child(if_stmt, n - 1)) == OL_K_else_clause;
}

bool ol_exec_catches_miss(ol_walker *w, TSNode clause) {
  TSNode type = ts_node_named_child(clause, 0);
  for (uint32_t i = 1; !ts_node_is_null(type) && ol_kind_of(w->sx, type) == OL_K_comment; i++)
    type = ts_node_named_child(clause, i); /* `except:  # noqa` */
  if (ts_node_is_null(type) || ol_kind_of(w->sx, type) == OL_K_block)
    return true; /* a bare except catches a miss too */
  static const char *const MISS[] = {"NotFound",   "KeyError",     "LookupError",
                                     "IndexError", "DoesNotExist", "NoResultFound",
                                     "Missing",    "Exception",    NULL};
  const char *t = w->src + ts_node_start_byte(type);
  size_t n = ts_node_end_byte(type) - ts_node_start_byte(type);
  for (const char *const *m = MISS; *m; m++)
    if (memmem(t, n, *m, strlen(*m)))
      return true;
  return false;
}

bool ol_exec_in_except(ol_walker *w, TSNode n, int loop) {
  ol_span l = w->out->loops.items[loop].node;
  (void)n;
  for (size_t i = w->path.len; i-- > 0;) {
    TSNode p = w->path.items[i];
    if (ts_node_start_byte(p) == l.start && ts_node_end_byte(p) == l.end)
      return false;
    if (ol_kind_of(w->sx, p) == OL_K_except_clause && !ol_exec_catches_miss(w, p))
      return true;
  }
  return false;
}

/* The part of the innermost construct inside loop that runs n for some
 * iterations only (ol_exec_in_branch): the block, clause or operand of it n
 * is in, where n runs whenever that part does. Empty when n runs on every
 * iteration. */
ol_span ol_exec_branch_of(ol_walker *w, TSNode n, int loop) {
  ol_span l = w->out->loops.items[loop].node;
  uint32_t at = ts_node_start_byte(n);
  for (size_t i = w->path.len; i-- > 0;) {
    TSNode p = w->path.items[i];
    if (ts_node_start_byte(p) == l.start && ts_node_end_byte(p) == l.end)
      return (ol_span){0};
    bool branch = false;
    switch (ol_kind_of(w->sx, p)) {
    case OL_K_if_statement:
      branch = at >= ts_node_end_byte(ol_child(w->sx, p, OL_F_condition)) && !ends_in_else(w, p);
      break;
    case OL_K_boolean_operator:
      branch = at >= ts_node_end_byte(ol_child(w->sx, p, OL_F_left));
      break;
    case OL_K_except_clause:
    case OL_K_conditional_expression:
    case OL_K_match_statement:
      branch = true;
      break;
    default:
      break;
    }
    if (branch)
      return ol_node_span(i + 1 < w->path.len && !ts_node_eq(p, n) ? w->path.items[i + 1] : n);
  }
  return (ol_span){0};
}

bool ol_exec_in_branch(ol_walker *w, TSNode n, int loop) {
  return !ol_span_empty(ol_exec_branch_of(w, n, loop));
}

#define MAX_ONCE_TESTS 4
#define MAX_ONCE_LOOP (64u * 1024u) /* bytes of loop a test reads */

/* `if not seen:` / `if seen is None:`: the name the condition tests, or a
 * null node; with attrs, `self.x` too. *is_none: the `is None` form. */
static TSNode tested_absent_of(ol_walker *w, TSNode if_stmt, bool attrs, bool *is_none) {
  TSNode c = ol_unwrap(w, ol_child(w->sx, if_stmt, OL_F_condition)), id = {0};
  if (ol_kind_of(w->sx, c) == OL_K_not_operator && ts_node_named_child_count(c) == 1)
    id = ol_unwrap(w, ts_node_named_child(c, 0));
  else if (ol_kind_of(w->sx, c) == OL_K_comparison_operator && ts_node_named_child_count(c) == 2 &&
           ol_kind_of(w->sx, ts_node_named_child(c, 1)) == OL_K_none &&
           memmem(w->src + ts_node_start_byte(c), ts_node_end_byte(c) - ts_node_start_byte(c),
                  " is None", 8) &&
           !memmem(w->src + ts_node_start_byte(c), ts_node_end_byte(c) - ts_node_start_byte(c),
                   " not ", 5))
    id = ts_node_named_child(c, 0);
  if (is_none)
    *is_none = ol_kind_of(w->sx, c) == OL_K_comparison_operator;
  if (attrs && ol_kind_of(w->sx, id) == OL_K_attribute) {
    TSNode obj = ol_child(w->sx, id, OL_F_object);
    return ol_kind_of(w->sx, obj) == OL_K_identifier && ol_node_text_is(w, obj, "self")
               ? id
               : (TSNode){0};
  }
  return ol_kind_of(w->sx, id) == OL_K_identifier ? id : (TSNode){0};
}

static bool same_node_text(ol_walker *w, TSNode a, TSNode b) {
  uint32_t n = ts_node_end_byte(a) - ts_node_start_byte(a);
  return n == ts_node_end_byte(b) - ts_node_start_byte(b) &&
         !memcmp(w->src + ts_node_start_byte(a), w->src + ts_node_start_byte(b), n);
}

/* Whether function def declares name global (its statements once, by a cursor). */
static bool declared_global(ol_walker *w, TSNode def, TSNode name) {
  TSTreeCursor cur = ts_tree_cursor_new(ol_child(w->sx, def, OL_F_body));
  bool found = false;
  if (ts_tree_cursor_goto_first_child(&cur)) {
    do {
      TSNode st = ts_tree_cursor_current_node(&cur);
      if (ol_kind_of(w->sx, st) != OL_K_global_statement)
        continue;
      for (uint32_t k = 0; k < ts_node_named_child_count(st) && !found; k++)
        found = same_node_text(w, ts_node_named_child(st, k), name);
    } while (!found && ts_tree_cursor_goto_next_sibling(&cur));
  }
  ts_tree_cursor_delete(&cur);
  return found;
}

/* ---- answers kept per `if` node (ol_if_answer) -------------------------- */

enum { IF_BLOCK_SETS, IF_ONCE_NAME, IF_ONCE_ATTR, IF_GLOBAL };

static size_t if_answer_at(const ol_walker *w, uint32_t if_start, uint32_t other, uint8_t kind) {
  uint64_t h = ((uint64_t)if_start * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)other << 3 | kind);
  h ^= h >> 29;
  size_t j = (size_t)(h * 0xbf58476d1ce4e5b9ULL >> 7) & (w->if_answers_cap - 1);
  for (;; j = (j + 1) & (w->if_answers_cap - 1)) {
    const ol_if_answer *e = &w->if_answers[j];
    if (e->answer < 0 || (e->if_start == if_start && e->other == other && e->kind == kind))
      return j;
  }
}

/* The answer kept for (if_stmt, other, kind), -1 when none yet. */
static int if_answer_get(const ol_walker *w, TSNode if_stmt, uint32_t other, uint8_t kind) {
  if (!w->if_answers_cap)
    return -1;
  return w->if_answers[if_answer_at(w, ts_node_start_byte(if_stmt), other, kind)].answer;
}

static bool if_answer_put(ol_walker *w, TSNode if_stmt, uint32_t other, uint8_t kind, bool answer) {
  if (w->n_if_answers * 2 >= w->if_answers_cap) {
    ol_if_answer *old = w->if_answers;
    size_t n = w->if_answers_cap;
    w->if_answers_cap = n ? n * 2 : 64;
    w->if_answers = ol_malloc(w->if_answers_cap * sizeof *w->if_answers);
    for (size_t i = 0; i < w->if_answers_cap; i++)
      w->if_answers[i].answer = -1;
    for (size_t i = 0; i < n; i++)
      if (old[i].answer >= 0)
        w->if_answers[if_answer_at(w, old[i].if_start, old[i].other, old[i].kind)] = old[i];
    ol_free(old);
  }
  size_t j = if_answer_at(w, ts_node_start_byte(if_stmt), other, kind);
  if (w->if_answers[j].answer < 0)
    w->n_if_answers++;
  w->if_answers[j] = (ol_if_answer){ts_node_start_byte(if_stmt), other, kind, answer};
  return answer;
}

/* Whether a statement of block sets target to a value the test reads as
 * set: not None, and for `if not x:` not an empty or false literal. Each
 * statement once (a cursor: no walk from the first child per statement). */
static bool block_sets(ol_walker *w, TSNode block, TSNode target, bool is_none) {
  TSTreeCursor cur = ts_tree_cursor_new(block);
  bool found = false;
  if (ts_tree_cursor_goto_first_child(&cur)) {
    do {
      TSNode st = ts_tree_cursor_current_node(&cur);
      if (!ts_node_is_named(st))
        continue;
      TSNode a = ol_kind_of(w->sx, st) == OL_K_expression_statement && ts_node_named_child_count(st)
                     ? ts_node_named_child(st, 0)
                     : (TSNode){0};
      if (ol_kind_of(w->sx, a) != OL_K_assignment ||
          !same_node_text(w, ol_child(w->sx, a, OL_F_left), target))
        continue;
      TSNode v = ol_unwrap(w, ol_child(w->sx, a, OL_F_right));
      ol_kind vk = ol_kind_of(w->sx, v);
      if (ts_node_is_null(v) || vk == OL_K_none)
        continue;
      if (!is_none &&
          (vk == OL_K_false || vk == OL_K_integer || vk == OL_K_string ||
           ((vk == OL_K_list || vk == OL_K_dictionary || vk == OL_K_tuple || vk == OL_K_set) &&
            !ts_node_named_child_count(v))))
        continue; /* may read as unset again */
      found = true;
    } while (!found && ts_tree_cursor_goto_next_sibling(&cur));
  }
  ts_tree_cursor_delete(&cur);
  return found;
}

static bool runs_once(ol_walker *w, TSNode if_stmt, TSNode loop, bool attrs);

/* A hand-made memo: n is in the block of `if self.x is None:` / `if not
 * self.x:` (or of a name its function declares global) that sets that same
 * target, so it runs once per instance or process (ol_query_site.lazy_init;
 * *on_self: per instance, the test reads `self.x`). When that if is itself in
 * a loop of the function, the loop must set the target nowhere else but
 * under such a test (runs_once): `self.x = None` in it makes the block run
 * again. 0: not; 1: it is, in a loop inside that block (per iteration of
 * that loop, once); 2: it is, and no loop of the block repeats it. */
int ol_exec_in_lazy_init(ol_walker *w, TSNode n, bool *on_self) {
  *on_self = false;
  TSNode def = {0};
  for (size_t i = w->path.len; i-- > 0 && ts_node_is_null(def);)
    if (ol_kind_of(w->sx, w->path.items[i]) == OL_K_function_definition)
      def = w->path.items[i];
  if (ts_node_is_null(def))
    return 0;
  bool looped = false;
  TSNode memo_if = {0};
  /* Up from n: by parent links until the walk's path, then along it (a parent link is a walk
   * down from the root, across every sibling before: thousands in a long block). */
  size_t at = w->path.len;
  for (size_t i = w->path.len; i-- > 0 && at == w->path.len;)
    if (w->path.items[i].id == n.id)
      at = i;
  TSNode c = n, p = at < w->path.len ? (at ? w->path.items[at - 1] : (TSNode){0}) : (TSNode){0};
  if (at < w->path.len)
    at = at ? at - 1 : 0;
  else if (w->path.len &&
           ts_node_start_byte(w->path.items[w->path.len - 1]) <= ts_node_start_byte(n) &&
           ts_node_end_byte(w->path.items[w->path.len - 1]) >= ts_node_end_byte(n))
    p = w->path.items[at = w->path.len - 1]; /* n is the node being walked (ol_walk_parent) */
  else
    p = ts_node_parent(n), at = w->path.len; /* off the path: parent links all the way */
  for (; !ts_node_is_null(p) && !ts_node_eq(p, def);
       c = p, p = at < w->path.len ? (at ? w->path.items[--at] : (TSNode){0}) : ts_node_parent(p)) {
    ol_kind k = ol_kind_of(w->sx, p);
    if (k == OL_K_function_definition || k == OL_K_lambda || k == OL_K_class_definition)
      return 0;
    bool loop_body = ((k == OL_K_for_statement || k == OL_K_while_statement) &&
                      ts_node_eq(c, ol_child(w->sx, p, OL_F_body)));
    if (!ts_node_is_null(memo_if)) { /* above the memo's if: the outermost loop around it */
      if (loop_body && !runs_once(w, memo_if, p, *on_self))
        return 0;
      continue;
    }
    if (loop_body || ol_kind_is_comprehension(k))
      looped = true;
    if (k != OL_K_if_statement || !ts_node_eq(c, ol_child(w->sx, p, OL_F_consequence)))
      continue;
    int kept = if_answer_get(w, p, UINT32_MAX, IF_BLOCK_SETS);
    bool is_none = false;
    TSNode x = kept ? tested_absent_of(w, p, true, &is_none) : (TSNode){0};
    if (ts_node_is_null(x))
      continue;
    if (ol_kind_of(w->sx, x) == OL_K_identifier) { /* a global's memo: its function says so */
      int global = if_answer_get(w, p, UINT32_MAX, IF_GLOBAL);
      if (global < 0)
        global = if_answer_put(w, p, UINT32_MAX, IF_GLOBAL, declared_global(w, def, x));
      if (!global)
        continue;
    }
    if (kept < 0 && !if_answer_put(w, p, UINT32_MAX, IF_BLOCK_SETS, block_sets(w, c, x, is_none)))
      continue;
    memo_if = p;
    *on_self = ol_kind_of(w->sx, x) == OL_K_attribute;
  }
  if (ts_node_is_null(memo_if)) {
    *on_self = false;
    return 0;
  }
  return looped ? 1 : 2;
}

/* Whether n sits in the block of an `if` (inside loop) that tests that the
 * name (with attrs, or `self.x`) at src[a, a + len) is not set yet. */
static bool under_absent_test(ol_walker *w, TSNode n, TSNode loop, uint32_t a, uint32_t len,
                              bool attrs) {
  for (TSNode p = ts_node_parent(n); !ts_node_is_null(p) && !ts_node_eq(p, loop);
       p = ts_node_parent(p)) {
    if (ol_kind_of(w->sx, p) != OL_K_if_statement)
      continue;
    TSNode id = tested_absent_of(w, p, attrs, NULL), block = ol_child(w->sx, p, OL_F_consequence);
    if (!ts_node_is_null(id) && ts_node_end_byte(id) - ts_node_start_byte(id) == len &&
        !memcmp(w->src + ts_node_start_byte(id), w->src + a, len) &&
        ts_node_start_byte(n) >= ts_node_start_byte(block) &&
        ts_node_end_byte(n) <= ts_node_end_byte(block))
      return true;
  }
  return false;
}

static bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* A branch that runs at most once per loop: `if not author:` (with attrs,
 * `if self.author is None:` too) whose block sets `author` to a value (not
 * None, False, 0 or an empty literal), and the loop sets `author` nowhere
 * else but under such a test — a flag the first item sets, so what the
 * branch does is no per-row cost. Worked out once per (if, loop): the loop's
 * text is read once for each, from one occurrence of the name to the next. */
static bool runs_once_scan(ol_walker *w, TSNode if_stmt, TSNode loop, bool attrs) {
  TSNode id = tested_absent_of(w, if_stmt, attrs, NULL);
  if (ts_node_is_null(id) || ts_node_end_byte(loop) - ts_node_start_byte(loop) > MAX_ONCE_LOOP)
    return false; /* past that size, the plain answer: reported */
  uint32_t a = ts_node_start_byte(id), len = ts_node_end_byte(id) - a, hi = ts_node_end_byte(loop);
  TSNode block = ol_child(w->sx, if_stmt, OL_F_consequence);
  bool set_here = false;
  for (uint32_t p = ts_node_start_byte(loop); p + len < hi; p++) {
    const char *q = memmem(w->src + p, hi - 1 - p, w->src + a, len); /* ends before hi - 1 */
    if (!q)
      break;
    p = (uint32_t)(q - w->src);
    if (name_char(w->src[p + len]) || (p > 0 && (name_char(w->src[p - 1]) || w->src[p - 1] == '.')))
      continue;
    TSNode at = ts_node_descendant_for_byte_range(loop, p, p + len), par = ts_node_parent(at);
    ol_kind pk = ol_kind_of(w->sx, par);
    bool target = (pk == OL_K_assignment || pk == OL_K_augmented_assignment) &&
                  ts_node_eq(ol_child(w->sx, par, OL_F_left), at);
    if (!target && pk != OL_K_named_expression && pk != OL_K_pattern_list &&
        pk != OL_K_tuple_pattern && pk != OL_K_for_statement)
      continue; /* a read */
    if (!target || pk == OL_K_augmented_assignment ||
        !under_absent_test(w, par, loop, a, len, attrs))
      return false;
    TSNode v = ol_unwrap(w, ol_child(w->sx, par, OL_F_right));
    ol_kind vk = ol_kind_of(w->sx, v);
    uint32_t vn = ts_node_end_byte(v) - ts_node_start_byte(v);
    if (vk == OL_K_none || vk == OL_K_false ||
        (vk == OL_K_integer && vn == 1 && w->src[ts_node_start_byte(v)] == '0') ||
        ((vk == OL_K_list || vk == OL_K_dictionary || vk == OL_K_tuple || vk == OL_K_set) &&
         !ts_node_named_child_count(v)) ||
        (vk == OL_K_string && vn <= 3))
      return false; /* set back to nothing: the branch may run again */
    set_here |= ts_node_start_byte(par) >= ts_node_start_byte(block) &&
                ts_node_end_byte(par) <= ts_node_end_byte(block);
  }
  return set_here;
}

static bool runs_once(ol_walker *w, TSNode if_stmt, TSNode loop, bool attrs) {
  uint8_t kind = attrs ? IF_ONCE_ATTR : IF_ONCE_NAME;
  int kept = if_answer_get(w, if_stmt, ts_node_start_byte(loop), kind);
  if (kept >= 0)
    return kept;
  return if_answer_put(w, if_stmt, ts_node_start_byte(loop), kind,
                       runs_once_scan(w, if_stmt, loop, attrs));
}

/* Whether the name x occurs as a word in node n's text. */
static bool mentions(ol_walker *w, TSNode n, TSNode x) {
  uint32_t a = ts_node_start_byte(x), len = ts_node_end_byte(x) - a, lo = ts_node_start_byte(n),
           hi = ts_node_end_byte(n);
  for (uint32_t p = lo; p + len <= hi; p++) {
    const char *q = memmem(w->src + p, hi - p, w->src + a, len);
    if (!q)
      return false;
    p = (uint32_t)(q - w->src);
    if ((p == lo || !name_char(w->src[p - 1])) && (p + len == hi || !name_char(w->src[p + len])))
      return true;
  }
  return false;
}

/* The value of statement st when it is `x = <value>` (x the name at x), or
 * a null node. */
static TSNode value_bound(ol_walker *w, TSNode st, TSNode x) {
  TSNode a =
      ol_kind_of(w->sx, st) == OL_K_expression_statement && ts_node_named_child_count(st) == 1
          ? ts_node_named_child(st, 0)
          : (TSNode){0};
  TSNode t = ol_kind_of(w->sx, a) == OL_K_assignment ? ol_child(w->sx, a, OL_F_left) : (TSNode){0};
  uint32_t len = ts_node_end_byte(x) - ts_node_start_byte(x);
  if (ol_kind_of(w->sx, t) != OL_K_identifier ||
      ts_node_end_byte(t) - ts_node_start_byte(t) != len ||
      memcmp(w->src + ts_node_start_byte(t), w->src + ts_node_start_byte(x), len))
    return (TSNode){0};
  return ol_unwrap(w, ol_child(w->sx, a, OL_F_right));
}

/* Whether a statement of block binds x to a new row: `x = Model(...)` (a
 * class, by its capital), or `x = <the call n is in>` (`x = create(...)`,
 * which commits). Not `x = default`: the next lookup would miss again. */
static bool binds_new_row(ol_walker *w, TSNode block, TSNode x, TSNode n) {
  for (uint32_t i = 0; i < ts_node_named_child_count(block); i++) {
    TSNode r = value_bound(w, ts_node_named_child(block, i), x);
    if (ol_kind_of(w->sx, r) == OL_K_call &&
        ((ts_node_start_byte(r) <= ts_node_start_byte(n) &&
          ts_node_end_byte(n) <= ts_node_end_byte(r)) ||
         is_capword_name(w, ol_child(w->sx, r, OL_F_function))))
      return true;
  }
  return false;
}

/* The name an if tests is missing: `if not x:`, `if x is None:`, also as
 * the left side of `and`; a null node when none. */
static TSNode tested_missing(ol_walker *w, TSNode if_stmt, bool *is_none) {
  TSNode cond = ol_unwrap(w, ol_child(w->sx, if_stmt, OL_F_condition));
  *is_none = false;
  if (ol_kind_of(w->sx, cond) == OL_K_boolean_operator) {
    TSNode left = ol_child(w->sx, cond, OL_F_left), right = ol_child(w->sx, cond, OL_F_right);
    uint32_t a = ts_node_end_byte(left), b = ts_node_start_byte(right);
    if (b < a || !memmem(w->src + a, b - a, "and", 3))
      return (TSNode){0};
    cond = ol_unwrap(w, left);
  }
  ol_kind ck = ol_kind_of(w->sx, cond);
  const char *t = w->src + ts_node_start_byte(cond);
  uint32_t tn = ts_node_end_byte(cond) - ts_node_start_byte(cond);
  if (ck == OL_K_not_operator && ts_node_named_child_count(cond) == 1)
    return ol_unwrap(w, ts_node_named_child(cond, 0));
  if (ck != OL_K_comparison_operator || ts_node_named_child_count(cond) != 2 ||
      ol_kind_of(w->sx, ts_node_named_child(cond, 1)) != OL_K_none ||
      !memmem(t, tn, " is None", 8) || memmem(t, tn, " not ", 5))
    return (TSNode){0};
  *is_none = true;
  return ol_unwrap(w, ts_node_named_child(cond, 0));
}

#define MAX_MISS_SIBLINGS 8 /* statements read back from the if for the lookup */

/* The call that binds x a few statements before if_stmt, in its block, with
 * none between that mentions x: `x = lookup(key)`; a null node when none. */
static TSNode lookup_before(ol_walker *w, TSNode if_stmt, TSNode x) {
  TSNode st = ts_node_prev_named_sibling(if_stmt);
  for (int left = MAX_MISS_SIBLINGS; left-- > 0 && !ts_node_is_null(st);
       st = ts_node_prev_named_sibling(st)) {
    if (ol_kind_of(w->sx, st) == OL_K_comment)
      continue;
    TSNode r = value_bound(w, st, x);
    if (!ts_node_is_null(r))
      return ol_kind_of(w->sx, r) == OL_K_call ? r : (TSNode){0};
    if (mentions(w, st, x))
      break;
  }
  return (TSNode){0};
}

/* A get-or-create: n is in the block of `if not x:` / `if x is None:` (also
 * `if not x and ...:`) that binds x to a new row (binds_new_row), where a
 * statement at most a few before the if, in its block, binds `x = <call>`
 * and none between mentions x. The branch runs only when that lookup found
 * nothing, and the block makes the next lookup of the same key find the
 * row: once per new key. The lookup call's span (the rules check that it
 * queries, ol_index_lookup_queries), empty when n is in no such branch of
 * its function, or of the loop when loop >= 0. */
ol_span ol_exec_miss_lookup(ol_walker *w, TSNode n, int loop) {
  ol_span none = {0}, l = loop >= 0 ? w->out->loops.items[loop].node : none;
  for (size_t i = w->path.len; i-- > 0;) {
    TSNode p = w->path.items[i], c = i + 1 < w->path.len ? w->path.items[i + 1] : n;
    ol_kind k = ol_kind_of(w->sx, p);
    if (ts_node_eq(p, n))
      continue;
    if ((loop >= 0 && ts_node_start_byte(p) == l.start && ts_node_end_byte(p) == l.end) ||
        k == OL_K_function_definition || k == OL_K_lambda || k == OL_K_class_definition)
      return none;
    if (k != OL_K_if_statement || !ts_node_eq(c, ol_child(w->sx, p, OL_F_consequence)))
      continue;
    bool is_none;
    TSNode x = tested_missing(w, p, &is_none);
    if (ol_kind_of(w->sx, x) != OL_K_identifier || !block_sets(w, c, x, is_none) ||
        !binds_new_row(w, c, x, n))
      continue;
    TSNode r = lookup_before(w, p, x);
    if (!ts_node_is_null(r))
      return ol_node_span(r);
  }
  return none;
}

/* Why a commit in a loop is meant to run there: followed by break/return
 * (retry, first success), under a batching condition (`if i % n == 0`), in
 * a per-item try whose handler rolls back, or a flush whose generated keys
 * the iteration reads afterwards. */
const char *ol_exec_commit_exemption(ol_walker *w, TSNode stmt, int loop, bool flush,
                                     bool *guarded) {
  TSNode next = ts_node_next_named_sibling(stmt);
  ol_kind nk = ol_kind_of(w->sx, next);
  if (nk == OL_K_break_statement || nk == OL_K_return_statement)
    return "followed by break/return";
  ol_span l = w->out->loops.items[loop].node;
  TSNode loop_node = {0};
  /* Each test reads the loop once: the nearest few ifs keep the cost linear in what the
   * walk reads, however deep a crafted nest goes. */
  int tests_left = MAX_ONCE_TESTS;
  for (size_t i = w->path.len; i-- > 0 && ts_node_is_null(loop_node);)
    if (ts_node_start_byte(w->path.items[i]) == l.start &&
        ts_node_end_byte(w->path.items[i]) == l.end)
      loop_node = w->path.items[i];
  for (size_t i = w->path.len; i-- > 0;) {
    TSNode n = w->path.items[i];
    if (ts_node_start_byte(n) == l.start && ts_node_end_byte(n) == l.end)
      break;
    ol_kind k = ol_kind_of(w->sx, n);
    if (k == OL_K_if_statement || k == OL_K_try_statement || k == OL_K_with_statement)
      *guarded = true;
    if (k == OL_K_if_statement && !ts_node_is_null(loop_node) && tests_left-- > 0 &&
        runs_once(w, n, loop_node, false))
      return "runs at most once per loop";
    if (k == OL_K_if_statement) {
      TSNode cond = ol_child(w->sx, n, OL_F_condition);
      if (memchr(w->src + ts_node_start_byte(cond), '%',
                 ts_node_end_byte(cond) - ts_node_start_byte(cond)))
        return "batched";
    }
    if (k == OL_K_try_statement &&
        memmem(w->src + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n),
               "rollback", 8))
      return "per-item transaction";
    if (k == OL_K_except_clause)
      return "on an error path";
  }
  if (flush &&
      memmem(w->src + ts_node_end_byte(stmt),
             l.end > ts_node_end_byte(stmt) ? l.end - ts_node_end_byte(stmt) : 0, ".id", 3))
    return "reads generated keys";
  return NULL;
}

void ol_exec_check_commit(ol_walker *w, TSNode call, int loop) {
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  if (ol_kind_of(w->sx, fn) != OL_K_attribute)
    return;
  TSNode m = ol_child(w->sx, fn, OL_F_attribute);
  bool flush = ol_node_text_is(w, m, "flush");
  if (!flush && !ol_node_text_is(w, m, "commit"))
    return;
  if (ol_classify(w, ol_child(w->sx, fn, OL_F_object)).kind != OL_VAL_SESSION)
    return;
  if (w->out->loops.items[loop].kind != OL_LOOP_FOR &&
      w->out->loops.items[loop].kind != OL_LOOP_WHILE)
    return;
  TSNode site = call, parent = ol_walk_parent(w, call);
  if (ol_kind_of(w->sx, parent) == OL_K_await)
    site = parent;
  TSNode stmt = ol_walk_statement(w, site);
  ol_commit_site c = {.loop = loop, .span = ol_node_span(site), .flush = flush};
  if (ol_kind_of(w->sx, stmt) == OL_K_expression_statement &&
      ts_node_named_child_count(stmt) == 1 && ts_node_eq(ts_node_named_child(stmt, 0), site)) {
    c.stmt = ol_node_span(stmt);
    TSNode block = ol_walk_parent(w, stmt);
    uint32_t statements = 0;
    for (uint32_t i = 0; i < ts_node_named_child_count(block); i++)
      statements += ol_kind_of(w->sx, ts_node_named_child(block, i)) != OL_K_comment;
    c.alone_in_block = statements == 1;
  }
  c.exempt = ol_exec_commit_exemption(w, stmt, loop, flush, &c.guarded);
  c.miss = ol_exec_miss_lookup(w, call, loop);
  c.branch = ol_exec_branch_of(w, call, loop);
  ol_vec_push(&w->out->commits, c);
}

/* ---- len() of loaded rows ---------------------------------------------- */

/* Whether a query or select chain counts the same rows with count() as
 * len(.all()): no join (.all() de-duplicates joined entities), no
 * select_from, distinct, union or grouping. */
static bool chain_is_plain(ol_walker *w, TSNode chain) {
  static const char *const NOT_PLAIN[] = {
      "join",   "outerjoin",     "join_from",   "outerjoin_from", "select_from", "distinct",
      "union",  "union_all",     "intersect",   "except_",        "from_self",   "group_by",
      "having", "with_entities", "add_columns", "add_entity",     NULL};
  TSNode n = ol_unwrap(w, chain);
  for (int depth = 0; depth < 200 && ol_kind_of(w->sx, n) == OL_K_call; depth++) {
    TSNode fn = ol_child(w->sx, n, OL_F_function);
    if (ol_kind_of(w->sx, fn) != OL_K_attribute)
      return true;
    if (node_in_list(w, ol_child(w->sx, fn, OL_F_attribute), NOT_PLAIN))
      return false;
    n = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
  }
  return true;
}

/* The only argument of an argument list, comments aside; null when not one. */
static TSNode sole_argument(ol_walker *w, TSNode args) {
  TSNode found = {0};
  for (uint32_t i = 0; i < ts_node_named_child_count(args); i++) {
    TSNode a = ts_node_named_child(args, i);
    if (ol_kind_of(w->sx, a) == OL_K_comment)
      continue;
    if (found.id)
      return (TSNode){0};
    found = a;
  }
  return found;
}

void ol_exec_check_len(ol_walker *w, TSNode call) {
  TSNode fn = ol_child(w->sx, call, OL_F_function), args = ol_child(w->sx, call, OL_F_arguments);
  if (!ol_node_text_is(w, fn, "len"))
    return;
  TSNode arg = ol_unwrap(w, sole_argument(w, args));
  if (ol_kind_of(w->sx, arg) ==
      OL_K_attribute) { /* len(obj.rel) of a loaded object: the index decides */
    TSNode obj = ol_child(w->sx, arg, OL_F_object);
    const ol_binding *b = ol_kind_of(w->sx, obj) == OL_K_identifier
                              ? ol_scope_binding(w, ol_node_hash(w, obj))
                              : NULL;
    if (!b || !b->entity1)
      return;
    ol_len_site s = {.kind = OL_LEN_RELATION,
                     .span = ol_node_span(call),
                     .entity = b->entity1,
                     .object = ol_node_span(obj),
                     .rel = ol_node_text(w, ol_child(w->sx, arg, OL_F_attribute))};
    for (size_t k = w->scopes.len; k-- > 0;)
      if (!w->scopes.items[k].is_lambda) {
        s.scope = w->scopes.items[k].span;
        break;
      }
    ol_vec_push(&w->out->lens, s);
    return;
  }
  if (ol_kind_of(w->sx, arg) != OL_K_call)
    return;
  TSNode afn = ol_child(w->sx, arg, OL_F_function), aargs = ol_child(w->sx, arg, OL_F_arguments);
  ol_len_site s = {.span = ol_node_span(call)};
  if (ol_node_text_is(w, afn, "list") && ts_node_named_child_count(aargs) == 1) {
    TSNode q = ts_node_named_child(aargs, 0);
    ol_valinfo v = ol_classify(w, q);
    if (v.kind != OL_VAL_QUERY || v.count)
      return;
    s.kind = OL_LEN_LIST_QUERY;
    s.query = ol_node_span(q);
    s.plain = chain_is_plain(w, q);
  } else if (ol_kind_of(w->sx, afn) == OL_K_attribute &&
             ol_node_text_is(w, ol_child(w->sx, afn, OL_F_attribute), "all") &&
             ts_node_named_child_count(aargs) == 0) {
    TSNode recv = ol_unwrap(w, ol_child(w->sx, afn, OL_F_object));
    ol_valinfo v = ol_classify(w, recv);
    if (v.kind == OL_VAL_QUERY && !v.count) {
      s.kind = OL_LEN_QUERY_ALL;
      s.query = ol_node_span(recv);
      s.plain = chain_is_plain(w, recv);
    } else if (ol_kind_of(w->sx, recv) == OL_K_call) { /* session.scalars(stmt).all() */
      TSNode sfn = ol_child(w->sx, recv, OL_F_function),
             sargs = ol_child(w->sx, recv, OL_F_arguments);
      if (ol_kind_of(w->sx, sfn) != OL_K_attribute ||
          !ol_node_text_is(w, ol_child(w->sx, sfn, OL_F_attribute), "scalars") ||
          ts_node_named_child_count(sargs) != 1 ||
          ol_classify(w, ol_child(w->sx, sfn, OL_F_object)).kind != OL_VAL_SESSION)
        return;
      TSNode stmt = ts_node_named_child(sargs, 0);
      if (ol_classify(w, stmt).kind != OL_VAL_SELECT)
        return;
      s.kind = OL_LEN_SCALARS_ALL;
      s.query = ol_node_span(stmt);
      s.session = ol_node_span(ol_child(w->sx, sfn, OL_F_object));
      s.plain = chain_is_plain(w, stmt);
    } else {
      return;
    }
  } else {
    return;
  }
  ol_vec_push(&w->out->lens, s);
}
