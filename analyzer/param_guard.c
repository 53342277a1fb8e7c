/* Pass 1 facts for branches a call's arguments make dead (DESIGN.md
 * "Calls"): the test of one of its function's parameters a site (a query, a
 * commit, a call) runs under (`if include_datasets:`, `if not silent:`, `if
 * p is None:`, the `else:` of those), the literal defaults of a function's
 * parameters, what each argument of a call is (a literal, a parameter of
 * the caller, anything else), and which parameters a body binds again. The
 * index decides each call with them (summary.c). */
#include <stdio.h>
#include <string.h>

#include "walk_internal.h"

/* What a call passes, bounded: past this a call's arguments are not kept. */
#define MAX_ARGS_BYTES 512

/* The value token of a literal (facts.h ol_call_fact.args) into out; false
 * when n is no literal. */
static bool literal_token(const ol_walker *w, TSNode n, ol_buf *out) {
  const char *s = w->src + ts_node_start_byte(n);
  uint32_t len = ts_node_end_byte(n) - ts_node_start_byte(n);
  switch (ol_kind_of(w->sx, n)) {
  case OL_K_true:
    ol_buf_puts(out, "T");
    return true;
  case OL_K_false:
    ol_buf_puts(out, "F");
    return true;
  case OL_K_none:
    ol_buf_puts(out, "N");
    return true;
  case OL_K_integer: {
    uint32_t i = 0;
    while (i + 1 < len && (s[i] == '0' || s[i] == '_'))
      i++;
    for (uint32_t k = i; k < len; k++)
      if ((s[k] < '0' || s[k] > '9') && s[k] != '_')
        return false; /* hex, octal, binary: not compared */
    ol_buf_puts(out, "i");
    for (; i < len; i++)
      if (s[i] != '_')
        ol_buf_add(out, s + i, 1);
    return true;
  }
  case OL_K_string: {
    if (len < 2 || (s[0] != '"' && s[0] != '\''))
      return false; /* prefixed (f, b, r...) */
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
      if (!strcmp(ts_node_type(ts_node_named_child(n, i)), "interpolation"))
        return false;
    uint32_t q = len >= 6 && s[1] == s[0] && s[2] == s[0] ? 3 : 1;
    if (len < 2 * q)
      return false;
    const char *body = s + q;
    uint32_t blen = len - 2 * q;
    if (memchr(body, '\x1f', blen) || memchr(body, '{', blen))
      return false;
    /* S: escapes, so truthy (not empty) but not compared */
    ol_buf_puts(out, memchr(body, '\\', blen) ? "S" : "s");
    ol_buf_add(out, body, blen);
    return true;
  }
  default:
    return false;
  }
}

/* A parameter of func that the test may read: not self/cls. -1. */
static int tested_param(ol_walker *w, int func, TSNode n) {
  int p = ol_calls_param_index(w, func, n);
  const ol_func_fact *f = func >= 0 ? &w->out->funcs.items[func] : NULL;
  if (p < 0 || p > 255 || (p == 0 && f->cls && f->kind != OL_FN_STATIC))
    return -1;
  return p;
}

static ol_pguard_test negate(ol_pguard_test t) {
  static const ol_pguard_test neg[] = {OL_PG_NONE,    OL_PG_FALSE, OL_PG_TRUE, OL_PG_NOT_NONE,
                                       OL_PG_IS_NONE, OL_PG_NE,    OL_PG_EQ};
  return neg[t];
}

/* `p is None`, `p != "x"` (either side): the guard it is, when it holds. */
static ol_param_guard compare_guard(ol_walker *w, int func, TSNode cmp) {
  ol_param_guard g = {0};
  if (ts_node_named_child_count(cmp) != 2)
    return g;
  TSNode a = ol_unwrap(w, ts_node_named_child(cmp, 0)),
         b = ol_unwrap(w, ts_node_named_child(cmp, 1));
  char op[8];
  size_t n = 0;
  for (uint32_t i = ts_node_end_byte(ts_node_named_child(cmp, 0));
       i < ts_node_start_byte(ts_node_named_child(cmp, 1)); i++)
    if (w->src[i] != ' ' && w->src[i] != '\t' && w->src[i] != '(' && w->src[i] != ')') {
      if (n + 1 >= sizeof op)
        return g;
      op[n++] = w->src[i];
    }
  op[n] = '\0';
  int p = tested_param(w, func, a);
  TSNode lit = b;
  if (p < 0)
    p = tested_param(w, func, b), lit = a;
  if (p < 0)
    return g;
  ol_buf tok = {0};
  if (!literal_token(w, lit, &tok)) {
    ol_buf_free(&tok);
    return g;
  }
  bool none = tok.len == 1 && tok.s[0] == 'N';
  if ((!strcmp(op, "is") || !strcmp(op, "isnot")) && none)
    g.test = !strcmp(op, "is") ? OL_PG_IS_NONE : OL_PG_NOT_NONE;
  else if (!strcmp(op, "==") || !strcmp(op, "!=")) {
    g.test = !strcmp(op, "==") ? OL_PG_EQ : OL_PG_NE;
    g.lit = ol_walk_intern_string(w, tok.s);
  }
  g.param = (uint32_t)p;
  ol_buf_free(&tok);
  return g;
}

