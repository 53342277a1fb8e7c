/* Pass 1 facts for the call summaries (DESIGN.md "Calls"): every function
 * and method with its parameters and decorators, the queries, counts and
 * commits it runs itself, what it returns, the attributes it reads on its
 * parameters, the calls it makes (and the calls made per loop iteration),
 * and the imports and aliases that resolve those calls across files. The
 * index links them into summaries (analyzer/summary.c). */
#include <ctype.h>
#include <string.h>

#include "index.h"
#include "source.h"
#include "walk_internal.h"

/* Distinct `param.attr` reads kept per function: summaries stay compact. */
#define MAX_READS_PER_FUNCTION 256

static void check_terminal(ol_walker *w, TSNode call, int ctx);
static void add_site(ol_walker *w, int func, ol_effect e, ol_span span, bool self_memo,
                     ol_param_guard guard);
static const ol_call_binding *binding_of(ol_walker *w, TSNode name);
static void arg_call_rows(ol_walker *w, TSNode a, ol_call_arg *arg);

/* One arena copy per distinct name of the file: `self`, parameter, attribute
 * and callee names repeat across functions. */
/* The walk's one copy of s[0..len) (names repeat: one string each). */
static char *intern_bytes(ol_walker *w, const char *s, size_t len) {
  if (len > 64)
    return ol_arena_strndup(&w->out->arena, s, len);
  if (w->n_interned * 2 >= w->interned_cap) {
    size_t cap = w->interned_cap ? w->interned_cap * 2 : 256;
    char **t = ol_calloc(cap, sizeof(char *));
    for (size_t i = 0; i < w->interned_cap; i++) {
      char *x = w->interned[i];
      if (!x)
        continue;
      size_t j = ol_name_hash(x, strlen(x)) & (cap - 1);
      while (t[j])
        j = (j + 1) & (cap - 1);
      t[j] = x;
    }
    ol_free(w->interned);
    w->interned = t;
    w->interned_cap = cap;
  }
  size_t j = ol_name_hash(s, len) & (w->interned_cap - 1);
  for (; w->interned[j]; j = (j + 1) & (w->interned_cap - 1))
    if (strlen(w->interned[j]) == len && !memcmp(w->interned[j], s, len))
      return w->interned[j];
  w->n_interned++;
  return w->interned[j] = ol_arena_strndup(&w->out->arena, s, len);
}

static char *intern(ol_walker *w, TSNode n) {
  return intern_bytes(w, w->src + ts_node_start_byte(n),
                      ts_node_end_byte(n) - ts_node_start_byte(n));
}

char *ol_walk_intern_string(ol_walker *w, const char *s) { return intern_bytes(w, s, strlen(s)); }

uint64_t ol_class_attr_key(const char *cls, const char *attr, size_t attr_len) {
  return ol_name_hash(cls, strlen(cls)) * 1099511628211ull ^ ol_name_hash(attr, attr_len);
}

int ol_calls_current(const ol_walker *w) {
  return w->fstack.len ? w->fstack.items[w->fstack.len - 1] : -1;
}

int ol_calls_param_index(const ol_walker *w, int func, TSNode name) {
  if (func < 0 || ol_kind_of(w->sx, name) != OL_K_identifier)
    return -1;
  const ol_func_fact *f = &w->out->funcs.items[func];
  uint32_t len = ts_node_end_byte(name) - ts_node_start_byte(name);
  for (uint32_t i = 0; i < f->n_params; i++)
    if (strlen(f->params[i]) == len &&
        !memcmp(f->params[i], w->src + ts_node_start_byte(name), len))
      return (int)i;
  return -1;
}

/* The loop (ctx or one around it) whose rows variable is name, -1. */
static int rows_loop(const ol_walker *w, int ctx, TSNode name) {
  if (ol_kind_of(w->sx, name) != OL_K_identifier)
    return -1;
  uint64_t h = ol_node_hash(w, name);
  for (int l = ctx; l >= 0; l = w->out->loops.items[l].parent) {
    const ol_loop *loop = &w->out->loops.items[l];
    if ((loop->has_rows || !ol_span_empty(loop->rows_call) || loop->rows_param >= 0) &&
        loop->rows_var == h)
      return l;
  }
  return -1;
}

/* The parameter whose elements the loop variable `name` holds (a loop over
 * a parameter, ctx or around it), -1. */
static int param_rows_of(const ol_walker *w, int ctx, TSNode name) {
  int l = rows_loop(w, ctx, name);
  return l >= 0 ? w->out->loops.items[l].rows_param : -1;
}

/* Decorators that memoize across calls (DESIGN.md "Real code"): functools'
 * cache/lru_cache, Flask-Caching's memoize/cached, cachetools' cached and
 * cachedmethod, and the config's `memoizers`. `cached_property` caches per
 * instance: a property read on every row still runs once per row. */
static bool is_memoizer(ol_walker *w, TSNode e, TSNode last) {
  static const char *const names[] = {"cache",  "lru_cache",    "memoize",       "memoized",
                                      "cached", "cachedmethod", "cache_memoize", NULL};
  for (const char *const *p = names; *p; p++)
    if (ol_node_text_is(w, last, *p))
      return true;
  /* A project's own wrappers keep the word: memoize_function, memoized_for(...). */
  if (ts_node_end_byte(last) - ts_node_start_byte(last) > 7 &&
      !memcmp(w->src + ts_node_start_byte(last), "memoize", 7))
    return true;
  for (size_t i = 0; w->cfg && i < w->cfg->n_memoizers; i++)
    if (ol_node_text_is(w, e, w->cfg->memoizers[i]) ||
        ol_node_text_is(w, last, ol_last_component(w->cfg->memoizers[i])))
      return true;
  return false;
}

/* The kind of def by its decorators; *memoized: one memoizes it; *wrapped: one
 * is not known to hand the caller's arguments through as they are (property,
 * staticmethod, classmethod, a memoizer, abstractmethod, override, overload,
 * functools.wraps): it may pass parameters of its own, so neither a call's
 * positions nor def's defaults say which parameter gets what (ol_func_fact.wrapped). */
static bool dotted_name(const ol_walker *w, TSNode n, int depth);

static ol_fn_kind decorator_kind(ol_walker *w, TSNode def, bool *memoized, bool *wrapped,
                                 ol_buf *decos, bool *opaque) {
  TSNode parent = ol_walk_parent(w, def);
  *memoized = false;
  *wrapped = false;
  *opaque = false;
  if (ol_kind_of(w->sx, parent) != OL_K_decorated_definition)
    return OL_FN_FUNCTION;
  ol_fn_kind kind = OL_FN_FUNCTION;
  for (uint32_t i = 0; i < ts_node_named_child_count(parent); i++) {
    TSNode d = ts_node_named_child(parent, i);
    if (ol_kind_of(w->sx, d) != OL_K_decorator)
      continue;
    TSNode e = ts_node_named_child(d, 0);
    bool called = ol_kind_of(w->sx, e) == OL_K_call;
    if (called)
      e = ol_child(w->sx, e, OL_F_function);
    bool dotted = ol_kind_of(w->sx, e) == OL_K_attribute;
    TSNode last = dotted ? ol_child(w->sx, e, OL_F_attribute) : e;
    bool memo = is_memoizer(w, e, last);
    *memoized |= memo;
    static const char *const props[] = {"property", "cached_property", "hybrid_property", "reify",
                                        NULL};
    static const char *const setters[] = {"setter",     "deleter",       "expression",
                                          "comparator", "declared_attr", NULL};
    bool plain = memo || ol_node_text_is(w, last, "abstractmethod") ||
                 ol_node_text_is(w, last, "override") || ol_node_text_is(w, last, "overload") ||
                 ol_node_text_is(w, last, "wraps");
    for (const char *const *p = props; *p; p++)
      if (ol_node_text_is(w, last, *p))
        kind = OL_FN_PROPERTY, plain = true;
    for (const char *const *p = setters; *p; p++)
      if (ol_node_text_is(w, last, *p))
        return OL_FN_SETTER;
    if (ol_node_text_is(w, last, "staticmethod"))
      kind = OL_FN_STATIC, plain = true;
    if (ol_node_text_is(w, last, "classmethod"))
      kind = OL_FN_CLASSMETHOD, plain = true;
    *wrapped |= !plain;
    if (!plain && !dotted_name(w, e, 0))
      *opaque = true;  /* an expression: the index cannot name it */
    else if (!plain) { /* "name", or "name(" for what a call of name returns */
      ol_buf_add(decos, w->src + ts_node_start_byte(last),
                 ts_node_end_byte(last) - ts_node_start_byte(last));
      if (called)
        ol_buf_putc(decos, '(');
      ol_buf_putc(decos, '\x1f');
    }
  }
  return kind;
}

/* The class whose body holds def (directly or through its decorators), or null. */
static TSNode owning_class(ol_walker *w, TSNode def) {
  TSNode n = ol_walk_parent(w, def);
  if (ol_kind_of(w->sx, n) == OL_K_decorated_definition)
    n = ol_walk_parent(w, n);
  if (ol_kind_of(w->sx, n) != OL_K_block)
    return (TSNode){0};
  n = ol_walk_parent(w, n);
  return ol_kind_of(w->sx, n) == OL_K_class_definition ? n : (TSNode){0};
}

static TSNode param_name(ol_walker *w, TSNode p) {
  switch (ol_kind_of(w->sx, p)) {
  case OL_K_identifier:
    return p;
  case OL_K_typed_parameter:
    return ts_node_named_child(p, 0);
  case OL_K_default_parameter:
  case OL_K_typed_default_parameter:
    return ol_child(w->sx, p, OL_F_name);
  default:
    return (TSNode){0};
  }
}

static void note_value_hash(ol_walker *w, uint64_t h);
static bool handed_to_decorator(ol_walker *w, TSNode def);

/* How many identifiers under n read name (of len bytes). */
static uint32_t name_uses(ol_walker *w, TSNode n, const char *name, uint32_t len, int depth) {
  if (depth > 64)
    return 1000; /* too deep to read: counts as used elsewhere */
  if (ol_kind_of(w->sx, n) == OL_K_identifier)
    return ts_node_end_byte(n) - ts_node_start_byte(n) == len &&
           !memcmp(w->src + ts_node_start_byte(n), name, len);
  uint32_t k = 0;
  for (uint32_t i = 0; i < ts_node_child_count(n); i++)
    k += name_uses(w, ts_node_child(n, i), name, len, depth + 1);
  return k;
}

static bool text_eq(ol_walker *w, TSNode a, TSNode b) {
  uint32_t n = ts_node_end_byte(a) - ts_node_start_byte(a);
  return n == ts_node_end_byte(b) - ts_node_start_byte(b) &&
         !memcmp(w->src + ts_node_start_byte(a), w->src + ts_node_start_byte(b), n);
}

/* The call under n (depth-first) whose callee is the identifier f, or null. */
static TSNode call_of(ol_walker *w, TSNode n, TSNode f, int depth) {
  if (depth > 64)
    return (TSNode){0};
  if (ol_kind_of(w->sx, n) == OL_K_call) {
    TSNode c = ol_child(w->sx, n, OL_F_function);
    if (ol_kind_of(w->sx, c) == OL_K_identifier && text_eq(w, c, f))
      return n;
  }
  for (uint32_t i = 0; i < ts_node_named_child_count(n); i++) {
    TSNode c = call_of(w, ts_node_named_child(n, i), f, depth + 1);
    if (!ts_node_is_null(c))
      return c;
  }
  return (TSNode){0};
}

/* Whether def is a decorator that hands the caller's arguments to what it wraps as they are:
 * `def deco(f):` whose body is (a docstring,) `def wrapper(*args, **kwargs): ...` (under
 * `@wraps(f)` at most) and `return wrapper`, the wrapper naming f, args and kwargs once each,
 * in `f(*args, **kwargs)` (ol_func_fact.transparent). */