/* The guard cond is when it evaluates to `positive`, OL_PG_NONE when it is no
 * test of one parameter (of an `and`, one side: the other is also true). */
static ol_param_guard cond_guard(ol_walker *w, int func, TSNode cond, bool positive, int depth) {
  ol_param_guard g = {0};
  cond = ol_unwrap(w, cond);
  if (ts_node_is_null(cond) || depth > 8)
    return g;
  switch (ol_kind_of(w->sx, cond)) {
  case OL_K_not_operator:
    return cond_guard(w, func, ts_node_named_child(cond, 0), !positive, depth + 1);
  case OL_K_identifier: {
    int p = tested_param(w, func, cond);
    if (p >= 0)
      g = (ol_param_guard){.test = positive ? OL_PG_TRUE : OL_PG_FALSE, .param = (uint32_t)p};
    return g;
  }
  case OL_K_comparison_operator:
    g = compare_guard(w, func, cond);
    if (!positive && g.test != OL_PG_NONE)
      g.test = negate(g.test);
    return g;
  case OL_K_boolean_operator: {
    TSNode left = ol_child(w->sx, cond, OL_F_left), right = ol_child(w->sx, cond, OL_F_right);
    bool is_and = memmem(w->src + ts_node_end_byte(left),
                         ts_node_start_byte(right) - ts_node_end_byte(left), "and", 3) != NULL;
    if (is_and != positive) /* `a or b` true, `a and b` false: neither side is known */
      return g;
    g = cond_guard(w, func, left, positive, depth + 1);
    return g.test != OL_PG_NONE ? g : cond_guard(w, func, right, positive, depth + 1);
  }
  default:
    return g;
  }
}

/* The guard child c of p runs under, from p alone. */
static ol_param_guard branch_guard(ol_walker *w, int func, TSNode p, TSNode c) {
  ol_param_guard none = {0};
  switch (ol_kind_of(w->sx, p)) {
  case OL_K_if_statement: {
    TSNode cond = ol_child(w->sx, p, OL_F_condition);
    if (ts_node_eq(c, ol_child(w->sx, p, OL_F_consequence)))
      return cond_guard(w, func, cond, true, 0);
    /* an elif or else clause: runs only when the if's condition is false */
    return ts_node_eq(c, cond) ? none : cond_guard(w, func, cond, false, 0);
  }
  case OL_K_elif_clause:
    return ts_node_eq(c, ol_child(w->sx, p, OL_F_consequence))
               ? cond_guard(w, func, ol_child(w->sx, p, OL_F_condition), true, 0)
               : none;
  case OL_K_conditional_expression:
    if (ts_node_eq(c, ts_node_named_child(p, 0)))
      return cond_guard(w, func, ts_node_named_child(p, 1), true, 0);
    if (ts_node_eq(c, ts_node_named_child(p, 2)))
      return cond_guard(w, func, ts_node_named_child(p, 1), false, 0);
    return none;
  case OL_K_boolean_operator: {
    TSNode left = ol_child(w->sx, p, OL_F_left), right = ol_child(w->sx, p, OL_F_right);
    if (!ts_node_eq(c, right))
      return none;
    bool is_and = memmem(w->src + ts_node_end_byte(left),
                         ts_node_start_byte(right) - ts_node_end_byte(left), "and", 3) != NULL;
    return cond_guard(w, func, left, is_and, 0); /* `a or f()`: f runs when a is false */
  }
  default:
    return none;
  }
}

/* Statements of a block scanned for an early exit before the one walked. */
#define MAX_EXITS_SCANNED 256