static bool is_transparent_decorator(ol_walker *w, TSNode def) {
  TSNode params = ol_child(w->sx, def, OL_F_parameters), body = ol_child(w->sx, def, OL_F_body);
  if (ts_node_is_null(params) || ts_node_is_null(body) || ts_node_named_child_count(params) != 1)
    return false;
  TSNode f = ts_node_named_child(params, 0), inner = {0}, ret = {0};
  if (ol_kind_of(w->sx, f) != OL_K_identifier)
    return false;
  for (uint32_t i = 0; i < ts_node_named_child_count(body); i++) {
    TSNode st = ts_node_named_child(body, i);
    ol_kind k = ol_kind_of(w->sx, st);
    if (k == OL_K_comment || (k == OL_K_expression_statement && i == 0 &&
                              ol_kind_of(w->sx, ts_node_named_child(st, 0)) == OL_K_string))
      continue;
    if ((k == OL_K_function_definition || k == OL_K_decorated_definition) &&
        ts_node_is_null(inner) && ts_node_is_null(ret))
      inner = st;
    else if (k == OL_K_return_statement && !ts_node_is_null(inner) && ts_node_is_null(ret))
      ret = st;
    else
      return false;
  }
  if (ts_node_is_null(ret))
    return false;
  if (ol_kind_of(w->sx, inner) == OL_K_decorated_definition) {
    for (uint32_t i = 0; i < ts_node_named_child_count(inner); i++) {
      TSNode d = ts_node_named_child(inner, i);
      if (ol_kind_of(w->sx, d) != OL_K_decorator)
        continue;
      TSNode e = ts_node_named_child(d, 0), fn, args;
      if (ol_kind_of(w->sx, e) != OL_K_call)
        return false;
      fn = ol_child(w->sx, e, OL_F_function);
      args = ol_child(w->sx, e, OL_F_arguments);
      if (ol_kind_of(w->sx, fn) == OL_K_attribute)
        fn = ol_child(w->sx, fn, OL_F_attribute);
      if (!ol_node_text_is(w, fn, "wraps") || ts_node_named_child_count(args) != 1 ||
          !text_eq(w, ts_node_named_child(args, 0), f))
        return false;
    }
    inner = ol_child(w->sx, inner, OL_F_definition);
  }
  TSNode name = ol_child(w->sx, inner, OL_F_name), rv = ts_node_named_child(ret, 0);
  if (ts_node_is_null(rv) || !text_eq(w, rv, name))
    return false;
  TSNode ip = ol_child(w->sx, inner, OL_F_parameters), ib = ol_child(w->sx, inner, OL_F_body);
  if (ts_node_is_null(ip) || ts_node_is_null(ib) || ts_node_named_child_count(ip) != 2)
    return false;
  TSNode a = ts_node_named_child(ip, 0), kw = ts_node_named_child(ip, 1);
  if (ol_kind_of(w->sx, a) != OL_K_list_splat_pattern ||
      ol_kind_of(w->sx, kw) != OL_K_dictionary_splat_pattern)
    return false;
  a = ts_node_named_child(a, 0);
  kw = ts_node_named_child(kw, 0);
  uint32_t fa = ts_node_start_byte(f), fl = ts_node_end_byte(f) - fa;
  uint32_t aa = ts_node_start_byte(a), al = ts_node_end_byte(a) - aa;
  uint32_t ka = ts_node_start_byte(kw), kl = ts_node_end_byte(kw) - ka;
  if (name_uses(w, ib, w->src + fa, fl, 0) != 1 || name_uses(w, ib, w->src + aa, al, 0) != 1 ||
      name_uses(w, ib, w->src + ka, kl, 0) != 1)
    return false;
  /* the one use of each is the call f(*args, **kwargs) */
  TSNode call = call_of(w, ib, f, 0);
  if (ts_node_is_null(call))
    return false;
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  if (ts_node_is_null(args) || ts_node_named_child_count(args) != 2)
    return false;
  TSNode s0 = ts_node_named_child(args, 0), s1 = ts_node_named_child(args, 1);
  return ol_kind_of(w->sx, s0) == OL_K_list_splat &&
         ol_kind_of(w->sx, s1) == OL_K_dictionary_splat &&
         text_eq(w, ts_node_named_child(s0, 0), a) && text_eq(w, ts_node_named_child(s1, 0), kw);
}

/* Whether def's body is a docstring (and comments) then only `raise NotImplementedError`. */
static bool is_stub(ol_walker *w, TSNode def) {
  TSNode body = ol_child(w->sx, def, OL_F_body);
  uint32_t n = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
  bool raised = false;
  for (uint32_t i = 0; i < n; i++) {
    TSNode st = ts_node_named_child(body, i);
    ol_kind k = ol_kind_of(w->sx, st);
    if (k == OL_K_comment || (k == OL_K_expression_statement && !raised && i == 0 &&
                              ol_kind_of(w->sx, ts_node_named_child(st, 0)) == OL_K_string))
      continue;
    if (k != OL_K_raise_statement || raised)
      return false;
    TSNode e = ts_node_named_child(st, 0);
    if (ol_kind_of(w->sx, e) == OL_K_call)
      e = ol_child(w->sx, e, OL_F_function);
    if (!ol_node_text_is(w, e, "NotImplementedError"))
      return false;
    raised = true;
  }
  return raised;
}

/* Whether def is a decorator factory whose body is (a docstring,) a transparent decorator's def
 * and `return <that def>`: `@factory(...)` applies a transparent decorator. */
static bool is_transparent_factory(ol_walker *w, TSNode def) {
  TSNode body = ol_child(w->sx, def, OL_F_body), inner = {0};
  uint32_t n = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
  for (uint32_t i = 0; i < n; i++) {
    TSNode st = ts_node_named_child(body, i);
    ol_kind k = ol_kind_of(w->sx, st);
    if (k == OL_K_comment || (k == OL_K_expression_statement && i == 0 &&
                              ol_kind_of(w->sx, ts_node_named_child(st, 0)) == OL_K_string))
      continue;
    if (k == OL_K_function_definition && ts_node_is_null(inner))
      inner = st;
    else if (k == OL_K_return_statement && !ts_node_is_null(inner) && i == n - 1)
      return text_eq(w, ts_node_named_child(st, 0), ol_child(w->sx, inner, OL_F_name)) &&
             is_transparent_decorator(w, inner);
    else
      return false;
  }
  return false;
}

void ol_calls_enter_function(ol_walker *w, TSNode def) {
  TSNode cls = owning_class(w, def);
  bool memoized, wrapped, opaque;
  ol_buf decos = {0};
  ol_fn_kind kind = decorator_kind(w, def, &memoized, &wrapped, &decos, &opaque);
  ol_func_fact f = {.name = intern(w, ol_child(w->sx, def, OL_F_name)),
                    .cls = ts_node_is_null(cls) ? NULL : intern(w, ol_child(w->sx, cls, OL_F_name)),
                    .outer = ol_calls_current(w),
                    .kind = kind,
                    .memoized = memoized,
                    .wrapped = wrapped,
                    .site = {-1, -1, -1},
                    .rows = -1,
                    .one = -1,
                    .ret_param = -1,
                    .ret_model = -1,
                    .pk_param = -1,
                    .pk_query = -1};
  f.def.span = ol_node_span(ol_child(w->sx, def, OL_F_name));
  if (f.cls && f.kind == OL_FN_FUNCTION)
    f.kind = OL_FN_METHOD;
  f.stub = f.cls && is_stub(w, def);
  TSNode params = ol_child(w->sx, def, OL_F_parameters);
  uint32_t n = ts_node_is_null(params) ? 0 : ts_node_named_child_count(params);
  f.params = ol_arena_alloc(&w->out->arena, (n ? n : 1) * sizeof(char *));
  for (uint32_t i = 0; i < n; i++) {
    TSNode p = ts_node_named_child(params, i);
    ol_kind k = ol_kind_of(w->sx, p);
    if (k == OL_K_list_splat_pattern || k == OL_K_dictionary_splat_pattern ||
        k == OL_K_keyword_separator)
      break; /* positional mapping ends at *args; keyword-only parameters are rare in helpers */
    TSNode name = param_name(w, p);
    if (ts_node_is_null(name))
      break;
    f.params[f.n_params++] = intern(w, name);
  }
  f.defaults = ol_guard_defaults(w, params, f.n_params);
  if (wrapped && !opaque && decos.len) /* the index says whether each passes the calls on */
    f.decos = intern_bytes(w, decos.s, decos.len);
  else if (handed_to_decorator(w, def))
    note_value_hash(w, ol_node_hash(w, ol_child(w->sx, def, OL_F_name)));
  ol_buf_free(&decos);
  f.transparent = f.cls || f.outer >= 0              ? 0
                  : is_transparent_decorator(w, def) ? 1
                  : is_transparent_factory(w, def)   ? 2
                                                     : 0;
  ol_vec_push(&w->out->funcs, f);
  ol_vec_push(&w->fstack, (int)(w->out->funcs.len - 1));
  ol_hashes seen = {0};
  ol_vec_push(&w->fseen, seen);
}

static void note_value_hash(ol_walker *w, uint64_t h) {
  size_t n = w->out->value_refs.len, from = n > 32 ? n - 32 : 0;
  if (from < w->value_refs_mark) /* the memo keeps each top-level statement's part whole */
    from = w->value_refs_mark;
  for (size_t i = from; i < n; i++)
    if (w->out->value_refs.items[i] == h)
      return;
  ol_vec_push(&w->out->value_refs, h);
}

/* Whether identifier n names something read as a value: not a callee, not
 * the name a def, class, parameter, keyword, import or global statement
 * declares. The object of an attribute counts (`f.__name__`). */
static bool read_as_value(ol_walker *w, TSNode n) {
  TSNode p = ol_walk_parent(w, n), used = n;
  ol_kind pk = ol_kind_of(w->sx, p);
  if (pk == OL_K_attribute) {
    if (!ts_node_eq(ol_child(w->sx, p, OL_F_attribute), n))
      return true;
    used = p;
    p = ol_walk_parent(w, p);
    pk = ol_kind_of(w->sx, p);
  }
  switch (pk) {
  case OL_K_call:
    return !ts_node_eq(ol_child(w->sx, p, OL_F_function), used);
  case OL_K_function_definition:
  case OL_K_class_definition:
  case OL_K_keyword_argument:
  case OL_K_default_parameter:
  case OL_K_typed_default_parameter:
    return !ts_node_eq(ol_child(w->sx, p, OL_F_name), used);
  case OL_K_typed_parameter:
    return !ts_node_eq(ts_node_named_child(p, 0), used);
  case OL_K_parameters:
  case OL_K_lambda_parameters:
  case OL_K_import_statement:
  case OL_K_import_from_statement:
  case OL_K_dotted_name:
  case OL_K_aliased_import:
  case OL_K_global_statement:
  case OL_K_nonlocal_statement:
    return false;
  default:
    return true;
  }
}

/* `getattr(mod, "name")`: the function named by the string is read as a value. */
static void note_getattr_name(ol_walker *w, TSNode call) {
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  TSNode name = ts_node_is_null(args) ? args : ts_node_named_child(args, 1);
  if (ts_node_is_null(name) || ol_kind_of(w->sx, name) != OL_K_string)
    return;
  uint32_t a = ts_node_start_byte(name), b = ts_node_end_byte(name);
  if (b - a >= 2 && (w->src[a] == '"' || w->src[a] == '\''))
    note_value_hash(w, ol_name_hash(w->src + a + 1, b - a - 2));
}

void ol_calls_note_value(ol_walker *w, TSNode n) {
  TSNode p = ol_walk_parent(w, n);
  if (ol_kind_of(w->sx, p) == OL_K_call && ts_node_eq(ol_child(w->sx, p, OL_F_function), n) &&
      ol_node_text_is(w, n, "getattr"))
    note_getattr_name(w, p);
  bool member =
      ol_kind_of(w->sx, p) == OL_K_attribute && ts_node_eq(ol_child(w->sx, p, OL_F_attribute), n);
  /* a parameter hides the module's function of its name (`if clean:`) */
  if (read_as_value(w, n) && (member || ol_calls_param_index(w, ol_calls_current(w), n) < 0))
    note_value_hash(w, ol_node_hash(w, n));
}

/* A decorator other than staticmethod/classmethod receives the function as
 * a value: a route, a command, a task is called with what the framework passes. */
static bool handed_to_decorator(ol_walker *w, TSNode def) {
  TSNode parent = ol_walk_parent(w, def);
  if (ol_kind_of(w->sx, parent) != OL_K_decorated_definition)
    return false;
  for (uint32_t i = 0; i < ts_node_named_child_count(parent); i++) {
    TSNode d = ts_node_named_child(parent, i);
    if (ol_kind_of(w->sx, d) != OL_K_decorator)
      continue;
    TSNode e = ts_node_named_child(d, 0);
    if (!ol_node_text_is(w, e, "staticmethod") && !ol_node_text_is(w, e, "classmethod"))
      return true;
  }
  return false;
}

void ol_calls_leave_function(ol_walker *w, TSNode def) {
  int func = ol_calls_current(w);
  if (func >= 0)
    w->out->funcs.items[func].rebound = ol_guard_rebound(w, def, func);
  w->fstack.len--;
  w->fseen.len--;
  ol_vec_free(&w->fseen.items[w->fseen.len]);
}

/* `a`, `a.b`, `a.b.c`: a call target the index may resolve; false for anything else. */
static bool dotted_name(const ol_walker *w, TSNode n, int depth) {
  ol_kind k = ol_kind_of(w->sx, n);
  if (k == OL_K_identifier)
    return true;
  return k == OL_K_attribute && depth < 4 &&
         dotted_name(w, ol_child(w->sx, n, OL_F_object), depth + 1);
}

static TSNode dotted_root(const ol_walker *w, TSNode n) {
  while (ol_kind_of(w->sx, n) == OL_K_attribute)
    n = ol_child(w->sx, n, OL_F_object);
  return n;
}

static void add_root(ol_walker *w, const char *name) {
  uint64_t h = ol_name_hash(name, strlen(name)) | 1; /* 0 marks an empty slot */
  if (w->n_roots * 2 >= w->roots_cap) {
    size_t cap = w->roots_cap ? w->roots_cap * 2 : 64;
    uint64_t *t = ol_calloc(cap, sizeof(uint64_t));
    for (size_t i = 0; i < w->roots_cap; i++) {
      if (!w->roots[i])
        continue;
      size_t j = w->roots[i] & (cap - 1);
      while (t[j])
        j = (j + 1) & (cap - 1);
      t[j] = w->roots[i];
    }
    ol_free(w->roots);
    w->roots = t, w->roots_cap = cap;
  }
  size_t j = h & (w->roots_cap - 1);
  for (; w->roots[j]; j = (j + 1) & (w->roots_cap - 1))
    if (w->roots[j] == h)
      return;
  w->roots[j] = h;
  w->n_roots++;
  w->roots_sum += h * 0x9e3779b97f4a7c15ULL; /* a sum: the order they came in does not count */
}

/* Whether the walk could resolve a call rooted at name: a module-level name,
 * self/cls or a parameter, a loop's rows, or a function nested around here.
 * The names are kept as a hash set, brought up to date as they are recorded. */
static void sync_roots(ol_walker *w) {
  for (; w->roots_seen[0] < w->out->module_names.len; w->roots_seen[0]++)
    add_root(w, w->out->module_names.items[w->roots_seen[0]]);
  for (; w->roots_seen[1] < w->out->imports.len; w->roots_seen[1]++)
    add_root(w, w->out->imports.items[w->roots_seen[1]].local);
  for (; w->roots_seen[2] < w->out->funcs.len; w->roots_seen[2]++)
    if (w->out->funcs.items[w->roots_seen[2]].outer >= 0)
      add_root(w, w->out->funcs.items[w->roots_seen[2]].name);
}