/* Whether a block always leaves where it ends: its last statement returns,
 * raises, breaks or continues (what follows its if then runs only when the
 * if's test is false). */
static bool block_exits(ol_walker *w, TSNode block) {
  uint32_t n = ts_node_named_child_count(block);
  for (uint32_t i = n; i-- > 0;) {
    TSNode last = ts_node_named_child(block, i);
    ol_kind k = ol_kind_of(w->sx, last);
    if (k == OL_K_comment)
      continue;
    return k == OL_K_return_statement || k == OL_K_raise_statement || k == OL_K_break_statement ||
           k == OL_K_continue_statement;
  }
  return false;
}

/* `if not p: return` (no elif or else) before c in block: c runs only when
 * the test is false. The nearest such if that tests a parameter. */
static ol_param_guard exit_guard(ol_walker *w, int func, TSNode block, TSNode c) {
  ol_param_guard found = {0};
  TSTreeCursor cur = ts_tree_cursor_new(block);
  uint32_t at = ts_node_start_byte(c), steps = 0;
  for (bool ok = ts_tree_cursor_goto_first_child(&cur); ok && steps < MAX_EXITS_SCANNED;
       ok = ts_tree_cursor_goto_next_sibling(&cur), steps++) {
    TSNode s = ts_tree_cursor_current_node(&cur);
    if (ts_node_start_byte(s) >= at)
      break;
    if (ol_kind_of(w->sx, s) != OL_K_if_statement ||
        !ts_node_is_null(ol_child(w->sx, s, OL_F_alternative)) ||
        !block_exits(w, ol_child(w->sx, s, OL_F_consequence)))
      continue;
    ol_param_guard g = cond_guard(w, func, ol_child(w->sx, s, OL_F_condition), false, 0);
    if (g.test != OL_PG_NONE)
      found = g; /* the nearest wins */
  }
  ts_tree_cursor_delete(&cur);
  return found;
}

ol_param_guard ol_guard_of_condition(ol_walker *w, TSNode cond, bool positive) {
  int func = ol_calls_current(w);
  return func < 0 ? (ol_param_guard){0} : cond_guard(w, func, cond, positive, 0);
}

ol_param_guard ol_guard_of(ol_walker *w, TSNode n) {
  ol_param_guard none = {0};
  int func = ol_calls_current(w);
  if (func < 0)
    return none;
  /* Up from n: along the walk's path when n is on it (or its current node's child). */
  size_t at = w->path.len;
  for (size_t i = w->path.len; i-- > 0 && at == w->path.len;)
    if (w->path.items[i].id == n.id)
      at = i;
  TSNode c = n, p;
  if (at < w->path.len)
    p = at ? w->path.items[--at] : (TSNode){0};
  else if (w->path.len &&
           ts_node_start_byte(w->path.items[w->path.len - 1]) <= ts_node_start_byte(n) &&
           ts_node_end_byte(w->path.items[w->path.len - 1]) >= ts_node_end_byte(n))
    p = w->path.items[at = w->path.len - 1];
  else
    return none; /* off the path: not known, no guard */
  for (int steps = 0; !ts_node_is_null(p) && steps < 256; steps++) {
    ol_kind k = ol_kind_of(w->sx, p);
    if (k == OL_K_function_definition || k == OL_K_lambda || k == OL_K_class_definition)
      break;
    ol_param_guard g = branch_guard(w, func, p, c);
    if (g.test == OL_PG_NONE && k == OL_K_block)
      g = exit_guard(w, func, p, c);
    if (g.test != OL_PG_NONE)
      return g;
    c = p;
    p = at ? w->path.items[--at] : (TSNode){0};
  }
  return none;
}

/* The value token of an argument (or a default) into out. */
static void value_token(ol_walker *w, int func, TSNode n, ol_buf *out) {
  n = ol_unwrap(w, n);
  if (literal_token(w, n, out))
    return;
  if (ol_walk_iterable_is_bounded(w, n)) { /* a display, CLI values...: "B" */
    ol_buf_puts(out, "B");
    return;
  }
  int p = func >= 0 ? ol_calls_param_index(w, func, n) : -1;
  if (p >= 0 && p < 256) {
    char num[16];
    snprintf(num, sizeof num, "p%d", p);
    ol_buf_puts(out, num);
    return;
  }
  ol_buf_puts(out, "?");
}

/* Whether splat `**name` passes on the `**name` parameter of the function being walked. */
static bool forwards_keywords(ol_walker *w, TSNode splat) {
  TSNode name = ol_unwrap(w, ts_node_named_child(splat, 0));
  if (ol_kind_of(w->sx, name) != OL_K_identifier)
    return false;
  TSNode def = ol_walk_current_def(w);
  if (ts_node_is_null(def))
    return false;
  TSNode params = ol_child(w->sx, def, OL_F_parameters);
  for (uint32_t p = 0; !ts_node_is_null(params) && p < ts_node_named_child_count(params); p++) {
    TSNode q = ts_node_named_child(params, p);
    if (ol_kind_of(w->sx, q) == OL_K_dictionary_splat_pattern)
      return ol_node_hash(w, ts_node_named_child(q, 0)) == ol_node_hash(w, name);
  }
  return false;
}

char *ol_guard_call_args(ol_walker *w, TSNode call) {
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  if (ts_node_is_null(args))
    return ol_walk_intern_string(w, "");
  if (ol_kind_of(w->sx, args) != OL_K_argument_list) /* `f(x for x in y)` */
    return ol_walk_intern_string(w, "=?\x1f");
  int func = ol_calls_current(w);
  ol_buf b = {0};
  bool known = true;
  for (uint32_t i = 0; known && i < ts_node_named_child_count(args); i++) {
    TSNode a = ts_node_named_child(args, i);
    ol_kind k = ol_kind_of(w->sx, a);
    if (k == OL_K_comment)
      continue;
    if (k == OL_K_list_splat || k == OL_K_dictionary_splat) {
      /* "*" / "**": what it passes is not known, what is named around it still is; "**>":
       * the keywords the function itself was called with (`f(**kwargs)` in `def g(**kwargs)`) */
      ol_buf_puts(&b, k == OL_K_list_splat      ? "*\x1f"
                      : forwards_keywords(w, a) ? "**>\x1f"
                                                : "**\x1f");
      continue;
    }
    if (k == OL_K_keyword_argument) {
      TSNode name = ol_child(w->sx, a, OL_F_name);
      ol_buf_add(&b, w->src + ts_node_start_byte(name),
                 ts_node_end_byte(name) - ts_node_start_byte(name));
      a = ol_child(w->sx, a, OL_F_value);
    }
    ol_buf_puts(&b, "=");
    value_token(w, func, a, &b);
    ol_buf_add(&b, "\x1f", 1);
    known = b.len <= MAX_ARGS_BYTES;
  }
  char *s = known ? ol_arena_strndup(&w->out->arena, b.s ? b.s : "", b.len) : NULL;
  ol_buf_free(&b);
  return s;
}

char *ol_guard_defaults(ol_walker *w, TSNode params, uint32_t n_params) {
  ol_buf b = {0};
  uint32_t n = ts_node_is_null(params) ? 0 : ts_node_named_child_count(params);
  for (uint32_t i = 0, taken = 0; i < n && taken < n_params; i++) {
    TSNode p = ts_node_named_child(params, i);
    ol_kind k = ol_kind_of(w->sx, p);
    if (k == OL_K_comment)
      continue;
    if (k == OL_K_default_parameter || k == OL_K_typed_default_parameter) {
      TSNode v = ol_unwrap(w, ol_child(w->sx, p, OL_F_value));
      if (!literal_token(w, v, &b))
        ol_buf_puts(&b, ol_walk_iterable_is_bounded(w, v) ? "B" : "?");
    }
    ol_buf_add(&b, "\x1f", 1);
    taken++;
  }
  char *s = ol_arena_strndup(&w->out->arena, b.s ? b.s : "", b.len);
  ol_buf_free(&b);
  return s;
}

/* ---- sets of tests ------------------------------------------------------------ */

bool ol_guard_same(const ol_param_guard *a, const ol_param_guard *b) {
  return a->test == b->test && a->param == b->param &&
         (a->lit == b->lit || (a->lit && b->lit && !strcmp(a->lit, b->lit)));
}

bool ol_guard_set_add(ol_guard_set *set, const ol_param_guard *g) {
  if (set->any[0].test == OL_PG_NONE)
    return false; /* runs on every call already */
  for (int k = 0; k < OL_GUARD_ANY && g->test != OL_PG_NONE; k++) {
    if (set->any[k].test == OL_PG_NONE) {
      set->any[k] = *g;
      return true;
    }
    if (ol_guard_same(&set->any[k], g))
      return false;
  }
  *set = (ol_guard_set){0}; /* unguarded, or more tests than are kept */
  return true;
}