void ol_calls_roots(ol_walker *w, uint64_t *hash) {
  sync_roots(w);
  *hash = w->roots_sum + w->n_roots;
}

static bool resolvable_root(ol_walker *w, int func, int ctx, TSNode root) {
  if (ol_calls_param_index(w, func, root) >= 0 || rows_loop(w, ctx, root) >= 0)
    return true;
  sync_roots(w);
  if (!w->roots_cap)
    return false;
  uint64_t h = ol_node_hash(w, root) | 1;
  for (size_t j = h & (w->roots_cap - 1); w->roots[j]; j = (j + 1) & (w->roots_cap - 1))
    if (w->roots[j] == h)
      return true;
  return false;
}

/* A commit in a `try` of its function whose handler rolls back: the function
 * is a transaction of its own, meant to commit on every call (as a loop's
 * per-item transaction is for ORM006). */
static bool in_rollback_try(const ol_walker *w) {
  for (size_t p = w->path.len; p-- > 0;) {
    TSNode n = w->path.items[p];
    ol_kind k = ol_kind_of(w->sx, n);
    if (k == OL_K_function_definition)
      return false;
    if (k == OL_K_try_statement &&
        memmem(w->src + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n),
               "rollback", 8))
      return true;
  }
  return false;
}

/* A call in a hand-made memo's block (`if self.x is None: self.x = ...`):
 * marked so, and no longer per iteration of a loop around the test when it
 * runs once there (ol_exec_in_lazy_init says 2). */
static void note_lazy_init(ol_walker *w, TSNode call, ol_call_fact *c) {
  bool lazy_self = false;
  int lazy = ol_exec_in_lazy_init(w, call, &lazy_self);
  c->lazy_init = lazy != 0;
  c->lazy_self = lazy_self;
  if (lazy == 2)
    c->loop = -1; /* once per instance or process, not per iteration */
}

/* What a call passes and the test of a parameter it runs under: what decides, per call of
 * the function it is in, whether it runs (DESIGN.md "Calls"). */
static void note_guard(ol_walker *w, TSNode call, ol_call_fact *c) {
  c->guard = ol_guard_of(w, call);
  c->args = ol_guard_call_args(w, call);
}

static void record_args(ol_walker *w, TSNode call, int func, int ctx, ol_call_fact *c);

/* `X(...).m()` or `x.m()` after `x = X(...)`: a method of whatever X
 * constructs, decided at link time (X a project class, or `cls` in a
 * classmethod). Records the call and returns true. */
static bool check_constructed(ol_walker *w, TSNode call, TSNode fn, int func, int ctx) {
  if (ol_kind_of(w->sx, fn) != OL_K_attribute)
    return false;
  TSNode obj = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
  ol_span ctor = {0};
  if (ol_kind_of(w->sx, obj) == OL_K_call && dotted_name(w, ol_child(w->sx, obj, OL_F_function), 0))
    ctor = ol_node_span(obj);
  else if (ol_kind_of(w->sx, obj) == OL_K_identifier && ol_calls_param_index(w, func, obj) < 0) {
    const ol_call_binding *b = binding_of(w, obj);
    if (b)
      ctor = b->call;
  }
  if (ol_span_empty(ctor))
    return false;
  ol_call_fact c = {.callee = intern(w, ol_child(w->sx, fn, OL_F_attribute)),
                    .func = func,
                    .loop = ol_exec_effective_loop(w, call, ctx),
                    .recv_loop = -1,
                    .recv_param = -1,
                    .recv_call = -1,
                    .term = -1};
  c.at.span = ol_node_span(call);
  c.miss = ol_exec_miss_lookup(w, call, c.loop);
  note_lazy_init(w, call, &c);
  note_guard(w, call, &c);
  if (c.loop >= 0) {
    bool guarded = false;
    c.commit_exempt =
        ol_exec_commit_exemption(w, ol_walk_statement(w, call), c.loop, false, &guarded);
    c.branch = ol_exec_branch_of(w, call, c.loop);
    c.in_branch = !ol_span_empty(c.branch);
    c.in_except = ol_exec_in_except(w, call, c.loop);
  }
  record_args(w, call, func, c.loop, &c);
  if (!c.n_args)
    c.first_arg = 0;
  ol_vec_push(&w->out->calls, c);
  ol_pending_terminal p = {.call = ctor, .site = c.at.span, .loop = -1};
  ol_vec_push(&w->pending_recvs, p);
  return true;
}

/* Names bound in the loop nest around ctx, searched at most this far: past
 * it an argument is taken to vary (the conservative answer: reported). */
#define MAX_LOOP_NAMES_SEARCHED 4096

static bool bound_in_loops(const ol_walker *w, int ctx, uint64_t h, bool *unsure) {
  int outer = ctx;
  while (outer >= 0 && w->out->loops.items[outer].parent >= 0)
    outer = w->out->loops.items[outer].parent;
  if (outer < 0)
    return false;
  const ol_hashes *b = &w->loop_bound.items[outer];
  if (b->len > MAX_LOOP_NAMES_SEARCHED) {
    *unsure = true;
    return false;
  }
  for (size_t i = 0; i < b->len; i++)
    if (b->items[i] == h)
      return true;
  return false;
}

static bool bound_in_function(const ol_walker *w, int func, const ol_name_ref *r) {
  if (func < 0)
    return false;
  const ol_func_fact *f = &w->out->funcs.items[func];
  for (uint32_t i = 0; i < f->n_params; i++)
    if (ol_name_hash(f->params[i], strlen(f->params[i])) == r->hash)
      return true;
  for (size_t k = w->scopes.len; k-- > 1;) { /* scopes[0] is the module's */
    if (w->scopes.items[k].names.len > MAX_LOOP_NAMES_SEARCHED)
      return true; /* the conservative answer: a cache entry per call, still reported */
    for (size_t i = 0; i < w->scopes.items[k].names.len; i++)
      if (w->scopes.items[k].names.items[i].hash == r->hash)
        return true;
  }
  return false;
}

/* `row.attr` on the rows variable of a loop over a query's rows (ctx or one
 * around it): a column of an object the session holds for the iteration. */
static void note_row_key(ol_walker *w, int ctx, TSNode a, ol_call_arg *arg) {
  if (ol_kind_of(w->sx, a) != OL_K_attribute)
    return;
  int l = rows_loop(w, ctx, ol_child(w->sx, a, OL_F_object));
  if (l < 0 || !w->out->loops.items[l].has_rows || !w->out->loops.items[l].rows.entity)
    return;
  arg->key_loop = l;
  arg->key_attr = intern(w, ol_child(w->sx, a, OL_F_attribute));
}

/* `row.attr` on the rows variable of a loop ctx or around it: that loop (attr: the attribute),
 * -1. What a get by primary key of it reads (ORM001's identity-map rule). */
int ol_calls_row_key(ol_walker *w, int ctx, TSNode a, char **attr) {
  ol_call_arg arg = {.key_loop = -1};
  note_row_key(w, ctx, a, &arg);
  *attr = arg.key_attr;
  return arg.key_loop;
}

/* `Model.col == x`: a SQL expression, not a bool (each one a new cache key). */
static bool compares_column(ol_walker *w, TSNode cmp) {
  for (uint32_t i = 0; i < ts_node_named_child_count(cmp); i++) {
    TSNode o = ol_unwrap(w, ts_node_named_child(cmp, i));
    bool attr = false;
    for (; ol_kind_of(w->sx, o) == OL_K_attribute; attr = true)
      o = ol_child(w->sx, o, OL_F_object);
    if (attr && ol_kind_of(w->sx, o) == OL_K_identifier &&
        isupper((unsigned char)w->src[ts_node_start_byte(o)]))
      return true;
  }
  return false;
}

/* An argument that takes one of a few values whatever names it reads: a
 * literal (not an f-string), a comparison, `not x`, `bool(x)`/`isinstance(..)`,
 * and `and`/`or` of such (of booleans, a boolean). As a memo's key it makes at
 * most a few cache entries, not one per iteration. */
static bool is_few_valued(ol_walker *w, TSNode a, int depth) {
  a = ol_unwrap(w, a);
  switch (ol_kind_of(w->sx, a)) {
  case OL_K_true:
  case OL_K_false:
  case OL_K_none:
  case OL_K_integer:
  case OL_K_float:
  case OL_K_not_operator:
    return true;
  case OL_K_comparison_operator:
    return !compares_column(w, a);
  case OL_K_string:
    for (uint32_t i = 0; i < ts_node_named_child_count(a); i++)
      if (!strcmp(ts_node_type(ts_node_named_child(a, i)), "interpolation"))
        return false;
    return true;
  case OL_K_unary_operator:
    return depth < 8 && ts_node_named_child_count(a) == 1 &&
           is_few_valued(w, ts_node_named_child(a, 0), depth + 1);
  case OL_K_boolean_operator:
    return depth < 8 && is_few_valued(w, ol_child(w->sx, a, OL_F_left), depth + 1) &&
           is_few_valued(w, ol_child(w->sx, a, OL_F_right), depth + 1);
  case OL_K_call: {
    TSNode fn = ol_child(w->sx, a, OL_F_function);
    return ol_node_text_is(w, fn, "bool") || ol_node_text_is(w, fn, "isinstance") ||
           ol_node_text_is(w, fn, "callable") || ol_node_text_is(w, fn, "hasattr");
  }
  default:
    return false;
  }
}

/* The names the call's arguments read, but those of few-valued arguments. */
static void collect_key_names(ol_walker *w, TSNode args, ol_name_refs *names) {
  for (uint32_t i = 0; i < ts_node_named_child_count(args); i++) {
    TSNode a = ts_node_named_child(args, i);
    TSNode v = ol_kind_of(w->sx, a) == OL_K_keyword_argument ? ol_child(w->sx, a, OL_F_value) : a;
    if (ol_kind_of(w->sx, a) != OL_K_comment && !is_few_valued(w, v, 0))
      ol_collect_names(w, v, names);
  }
}

/* What a memoized callee's cache is keyed on (DESIGN.md "Real code"): the
 * call's arguments and, for a method, its receiver. Whether they read a name
 * the enclosing loops bind (the call misses the cache on every iteration) or
 * one the function binds (each caller's call is its own cache entry). */
static void note_arg_names(ol_walker *w, TSNode call, TSNode fn, TSNode root, ol_call_fact *c) {
  ol_name_refs names = {0};
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  if (!ts_node_is_null(args))
    collect_key_names(w, args, &names);
  if (ol_kind_of(w->sx, fn) == OL_K_attribute && ol_kind_of(w->sx, root) == OL_K_identifier)
    ol_vec_push(&names, ((ol_name_ref){ol_node_hash(w, root), ol_node_span(root)}));
  for (size_t i = 0; i < names.len; i++) {
    bool unsure = false;
    if (c->loop >= 0 && (bound_in_loops(w, c->loop, names.items[i].hash, &unsure) || unsure))
      c->args_loop = true;
    else if (c->loop >= 0) /* bound later in the loop, for the next iteration: resolve_calls */
      ol_vec_push(&w->call_key_names,
                  ((ol_call_key_name){w->out->calls.len, SIZE_MAX, names.items[i].hash, {0, 0}}));
    if (bound_in_function(w, c->func, &names.items[i]))
      c->args_local = true;
  }
  if (c->loop >= 0 && c->recv_loop >= 0)
    c->args_loop = true;
  ol_vec_free(&names);
}

bool ol_calls_expires_session(ol_walker *w, TSNode call) {
  static const char *const EXPIRE[] = {"commit", "rollback", "expire",  "expire_all",  "refresh",
                                       "close",  "remove",   "expunge", "expunge_all", NULL};
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  if (ol_kind_of(w->sx, fn) != OL_K_attribute)
    return false;
  TSNode m = ol_child(w->sx, fn, OL_F_attribute);
  for (const char *const *e = EXPIRE; *e; e++)
    if (ol_node_text_is(w, m, *e))
      return ol_classify(w, ol_child(w->sx, fn, OL_F_object)).kind == OL_VAL_SESSION;
  return false;
}

/* Whether a is a class name as written (`Certificate`, `models.Book`): a dotted name whose last
 * part starts with a capital letter. The index decides whether it names a model. */
static bool class_name(ol_walker *w, TSNode a) {
  TSNode last = a;
  if (ol_kind_of(w->sx, a) == OL_K_attribute) {
    if (!dotted_name(w, a, 0))
      return false;
    last = ol_child(w->sx, a, OL_F_attribute);
  }
  if (ol_kind_of(w->sx, last) != OL_K_identifier)
    return false;
  char c0 = w->src[ts_node_start_byte(last)];
  return c0 >= 'A' && c0 <= 'Z' && !ol_scope_binding(w, ol_node_hash(w, a));
}

/* An argument that is none of the rest: a class name (a query of it when the callee returns one of
 * the model its caller passes: ol_func_fact.ret_model), or a name last bound to what an earlier
 * project call returned (`query = filter_by_owner(query, o)`): the index follows that call. */
static void note_value_source(ol_walker *w, TSNode call, TSNode a, ol_call_arg *arg) {
  if (class_name(w, a)) {
    arg->model_arg = true;
    arg->rows = (ol_rows){.entity = ol_node_text(w, a),
                          .query = ol_node_span(call),
                          .last = ol_node_span(call),
                          .stmt = ol_node_span(ol_walk_statement(w, call)),
                          .eager = intern_bytes(w, "", 0)};
    return;
  }
  if (ol_kind_of(w->sx, a) != OL_K_identifier)
    return;
  /* `query = f(query, ...)`: the binding this assignment makes is recorded already */
  const ol_call_binding *cb = NULL;
  uint64_t h = ol_node_hash(w, a);
  int func = ol_calls_current(w);
  for (size_t i = w->call_bindings.len; i-- > 0;) {
    const ol_call_binding *x = &w->call_bindings.items[i];
    if (x->hash == h && x->func == func &&
        !(x->stmt.start <= ts_node_start_byte(call) && ts_node_start_byte(call) < x->stmt.end)) {
      cb = x->prop ? NULL : x;
      break;
    }
  }
  const ol_binding *b = ol_scope_binding(w, h);
  /* the name's latest binding is that very assignment, of the call's result as it is */
  if (cb && cb->plain && b && !b->has_rows && b->at == cb->stmt.start)
    arg->via_call = ol_facts_call_at(w->out, cb->call);
}

/* The arguments of call up to the last that is a parameter, a loop's rows, rows of a query, one
 * row or an attribute of one: what the callee reads on it is what the caller reads. */
static void record_args(ol_walker *w, TSNode call, int func, int ctx, ol_call_fact *c) {
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args), kept = 0;
  c->first_arg = (uint32_t)w->out->call_args.len;
  for (uint32_t i = 0; i < n && kept < OL_CALL_ARGS; i++) {
    TSNode a = ts_node_named_child(args, i);
    ol_kind k = ol_kind_of(w->sx, a);
    if (k == OL_K_list_splat || k == OL_K_dictionary_splat)
      break;
    if (k == OL_K_comment)
      continue;
    char *kw = NULL;
    if (k == OL_K_keyword_argument) {
      kw = intern(w, ol_child(w->sx, a, OL_F_name));
      a = ol_child(w->sx, a, OL_F_value);
    }
    a = ol_unwrap(w, a);
    ol_call_arg arg = {.kw = kw,
                       .param = ol_calls_param_index(w, func, a),
                       .loop = rows_loop(w, ctx, a),
                       .key_loop = -1,
                       .attr_param = -1,
                       .via_call = -1};
    bool unsure = false;
    if (c->loop >= 0 && ol_kind_of(w->sx, a) == OL_K_identifier &&
        !bound_in_loops(w, c->loop, ol_node_hash(w, a), &unsure) && !unsure) {
      arg.fixed = true; /* unless bound later in the loop: resolve_calls */
      ol_vec_push(&w->call_key_names,
                  ((ol_call_key_name){
                      w->out->calls.len, w->out->call_args.len, ol_node_hash(w, a), {0, 0}}));
    }
    if (arg.param < 0 && arg.loop < 0) /* `helper(query.all())`: the rows of query parameter */
      arg.param = ol_generic_param_rows(w, func, a);
    int col;
    if (arg.param < 0 && arg.loop < 0 && (arg.loop = ol_rows_tuple_column_of(w, ctx, a, &col)) >= 0)
      arg.col = (int8_t)col; /* one entity of each tuple: `helper(row.Book)` */
    if (arg.param < 0 && arg.loop < 0)
      note_row_key(w, ctx, a, &arg);
    if (arg.param < 0 && arg.loop < 0 && arg.key_loop < 0 &&
        ol_kind_of(w->sx, a) == OL_K_attribute) {
      /* `helper(p.children)` on a parameter, `helper(self.event)` on the instance */
      TSNode obj = ol_child(w->sx, a, OL_F_object);
      arg.attr_param = ol_calls_unbound_param(w, obj);
      if (arg.attr_param < 0 && ol_walk_self_class(w, obj))
        arg.attr_param = 0;
      if (arg.attr_param >= 0)
        arg.key_attr = intern(w, ol_child(w->sx, a, OL_F_attribute));
    }
    /* `helper(entity.id)` on a name no loop of the nest binds: one key for the nest too, unless
     * code of the project writes that attribute (ol_index_call_gets_held). */
    if (c->loop >= 0 && arg.param < 0 && arg.loop < 0 && arg.key_loop < 0 &&
        ol_kind_of(w->sx, a) == OL_K_attribute) {
      TSNode obj = ol_unwrap(w, ol_child(w->sx, a, OL_F_object));
      if (ol_kind_of(w->sx, obj) == OL_K_identifier &&
          !bound_in_loops(w, c->loop, ol_node_hash(w, obj), &unsure) && !unsure) {
        arg.fixed = true;
        arg.key_attr = intern(w, ol_child(w->sx, a, OL_F_attribute));
        ol_vec_push(&w->call_key_names,
                    ((ol_call_key_name){w->out->calls.len, w->out->call_args.len,
                                        ol_node_hash(w, obj), ol_node_span(obj)}));
      }
    }
    /* Rows of a query passed whole: what the callee reads on each is read per row. */
    arg.has_rows = arg.param < 0 && arg.loop < 0 && ol_rows_of(w, a, &arg.rows) &&
                   arg.rows.entity && !ol_span_empty(arg.rows.query);
    if (!arg.has_rows)
      arg.rows = (ol_rows){0};
    if (!arg.has_rows && arg.param < 0 && arg.loop < 0 && arg.key_loop < 0 && arg.attr_param < 0) {
      const ol_binding *b =
          ol_kind_of(w->sx, a) == OL_K_identifier ? ol_scope_binding(w, ol_node_hash(w, a)) : NULL;
      if (b && b->has_one && b->one.entity && !ol_span_empty(b->one.query))
        arg.one = true, arg.rows = b->one;
      else if (!b && ol_rows_one_load(w, a, &arg.rows) && arg.rows.entity)
        arg.one = true;
      else
        arg.rows = (ol_rows){0};
      if (!arg.one)
        arg_call_rows(w, a, &arg);
    }
    if (arg.has_rows || arg.one || !ol_span_empty(arg.rows_call))
      arg.rows.options_opaque = !ol_walk_options_known(w, &arg.rows);
    if (arg.param < 0 && arg.loop < 0 && !arg.has_rows && ol_kind_of(w->sx, a) == OL_K_attribute &&
        ol_walk_self_class(w, ol_child(w->sx, a, OL_F_object)))
      arg.self_attr = intern(w, ol_child(w->sx, a, OL_F_attribute)); /* helper(self.items) */
    if (arg.param < 0 && arg.loop < 0 && !arg.has_rows && !arg.one && arg.key_loop < 0 &&
        arg.attr_param < 0 && !arg.self_attr)
      note_value_source(w, call, a, &arg);
    ol_vec_push(&w->out->call_args, arg);
    kept++;
    if (arg.param >= 0 || arg.loop >= 0 || arg.has_rows || arg.key_loop >= 0 ||
        arg.attr_param >= 0 || arg.one || arg.self_attr || arg.fixed || arg.model_arg ||
        arg.via_call >= 0 || !ol_span_empty(arg.rows_call))
      c->n_args = kept;
  }
  w->out->call_args.len = c->first_arg + c->n_args; /* drop the uninteresting tail */
}

/* A call the facts keep no record of (`x.m(...)` on an object of unknown class, a call at module
 * level): its name joins value_refs salted (OL_UNSEEN_CALL), as a method the index cannot see
 * every call of. */
static void note_unseen_call(ol_walker *w, TSNode fn) {
  if (ol_kind_of(w->sx, fn) == OL_K_attribute)
    fn = ol_child(w->sx, fn, OL_F_attribute);
  if (ol_kind_of(w->sx, fn) == OL_K_identifier)
    note_value_hash(w, ol_node_hash(w, fn) ^ OL_UNSEEN_CALL);
}

static bool method_kind_walk(ol_fn_kind k) {
  return k == OL_FN_METHOD || k == OL_FN_CLASSMETHOD || k == OL_FN_PROPERTY;
}

/* `super().m(...)` or `super(Cls, self).m(...)` in a method of a class. */
static bool is_super_call(ol_walker *w, int func, TSNode fn) {
  if (func < 0 || ol_kind_of(w->sx, fn) != OL_K_attribute)
    return false;
  const ol_func_fact *f = &w->out->funcs.items[func];
  if (!f->cls || !method_kind_walk(f->kind))
    return false;
  TSNode obj = ol_child(w->sx, fn, OL_F_object);
  if (ol_kind_of(w->sx, obj) != OL_K_call ||
      !ol_node_text_is(w, ol_child(w->sx, obj, OL_F_function), "super"))
    return false;
  TSNode args = ol_child(w->sx, obj, OL_F_arguments);
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  return n == 0 || (n == 2 && ol_node_text_is(w, ts_node_named_child(args, 0), f->cls));
}

void ol_calls_check_call(ol_walker *w, TSNode call, int ctx) {
  int func = ol_calls_current(w);
  check_terminal(w, call, ctx);
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  if (func >= 0 && ol_kind_of(w->sx, fn) == OL_K_attribute &&
      ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "commit") &&
      ol_classify(w, ol_child(w->sx, fn, OL_F_object)).kind == OL_VAL_SESSION &&
      !in_rollback_try(w))
    add_site(w, func, OL_EFFECT_COMMIT, ol_node_span(call), false, ol_guard_of(w, call));
  if (func >= 0 && ol_calls_expires_session(w, call))
    w->out->funcs.items[func].expires = true;
  if (func < 0 && ctx < 0) {
    note_unseen_call(w, fn);
    return;
  }
  bool on_super = is_super_call(w, func, fn);
  if (!on_super && check_constructed(w, call, fn, func, ctx))
    return;
  if (!on_super && !dotted_name(w, fn, 0)) {
    note_unseen_call(w, fn);
    return;
  }
  ctx = ol_exec_effective_loop(w, call, ctx); /* first success, `if key == "roles": f()` */
  TSNode root = dotted_root(w, fn);
  if (!on_super && !resolvable_root(w, func, ctx, root)) {
    note_unseen_call(w, fn);
    return;
  }
  ol_call_fact c = {
      .func = func, .loop = ctx, .recv_loop = -1, .recv_param = -1, .recv_call = -1, .term = -1};
  if (on_super)
    c.recv_param = 0; /* self, bound */
  else if (ol_kind_of(w->sx, fn) == OL_K_attribute &&
           ts_node_eq(ol_child(w->sx, fn, OL_F_object), root)) {
    c.recv_loop = rows_loop(w, ctx, root);
    c.recv_param = ol_calls_param_index(w, func, root);
    const ol_func_fact *f = c.recv_param >= 0 ? &w->out->funcs.items[func] : NULL;
    if (f && (c.recv_param > 0 || !f->cls || f->kind == OL_FN_STATIC)) {
      note_unseen_call(w, fn);
      return; /* a method of a parameter of unknown type: its reads are kept instead */
    }
    /* A method of an element of a parameter is kept as a read of its rows; the call is kept
     * too, unresolved (the rows' model is the caller's): its arguments decide the tests of
     * the method's parameters (`model.serialize(relations=relations)`). The index sees no
     * caller of it there, so its parameters are not typed from its callers. */
    if (c.recv_loop >= 0 && w->out->loops.items[c.recv_loop].rows_param >= 0)
      note_unseen_call(w, fn);
  }
  if (on_super) { /* "super.m": the link looks for m in the bases of the method's class */
    TSNode m = ol_child(w->sx, fn, OL_F_attribute);
    char *name = ol_format("super.%.*s", (int)(ts_node_end_byte(m) - ts_node_start_byte(m)),
                           w->src + ts_node_start_byte(m));
    c.callee = ol_walk_intern_string(w, name);
    ol_free(name);
  } else {
    c.callee = intern(w, fn);
  }
  c.at.span = ol_node_span(call);
  c.miss = ol_exec_miss_lookup(w, call, c.loop);
  note_lazy_init(w, call, &c);
  note_guard(w, call, &c);
  if (c.loop >= 0) {
    bool guarded = false;
    c.commit_exempt = ol_exec_commit_exemption(w, ol_walk_statement(w, call), ctx, false, &guarded);
    c.branch = ol_exec_branch_of(w, call, ctx);
    c.in_branch = !ol_span_empty(c.branch);
    c.in_except = ol_exec_in_except(w, call, ctx);
  }
  record_args(w, call, func, ctx, &c);
  note_arg_names(w, call, fn, root, &c);
  if (!c.n_args)
    c.first_arg = 0; /* no arguments kept: one value for it */
  ol_vec_push(&w->out->calls, c);
}

/* A function passed by name to map/filter/sorted/min/max (`filter(check, rows)`,
 * `sorted(rows, key=self._rank)`): called once per element of callback loop `loop`, whose row
 * is its one argument, as `check(row)` in a loop would be. fn is the name passed, where the call
 * is reported. */
void ol_calls_check_callback(ol_walker *w, TSNode fn, int loop) {
  int func = ol_calls_current(w);
  if (!dotted_name(w, fn, 0))
    return;
  TSNode root = dotted_root(w, fn);
  if (!resolvable_root(w, func, loop, root))
    return;
  ol_call_fact c = {
      .func = func, .loop = loop, .recv_loop = -1, .recv_param = -1, .recv_call = -1, .term = -1};
  if (ol_kind_of(w->sx, fn) == OL_K_attribute) {
    if (!ts_node_eq(ol_child(w->sx, fn, OL_F_object), root))
      return;
    c.recv_param = ol_calls_param_index(w, func, root);
    const ol_func_fact *f = c.recv_param >= 0 ? &w->out->funcs.items[func] : NULL;
    if (!f || c.recv_param > 0 || !f->cls || f->kind == OL_FN_STATIC)
      return; /* only `self.m`: a method of the instance */
  }
  c.callee = intern(w, fn);
  c.at.span = ol_node_span(fn);
  bool guarded = false;
  c.commit_exempt = ol_exec_commit_exemption(w, ol_walk_statement(w, fn), loop, false, &guarded);
  c.branch = ol_exec_branch_of(w, fn, loop);
  c.in_branch = !ol_span_empty(c.branch);
  c.in_except = ol_exec_in_except(w, fn, loop);
  c.first_arg = (uint32_t)w->out->call_args.len;
  ol_call_arg arg = {.param = -1, .loop = loop, .key_loop = -1, .attr_param = -1};
  ol_vec_push(&w->out->call_args, arg);
  c.n_args = 1;
  ol_vec_push(&w->out->calls, c);
}