/* ---- parameters bound again ------------------------------------------------ */

static void mark_name(ol_walker *w, const ol_func_fact *f, TSNode id, uint32_t *mask) {
  if (ol_kind_of(w->sx, id) != OL_K_identifier)
    return;
  uint32_t len = ts_node_end_byte(id) - ts_node_start_byte(id);
  for (uint32_t i = 0; i < f->n_params; i++)
    if (strlen(f->params[i]) == len && !memcmp(f->params[i], w->src + ts_node_start_byte(id), len))
      *mask |= i < 32 ? 1u << i : 0;
}

/* The names a target (`a`, `a, (b, *c)`, `[a, b]`) binds; not `x.a`, `x[a]`. */
static void mark_target(ol_walker *w, const ol_func_fact *f, TSNode t, uint32_t *mask, int depth) {
  if (ts_node_is_null(t) || depth > 16)
    return;
  switch (ol_kind_of(w->sx, t)) {
  case OL_K_identifier:
    mark_name(w, f, t, mask);
    return;
  case OL_K_pattern_list:
  case OL_K_tuple_pattern:
  case OL_K_list_pattern:
  case OL_K_list_splat_pattern:
  case OL_K_parenthesized_expression:
  case OL_K_tuple:
  case OL_K_list:
  case OL_K_expression_list:
  case OL_K_as_pattern_target:
    for (uint32_t i = 0; i < ts_node_named_child_count(t); i++)
      mark_target(w, f, ts_node_named_child(t, i), mask, depth + 1);
    return;
  default:
    return;
  }
}

static void mark_node(ol_walker *w, const ol_func_fact *f, TSNode n, uint32_t *mask) {
  switch (ol_kind_of(w->sx, n)) {
  case OL_K_assignment:
  case OL_K_augmented_assignment:
  case OL_K_for_statement:
  case OL_K_for_in_clause:
    mark_target(w, f, ol_child(w->sx, n, OL_F_left), mask, 0);
    return;
  case OL_K_named_expression:
    mark_name(w, f, ol_child(w->sx, n, OL_F_name), mask);
    return;
  case OL_K_as_pattern_target:
    mark_target(w, f, n, mask, 0);
    return;
  case OL_K_global_statement:
  case OL_K_nonlocal_statement:
  case OL_K_delete_statement:
    for (uint32_t i = 0; i < ts_node_named_child_count(n); i++)
      mark_target(w, f, ts_node_named_child(n, i), mask, 0);
    return;
  case OL_K_aliased_import:
    mark_name(w, f, ol_child(w->sx, n, OL_F_alias), mask);
    return;
  case OL_K_dotted_name: /* `import p`, `from m import p` */
    if (ts_node_named_child_count(n) == 1)
      mark_name(w, f, ts_node_named_child(n, 0), mask);
    return;
  default:
    return;
  }
}

uint32_t ol_guard_rebound(ol_walker *w, TSNode def, int func) {
  const ol_func_fact *f = &w->out->funcs.items[func];
  uint32_t mask = 0;
  TSNode body = ol_child(w->sx, def, OL_F_body);
  if (ts_node_is_null(body) || !f->n_params)
    return mask;
  TSTreeCursor cur = ts_tree_cursor_new(body);
  for (bool down = true;;) {
    TSNode n = ts_tree_cursor_current_node(&cur);
    ol_kind k = ol_kind_of(w->sx, n);
    bool nested = k == OL_K_function_definition || k == OL_K_class_definition || k == OL_K_lambda;
    if (down)
      mark_node(w, f, n, &mask);
    if (down && nested) {
      mark_name(w, f, ol_child(w->sx, n, OL_F_name), &mask);
      /* its own names are its own, unless it says they are ours */
      if (memmem(w->src + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n),
                 "nonlocal", 8))
        mask = UINT32_MAX;
    }
    if (down && !nested && ts_tree_cursor_goto_first_child(&cur))
      continue;
    if (ts_tree_cursor_goto_next_sibling(&cur)) {
      down = true;
      continue;
    }
    if (!ts_tree_cursor_goto_parent(&cur) || ts_node_eq(ts_tree_cursor_current_node(&cur), body))
      break;
    down = false;
  }
  ts_tree_cursor_delete(&cur);
  return mask;
}