/* `p.attr` on a parameter p of the function being walked. */
void ol_calls_check_attribute(ol_walker *w, TSNode attr, int ctx) {
  int func = ol_calls_current(w);
  if (func < 0)
    return;
  TSNode obj = ol_child(w->sx, attr, OL_F_object);
  int param = ol_calls_param_index(w, func, obj);
  bool rows = false;
  if (param < 0) { /* `e.attr` on each element e of a loop over parameter p */
    param = param_rows_of(w, ctx, obj);
    rows = param >= 0;
  }
  if (param < 0)
    return;
  TSNode parent = ol_walk_parent(w, attr);
  ol_kind pk = ol_kind_of(w->sx, parent);
  TSNode name = ol_child(w->sx, attr, OL_F_attribute);
  if ((pk == OL_K_assignment || pk == OL_K_augmented_assignment) &&
      ts_node_eq(ol_child(w->sx, parent, OL_F_left), attr)) {
    const ol_func_fact *f = &w->out->funcs.items[func];
    if (param == 0 && f->cls) /* an attribute the class assigns: not a property */
      ol_vec_push(&w->self_assigned,
                  ol_class_attr_key(f->cls, w->src + ts_node_start_byte(name),
                                    ts_node_end_byte(name) - ts_node_start_byte(name)));
    return; /* p.attr = x writes */
  }
  ol_span count, builders;
  bool counted = pk == OL_K_attribute && ol_rows_count_after(w, attr, &count, &builders);
  /* One read per test it runs under: the summary joins them (an unguarded one wins). */
  ol_param_guard guard = ol_guard_of(w, attr);
  uint64_t h = ((ol_node_hash(w, name) * 31 + (uint64_t)param) * 2 + rows) * 2 + counted;
  h = ((h * 31 + guard.test) * 257 + guard.param) * 31 + (uint64_t)(uintptr_t)guard.lit;
  bool called = pk == OL_K_call && ts_node_eq(ol_child(w->sx, parent, OL_F_function), attr);
  char *args = called ? ol_guard_call_args(w, parent) : NULL; /* `p.m(relations=True)` */
  if (args)
    h = ol_fnv(h, args, strlen(args));
  ol_hashes *seen = &w->fseen.items[w->fseen.len - 1];
  if (seen->len >= MAX_READS_PER_FUNCTION)
    return;
  for (size_t i = 0; i < seen->len; i++)
    if (seen->items[i] == h)
      return;
  ol_vec_push(seen, h);
  ol_param_read r = {.func = func,
                     .param = (uint32_t)param,
                     .rows = rows,
                     .attr = intern(w, name),
                     .called = pk == OL_K_call &&
                               ts_node_eq(ol_child(w->sx, parent, OL_F_function), attr),
                     .counted = counted,
                     .guard = guard};
  r.at.span = ol_node_span(attr);
  r.args = args;
  ol_vec_push(&w->out->param_reads, r);
  const ol_func_fact *f = &w->out->funcs.items[func];
  if (param == 0 && !rows && !r.called && f->cls && f->kind != OL_FN_STATIC) {
    /* `self.prop`: a property of the class runs here, like a call. */
    ol_call_fact c = {.callee = intern(w, attr),
                      .func = func,
                      .loop = ctx,
                      .recv_loop = -1,
                      .recv_param = 0,
                      .recv_call = -1,
                      .term = -1,
                      .attr_only = true,
                      .args_local = true,
                      .guard = guard};
    c.at.span = r.at.span;
    ol_vec_push(&w->out->calls, c);
  }
}

/* The project call at the root of `f(...).filter(...)...` (builders only
 * between); or, with *via_name, the name at its root bound to such a call
 * (`q = f(...)`); null when neither. */
static TSNode builder_root(ol_walker *w, TSNode n, bool *builders, bool *via_name) {
  *via_name = false;
  int taken;
  n = ol_exec_below_builders(w, n, 32, &taken);
  *builders = taken > 0;
  if (ol_kind_of(w->sx, n) == OL_K_call && taken < 32)
    return n; /* the call the builders are on */
  if (ol_kind_of(w->sx, n) == OL_K_identifier) {
    *via_name = true;
    return n;
  }
  return (TSNode){0};
}

static const ol_call_binding *latest_binding(ol_walker *w, TSNode name) {
  uint64_t h = ol_node_hash(w, name);
  int func = ol_calls_current(w);
  for (size_t i = w->call_bindings.len; i-- > 0;)
    if (w->call_bindings.items[i].hash == h && w->call_bindings.items[i].func == func)
      return &w->call_bindings.items[i];
  return NULL;
}

static const ol_call_binding *binding_of(ol_walker *w, TSNode name) {
  const ol_call_binding *b = latest_binding(w, name);
  return b && !b->prop ? b : NULL;
}

/* The `self.<attr>` read chain is built on (see the header), *opts when an
 * .options(...) is on the way; empty when none. */
static ol_span prop_source(ol_walker *w, TSNode chain, bool *opts) {
  TSNode n = ol_unwrap(w, chain);
  for (int depth = 0; depth < 32 && ol_kind_of(w->sx, n) == OL_K_call; depth++) {
    TSNode fn = ol_child(w->sx, n, OL_F_function);
    if (ol_kind_of(w->sx, fn) != OL_K_attribute ||
        !ol_exec_is_builder(w, ol_child(w->sx, fn, OL_F_attribute)))
      return (ol_span){0};
    *opts |= ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "options");
    n = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
  }
  if (ol_kind_of(w->sx, n) == OL_K_identifier) {
    const ol_call_binding *b = latest_binding(w, n);
    if (!b || !b->prop)
      return (ol_span){0};
    *opts |= b->opts;
    return b->call;
  }
  if (ol_kind_of(w->sx, n) != OL_K_attribute ||
      !ol_walk_self_class(w, ol_child(w->sx, n, OL_F_object)))
    return (ol_span){0};
  /* The function records one read of each `self.prop`: the span of that fact. */
  uint32_t len = ts_node_end_byte(n) - ts_node_start_byte(n);
  int func = ol_calls_current(w);
  for (size_t i = w->out->calls.len; i-- > 0;) {
    const ol_call_fact *c = &w->out->calls.items[i];
    if (c->func != func)
      break;
    if (c->attr_only && strlen(c->callee) == len &&
        !memcmp(c->callee, w->src + ts_node_start_byte(n), len))
      return c->at.span;
  }
  return ol_node_span(n);
}

ol_span ol_calls_prop_source(ol_walker *w, TSNode chain) {
  bool opts = false;
  ol_span s = prop_source(w, chain, &opts);
  return opts ? (ol_span){0} : s;
}

ol_span ol_calls_query_source(ol_walker *w, TSNode chain) {
  ol_span s = ol_calls_prop_source(w, chain);
  if (!ol_span_empty(s))
    return s;
  TSNode n = ol_unwrap(w, chain);
  for (int depth = 0; depth < 32 && ol_kind_of(w->sx, n) == OL_K_call; depth++) {
    TSNode fn = ol_child(w->sx, n, OL_F_function);
    if (ol_kind_of(w->sx, fn) != OL_K_attribute ||
        !ol_exec_is_builder(w, ol_child(w->sx, fn, OL_F_attribute)))
      break;
    if (ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "options"))
      return (ol_span){0}; /* may load anything */
    n = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
  }
  if (ol_kind_of(w->sx, n) != OL_K_call || !dotted_name(w, ol_child(w->sx, n, OL_F_function), 0))
    return (ol_span){0};
  ol_val k = ol_classify(w, n).kind;
  return k == OL_VAL_QUERY || k == OL_VAL_SELECT ? (ol_span){0} : ol_node_span(n);
}

/* `x = f(...)` with no builders: the call name is bound to, empty otherwise. */
ol_span ol_calls_bound_call(ol_walker *w, TSNode name) {
  const ol_call_binding *b = binding_of(w, name);
  return b && b->plain ? b->call : (ol_span){0};
}

/* The project call a value is built on (directly or through a name), empty. */
static ol_span built_on(ol_walker *w, TSNode value, bool *builders, bool *via_name) {
  TSNode root = builder_root(w, value, builders, via_name);
  if (ts_node_is_null(root))
    return (ol_span){0};
  if (*via_name) {
    const ol_call_binding *b = binding_of(w, root);
    return b ? b->call : (ol_span){0};
  }
  if (!dotted_name(w, ol_child(w->sx, root, OL_F_function), 0))
    return (ol_span){0};
  /* `db.session.query(M)`, `select(M)`: a query the walk knows, not a project call. */
  ol_val k = ol_classify(w, root).kind;
  return k == OL_VAL_QUERY || k == OL_VAL_SELECT ? (ol_span){0} : ol_node_span(root);
}

/* `x.all()` with no arguments: x, the chain whose rows it lists; else n itself. */
static TSNode strip_all(ol_walker *w, TSNode n) {
  TSNode fn = ol_child(w->sx, n, OL_F_function);
  if (ol_kind_of(w->sx, n) == OL_K_call && ol_kind_of(w->sx, fn) == OL_K_attribute &&
      ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "all") &&
      ts_node_named_child_count(ol_child(w->sx, n, OL_F_arguments)) == 0)
    return ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
  return n;
}

/* Builders that change what a query loads its rows as (another entity, columns). */
static const char *const CHANGES_ENTITIES[] = {".with_entities(", ".add_columns(", ".add_entity(",
                                               ".values(",        ".from_self(",   NULL};

/* Whether src[s..e) holds one of keys. */
static bool text_has_any(ol_walker *w, uint32_t s, uint32_t e, const char *const *keys) {
  for (const char *const *k = keys; *k && e > s; k++)
    if (memmem(w->src + s, e - s, *k, strlen(*k)))
      return true;
  return false;
}

/* Whether the builders of chain leave loading as it was: no .options(...), nothing that changes
 * the entities (the text of the whole chain, its arguments included, is read). */
static bool loads_alike(ol_walker *w, TSNode chain) {
  static const char *const opts[] = {".options(", ".select_from(", NULL};
  uint32_t s = ts_node_start_byte(chain), e = ts_node_end_byte(chain);
  return !text_has_any(w, s, e, CHANGES_ENTITIES) && !text_has_any(w, s, e, opts);
}

/* `q = f(...)`: q holds what f returns (a query, when f's summary says so). */
void ol_calls_check_assignment(ol_walker *w, TSNode assign) {
  TSNode left = ol_child(w->sx, assign, OL_F_left), right = ol_child(w->sx, assign, OL_F_right);
  if (ol_kind_of(w->sx, left) != OL_K_identifier || ts_node_is_null(right))
    return;
  bool builders, via_name, opts = false;
  ol_span prop = prop_source(w, right, &opts);
  if (!ol_span_empty(prop)) { /* `q = self._query`, `q = q.filter(...)` */
    ol_call_binding b = {.hash = ol_node_hash(w, left),
                         .call = prop,
                         .func = ol_calls_current(w),
                         .prop = true,
                         .opts = opts,
                         .stmt = ol_node_span(ol_walk_statement(w, assign))};
    ol_vec_push(&w->call_bindings, b);
    return;
  }
  /* `rows = f(...).filter(...).all()`: the rows of that chain (rows_of_chain) */
  TSNode value = ol_unwrap(w, right), chain = strip_all(w, value);
  bool all = !ts_node_eq(chain, value);
  if (!all)
    chain = right;
  ol_span call = built_on(w, chain, &builders, &via_name);
  if (all && !ol_span_empty(call))
    builders = true; /* `f(...).all()`, `q.all()`: a chain of none on what f returns */
  if (ol_span_empty(call)) {
    const ol_call_binding *lb = latest_binding(w, left);
    if (lb && lb->prop) /* q = self._query, then bound to something else */
      ol_vec_push(&w->call_bindings, ((ol_call_binding){.hash = ol_node_hash(w, left),
                                                        .func = ol_calls_current(w),
                                                        .prop = true,
                                                        .opts = true}));
    return;
  }
  ol_call_binding b = {.hash = ol_node_hash(w, left),
                       .call = call,
                       .func = ol_calls_current(w),
                       .plain = !builders && !via_name,
                       .stmt = ol_node_span(ol_walk_statement(w, assign))};
  if (builders && !via_name) {
    b.chain = ol_unwrap(w, right);
    b.alike = loads_alike(w, b.chain);
  } else if (builders) { /* `rows = q.filter(...).all()` after `q = f(...)`: a chain on what f
                            returns, when what q holds loads as f's result does */
    bool more = false, named = false;
    const ol_call_binding *rb = binding_of(w, builder_root(w, chain, &more, &named));
    if (rb && (rb->plain || (!ts_node_is_null(rb->chain) && rb->alike))) {
      b.chain = ol_unwrap(w, right);
      b.alike = loads_alike(w, b.chain);
    }
  }
  ol_vec_push(&w->call_bindings, b);
}

/* `f(...).filter(...).first()` / `q.first()` with q = f(...): pending until
 * the index knows whether f returns a query. */
static void check_terminal(ol_walker *w, TSNode call, int ctx) {
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  if (ol_kind_of(w->sx, fn) != OL_K_attribute)
    return;
  TSNode m = ol_child(w->sx, fn, OL_F_attribute);
  if (!ol_exec_is_terminal(w, m))
    return;
  bool builders, via_name;
  ol_span on = built_on(w, ol_child(w->sx, fn, OL_F_object), &builders, &via_name);
  if (ol_span_empty(on))
    return;
  ol_pending_terminal t = {.call = on,
                           .site = ol_node_span(call),
                           .count = ol_node_text_is(w, m, "count"),
                           .via_name = via_name,
                           .loop = ctx >= 0 ? ol_exec_effective_loop(w, call, ctx) : -1};
  ol_vec_push(&w->pending_terms, t);
}

/* `return cls.query.filter(...)` (or its `.all()`) in a classmethod: rows of
 * the class it is called on, named "cls" until a call names the class. */
static bool cls_query_rows(ol_walker *w, const ol_func_fact *f, TSNode value, ol_rows *out) {
  if (f->kind != OL_FN_CLASSMETHOD || ol_kind_of(w->sx, value) != OL_K_call)
    return false;
  TSNode chain = value, fn = ol_child(w->sx, value, OL_F_function);
  if (ol_kind_of(w->sx, fn) == OL_K_attribute &&
      ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "all"))
    chain = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
  ol_valinfo v = ol_classify(w, chain);
  if (v.kind != OL_VAL_QUERY || v.count)
    return false;
  TSNode root = chain; /* down the builders to `cls.query` */
  for (int depth = 0; depth < 64 && ol_kind_of(w->sx, root) == OL_K_call; depth++) {
    TSNode rf = ol_child(w->sx, root, OL_F_function);
    if (ol_kind_of(w->sx, rf) != OL_K_attribute ||
        ol_node_text_is(w, ol_child(w->sx, rf, OL_F_attribute), "with_entities") ||
        ol_node_text_is(w, ol_child(w->sx, rf, OL_F_attribute), "add_columns"))
      return false;
    root = ol_unwrap(w, ol_child(w->sx, rf, OL_F_object));
  }
  if (ol_kind_of(w->sx, root) != OL_K_attribute ||
      !ol_node_text_is(w, ol_child(w->sx, root, OL_F_object), "cls"))
    return false;
  *out = (ol_rows){.entity = intern_bytes(w, "cls", 3),
                   .query = ol_node_span(chain),
                   .last = ol_node_span(chain),
                   .stmt = ol_walk_rows_statement(w, chain)};
  ol_buf eager = {0};
  ol_rows_chain_options(w, chain, out, &eager);
  out->eager = ol_arena_strndup(&w->out->arena, eager.s ? eager.s : "", eager.len);
  ol_buf_free(&eager);
  return true;
}

static bool param_rebound(const ol_walker *w, TSNode name);

/* Whether the builders between root and value load other things than the
 * query they are given (`.options(...)`) or select other columns: what the
 * caller's rows read is then not what its query loads. */
static bool changes_loading(const ol_walker *w, TSNode root, TSNode value) {
  static const char *const keys[] = {
      ".options(", ".with_entities(", ".add_columns(",       ".add_entity(",
      ".values(",  ".from_self(",     ".execution_options(", NULL};
  uint32_t s = ts_node_end_byte(root), e = ts_node_end_byte(value);
  for (const char *const *k = keys; *k && e > s; k++)
    if (memmem(w->src + s, e - s, *k, strlen(*k)))
      return true;
  return false;
}

/* Parameter p with builders on it that change no loading (`query.filter(...)`), directly or
 * through a name bound so before (`query = query.filter(...)` in a branch, then `query`): what
 * the caller passes as p; 1 + p, 0 for any other value. self and cls are no caller's value. */
int ol_calls_passes_param(ol_walker *w, TSNode value) {
  int func = ol_calls_current(w);
  if (func < 0)
    return 0;
  const ol_func_fact *f = &w->out->funcs.items[func];
  int taken;
  value = ol_unwrap(w, value);
  TSNode root = ol_exec_below_builders(w, value, 32, &taken);
  if (taken >= 32 || ts_node_is_null(root) || ol_kind_of(w->sx, root) != OL_K_identifier ||
      changes_loading(w, root, value))
    return 0;
  int p;
  if (param_rebound(w, root)) { /* bound in the body: only a name that passes a parameter */
    const ol_binding *b = ol_scope_binding(w, ol_node_hash(w, root));
    p = b ? b->passes_param - 1 : -1;
  } else {
    p = ol_calls_param_index(w, func, root);
  }
  if (p < 0 || (p == 0 && f->cls && f->kind != OL_FN_STATIC))
    return 0;
  return p + 1;
}

/* `return q`, `return q.filter(...)`, `yield from q.order_by(c)` with q a
 * parameter (or a name that passes one: ol_calls_passes_param): the function
 * hands back what its caller passes as q (a query, rows). Any other value
 * returned or yielded: -2. */
void ol_calls_check_passed(ol_walker *w, TSNode value) {
  int func = ol_calls_current(w);
  if (func < 0)
    return;
  ol_func_fact *f = &w->out->funcs.items[func];
  if (f->ret_param == -2)
    return;
  int p = ol_calls_passes_param(w, value) - 1;
  if (p < 0 || (f->ret_param >= 0 && f->ret_param != p))
    f->ret_param = -2;
  else
    f->ret_param = p;
}

/* The call itself when it calls a name (`get(x)`, `cls.get(x)`), empty otherwise. */
static ol_span project_call_at(ol_walker *w, TSNode call) {
  bool builders, via_name;
  TSNode root = builder_root(w, call, &builders, &via_name);
  return !ts_node_is_null(root) && !builders && !via_name &&
                 dotted_name(w, ol_child(w->sx, call, OL_F_function), 0)
             ? ol_node_span(call)
             : (ol_span){0};
}

/* A value the current function returns (null: a bare `return`) or yields:
 * whether it is None or the one row a query of its own loads, with no loader
 * option (ol_func_fact.one): `return cls.query.get(oid)`, `obj =
 * M.query.get(i)` then `return obj`. Anything else, a yield, or a second
 * such row makes it -2. */
void ol_calls_note_one(ol_walker *w, TSNode value, bool yields) {
  int func = ol_calls_current(w);
  if (func < 0 || w->out->funcs.items[func].one == -2)
    return;
  ol_func_fact *f = &w->out->funcs.items[func];
  if (!yields && (ts_node_is_null(value) || ol_kind_of(w->sx, ol_unwrap(w, value)) == OL_K_none))
    return;
  ol_rows one = {0};
  bool got = false;
  ol_span call = {0};
  if (!yields) {
    TSNode v = ol_unwrap(w, value);
    bool name = ol_kind_of(w->sx, v) == OL_K_identifier;
    const ol_binding *b = name ? ol_scope_binding(w, ol_node_hash(w, v)) : NULL;
    const ol_call_binding *cb = name ? binding_of(w, v) : NULL;
    if (b && b->has_one)
      got = true, one = b->one;
    else if (cb && cb->plain && b && !b->has_rows)
      call = cb->call; /* `obj = cls.get(oid)`, then `return obj` */
    else if (!name && ol_kind_of(w->sx, v) == OL_K_call && !(got = ol_rows_one_load(w, v, &one)))
      call = project_call_at(w, v);
  }
  if (!ol_span_empty(call)) { /* what a project call returns: the index decides */
    bool same = f->one_call.start == call.start && f->one_call.end == call.end;
    if (f->one >= 0 || (!ol_span_empty(f->one_call) && !same))
      f->one = -2;
    else
      f->one_call = call;
    return;
  }
  if (!got || f->one >= 0 || !ol_span_empty(f->one_call) || !one.entity ||
      ol_span_empty(one.query) || one.tuples || one.dyn_rel || !ol_span_empty(one.options_args) ||
      (one.eager && *one.eager)) {
    f->one = -2;
    return;
  }
  ol_func_rows fr = {.rows = one, .at = {.span = one.query}};
  f->one = (int32_t)w->out->func_rows.len;
  ol_vec_push(&w->out->func_rows, fr);
}

/* `f(...).filter(...)` before `.all()`: the project call f(...) whose query it runs, builders that
 * change no loading on the way; empty otherwise. */
static ol_span rows_of_call(ol_walker *w, TSNode q) {
  int taken;
  q = ol_unwrap(w, q);
  TSNode root = ol_exec_below_builders(w, q, 32, &taken);
  if (taken >= 32 || ts_node_is_null(root) || ol_kind_of(w->sx, root) != OL_K_call ||
      changes_loading(w, root, q) || !dotted_name(w, ol_child(w->sx, root, OL_F_function), 0))
    return (ol_span){0};
  ol_val k = ol_classify(w, root).kind; /* `db.session.query(M)`: a query the walk knows */
  return k == OL_VAL_QUERY || k == OL_VAL_SELECT ? (ol_span){0} : ol_node_span(root);
}

/* A name whose latest binding is `name = f(...)`, the call's result as it is. */
static bool plain_call_value(ol_walker *w, TSNode value) {
  value = ol_unwrap(w, value);
  if (ol_kind_of(w->sx, value) != OL_K_identifier)
    return false;
  const ol_call_binding *cb = binding_of(w, value);
  const ol_binding *b = ol_scope_binding(w, ol_node_hash(w, value));
  return cb && cb->plain && b && !b->has_rows && b->at == cb->stmt.start;
}

/* The parameter whose model value is a query of: `model.query`, `db.session.query(model)`, with
 * builders that change no loading on them; -1 for any other value. */
static int model_query_param(ol_walker *w, TSNode value) {
  int taken;
  value = ol_unwrap(w, value);
  TSNode root = ol_exec_below_builders(w, value, 32, &taken);
  if (taken >= 32 || ts_node_is_null(root) || changes_loading(w, root, value))
    return -1;
  root = ol_unwrap(w, root);
  TSNode p = {0};
  if (ol_kind_of(w->sx, root) == OL_K_attribute &&
      ol_node_text_is(w, ol_child(w->sx, root, OL_F_attribute), "query")) {
    p = ol_child(w->sx, root, OL_F_object);
  } else if (ol_kind_of(w->sx, root) == OL_K_call) {
    TSNode fn = ol_child(w->sx, root, OL_F_function), args = ol_child(w->sx, root, OL_F_arguments);
    ol_val k = ol_kind_of(w->sx, fn) == OL_K_attribute
                   ? ol_classify(w, ol_child(w->sx, fn, OL_F_object)).kind
                   : OL_VAL_NONE;
    if ((k == OL_VAL_SESSION || k == OL_VAL_DB) &&
        ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "query") &&
        !ts_node_is_null(args) && ts_node_named_child_count(args) == 1)
      p = ts_node_named_child(args, 0);
  }
  if (ts_node_is_null(p) || ol_kind_of(w->sx, p) != OL_K_identifier)
    return -1;
  return ol_calls_unbound_param(w, p);
}

void ol_calls_note_model(ol_walker *w, TSNode value, bool yields) {
  int func = ol_calls_current(w);
  if (func < 0)
    return;
  ol_func_fact *f = &w->out->funcs.items[func];
  int m = -2;
  if (!yields && !ts_node_is_null(value)) {
    TSNode v = ol_unwrap(w, value);
    if (ol_kind_of(w->sx, v) == OL_K_conditional_expression) { /* both arms the same model */
      int a = model_query_param(w, ts_node_named_child(v, 0));
      m = a >= 0 && a == model_query_param(w, ts_node_named_child(v, 2)) ? a : -2;
    } else {
      int a = model_query_param(w, v);
      m = a >= 0 ? a : -2;
    }
  }
  f->ret_model = f->ret_model == -1 || f->ret_model == m ? m : -2;
}

/* A value a property returns (null: a bare return, or a yield): whether it is
 * the elements of `self.<name>`, as every other return of it (ol_func_fact.ret_coll). */
void ol_calls_note_coll(ol_walker *w, TSNode value) {
  int func = ol_calls_current(w);
  if (func < 0)
    return;
  ol_func_fact *f = &w->out->funcs.items[func];
  if (f->ret_coll && !*f->ret_coll)
    return;
  TSNode name = ts_node_is_null(value) || f->kind != OL_FN_PROPERTY || !f->cls
                    ? (TSNode){0}
                    : ol_rows_self_collection(w, value);
  if (ts_node_is_null(name) || (f->ret_coll && !ol_node_text_is(w, name, f->ret_coll)))
    f->ret_coll = intern_bytes(w, "", 0);
  else
    f->ret_coll = intern_bytes(w, w->src + ts_node_start_byte(name),
                               ts_node_end_byte(name) - ts_node_start_byte(name));
}

/* `return <query rows>` or `return f(...)`: what the summary's rows come from. */
void ol_calls_check_return(ol_walker *w, TSNode ret) {
  int func = ol_calls_current(w);
  ol_calls_note_model(w, ts_node_named_child_count(ret) ? ts_node_named_child(ret, 0) : (TSNode){0},
                      false);
  if (func >= 0)
    ol_calls_note_one(w, ts_node_named_child_count(ret) ? ts_node_named_child(ret, 0) : (TSNode){0},
                      false);
  ol_calls_note_coll(w, ts_node_named_child_count(ret) ? ts_node_named_child(ret, 0) : (TSNode){0});
  if (func < 0 || ts_node_named_child_count(ret) == 0)
    return;
  ol_calls_check_passed(w, ts_node_named_child(ret, 0));
  ol_func_fact *f = &w->out->funcs.items[func];
  if (f->rows >= 0 || !ol_span_empty(f->ret_call))
    return;
  TSNode value = ol_unwrap(w, ts_node_named_child(ret, 0));
  if (ol_counts_is_count(w, value)) {
    f->returns_count = true;
    return;
  }
  for (uint32_t i = 0; ol_kind_of(w->sx, value) == OL_K_conditional_expression && i < 3; i += 2) {
    ol_valinfo v = ol_classify(w, ts_node_named_child(value, i));
    if ((v.kind == OL_VAL_QUERY || v.kind == OL_VAL_SELECT) && !v.count)
      w->out->funcs.items[func].returns_query = true;
  }
  ol_valinfo v = ol_classify(w, value);
  if ((v.kind == OL_VAL_QUERY || v.kind == OL_VAL_SELECT) && !v.count)
    w->out->funcs.items[func].returns_query = true;
  bool builders, via_name;
  ol_span on = built_on(w, value, &builders, &via_name);
  if (!ol_span_empty(on) && (builders || via_name)) {
    w->out->funcs.items[func].ret_call = on;
    /* `q = f(...)` then `return q`: what f returns, as it is */
    w->out->funcs.items[func].ret_builders = builders || !plain_call_value(w, value);
    return;
  }
  ol_rows rows;
  if ((ol_rows_of(w, value, &rows) && rows.entity && !ol_span_empty(rows.query)) ||
      cls_query_rows(w, f, value, &rows)) {
    ol_func_rows fr = {.rows = rows, .at = {.span = rows.query}};
    w->out->funcs.items[func].rows = (int32_t)w->out->func_rows.len;
    ol_vec_push(&w->out->func_rows, fr);
    return;
  }
  /* list(f(...)), sorted(f(...)): the rows of the inner call. */
  for (int depth = 0; depth < 4 && ol_kind_of(w->sx, value) == OL_K_call; depth++) {
    TSNode fn = ol_child(w->sx, value, OL_F_function);
    TSNode first = ts_node_named_child(ol_child(w->sx, value, OL_F_arguments), 0);
    if ((ol_node_text_is(w, fn, "list") || ol_node_text_is(w, fn, "sorted") ||
         ol_node_text_is(w, fn, "tuple")) &&
        !ts_node_is_null(first)) {
      value = ol_unwrap(w, first);
      continue;
    }
    if (ol_kind_of(w->sx, fn) == OL_K_attribute &&
        ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "all")) {
      w->out->funcs.items[func].ret_rows_call = rows_of_call(w, ol_child(w->sx, fn, OL_F_object));
      return;
    }
    if (dotted_name(w, fn, 0))
      w->out->funcs.items[func].ret_call = ol_node_span(value);
    return;
  }
}

/* A binding is resolved each time a call names it: one longer than any real
 * module path (a crafted `from ....<500k dots>m import f`) would make each of
 * the file's calls cost as much as the whole file. Such a binding cannot be
 * imported anyway (Python stops at the top-level package), so it is not
 * recorded. */
static bool import_in_bounds(const char *local, const char *module, const char *name,
                             uint32_t level) {
  return level <= OL_MAX_IMPORT_LEVEL && strlen(local) <= OL_MAX_NAME_BYTES &&
         (!module || strlen(module) <= OL_MAX_NAME_BYTES) &&
         (!name || strlen(name) <= OL_MAX_NAME_BYTES);
}

static void add_import(ol_walker *w, char *local, char *module, char *name, uint32_t level) {
  if (!import_in_bounds(local, module, name, level))
    return;
  ol_import_fact im = {.local = local, .module = module, .name = name, .level = level};
  ol_vec_push(&w->out->imports, im);
}

/* `import a.b [as c]` and `from [..]m import f [as g]`, anywhere (function
 * bodies too: Flask apps import there to break cycles). */
void ol_calls_check_import(ol_walker *w, TSNode stmt) {
  ol_kind k = ol_kind_of(w->sx, stmt);
  if (k == OL_K_import_statement) {
    for (uint32_t i = 0; i < ts_node_named_child_count(stmt); i++) {
      TSNode c = ts_node_named_child(stmt, i);
      if (ol_kind_of(w->sx, c) == OL_K_aliased_import)
        add_import(w, ol_node_text(w, ol_child(w->sx, c, OL_F_alias)),
                   ol_node_text(w, ol_child(w->sx, c, OL_F_name)), NULL, 0);
      else if (ol_kind_of(w->sx, c) == OL_K_dotted_name) /* `import a.b` binds a */
        add_import(w, ol_node_text(w, ts_node_named_child(c, 0)),
                   ol_node_text(w, ts_node_named_child(c, 0)), NULL, 0);
    }
    return;
  }
  if (k != OL_K_import_from_statement)
    return;
  TSNode module = ol_child(w->sx, stmt, OL_F_module_name);
  uint32_t level = 0;
  char *mod = NULL;
  if (ol_kind_of(w->sx, module) == OL_K_relative_import) {
    for (uint32_t i = 0; i < ts_node_named_child_count(module); i++) {
      TSNode c = ts_node_named_child(module, i);
      if (ol_kind_of(w->sx, c) == OL_K_import_prefix)
        level = ts_node_end_byte(c) - ts_node_start_byte(c);
      else if (ol_kind_of(w->sx, c) == OL_K_dotted_name)
        mod = ol_node_text(w, c);
    }
    if (!mod)
      mod = ol_arena_strndup(&w->out->arena, "", 0);
  } else {
    mod = ol_node_text(w, module);
  }
  for (uint32_t i = 0; i < ts_node_named_child_count(stmt); i++) {
    TSNode c = ts_node_named_child(stmt, i);
    if (ts_node_eq(c, module))
      continue;
    if (ol_kind_of(w->sx, c) == OL_K_wildcard_import)
      add_import(w, ol_arena_strndup(&w->out->arena, "*", 1), mod, NULL, level);
    else if (ol_kind_of(w->sx, c) == OL_K_aliased_import)
      add_import(w, ol_node_text(w, ol_child(w->sx, c, OL_F_alias)), mod,
                 ol_node_text(w, ol_child(w->sx, c, OL_F_name)), level);
    else if (ol_kind_of(w->sx, c) == OL_K_dotted_name)
      add_import(w, ol_node_text(w, c), mod, ol_node_text(w, c), level);
  }
}

/* Module-level `f = helper` / `f = mod.helper`: an alias the index follows. */
void ol_calls_module_statement(ol_walker *w, TSNode stmt) {
  if (ol_kind_of(w->sx, stmt) != OL_K_expression_statement)
    return;
  TSNode a = ts_node_named_child(stmt, 0);
  if (ol_kind_of(w->sx, a) != OL_K_assignment)
    return;
  TSNode left = ol_child(w->sx, a, OL_F_left), right = ol_child(w->sx, a, OL_F_right);
  if (ol_kind_of(w->sx, left) != OL_K_identifier || ts_node_is_null(right) ||
      !dotted_name(w, right, 0))
    return;
  add_import(w, ol_node_text(w, left), NULL, ol_node_text(w, right), 0);
}

/* Whether parameter `name` is assigned in the function before here: its
 * elements are then not (only) what the callers passed. */
static bool param_rebound(const ol_walker *w, TSNode name) {
  uint64_t h = ol_node_hash(w, name);
  for (size_t k = w->scopes.len; k-- > 1;) /* scopes[0] is the module's */
    for (size_t i = 0; i < w->scopes.items[k].names.len; i++)
      if (w->scopes.items[k].names.items[i].hash == h)
        return true;
  return false;
}

int ol_calls_unbound_param(const ol_walker *w, TSNode name) {
  int func = ol_calls_current(w);
  int p = ol_calls_param_index(w, func, name);
  if (p < 0 || param_rebound(w, name))
    return -1;
  const ol_func_fact *f = &w->out->funcs.items[func];
  if (p == 0 && f->cls && f->kind != OL_FN_STATIC)
    return -1; /* self, cls: the instance, not what a caller passes */
  return p;
}

/* Loop l holds the rows of chain (built on the project call at call), with
 * the chain's options: what the loop's holder iterates. */
static void loop_holds_chain(ol_walker *w, ol_loop *l, TSNode holder, TSNode chain, ol_span call) {
  ol_rows r = {.query = ol_node_span(chain),
               .last = ol_node_span(chain),
               .stmt = ol_walk_rows_statement(w, chain)};
  ol_buf eager = {0};
  ol_rows_chain_options(w, chain, &r, &eager);
  r.eager = ol_arena_strndup(&w->out->arena, eager.s ? eager.s : "", eager.len);
  ol_buf_free(&eager);
  l->rows_call = call;
  l->rows_var = ol_node_hash(w, holder);
  l->rows = r;
}

/* A loop over the chain of builders on a project call bound to a name
 * (`q = f(...).options(...)` then `for x in q`): the rows of that chain, as
 * when the loop iterates it itself; not when the chain changes what is
 * loaded (`.with_entities(...)`). */
static void rows_of_chain(ol_walker *w, ol_loop *l, TSNode holder, TSNode chain, ol_span call) {
  chain = strip_all(w, chain);
  if (text_has_any(w, call.end, ts_node_end_byte(chain), CHANGES_ENTITIES))
    return;
  loop_holds_chain(w, l, holder, chain, call);
}

/* The loop header `for b in f(...)` (or enumerate/list/sorted of it), `for b
 * in f(...).filter(...).all()`, whose rows a summary may know: records the
 * call on the loop, and the chain built on it where an eager option would go.
 * `for e in entries` over a parameter: records the parameter. */
static void iterable_rows(ol_walker *w, ol_loop *l, TSNode holder, TSNode iterable) {
  for (int depth = 0; depth < 4 && ol_kind_of(w->sx, iterable) == OL_K_call; depth++) {
    TSNode fn = ol_child(w->sx, iterable, OL_F_function);
    TSNode first = ts_node_named_child(ol_child(w->sx, iterable, OL_F_arguments), 0);
    static const char *const pass[] = {"list", "sorted", "reversed", "tuple", "iter", NULL};
    bool wrapper = false;
    for (const char *const *p = pass; *p; p++)
      wrapper |= ol_node_text_is(w, fn, *p);
    if (!wrapper || ts_node_is_null(first))
      break;
    iterable = ol_unwrap(w, first);
  }
  if (ol_kind_of(w->sx, iterable) == OL_K_identifier) {
    int p = ol_calls_param_index(w, ol_calls_current(w), iterable);
    const ol_call_binding *b = p < 0 ? binding_of(w, iterable) : NULL;
    if (p >= 0 && !param_rebound(w, iterable)) {
      l->rows_param = p;
      l->rows_var = ol_node_hash(w, holder);
    } else if (b && b->plain) { /* `rows = f(...)` then `for x in rows`: the rows f returns */
      l->rows_call = b->call;
      l->rows_var = ol_node_hash(w, holder);
      l->rows = (ol_rows){.query = b->call, .last = b->call, .stmt = b->stmt};
      l->rows.eager = intern_bytes(w, "", 0);
    } else if (b && !ts_node_is_null(b->chain)) { /* `q = f(...).options(...)`, `for x in q` */
      rows_of_chain(w, l, holder, b->chain, b->call);
    } else if (p < 0 && !b && (p = ol_generic_param_rows(w, ol_calls_current(w), iterable)) >= 0) {
      l->rows_param = p; /* `rows = query.all()` then `for x in rows`: the parameter's rows */
      l->rows_var = ol_node_hash(w, holder);
    }
    return;
  }
  if (ol_kind_of(w->sx, iterable) != OL_K_call)
    return;
  TSNode chain = strip_all(w, iterable);
  bool builders, via_name, opts = false;
  ol_span prop = prop_source(w, chain, &opts);
  if (!ol_span_empty(prop)) {
    if (!opts) /* `for x in self._query.filter(...).all()`, `q = self._query` ... `q.all()` */
      loop_holds_chain(w, l, holder, chain, prop);
    return;
  }
  ol_span on = built_on(w, chain, &builders, &via_name);
  const ol_call_binding *b =
      via_name ? binding_of(w, builder_root(w, chain, &builders, &via_name)) : NULL;
  if (ol_span_empty(on) || (via_name && !(b && (b->plain || (!ts_node_is_null(b->chain) &&
                                                                b->alike)))))
    return; /* `q = f().options(...)`: what q holds is loaded otherwise */
  loop_holds_chain(w, l, holder, chain, on);
}

void ol_calls_loop_iterable(ol_walker *w, int loop, TSNode holder, TSNode iterable) {
  if (ol_kind_of(w->sx, holder) == OL_K_identifier)
    iterable_rows(w, &w->out->loops.items[loop], holder, iterable);
}

/* An argument that holds what a project call returns, as a loop's iterable would
 * (`helper(q)` after `q = f(...).filter(...)`, `helper(f(...).all())`): that call in
 * arg->rows_call, the chain built on it in arg->rows. */
static void arg_call_rows(ol_walker *w, TSNode a, ol_call_arg *arg) {
  ol_loop tmp = {.rows_param = -1};
  iterable_rows(w, &tmp, a, a);
  if (ol_span_empty(tmp.rows_call) || tmp.rows_param >= 0)
    return;
  arg->rows_call = tmp.rows_call;
  arg->rows = tmp.rows;
}

size_t ol_facts_first_call(const ol_file_facts *f, uint32_t start) {
  size_t lo = 0, hi = f->calls.len;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (f->calls.items[mid].at.span.start < start)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

bool ol_callee_is_telemetry(const char *dotted, size_t n) {
  static const char *const TELEMETRY[] = {"metrics", "metric",     "statsd", "stats",      "logger",
                                          "logging", "log",        "sentry", "sentry_sdk", "tracer",
                                          "tracing", "prometheus", NULL};
  const char *end = dotted + n;
  for (const char *p = dotted; p < end;) { /* each component, and its last `_` word */
    const char *dot = memchr(p, '.', (size_t)(end - p));
    const char *stop = dot ? dot : end;
    const char *u = p;
    for (const char *q = p; q < stop; q++)
      if (*q == '_')
        u = q + 1;
    for (const char *const *t = TELEMETRY; *t; t++) {
      size_t tn = strlen(*t);
      if (((size_t)(stop - p) == tn && !memcmp(p, *t, tn)) ||
          ((size_t)(stop - u) == tn && !memcmp(u, *t, tn)))
        return true;
    }
    if (!dot)
      break;
    p = dot + 1;
  }
  return false;
}

int32_t ol_facts_call_at(const ol_file_facts *f, ol_span span) {
  for (size_t i = ol_facts_first_call(f, span.start);
       i < f->calls.len && f->calls.items[i].at.span.start == span.start; i++)
    if (f->calls.items[i].at.span.end == span.end && !f->calls.items[i].attr_only)
      return (int32_t)i;
  return -1;
}

static bool ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

bool ol_text_calls_method_of(const char *src, ol_span within, const char *name, size_t n) {
  if (!n)
    return false;
  for (uint32_t i = within.start; i + n < within.end; i++) {
    if (memcmp(src + i, name, n) ||
        (i > within.start && (ident_char(src[i - 1]) || src[i - 1] == '.')))
      continue;
    uint32_t j = i + (uint32_t)n;
    while (j < within.end && (src[j] == ' ' || src[j] == '\t'))
      j++;
    if (j < within.end && (src[j] == ',' || src[j] == ')')) {
      uint32_t k = i; /* `helper(it)`, `f(a, it)`: handed whole to code that may move it */
      while (k > within.start && (src[k - 1] == ' ' || src[k - 1] == '\t' || src[k - 1] == '\n'))
        k--;
      if (k > within.start && (src[k - 1] == '(' || src[k - 1] == ','))
        return true;
    }
    if (j >= within.end || src[j] != '.')
      continue;
    j++;
    while (j < within.end && (src[j] == ' ' || src[j] == '\t'))
      j++;
    uint32_t m = j;
    while (j < within.end && ident_char(src[j]))
      j++;
    while (j < within.end && (src[j] == ' ' || src[j] == '\t'))
      j++;
    if (j > m && j < within.end && src[j] == '(')
      return true;
  }
  return false;
}

/* Whether every query a function runs itself is a get by primary key of one
 * parameter on one model (ol_func_fact.pk_param): its caller knows whether
 * the session already holds that object. */
static void note_pk_get(ol_walker *w, int32_t q) {
  const ol_query_site *s = &w->out->queries.items[q];
  ol_func_fact *f = &w->out->funcs.items[s->func];
  if (f->pk_param == -2)
    return;
  int p = -1;
  uint32_t len = s->pk_key.end - s->pk_key.start;
  for (uint32_t i = 0; !ol_span_empty(s->pk_key) && !s->lazy_self && i < f->n_params && p < 0; i++)
    if (strlen(f->params[i]) == len && !memcmp(f->params[i], w->src + s->pk_key.start, len))
      p = (int)i;
  if (p < 0 ||
      (f->pk_param >= 0 &&
       (f->pk_param != p || strcmp(w->out->queries.items[f->pk_query].entity, s->entity)))) {
    f->pk_param = -2;
    return;
  }
  f->pk_param = (int8_t)p;
  f->pk_query = q;
}

/* Records the first site of effect e in function func. */
/* The function's first site of e; a site in a memo on self (self_memo) gives
 * way to a later one outside it, which every call runs. */
static void add_site(ol_walker *w, int func, ol_effect e, ol_span span, bool self_memo,
                     ol_param_guard guard) {
  int32_t at = w->out->funcs.items[func].site[e];
  /* Every own site counts: the function runs e only under the tests they all run under. */
  ol_guard_set set = ol_func_guards(&w->out->funcs.items[func], e);
  if (at < 0)
    set = (ol_guard_set){.any = {guard}};
  else
    ol_guard_set_add(&set, &guard);
  ol_func_set_guards(&w->out->funcs.items[func], e, &set);
  if (at >= 0 && (self_memo || !w->out->func_sites.items[at].self_memo))
    return;
  char *brief = ol_text_brief(w->src + span.start, span.end - span.start, 60);
  ol_func_site s = {.at = {.span = span},
                    .text = ol_arena_strndup(&w->out->arena, brief, strlen(brief)),
                    .self_memo = self_memo};
  ol_free(brief);
  w->out->funcs.items[func].site[e] = (int32_t)w->out->func_sites.len;
  ol_vec_push(&w->out->func_sites, s);
}

/* What each function runs itself, from the query sites the walk recorded;
 * terminals on the results of project calls, on those calls. */
/* Whether class cls of this file has a column or relationship named attr. */
static bool class_field(const ol_file_facts *f, const char *cls, const char *attr) {
  for (size_t i = 0; i < f->classes.len; i++) {
    const ol_class_fact *c = &f->classes.items[i];
    if (strcmp(c->name, cls) != 0)
      continue;
    for (size_t k = 0; k < c->n_columns; k++)
      if (!strcmp(c->columns[k].name, attr))
        return true;
    for (size_t k = 0; k < c->n_rels; k++)
      if (!strcmp(c->rels[k].name, attr))
        return true;
  }
  return false;
}

/* `self.x` reads that cannot run a property: x is assigned in the class, or
 * is a column or relationship of it. Dropped: they are most reads. */
static void drop_plain_attributes(ol_walker *w) {
  size_t kept = 0;
  /* where each call moves: the arguments' via_call name calls by index */
  int32_t *moved = ol_malloc((w->out->calls.len ? w->out->calls.len : 1) * sizeof *moved);
  for (size_t i = 0; i < w->out->calls.len; i++) {
    const ol_call_fact *c = &w->out->calls.items[i];
    bool drop = false;
    if (c->attr_only) {
      const char *cls = w->out->funcs.items[c->func].cls;
      const char *attr = strchr(c->callee, '.') + 1;
      uint64_t key = ol_class_attr_key(cls, attr, strlen(attr));
      for (size_t k = 0; k < w->self_assigned.len && !drop; k++)
        drop = w->self_assigned.items[k] == key;
      drop = drop || class_field(w->out, cls, attr);
    }
    moved[i] = drop ? -1 : (int32_t)kept;
    if (!drop)
      w->out->calls.items[kept++] = *c;
  }
  for (size_t i = 0; i < w->out->call_args.len; i++) {
    int32_t *v = &w->out->call_args.items[i].via_call;
    if (*v >= 0)
      *v = (size_t)*v < w->out->calls.len ? moved[*v] : -1;
  }
  w->out->calls.len = kept;
  ol_free(moved);
}

void ol_calls_finish(ol_walker *w) {
  drop_plain_attributes(w);
  for (size_t i = 0; i < w->pending_recvs.len; i++) {
    int32_t at = ol_facts_call_at(w->out, w->pending_recvs.items[i].site);
    if (at >= 0)
      w->out->calls.items[at].recv_call = ol_facts_call_at(w->out, w->pending_recvs.items[i].call);
  }
  for (size_t i = 0; i < w->pending_terms.len; i++) {
    const ol_pending_terminal *t = &w->pending_terms.items[i];
    int32_t c = ol_facts_call_at(w->out, t->call);
    if (c < 0 || w->out->calls.items[c].term >= 0)
      continue;
    char *brief = ol_text_brief(w->src + t->site.start, t->site.end - t->site.start, 60);
    ol_call_term term = {.count = t->count,
                         .direct = !t->via_name,
                         .loop = t->loop,
                         .at = {.span = t->site},
                         .text = ol_arena_strndup(&w->out->arena, brief, strlen(brief))};
    ol_free(brief);
    w->out->calls.items[c].term = (int32_t)w->out->call_terms.len;
    ol_vec_push(&w->out->call_terms, term);
  }
  for (size_t i = 0; i < w->out->queries.len; i++) {
    const ol_query_site *s = &w->out->queries.items[i];
    if (s->func < 0 || (s->lazy_init && !s->lazy_self))
      continue; /* a memo on a global runs once per process, not per call of its function */
    add_site(w, s->func, s->is_count ? OL_EFFECT_COUNT : OL_EFFECT_QUERY, s->span, s->lazy_self,
             s->guard);
    if (!s->is_count)
      note_pk_get(w, (int32_t)i);
  }
}

/* Whether an identifier spelled like name occurs in src[span) as a whole word. */
static bool span_binds(const ol_walker *w, ol_span span, TSNode name) {
  uint32_t n = ts_node_end_byte(name) - ts_node_start_byte(name);
  const char *s = w->src + ts_node_start_byte(name);
  for (uint32_t i = span.start; i + n <= span.end; i++) {
    if (memcmp(w->src + i, s, n))
      continue;
    char before = i > span.start ? w->src[i - 1] : ' ',
         after = i + n < span.end ? w->src[i + n] : ' ';
    if (!isalnum((unsigned char)before) && before != '_' && !isalnum((unsigned char)after) &&
        after != '_')
      return true;
  }
  return false;
}

/* The display a loop iterates when its iterable is `d`, `d.items()` or `d.values()` for a name d
 * bound to a display, or a display itself; null otherwise. */
static TSNode iterated_display(ol_walker *w, TSNode it) {
  it = ol_unwrap(w, it);
  ol_kind k = ol_kind_of(w->sx, it);
  if (k == OL_K_dictionary || k == OL_K_list || k == OL_K_tuple)
    return it;
  if (k == OL_K_call) {
    TSNode fn = ol_child(w->sx, it, OL_F_function), args = ol_child(w->sx, it, OL_F_arguments);
    if (ol_kind_of(w->sx, fn) != OL_K_attribute || ts_node_is_null(args) ||
        ts_node_named_child_count(args) ||
        !(ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "items") ||
          ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "values")))
      return (TSNode){0};
    it = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
  }
  const ol_binding *b =
      ol_kind_of(w->sx, it) == OL_K_identifier ? ol_scope_binding(w, ol_node_hash(w, it)) : NULL;
  return b ? b->display : (TSNode){0};
}

/* Each read `x.attr` of the one parameter x of lambda, as a read of parameter param (of each of
 * its elements: rows) of the function being walked, under guard. */
static void lambda_reads(ol_walker *w, TSNode lambda, int func, int param, bool rows,
                         ol_param_guard guard) {
  TSNode params = ol_child(w->sx, lambda, OL_F_parameters),
         body = ol_child(w->sx, lambda, OL_F_body);
  if (ts_node_is_null(params) || ts_node_named_child_count(params) != 1 || ts_node_is_null(body))
    return;
  TSNode x = ts_node_named_child(params, 0);
  if (ol_kind_of(w->sx, x) != OL_K_identifier)
    return;
  uint64_t hx = ol_node_hash(w, x);
  TSNode stack[64], parents[64]; /* not on the walk's path: each node's parent kept here */
  int top = 0;
  stack[top] = body, parents[top++] = lambda;
  ol_hashes *seen = &w->fseen.items[w->fseen.len - 1];
  while (top > 0) {
    --top;
    TSNode n = stack[top], parent = parents[top];
    ol_kind k = ol_kind_of(w->sx, n);
    if (k == OL_K_lambda)
      continue; /* its own parameter may shadow x */
    if (k == OL_K_attribute) {
      TSNode obj = ol_child(w->sx, n, OL_F_object), name = ol_child(w->sx, n, OL_F_attribute);
      if (ol_kind_of(w->sx, obj) == OL_K_identifier && ol_node_hash(w, obj) == hx) {
        bool called = ol_kind_of(w->sx, parent) == OL_K_call &&
                      ts_node_eq(ol_child(w->sx, parent, OL_F_function), n);
        uint64_t h = ((ol_node_hash(w, name) * 31 + (uint64_t)param) * 2 + rows) * 2;
        h = ((h * 31 + guard.test) * 257 + guard.param) * 31 + (uint64_t)(uintptr_t)guard.lit;
        h = h * 2 + called;
        bool had = seen->len >= MAX_READS_PER_FUNCTION;
        for (size_t i = 0; i < seen->len && !had; i++)
          had = seen->items[i] == h;
        if (!had) {
          ol_vec_push(seen, h);
          ol_param_read r = {.func = func,
                             .param = (uint32_t)param,
                             .rows = rows,
                             .attr = intern(w, name),
                             .called = called,
                             .guard = guard};
          r.at.span = ol_node_span(n);
          ol_vec_push(&w->out->param_reads, r);
        }
      }
    }
    for (uint32_t i = ts_node_named_child_count(n); i-- > 0 && top < 64;)
      stack[top] = ts_node_named_child(n, i), parents[top++] = n;
  }
}

void ol_calls_check_display_call(ol_walker *w, TSNode call, int ctx) {
  int func = ol_calls_current(w);
  TSNode fn = ol_child(w->sx, call, OL_F_function), args = ol_child(w->sx, call, OL_F_arguments);
  if (func < 0 || ctx < 0 || ol_kind_of(w->sx, fn) != OL_K_identifier || ts_node_is_null(args) ||
      ts_node_named_child_count(args) != 1)
    return;
  TSNode arg = ol_unwrap(w, ts_node_named_child(args, 0));
  int param = ol_calls_unbound_param(w, arg);
  bool rows = false;
  if (param < 0) { /* `fn(e)` on each element e of a loop over parameter p */
    param = param_rows_of(w, ctx, arg);
    rows = param >= 0;
  }
  if (param < 0)
    return;
  TSNode display = {0};
  /* the innermost loop around the call that binds fn (its body or a comprehension's element) */
  uint32_t at = ts_node_start_byte(call);
  for (size_t l = w->out->loops.len; l-- > 0 && ts_node_is_null(display);) {
    const ol_loop *loop = &w->out->loops.items[l];
    if (loop->node.start > at || at >= loop->node.end || ol_span_empty(loop->iterable) ||
        (loop->kind != OL_LOOP_FOR && loop->kind != OL_LOOP_COMPREHENSION) ||
        !span_binds(w, loop->target, fn))
      continue;
    TSNode it = ts_node_descendant_for_byte_range(ts_tree_root_node(call.tree),
                                                  loop->iterable.start, loop->iterable.end);
    display = iterated_display(w, it);
    if (ts_node_is_null(display))
      return; /* fn comes from something else */
  }
  if (ts_node_is_null(display))
    return;
  ol_param_guard guard = ol_guard_of(w, call);
  bool dict = ol_kind_of(w->sx, display) == OL_K_dictionary;
  for (uint32_t i = 0; i < ts_node_named_child_count(display); i++) {
    TSNode v = ts_node_named_child(display, i);
    if (dict)
      v = ol_kind_of(w->sx, v) == OL_K_pair ? ol_child(w->sx, v, OL_F_value) : (TSNode){0};
    v = ol_unwrap(w, v);
    if (ol_kind_of(w->sx, v) == OL_K_lambda) {
      lambda_reads(w, v, func, param, rows, guard);
      continue;
    }
    if (ol_kind_of(w->sx, v) != OL_K_tuple && ol_kind_of(w->sx, v) != OL_K_list)
      continue; /* `("Title", lambda x: ...)`: the lambda of each entry */
    for (uint32_t j = 0; j < ts_node_named_child_count(v); j++) {
      TSNode e = ol_unwrap(w, ts_node_named_child(v, j));
      if (ol_kind_of(w->sx, e) == OL_K_lambda)
        lambda_reads(w, e, func, param, rows, guard);
    }
  }
}
