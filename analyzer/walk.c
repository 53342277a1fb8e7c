/* Pass 1 traversal: the loop context of DESIGN.md ("Loop context"), names
 * bound in each loop, query variables per scope, and the resolution of every
 * query site against its loops once the whole file has been seen. */
#include <ctype.h>
#include <string.h>

#include "walk_internal.h"

typedef struct {
  TSNode node;
  ol_kind kind;
  int ctx;         /* loop this node runs in on every iteration, or -1 */
  int frame;       /* the loop this node creates, or -1 */
  int first_outer; /* for a comprehension's first for clause: the ctx its iterable runs in */
  bool scope;      /* this node pushed a scope */
  bool recorded;   /* a top-level function the memo records */
} entry;

uint64_t ol_name_hash(const char *s, size_t len) { return ol_fnv(OL_FNV_OFFSET, s, len); }

bool ol_node_text_is(const ol_walker *w, TSNode n, const char *s) {
  if (ts_node_is_null(n))
    return false;
  size_t len = strlen(s);
  return ts_node_end_byte(n) - ts_node_start_byte(n) == len &&
         memcmp(w->src + ts_node_start_byte(n), s, len) == 0;
}

bool ol_node_mentions(const ol_walker *w, TSNode n, const char *s) {
  if (ts_node_is_null(n))
    return false;
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  return b <= w->len && memmem(w->src + a, b - a, s, strlen(s)) != NULL;
}

char *ol_node_text(ol_walker *w, TSNode n) {
  return ol_arena_strndup(&w->out->arena, w->src + ts_node_start_byte(n),
                          ts_node_end_byte(n) - ts_node_start_byte(n));
}

TSNode ol_walk_parent(const ol_walker *w, TSNode n) {
  for (size_t i = w->path.len; i-- > 0;)
    if (w->path.items[i].id == n.id)
      return i ? w->path.items[i - 1] : (TSNode){0};
  return w->path.len ? w->path.items[w->path.len - 1] : (TSNode){0};
}

ol_val ol_scope_lookup(const ol_walker *w, uint64_t hash) {
  const ol_binding *b = ol_scope_binding(w, hash);
  return b ? b->kind : OL_VAL_NONE;
}

/* Innermost scope first, then the enclosing ones: lambdas and nested
 * functions read their enclosing function's variables. */
const ol_binding *ol_scope_binding(const ol_walker *w, uint64_t hash) {
  for (size_t k = w->scopes.len; k-- > 0;) {
    const ol_scope *s = &w->scopes.items[k];
    for (size_t i = s->names.len; i-- > 0;)
      if (s->names.items[i].hash == hash)
        return &s->names.items[i];
  }
  return NULL;
}

void ol_scope_push_binding(ol_walker *w, ol_binding b) {
  ol_scope *s = &w->scopes.items[w->scopes.len - 1];
  ol_vec_push(&s->names, b);
}

static void scope_push(ol_walker *w, TSNode n) {
  ol_scope s = {.span = ol_node_span(n)};
  ol_vec_push(&w->scopes, s);
}

static void scope_pop(ol_walker *w) {
  ol_scope *s = &w->scopes.items[--w->scopes.len];
  ol_vec_free(&s->names);
}

/* Iterative: identifiers read in n, skipping attribute names, keyword names
 * and the bodies of nested lambdas/comprehensions' own targets are kept
 * (conservative: more names only means fewer fixes). */
void ol_collect_names(ol_walker *w, TSNode n, ol_name_refs *out) {
  TSTreeCursor c = ts_tree_cursor_new(n);
  for (;;) {
    TSNode cur = ts_tree_cursor_current_node(&c);
    ol_field f = ol_field_of(w->sx, ts_tree_cursor_current_field_id(&c));
    ol_kind k = ol_kind_of(w->sx, cur);
    bool skip = (f == OL_F_attribute) || (f == OL_F_name && k == OL_K_identifier);
    if (!skip && k == OL_K_identifier)
      ol_vec_push(out, ((ol_name_ref){ol_node_hash(w, cur), ol_node_span(cur)}));
    if (!ol_cursor_step(&c, !skip)) {
      ts_tree_cursor_delete(&c);
      return;
    }
  }
}

/* ---- loops ------------------------------------------------------------- */

/* A name bound in loop is bound in every loop around it too, except the
 * variables of a comprehension: they live in the comprehension's own scope. */
static void bind_in_loops(ol_walker *w, int loop, uint64_t hash) {
  for (int l = loop; l >= 0; l = w->out->loops.items[l].parent)
    ol_vec_push(&w->loop_bound.items[l], hash);
}

static void bind_comprehension_target(ol_walker *w, TSNode target, int comp, ol_hashes *also);

/* Binds every name a target pattern assigns: identifiers, and the root name
 * of attribute/subscript targets (their object changes). */
static void bind_target(ol_walker *w, TSNode target, int loop, ol_hashes *also) {
  TSTreeCursor c = ts_tree_cursor_new(target);
  for (;;) {
    TSNode cur = ts_tree_cursor_current_node(&c);
    ol_kind k = ol_kind_of(w->sx, cur);
    bool descend = true;
    if (k == OL_K_identifier) {
      uint64_t h = ol_node_hash(w, cur);
      if (loop >= 0)
        bind_in_loops(w, loop, h);
      if (also)
        ol_vec_push(also, h);
    } else if (k == OL_K_attribute || k == OL_K_subscript) {
      TSNode root = cur;
      while (ol_kind_of(w->sx, root) == OL_K_attribute || ol_kind_of(w->sx, root) == OL_K_subscript)
        root = ts_node_named_child(root, 0);
      if (ol_kind_of(w->sx, root) == OL_K_identifier && loop >= 0) {
        uint64_t h = ol_node_hash(w, root);
        bind_in_loops(w, loop, h);
        /* Changing a row's attribute is a write the next query's autoflush sends. */
        for (int l = loop; k == OL_K_attribute && l >= 0; l = w->out->loops.items[l].parent)
          if (w->out->loops.items[l].has_rows && w->out->loops.items[l].rows_var == h)
            for (int m = loop; m >= 0; m = w->out->loops.items[m].parent)
              w->out->loops.items[m].writes_session = true;
      }
      descend = false;
    }
    if (!ol_cursor_step(&c, descend)) {
      ts_tree_cursor_delete(&c);
      return;
    }
  }
}

/* The statement that holds n (on the path, or a child of its top): where a
 * fix inserts code. Finds n once, then steps up the path by index. */
TSNode ol_walk_statement(const ol_walker *w, TSNode n) {
  size_t i = w->path.len;
  while (i > 0 && w->path.items[i - 1].id != n.id)
    i--;
  if (i == 0 && w->path.len) {
    TSNode top = w->path.items[w->path.len - 1];
    if (ts_node_start_byte(n) < ts_node_start_byte(top) ||
        ts_node_end_byte(n) > ts_node_end_byte(top)) {
      /* not under the walk's position (the value of a name bound statements
       * earlier): n's own statement, a child of a block or of the module */
      TSNode p = ts_node_parent(n); /* a few levels: the query is in its statement */
      for (int up = 0; up < 32 && !ts_node_is_null(p); up++, n = p, p = ts_node_parent(p))
        if (ol_kind_of(w->sx, p) == OL_K_block || ol_kind_of(w->sx, p) == OL_K_module)
          return n;
      return w->path.items[0];
    }
  }
  if (i == 0)
    i = w->path.len + 1; /* a child of the top: its parent is path[len-1] */
  size_t k = i - 1;      /* n's index on the path (len: a child of the top) */
  int32_t b = k > 0 && k - 1 < w->path_block.len ? w->path_block.items[k - 1] : -1;
  if (b < 0)
    return w->path.len ? w->path.items[0] : n;
  return (size_t)b + 1 == k ? n : w->path.items[b + 1];
}

/* Where the rows of a query (n) are read: the walk's statement when n is
 * under its position. Else n is the value of a name bound statements
 * earlier: its own statement, through the walk's when both are in one
 * block (a fix's snippets show the query and where its rows are read). */
ol_span ol_walk_rows_statement(const ol_walker *w, TSNode n) {
  TSNode at = w->path.items[w->path.len - 1];
  TSNode here = ol_walk_statement(w, at);
  if (ts_node_start_byte(n) >= ts_node_start_byte(at) &&
      ts_node_end_byte(n) <= ts_node_end_byte(at))
    return ol_node_span(here);
  TSNode own = ol_walk_statement(w, n);
  ol_span s = ol_node_span(own);
  if (ts_node_start_byte(own) < ts_node_start_byte(here) &&
      ts_node_eq(ts_node_parent(own), ts_node_parent(here)))
    s.end = ts_node_end_byte(here);
  return s;
}

static void path_push(ol_walker *w, TSNode n) {
  ol_kind k = ol_kind_of(w->sx, n);
  int32_t above = w->path_block.len ? w->path_block.items[w->path_block.len - 1] : -1;
  ol_vec_push(&w->path, n);
  ol_vec_push(&w->path_block,
              k == OL_K_block || k == OL_K_module ? (int32_t)(w->path.len - 1) : above);
}

static bool starts_line(const ol_walker *w, uint32_t off) {
  while (off > 0 && (w->src[off - 1] == ' ' || w->src[off - 1] == '\t'))
    off--;
  return off == 0 || w->src[off - 1] == '\n' || w->src[off - 1] == '\r';
}

static bool name_is_list(ol_walker *w, TSNode iterable) {
  return ol_kind_of(w->sx, iterable) == OL_K_identifier &&
         ol_scope_lookup(w, ol_node_hash(w, iterable)) == OL_VAL_LIST;
}

/* A list or tuple display, a query or its .all(), range(), list(...), sorted(...). */
static bool iterable_is_finite(ol_walker *w, TSNode it) {
  ol_kind k = ol_kind_of(w->sx, it);
  if (k == OL_K_list || k == OL_K_tuple || k == OL_K_set || k == OL_K_dictionary ||
      k == OL_K_list_comprehension || k == OL_K_string)
    return true;
  ol_valinfo v = ol_classify(w, it);
  if (v.kind == OL_VAL_QUERY || v.kind == OL_VAL_LIST)
    return true;
  if (k != OL_K_call)
    return false;
  TSNode fn = ol_child(w->sx, it, OL_F_function);
  static const char *const FINITE[] = {"range", "list", "sorted", "tuple", "set", "reversed", NULL};
  for (const char *const *f = FINITE; *f; f++)
    if (ol_node_text_is(w, fn, *f))
      return true;
  if (ol_kind_of(w->sx, fn) == OL_K_attribute) {
    TSNode m = ol_child(w->sx, fn, OL_F_attribute);
    return ol_node_text_is(w, m, "all") || ol_node_text_is(w, m, "items") ||
           ol_node_text_is(w, m, "keys") || ol_node_text_is(w, m, "values");
  }
  return false;
}

/* An ALL_CAPS name: a module constant by convention (PEP 8). */
static bool is_constant_name(const ol_walker *w, TSNode n) {
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  if (b - a < 2)
    return false;
  bool letter = false;
  for (uint32_t i = a; i < b; i++) {
    char ch = w->src[i];
    if ((ch >= 'a' && ch <= 'z'))
      return false;
    letter |= ch >= 'A' && ch <= 'Z';
  }
  return letter;
}

/* A class of this file deriving from an Enum: its members are fixed. */
static bool is_enum_class(const ol_walker *w, TSNode n) {
  for (size_t i = 0; i < w->out->classes.len; i++) {
    const ol_class_fact *c = &w->out->classes.items[i];
    if (!ol_node_text_is(w, n, c->name))
      continue;
    for (size_t b = 0; b < c->n_bases; b++) {
      size_t len = strlen(c->bases[b]);
      if (len >= 4 && !strcmp(c->bases[b] + len - 4, "Enum"))
        return true;
    }
  }
  return false;
}

/* Whether a chain reads the schema, not rows: `M.__table__.columns`,
 * `inspect(M).relationships`, `M.__mapper__.attrs`, `M.__dict__` (the
 * attributes its class defines). */
static bool reads_schema(const ol_walker *w, TSNode n) {
  for (int depth = 0; depth < 8; depth++) {
    ol_kind k = ol_kind_of(w->sx, n);
    if (k == OL_K_attribute) {
      TSNode a = ol_child(w->sx, n, OL_F_attribute);
      if (ol_node_text_is(w, a, "__table__") || ol_node_text_is(w, a, "__mapper__") ||
          ol_node_text_is(w, a, "__table_args__") || ol_node_text_is(w, a, "__dict__"))
        return true;
      n = ol_child(w->sx, n, OL_F_object);
    } else if (k == OL_K_call) {
      TSNode fn = ol_child(w->sx, n, OL_F_function);
      TSNode last =
          ol_kind_of(w->sx, fn) == OL_K_attribute ? ol_child(w->sx, fn, OL_F_attribute) : fn;
      return ol_node_text_is(w, last, "inspect") || ol_node_text_is(w, last, "class_mapper") ||
             ol_node_text_is(w, last, "__subclasses__");
    } else {
      return false;
    }
  }
  return false;
}

/* A value of the application's configuration: `app.config["X"]`,
 * `current_app.config.get("X", [...])`, `settings.X` lists set by the deployer. */
static bool reads_config(const ol_walker *w, TSNode n) {
  ol_kind k = ol_kind_of(w->sx, n);
  TSNode obj = {0};
  if (k == OL_K_subscript)
    obj = ol_child(w->sx, n, OL_F_value);
  else if (k == OL_K_call) {
    TSNode fn = ol_child(w->sx, n, OL_F_function);
    if (ol_kind_of(w->sx, fn) != OL_K_attribute ||
        !ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "get"))
      return false;
    obj = ol_child(w->sx, fn, OL_F_object);
  } else
    return false;
  if (ol_kind_of(w->sx, obj) == OL_K_attribute)
    obj = ol_child(w->sx, obj, OL_F_attribute);
  return ol_kind_of(w->sx, obj) == OL_K_identifier &&
         (ol_node_text_is(w, obj, "config") || ol_node_text_is(w, obj, "settings"));
}

/* `State.accepted.value` / `.name`: what a member of a class written in
 * the code (an Enum, CamelCase by convention) holds, a constant. */
static bool is_member_value(const ol_walker *w, TSNode n) {
  TSNode a = ol_child(w->sx, n, OL_F_attribute), m = ol_child(w->sx, n, OL_F_object);
  if ((!ol_node_text_is(w, a, "value") && !ol_node_text_is(w, a, "name")) ||
      ol_kind_of(w->sx, m) != OL_K_attribute)
    return false;
  TSNode cls = ol_child(w->sx, m, OL_F_object);
  if (ol_kind_of(w->sx, cls) != OL_K_identifier)
    return false;
  const char *t = w->src + ts_node_start_byte(cls);
  uint32_t len = ts_node_end_byte(cls) - ts_node_start_byte(cls);
  return len > 1 && t[0] >= 'A' && t[0] <= 'Z' && !is_constant_name(w, cls) && !memchr(t, '_', len);
}

/* A non-empty display whose elements are constants (literals, ALL_CAPS
 * names, `Enum.MEMBER`, displays of those): a name bound to one and iterated
 * later is bounded. An empty display is not: it is usually filled from rows. */
static bool holds_constants(ol_walker *w, TSNode n, int depth) {
  n = ol_unwrap(w, n);
  ol_kind k = ol_kind_of(w->sx, n);
  switch (k) {
  case OL_K_string:
  case OL_K_integer:
  case OL_K_float:
  case OL_K_true:
  case OL_K_false:
  case OL_K_none:
  case OL_K_unary_operator:
    return depth > 0;
  case OL_K_identifier:
    return depth > 0 && is_constant_name(w, n);
  case OL_K_attribute:
    return depth > 0 &&
           (is_constant_name(w, ol_child(w->sx, n, OL_F_attribute)) || is_member_value(w, n));
  case OL_K_pair:
    return holds_constants(w, ol_child(w->sx, n, OL_F_key), depth + 1);
  case OL_K_list:
  case OL_K_tuple:
  case OL_K_set:
  case OL_K_dictionary: {
    uint32_t count = ts_node_named_child_count(n), seen = 0;
    if (depth > 4)
      return false;
    for (uint32_t i = 0; i < count; i++) {
      TSNode e = ts_node_named_child(n, i);
      if (ol_kind_of(w->sx, e) == OL_K_comment)
        continue;
      if (!holds_constants(w, e, depth + 1))
        return false;
      seen++;
    }
    return seen > 0;
  }
  default:
    return false;
  }
}

/* A value the code names: a literal (not an f-string with fields), an
 * ALL_CAPS constant, `Enum.MEMBER` (`.value`/`.name` of one, or a member of
 * an Enum class of this file), or a display of those. A query that compares
 * a column to such a value picks one of the column's few named values. */
bool ol_walk_names_value(ol_walker *w, TSNode n) {
  n = ol_unwrap(w, n);
  ol_kind k = ol_kind_of(w->sx, n);
  if (k == OL_K_string) { /* the prefix before the quote: f"..." is built */
    for (uint32_t i = ts_node_start_byte(n); i < ts_node_end_byte(n); i++) {
      char c = w->src[i];
      if (c == '"' || c == '\'')
        return true;
      if (c == 'f' || c == 'F')
        return false;
    }
    return false;
  }
  if (k == OL_K_attribute &&
      ol_kind_of(w->sx, ol_child(w->sx, n, OL_F_object)) == OL_K_identifier &&
      is_enum_class(w, ol_child(w->sx, n, OL_F_object)))
    return true;
  return holds_constants(w, n, 1);
}

/* How many bindings of the name the innermost scope that binds it holds (a rebinding in a branch
 * is one more). */
static size_t bindings_of(const ol_walker *w, uint64_t h) {
  for (size_t i = w->scopes.len; i-- > 0;) {
    size_t n = 0;
    for (size_t j = 0; j < w->scopes.items[i].names.len; j++)
      n += w->scopes.items[i].names.items[j].hash == h;
    if (n)
      return n;
  }
  return 0;
}

static bool ident_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

static bool word_in(const char *s, size_t n, const char *const *words) {
  for (; *words; words++)
    if (strlen(*words) == n && !memcmp(*words, s, n))
      return true;
  return false;
}

bool ol_text_changes_name_at(const char *src, uint32_t lo, uint32_t i, size_t n, uint32_t end) {
  static const char *const READS[] = {"copy", "count",  "index", "get",
                                      "keys", "values", "items", NULL};
  static const char *const READERS[] = {"isinstance", "len",  "print",     "list", "tuple", "set",
                                        "sorted",     "str",  "repr",      "bool", "any",   "all",
                                        "enumerate",  "iter", "frozenset", NULL};
  uint32_t j = i + (uint32_t)n;
  while (j < end && (src[j] == ' ' || src[j] == '\t'))
    j++;
  if (j < end && src[j] == '.') {
    uint32_t m = ++j;
    while (j < end && ident_char(src[j]))
      j++;
    uint32_t me = j;
    while (j < end && (src[j] == ' ' || src[j] == '\t'))
      j++;
    return j < end && src[j] == '(' && !word_in(src + m, me - m, READS);
  }
  uint32_t k = j;
  while (k < end && k < j + 2 && strchr("+-*/|&^%@<>", src[k]))
    k++;
  if (k > j && k < end && src[k] == '=' && (k + 1 >= end || src[k + 1] != '='))
    return true; /* `names += rows` */
  if (j >= end || (src[j] != ',' && src[j] != ')'))
    return false;
  int depth = 0; /* handed whole to a call: the callee before the unclosed `(` */
  for (uint32_t p = i; p-- > lo;) {
    if (src[p] == ')' || src[p] == ']' || src[p] == '}')
      depth++;
    else if ((src[p] == '(' || src[p] == '[' || src[p] == '{') && depth-- == 0) {
      if (src[p] != '(')
        return false; /* a display holds it: read */
      uint32_t ce = p;
      while (ce > lo && (src[ce - 1] == ' ' || src[ce - 1] == '\t'))
        ce--;
      uint32_t cs = ce;
      while (cs > lo && ident_char(src[cs - 1]))
        cs--;
      return !(cs < ce && (cs == lo || src[cs - 1] != '.') && word_in(src + cs, ce - cs, READERS));
    }
  }
  return false;
}

/* Whether a for loop's iterable is a name bound more than once in its scope, or changed in place
 * between the assignment that bound it and the loop (ol_text_changes_name_at): what that binding
 * gave is not surely what the loop iterates (ol_loop). */
static bool iterable_rebound(const ol_walker *w, TSNode it, TSNode loop) {
  if (ol_kind_of(w->sx, it) != OL_K_identifier)
    return false;
  uint64_t h = ol_node_hash(w, it);
  if (bindings_of(w, h) > 1)
    return true;
  const ol_binding *b = ol_scope_binding(w, h);
  if (!b || !b->at)
    return false;
  TSNode def = ts_node_parent(loop);
  while (!ts_node_is_null(def) && ol_kind_of(w->sx, def) != OL_K_function_definition)
    def = ts_node_parent(def);
  if (!ts_node_is_null(def) && b->at < ts_node_start_byte(def))
    return true; /* bound outside the function: any code may change it (and the memo reads the
                    function's text alone) */
  const char *name = w->src + ts_node_start_byte(it);
  size_t n = ts_node_end_byte(it) - ts_node_start_byte(it);
  for (uint32_t i = b->at, end = ts_node_start_byte(loop); i + n <= end; i++)
    if (!memcmp(w->src + i, name, n) &&
        (i == 0 || !(ident_char(w->src[i - 1]) || w->src[i - 1] == '.')) &&
        (i + n == end || !ident_char(w->src[i + n])) &&
        ol_text_changes_name_at(w->src, b->at, i, n, end))
      return true;
  return false;
}

/* A return (or, with ret null, a yield) of the current function: whether
 * every value it returns is a display of constants or the application's
 * configuration (a name bound to one too: `value = config.get(k)`), so a
 * loop over what it returns is bounded (ol_func_fact.fixed_ret). A bare
 * `return`, or one of None, a bool or a number, gives what no loop can
 * iterate: a loop over the call runs only when another return gave its
 * value, so it changes nothing. */
static void note_fixed_return(ol_walker *w, TSNode ret) {
  int func = ol_calls_current(w);
  if (func < 0 || w->out->funcs.items[func].fixed_ret < 0)
    return;
  TSNode v = {0};
  uint32_t values = 0;
  for (uint32_t i = 0; !ts_node_is_null(ret) && i < ts_node_named_child_count(ret); i++)
    if (ol_kind_of(w->sx, ts_node_named_child(ret, i)) != OL_K_comment && !values++)
      v = ol_unwrap(w, ts_node_named_child(ret, i));
  if (ts_node_is_null(ret) || values > 1) {
    w->out->funcs.items[func].fixed_ret = -1;
    return;
  }
  ol_kind k = values ? ol_kind_of(w->sx, v) : OL_K_none;
  if (k == OL_K_none || k == OL_K_true || k == OL_K_false || k == OL_K_integer || k == OL_K_float)
    return;
  /* A name bound once (a second binding, perhaps in a branch, may hold anything) */
  const ol_binding *b = NULL;
  if (k == OL_K_identifier && bindings_of(w, ol_node_hash(w, v)) == 1)
    b = ol_scope_binding(w, ol_node_hash(w, v));
  bool fixed = holds_constants(w, v, 0) || reads_config(w, v) ||
               (b && b->bounded && !b->fixed_hash && !b->has_rows);
  w->out->funcs.items[func].fixed_ret = fixed ? 1 : -1;
}

uint32_t ol_walk_query_origin(const ol_walker *w, TSNode chain) {
  TSNode root = ol_unwrap(w, chain);
  for (int depth = 0; depth < 200; depth++) {
    ol_kind k = ol_kind_of(w->sx, root);
    if (k == OL_K_call)
      root = ol_child(w->sx, root, OL_F_function);
    else if (k == OL_K_attribute)
      root = ol_child(w->sx, root, OL_F_object);
    else if (k == OL_K_subscript)
      root = ol_child(w->sx, root, OL_F_value);
    else
      break;
    root = ol_unwrap(w, root);
  }
  if (ol_kind_of(w->sx, root) == OL_K_identifier) {
    const ol_binding *b = ol_scope_binding(w, ol_node_hash(w, root));
    if (b && b->query_origin)
      return b->query_origin;
  }
  ol_kind k = ol_kind_of(w->sx, ol_unwrap(w, chain));
  return k == OL_K_call || k == OL_K_attribute ? ts_node_start_byte(ol_unwrap(w, chain)) + 1 : 0;
}

/* Whether iterating it runs a number of times the code fixes, not the data
 * (DESIGN.md "Real code": bounded loops). */
/* A literal row count of a "top N" widget: at most ten. A page (limit(100),
 * limit(PAGE_SIZE)) is what an N+1 multiplies, so it does not bound a loop. */
#define MAX_BOUNDED_LIMIT 10

TSNode ol_walk_current_def(const ol_walker *w) {
  for (size_t i = w->path.len; i-- > 0;) {
    ol_kind k = ol_kind_of(w->sx, w->path.items[i]);
    if (k == OL_K_function_definition)
      return w->path.items[i];
    if (k == OL_K_lambda || k == OL_K_class_definition)
      break;
  }
  return (TSNode){0};
}

static bool is_small_constant(const ol_walker *w, TSNode n);

/* `limit` in `def top(cls, limit: int = 10)`: a parameter whose default is a
 * small constant (a "top N" widget's size; the caller may pass another). */
static bool small_default_param(const ol_walker *w, TSNode name) {
  TSNode def = ol_walk_current_def(w);
  TSNode params = ts_node_is_null(def) ? def : ol_child(w->sx, def, OL_F_parameters);
  for (uint32_t i = 0; !ts_node_is_null(params) && i < ts_node_named_child_count(params); i++) {
    TSNode p = ts_node_named_child(params, i);
    ol_kind k = ol_kind_of(w->sx, p);
    if (k != OL_K_default_parameter && k != OL_K_typed_default_parameter)
      continue;
    TSNode pn = ol_child(w->sx, p, OL_F_name);
    uint32_t a = ts_node_start_byte(pn), b = ts_node_end_byte(pn);
    uint32_t c = ts_node_start_byte(name), d = ts_node_end_byte(name);
    if (b - a == d - c && !memcmp(w->src + a, w->src + c, b - a))
      return is_small_constant(w, ol_child(w->sx, p, OL_F_value));
  }
  return false;
}

static bool is_small_constant(const ol_walker *w, TSNode n) {
  if (ol_kind_of(w->sx, n) == OL_K_identifier)
    return !ol_scope_binding((ol_walker *)w, ol_node_hash((ol_walker *)w, n)) &&
           small_default_param(w, n);
  if (ol_kind_of(w->sx, n) != OL_K_integer)
    return false;
  uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
  if (b - a > 2)
    return false;
  long v = strtol(w->src + a, NULL, 10);
  return v >= 0 && v <= MAX_BOUNDED_LIMIT;
}

/* A query chain that `.limit(<constant>)` or `.first()`/`[:<constant>]`
 * cuts to a number of rows the code fixes: `q.order_by(...).limit(10).all()`. */
static bool limited_query(ol_walker *w, TSNode n) {
  for (int depth = 0; depth < 64; depth++) {
    n = ol_unwrap(w, n);
    ol_kind k = ol_kind_of(w->sx, n);
    if (k == OL_K_subscript) {
      TSNode sl = ol_child(w->sx, n, OL_F_subscript);
      if (ol_kind_of(w->sx, sl) == OL_K_slice && ts_node_named_child_count(sl) == 1 &&
          is_small_constant(w, ts_node_named_child(sl, 0)) &&
          ts_node_start_byte(ts_node_named_child(sl, 0)) > ts_node_start_byte(sl))
        return true; /* q[:10] */
      n = ol_child(w->sx, n, OL_F_value);
      continue;
    }
    if (k != OL_K_call)
      return false;
    TSNode fn = ol_child(w->sx, n, OL_F_function);
    if (ol_kind_of(w->sx, fn) != OL_K_attribute)
      return false;
    TSNode m = ol_child(w->sx, fn, OL_F_attribute), args = ol_child(w->sx, n, OL_F_arguments);
    if (ol_node_text_is(w, m, "limit") && ts_node_named_child_count(args) == 1 &&
        is_small_constant(w, ts_node_named_child(args, 0)))
      return true;
    /* session.execute(stmt) of a limited statement, written inline or bound to a name. */
    if ((ol_node_text_is(w, m, "execute") || ol_node_text_is(w, m, "scalars")) &&
        ts_node_named_child_count(args) >= 1) {
      TSNode stmt = ol_unwrap(w, ts_node_named_child(args, 0));
      const ol_binding *b = ol_kind_of(w->sx, stmt) == OL_K_identifier
                                ? ol_scope_binding(w, ol_node_hash(w, stmt))
                                : NULL;
      return b ? b->bounded : limited_query(w, stmt);
    }
    n = ol_child(w->sx, fn, OL_F_object);
  }
  return false;
}

/* `self.CHOICES` / `cls.synced_fields` / `User.synced_fields`: an attribute
 * the class body of this file binds to a display of constants. */
static void note_attr_write(ol_walker *w, TSNode attr) {
  TSNode name = ol_child(w->sx, attr, OL_F_attribute);
  if (!ts_node_is_null(name))
    ol_vec_push(&w->out->attr_writes, ol_node_hash(w, name));
}

/* Target left of an assignment (value right, NULL for `+=`): an attribute
 * rebound to other than a display of constants or configuration, or a container in an
 * attribute stored into (`x.attr[k] = v`): facts.h attr_writes. */
static void note_target_writes(ol_walker *w, TSNode left, TSNode right, int depth) {
  left = ol_unwrap(w, left);
  ol_kind k = ol_kind_of(w->sx, left);
  if (k == OL_K_attribute) {
    if (ts_node_is_null(right) ||
        !(holds_constants(w, right, 0) || reads_config(w, ol_unwrap(w, right))))
      note_attr_write(w, left);
  } else if (k == OL_K_subscript) {
    TSNode v = ol_unwrap(w, ol_child(w->sx, left, OL_F_value));
    if (ol_kind_of(w->sx, v) == OL_K_attribute)
      note_attr_write(w, v);
  } else if (depth < 4) { /* `self.a, self.b = ...`, `[x.a, y] = ...` */
    for (uint32_t i = 0; i < ts_node_named_child_count(left); i++)
      note_target_writes(w, ts_node_named_child(left, i), (TSNode){0}, depth + 1);
  }
}

/* `x.attr.append(v)` and the other methods that grow a container in place,
 * `setattr(x, "attr", v)`: facts.h attr_writes. */
static void note_call_writes(ol_walker *w, TSNode call) {
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  if (ol_kind_of(w->sx, fn) == OL_K_attribute) {
    static const char *const GROW[] = {"append",      "extend",     "add",      "update",  "insert",
                                       "__setitem__", "setdefault", "__iadd__", "__ior__", NULL};
    TSNode obj = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
    if (ol_kind_of(w->sx, obj) != OL_K_attribute)
      return;
    for (const char *const *g = GROW; *g; g++)
      if (ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), *g)) {
        note_attr_write(w, obj);
        return;
      }
    return;
  }
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  if (!ol_node_text_is(w, fn, "setattr") || ts_node_is_null(args) ||
      ts_node_named_child_count(args) < 2)
    return;
  TSNode s = ts_node_named_child(args, 1);
  const char *t = w->src + ts_node_start_byte(s), *end = w->src + ts_node_end_byte(s);
  if (ol_kind_of(w->sx, s) != OL_K_string || end - t < 2)
    return; /* a name the code computes (`setattr(obj, key, value)` copying a form onto a row):
               not followed, as attribute names read from data are not the code's own */
  while (t < end && *t != '"' && *t != '\'')
    t++;
  ol_vec_push(&w->out->attr_writes, ol_name_hash(t + 1, (size_t)(end - t - 2)));
}

/* The iterable at hand is bounded only if class attribute attr of cls (key
 * h) is: known once the project is (ol_loop.fixed_cls); two of them are not
 * followed (fixed_cls NULL). */
static void note_fixed(ol_walker *w, char *cls, char *attr, uint64_t h) {
  if (w->fixed_n++ == 0)
    w->fixed_cls = cls, w->fixed_attr = attr;
  else if (h != w->fixed_hash)
    w->fixed_cls = NULL;
  w->fixed_hash = h;
}

/* `self.fields`, `cls.fields`, `User.fields`: an attribute the class binds
 * to a display of constants (note_fixed). */
static bool bounded_class_attribute(ol_walker *w, TSNode attr) {
  TSNode obj = ol_child(w->sx, attr, OL_F_object), name = ol_child(w->sx, attr, OL_F_attribute);
  if (ol_kind_of(w->sx, obj) != OL_K_identifier || !w->bounded_attrs.len)
    return false;
  const char *cls = NULL;
  int func = ol_calls_current(w);
  if ((ol_node_text_is(w, obj, "self") || ol_node_text_is(w, obj, "cls")) && func >= 0)
    cls = w->out->funcs.items[func].cls;
  char *owned = cls ? NULL : ol_node_text(w, obj);
  uint64_t h = ol_class_attr_key(cls ? cls : owned, w->src + ts_node_start_byte(name),
                                 ts_node_end_byte(name) - ts_node_start_byte(name));
  bool found = false;
  for (size_t i = 0; i < w->bounded_attrs.len && !found; i++)
    found = w->bounded_attrs.items[i] == h;
  if (found)
    note_fixed(w, cls ? ol_arena_strndup(&w->out->arena, cls, strlen(cls)) : owned,
               ol_arena_strndup(&w->out->arena, w->src + ts_node_start_byte(name),
                                ts_node_end_byte(name) - ts_node_start_byte(name)),
               h);
  return found;
}

void ol_walk_note_init_attributes(ol_walker *w, const char *cls, TSNode def) {
  TSNode body = ol_child(w->sx, def, OL_F_body);
  uint32_t n = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
  ol_hashes seen = {0};
  for (uint32_t i = 0; i < n; i++) {
    TSNode st = ts_node_named_child(body, i);
    TSNode a = ol_kind_of(w->sx, st) == OL_K_expression_statement ? ts_node_named_child(st, 0)
                                                                  : (TSNode){0};
    if (ts_node_is_null(a) || ol_kind_of(w->sx, a) != OL_K_assignment)
      continue;
    TSNode left = ol_child(w->sx, a, OL_F_left), right = ol_child(w->sx, a, OL_F_right);
    if (ol_kind_of(w->sx, left) != OL_K_attribute || ts_node_is_null(right) ||
        !ol_node_text_is(w, ol_child(w->sx, left, OL_F_object), "self"))
      continue;
    TSNode name = ol_child(w->sx, left, OL_F_attribute);
    uint64_t h = ol_class_attr_key(cls, w->src + ts_node_start_byte(name),
                                   ts_node_end_byte(name) - ts_node_start_byte(name));
    bool again = false;
    for (size_t k = 0; k < seen.len; k++)
      again |= seen.items[k] == h;
    ol_vec_push(&seen, h);
    if (!again && (holds_constants(w, right, 0) || reads_config(w, ol_unwrap(w, right))))
      ol_vec_push(&w->bounded_attrs, h);
  }
  ol_vec_free(&seen);
}

void ol_walk_note_class_attribute(ol_walker *w, const char *cls, TSNode left, TSNode right) {
  if (holds_constants(w, right, 0))
    ol_vec_push(&w->bounded_attrs,
                ol_class_attr_key(cls, w->src + ts_node_start_byte(left),
                                  ts_node_end_byte(left) - ts_node_start_byte(left)));
}

/* Whether the string literal s names the command-line parameter called
 * name: click derives `users` from "users", "--users" or "-u", "--users". */
static bool names_cli_param(const ol_walker *w, TSNode s, TSNode name) {
  const char *t = w->src + ts_node_start_byte(s), *end = w->src + ts_node_end_byte(s);
  while (t < end && *t != '"' && *t != '\'')
    t++;
  const char *q = end;
  while (q > t && q[-1] != '"' && q[-1] != '\'')
    q--;
  if (t >= end || q <= t + 1)
    return false;
  t++, q--;
  while (t < q && *t == '-')
    t++;
  const char *n = w->src + ts_node_start_byte(name);
  size_t len = ts_node_end_byte(name) - ts_node_start_byte(name);
  if ((size_t)(q - t) != len)
    return false;
  for (size_t i = 0; i < len; i++)
    if (n[i] != (t[i] == '-' ? '_' : t[i]))
      return false;
  return true;
}

/* Whether a decorator call declares the parameter name as repeatable:
 * `@click.option("-u", "--users", multiple=True)`, `@click.argument("names",
 * nargs=-1)` (and the same on a group or a Flask CLI's option). */
static bool declares_repeated(ol_walker *w, TSNode call, TSNode name) {
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  bool repeated = false, named = false;
  for (uint32_t i = 0; !ts_node_is_null(args) && i < ts_node_named_child_count(args); i++) {
    TSNode a = ts_node_named_child(args, i);
    ol_kind k = ol_kind_of(w->sx, a);
    if (k == OL_K_string)
      named |= names_cli_param(w, a, name);
    else if (k == OL_K_keyword_argument) {
      TSNode kw = ol_child(w->sx, a, OL_F_name), v = ol_child(w->sx, a, OL_F_value);
      repeated |= (ol_node_text_is(w, kw, "multiple") && ol_kind_of(w->sx, v) == OL_K_true) ||
                  (ol_node_text_is(w, kw, "nargs") && ol_node_text_is(w, v, "-1"));
    }
  }
  return repeated && named;
}

/* `for u in users` in a command-line command whose decorators declare users
 * repeatable: the values an operator typed, not rows (DESIGN.md "Real
 * code": bounded loops). */
static bool is_cli_values(ol_walker *w, TSNode name) {
  size_t i = w->path.len;
  while (i > 0 && ol_kind_of(w->sx, w->path.items[i - 1]) != OL_K_function_definition &&
         ol_kind_of(w->sx, w->path.items[i - 1]) != OL_K_lambda)
    i--;
  if (i < 2 || ol_kind_of(w->sx, w->path.items[i - 1]) != OL_K_function_definition ||
      ol_kind_of(w->sx, w->path.items[i - 2]) != OL_K_decorated_definition)
    return false;
  TSNode dd = w->path.items[i - 2];
  for (uint32_t d = 0; d < ts_node_named_child_count(dd); d++) {
    TSNode dec = ts_node_named_child(dd, d);
    TSNode e = ol_kind_of(w->sx, dec) == OL_K_decorator ? ts_node_named_child(dec, 0) : (TSNode){0};
    if (!ts_node_is_null(e) && ol_kind_of(w->sx, e) == OL_K_call && declares_repeated(w, e, name))
      return true;
  }
  return false;
}

static bool is_comprehension(const ol_walker *w, TSNode n);
static bool surely_bounded(ol_walker *w, TSNode it);
static bool fixed_bounded(ol_walker *w, TSNode it, ol_binding *b);
static TSNode first_for_clause(const ol_walker *w, TSNode comp);

static bool iterable_is_bounded(ol_walker *w, TSNode it, int depth) {
  it = ol_unwrap(w, it);
  ol_kind k = ol_kind_of(w->sx, it);
  if (depth > 6)
    return false;
  if (k == OL_K_list || k == OL_K_tuple || k == OL_K_set || k == OL_K_dictionary) {
    for (uint32_t i = 0; i < ts_node_named_child_count(it); i++) {
      TSNode e = ts_node_named_child(it, i);
      ol_kind ek = ol_kind_of(w->sx, e);
      /* `[*rows, x]` is as long as rows; `[*A.__subclasses__(), x]` as the code */
      if ((ek == OL_K_list_splat || ek == OL_K_dictionary_splat) &&
          !iterable_is_bounded(w, ts_node_named_child(e, 0), depth + 1))
        return false;
    }
    return true;
  }
  if (is_comprehension(w, it)) { /* `[x for x in KINDS if ...]`: at most as long */
    /* Every `for` clause multiplies the length: `[r for k in KINDS for r in
     * query(k)]` is as long as the queries' rows. */
    bool any = false;
    for (uint32_t i = 0; i < ts_node_named_child_count(it); i++) {
      TSNode clause = ts_node_named_child(it, i);
      if (ol_kind_of(w->sx, clause) != OL_K_for_in_clause)
        continue;
      if (!iterable_is_bounded(w, ol_child(w->sx, clause, OL_F_right), depth + 1))
        return false;
      any = true;
    }
    return any;
  }
  if (k == OL_K_string)
    return true;
  if (k == OL_K_identifier) {
    const ol_binding *b = ol_scope_binding(w, ol_node_hash(w, it));
    if (b && b->bounded && b->fixed_hash)
      note_fixed(w, b->fixed_cls, b->fixed_attr, b->fixed_hash);
    return b ? b->bounded : is_constant_name(w, it) || is_enum_class(w, it) || is_cli_values(w, it);
  }
  if (k == OL_K_attribute) /* sys.argv: the words an operator typed */
    return reads_schema(w, it) || ol_node_text_is(w, it, "sys.argv") ||
           is_constant_name(w, ol_child(w->sx, it, OL_F_attribute)) ||
           bounded_class_attribute(w, it);
  if (k == OL_K_subscript) { /* a slice of a bounded sequence: `sys.argv[1:]`, `NAMES[:3]` */
    TSNode sl = ol_child(w->sx, it, OL_F_subscript);
    return reads_config(w, it) || limited_query(w, it) ||
           (ol_kind_of(w->sx, sl) == OL_K_slice &&
            iterable_is_bounded(w, ol_child(w->sx, it, OL_F_value), depth + 1));
  }
  if (k != OL_K_call)
    return false;
  if (reads_config(w, it) || reads_schema(w, it) || limited_query(w, it))
    return true;
  TSNode fn = ol_child(w->sx, it, OL_F_function);
  TSNode args = ol_child(w->sx, it, OL_F_arguments);
  uint32_t n = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  if (ol_kind_of(w->sx, fn) == OL_K_attribute) { /* d.items(), d.keys(), d.values() */
    TSNode m = ol_child(w->sx, fn, OL_F_attribute);
    return (ol_node_text_is(w, m, "items") || ol_node_text_is(w, m, "keys") ||
            ol_node_text_is(w, m, "values") || ol_node_text_is(w, m, "difference") ||
            ol_node_text_is(w, m, "intersection")) && /* set(KINDS).difference(seen) */
           iterable_is_bounded(w, ol_child(w->sx, fn, OL_F_object), depth + 1);
  }
  if (ol_node_text_is(w, fn, "range")) {
    for (uint32_t i = 0; i < n; i++) {
      TSNode a = ts_node_named_child(args, i);
      ol_kind ak = ol_kind_of(w->sx, a);
      if (ak != OL_K_integer && !(ak == OL_K_identifier && is_constant_name(w, a)) &&
          ak != OL_K_unary_operator)
        return false;
    }
    return n > 0;
  }
  if (ol_node_text_is(w, fn, "zip")) { /* as long as its shortest argument */
    for (uint32_t i = 0; i < n; i++)
      if (iterable_is_bounded(w, ts_node_named_child(args, i), depth + 1))
        return true;
    return false;
  }
  static const char *const SAME[] = {"enumerate", "sorted", "reversed", "list",
                                     "tuple",     "set",    "iter",     NULL};
  for (const char *const *f = SAME; *f; f++)
    if (ol_node_text_is(w, fn, *f))
      return n >= 1 && iterable_is_bounded(w, ts_node_named_child(args, 0), depth + 1);
  return false;
}

/* Bounded whatever the rest of the project does: a class attribute is not
 * (ol_loop.fixed_cls). */
static bool surely_bounded(ol_walker *w, TSNode it) {
  w->fixed_n = 0;
  return iterable_is_bounded(w, it, 0) && !w->fixed_n;
}

bool ol_walk_iterable_is_bounded(ol_walker *w, TSNode it) { return surely_bounded(w, it); }

/* Binding b of iterable it: bounded, perhaps only if one class attribute is
 * (b->fixed_cls). */
static bool fixed_bounded(ol_walker *w, TSNode it, ol_binding *b) {
  w->fixed_n = 0, w->fixed_cls = NULL;
  if (!iterable_is_bounded(w, it, 0))
    return false;
  if (w->fixed_n && !w->fixed_cls)
    return false;
  if (w->fixed_n)
    b->fixed_cls = w->fixed_cls, b->fixed_attr = w->fixed_attr, b->fixed_hash = w->fixed_hash;
  return true;
}

/* A generator expression read to the end where it is written: list(g), sum(g)... */
static bool consumed_on_the_spot(ol_walker *w, TSNode gen) {
  TSNode call = ol_walk_parent(w, gen);
  if (ol_kind_of(w->sx, call) == OL_K_argument_list)
    call = ol_walk_parent(w, call);
  if (ol_kind_of(w->sx, call) != OL_K_call)
    return false;
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  static const char *const FULL[] = {"list", "tuple", "set", "frozenset", "sorted",
                                     "sum",  "dict",  "min", "max",       NULL};
  for (const char *const *f = FULL; *f; f++)
    if (ol_node_text_is(w, fn, *f))
      return true;
  return false;
}

/* Why code cannot be inserted before stmt to run where the loop runs: the
 * loop sits in a lambda, under a condition of its statement, or in a class
 * body whose names a comprehension cannot see. NULL when it can. */
static const char *insert_problem(const ol_walker *w, TSNode node, TSNode stmt) {
  size_t i = w->path.len;
  while (i > 0 && w->path.items[i - 1].id != node.id)
    i--;
  for (size_t p = i ? i - 1 : w->path.len; p-- > 0;) {
    TSNode n = w->path.items[p];
    ol_kind k = ol_kind_of(w->sx, n);
    if (k == OL_K_lambda)
      return "it is inside a lambda, where no statement can go";
    if (k == OL_K_conditional_expression || k == OL_K_boolean_operator)
      return "its statement runs it only under a condition";
    if (n.id == stmt.id) {
      TSNode block = p ? w->path.items[p - 1] : (TSNode){0};
      TSNode owner = p > 1 ? w->path.items[p - 2] : (TSNode){0};
      if (ol_kind_of(w->sx, block) == OL_K_block &&
          ol_kind_of(w->sx, owner) == OL_K_class_definition &&
          ol_kind_is_comprehension(ol_kind_of(w->sx, node)))
        return "a comprehension cannot see the names of the class body around it";
      return NULL;
    }
  }
  return NULL;
}

static int new_loop(ol_walker *w, ol_loop_kind kind, int parent, TSNode node, TSNode header_end,
                    TSNode target, TSNode iterable) {
  TSNode stmt = ol_walk_statement(w, node);
  ol_loop l = {.kind = kind,
               .parent = parent,
               .node = ol_node_span(node),
               .stmt = ol_node_span(stmt),
               .rows_parent = -1,
               .rows_param = -1,
               .via_param = -1};
  l.header = (ol_span){ts_node_start_byte(node), ts_node_is_null(header_end)
                                                     ? ts_node_end_byte(node)
                                                     : ts_node_end_byte(header_end)};
  l.stmt_starts_line = starts_line(w, ts_node_start_byte(stmt));
  if (!ts_node_is_null(target))
    l.target = ol_node_span(target);
  if (!ts_node_is_null(iterable)) {
    l.iterable = ol_node_span(iterable);
    l.iterable_is_list = name_is_list(w, iterable);
    l.iterable_finite = l.iterable_is_list || iterable_is_finite(w, iterable);
    w->fixed_n = 0, w->fixed_cls = NULL;
    l.bounded = iterable_is_bounded(w, iterable, 0);
    if (l.bounded && w->fixed_n) {
      l.bounded = false;
      if (w->fixed_cls)
        l.fixed_cls = w->fixed_cls, l.fixed_attr = w->fixed_attr;
    }
  }
  l.lazy_generator =
      ol_kind_of(w->sx, node) == OL_K_generator_expression && !consumed_on_the_spot(w, node);
  /* New names must be free in the function the code goes into, not a lambda's. */
  for (size_t k = w->scopes.len; k-- > 0;)
    if (!w->scopes.items[k].is_lambda) {
      l.scope = w->scopes.items[k].span;
      break;
    }
  l.insert_why = insert_problem(w, node, stmt);
  ol_vec_push(&w->out->loops, l);
  ol_vec_push(&w->loop_bound, ((ol_hashes){0}));
  ol_vec_push(&w->loop_targets, ((ol_hashes){0}));
  ol_vec_push(&w->loop_iter_names, ((ol_name_refs){0}));
  int id = (int)w->out->loops.len - 1;
  if (!ts_node_is_null(iterable))
    ol_collect_names(w, iterable, &w->loop_iter_names.items[id]);
  if (!ts_node_is_null(target)) {
    if (kind == OL_LOOP_COMPREHENSION)
      bind_comprehension_target(w, target, id, &w->loop_targets.items[id]);
    else
      bind_target(w, target, id, &w->loop_targets.items[id]);
  }
  return id;
}

static bool is_comprehension(const ol_walker *w, TSNode n) {
  switch (ol_kind_of(w->sx, n)) {
  case OL_K_list_comprehension:
  case OL_K_set_comprehension:
  case OL_K_dictionary_comprehension:
  case OL_K_generator_expression:
    return true;
  default:
    return false;
  }
}

static TSNode first_for_clause(const ol_walker *w, TSNode comp) {
  uint32_t n = ts_node_named_child_count(comp);
  for (uint32_t i = 0; i < n; i++) {
    TSNode c = ts_node_named_child(comp, i);
    if (ol_kind_of(w->sx, c) == OL_K_for_in_clause)
      return c;
  }
  return (TSNode){0};
}

/* A lambda passed to map/filter/sorted/min/max runs once per element there. */
static bool is_callback_lambda(const ol_walker *w, TSNode lambda, TSNode *call_out) {
  TSNode p = ol_walk_parent(w, lambda);
  if (!ts_node_is_null(p) && ol_kind_of(w->sx, p) == OL_K_keyword_argument) {
    if (!ol_node_text_is(w, ol_child(w->sx, p, OL_F_name), "key"))
      return false;
    p = ol_walk_parent(w, p);
  }
  if (ts_node_is_null(p) || ol_kind_of(w->sx, p) != OL_K_argument_list)
    return false;
  TSNode call = ol_walk_parent(w, p), fn = ol_child(w->sx, call, OL_F_function);
  static const char *const names[] = {"map", "filter", "sorted", "min", "max", NULL};
  for (const char *const *n = names; *n; n++)
    if (ol_node_text_is(w, fn, *n)) {
      *call_out = call;
      return true;
    }
  return false;
}

static void bind_comprehension_target(ol_walker *w, TSNode target, int comp, ol_hashes *also) {
  /* Bind into the comprehension's frame only: temporarily cut it from its parents. */
  int parent = w->out->loops.items[comp].parent;
  w->out->loops.items[comp].parent = -1;
  bind_target(w, target, comp, also);
  w->out->loops.items[comp].parent = parent;
}

/* ---- entering and leaving nodes ---------------------------------------- */

static void on_assignment_leave(ol_walker *w, TSNode n) {
  TSNode left = ol_child(w->sx, n, OL_F_left), right = ol_child(w->sx, n, OL_F_right);
  ol_models_check_attribute_assignment(w, n);
  if (ol_kind_of(w->sx, left) != OL_K_identifier || ts_node_is_null(right))
    return;
  ol_valinfo v = ol_classify(w, right);
  ol_binding b = {
      .hash = ol_node_hash(w, left), .kind = v.kind, .count = v.count, .aggregate = v.aggregate};
  b.has_rows = ol_rows_of(w, right, &b.rows);
  b.rows.assign = (ol_span){0};
  TSNode r = ol_unwrap(w, right), fn = ol_child(w->sx, r, OL_F_function);
  if (b.has_rows && ol_kind_of(w->sx, r) == OL_K_call && ol_kind_of(w->sx, fn) == OL_K_attribute &&
      ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "all") &&
      ts_node_start_byte(left) == ts_node_start_byte(ol_walk_statement(w, n)))
    b.rows.assign =
        ol_node_span(ol_walk_statement(w, n)); /* a list: other uses can keep a list of rows */
  b.entity1 = ol_rows_single_entity(w, right);
  b.has_one = ol_rows_one_load(w, right, &b.one);
  b.bounded = holds_constants(w, right, 0) || reads_config(w, ol_unwrap(w, right)) ||
              limited_query(w, right) ||
              ((is_comprehension(w, ol_unwrap(w, right)) ||
                ol_kind_of(w->sx, ol_unwrap(w, right)) == OL_K_call) &&
               fixed_bounded(w, right, &b));
  /* Only a query names one: `db = SQLAlchemy()` or `session = Session()` is
   * the root of every chain in its scope, not one query built across them. */
  if (v.kind == OL_VAL_QUERY || v.kind == OL_VAL_SELECT)
    b.query_origin = ol_walk_query_origin(w, right);
  b.external = ol_exec_yields_external(w, right);
  if (v.kind == OL_VAL_NONE)
    b.on_rel = ol_counts_rel_below_builders(w, right);
  b.passes_param = (int8_t)ol_calls_passes_param(w, right);
  b.at = ts_node_start_byte(n);
  ol_kind rk = ol_kind_of(w->sx, ol_unwrap(w, right));
  if (rk == OL_K_dictionary || rk == OL_K_list || rk == OL_K_tuple)
    b.display = ol_unwrap(w, right);
  ol_scope_push_binding(w, b);
}

/* `x.query(Model)` whose receiver is no session ormlint knows: counted, so
 * that a project whose sessions go by another name hears of it once. */
static void count_unknown_query(ol_walker *w, TSNode call) {
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  if (ol_kind_of(w->sx, fn) != OL_K_attribute ||
      !ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "query"))
    return;
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  if (ts_node_is_null(args) || !ts_node_named_child_count(args))
    return;
  ol_val v = ol_classify(w, ol_child(w->sx, fn, OL_F_object)).kind;
  if (v != OL_VAL_SESSION && v != OL_VAL_DB)
    w->out->unknown_query_calls++;
}

void ol_walk_imperative_mapping(ol_walker *w, TSNode call);

/* map(f, rows) / filter(f, rows) / sorted(rows, key=f) / min / max with f a function named
 * (not a lambda): a callback loop over rows in which f is called on each row. */
static void named_callback(ol_walker *w, const entry *e) {
  TSNode call = e->node, fn = ol_child(w->sx, call, OL_F_function);
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  if (ol_kind_of(w->sx, fn) != OL_K_identifier || ts_node_is_null(args))
    return;
  bool second = ol_node_text_is(w, fn, "map") || ol_node_text_is(w, fn, "filter");
  bool key = ol_node_text_is(w, fn, "sorted") || ol_node_text_is(w, fn, "min") ||
             ol_node_text_is(w, fn, "max");
  if (!second && !key)
    return;
  TSNode f = {0}, it = ts_node_named_child(args, second ? 1 : 0);
  uint32_t n = ts_node_named_child_count(args);
  if (second && n == 2)
    f = ts_node_named_child(args, 0);
  for (uint32_t i = 1; key && i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (ol_kind_of(w->sx, a) == OL_K_keyword_argument &&
        ol_node_text_is(w, ol_child(w->sx, a, OL_F_name), "key"))
      f = ol_child(w->sx, a, OL_F_value);
  }
  ol_kind fk = ol_kind_of(w->sx, f);
  if (ts_node_is_null(f) || (fk != OL_K_identifier && fk != OL_K_attribute) ||
      ts_node_is_null(it) || ol_kind_of(w->sx, it) == OL_K_keyword_argument ||
      ol_kind_of(w->sx, it) == OL_K_list_splat)
    return;
  TSNode name = fk == OL_K_attribute ? ol_child(w->sx, f, OL_F_attribute) : f;
  int loop = new_loop(w, OL_LOOP_CALLBACK, e->ctx, call, (TSNode){0}, (TSNode){0}, (TSNode){0});
  ol_rows_for_loop(w, loop, name, it); /* the row is no name of the code: f's own name stands in */
  ol_calls_check_callback(w, f, loop);
}

static void on_call(ol_walker *w, const entry *e) {
  count_unknown_query(w, e->node);
  named_callback(w, e);
  if (e->ctx < 0 && ol_calls_current(w) < 0)
    ol_walk_imperative_mapping(w, e->node);
  ol_calls_check_call(w, e->node, e->ctx);
  ol_calls_check_display_call(w, e->node, e->ctx);
  ol_generic_check_call(w, e->node);
  ol_lookups_check_call(w, e->node);
  ol_exec_check_call(w, e->node, e->ctx);
  ol_render_check_call(w, e->node);
  if (e->ctx < 0) {
    ol_exec_check_len(w, e->node);
    ol_counts_check_call(w, e->node);
  }
  if (ol_calls_current(w) >= 0 && !w->out->funcs.items[ol_calls_current(w)].external &&
      ol_exec_is_external_call(w, e->node))
    w->out->funcs.items[ol_calls_current(w)].external = true;
  if (e->ctx < 0)
    return;
  ol_exec_check_commit(w, e->node, e->ctx);
  TSNode callee = ol_child(w->sx, e->node, OL_F_function);
  if (ol_kind_of(w->sx, callee) == OL_K_attribute)
    callee = ol_child(w->sx, callee, OL_F_attribute);
  if (ol_node_text_is(w, callee, "sleep"))
    for (int l = e->ctx; l >= 0; l = w->out->loops.items[l].parent)
      w->out->loops.items[l].polls = true;
  if (ol_calls_expires_session(w, e->node))
    for (int l = e->ctx; l >= 0; l = w->out->loops.items[l].parent)
      w->out->loops.items[l].expires = true;
  /* Outside work on every iteration: a call under a condition of the loop
   * makes only some items units of outside work. */
  if (ol_exec_is_external_call(w, e->node))
    for (int l = e->ctx; l >= 0; l = w->out->loops.items[l].parent) {
      ol_span b = ol_exec_branch_of(w, e->node, l);
      ol_loop *lp = &w->out->loops.items[l];
      if (ol_span_empty(b))
        lp->external_work = true;
      else if (ol_span_empty(lp->outside_branch))
        lp->outside_branch = b; /* the first such branch: a commit in it works outside too */
    }
  if (ol_counts_note_write(w, e->node))
    for (int l = e->ctx; l >= 0; l = w->out->loops.items[l].parent)
      w->out->loops.items[l].writes_session = true;
  /* x.append(...) and friends change x: a query reading x depends on the loop. */
  TSNode fn = ol_child(w->sx, e->node, OL_F_function);
  if (ol_kind_of(w->sx, fn) != OL_K_attribute)
    return;
  static const char *const mutators[] = {"append", "extend",  "add",   "update",     "pop",
                                         "remove", "insert",  "clear", "setdefault", "discard",
                                         "sort",   "reverse", NULL};
  TSNode m = ol_child(w->sx, fn, OL_F_attribute), obj = ol_child(w->sx, fn, OL_F_object);
  for (const char *const *name = mutators; *name; name++)
    if (ol_node_text_is(w, m, *name)) {
      bind_target(w, obj, e->ctx, NULL);
      return;
    }
}

void ol_walk_class(ol_walker *w, TSNode cls);
void ol_walk_assignment_base(ol_walker *w, TSNode assign);

static void enter(ol_walker *w, entry *e) {
  TSNode n = e->node;
  /* value_refs repeats are dropped within a stretch the memo keeps whole */
  if (w->path.len == 2 || e->kind == OL_K_function_definition ||
      e->kind == OL_K_decorated_definition)
    w->value_refs_mark = w->out->value_refs.len;
  switch (e->kind) {
  case OL_K_identifier:
    ol_calls_note_value(w, n);
    break;
  case OL_K_for_statement: {
    TSNode left = ol_child(w->sx, n, OL_F_left), right = ol_child(w->sx, n, OL_F_right);
    ol_exec_check_iterable(w, right, e->ctx);
    e->frame = new_loop(w, OL_LOOP_FOR, e->ctx, n, right, left, right);
    w->out->loops.items[e->frame].is_async = ol_kind_of(w->sx, ts_node_child(n, 0)) == OL_K_async;
    w->out->loops.items[e->frame].iterable_rebound = iterable_rebound(w, ol_unwrap(w, right), n);
    ol_rows_for_loop(w, e->frame, left, right);
    break;
  }
  case OL_K_while_statement:
    e->frame = new_loop(w, OL_LOOP_WHILE, e->ctx, n, ol_child(w->sx, n, OL_F_condition),
                        (TSNode){0}, (TSNode){0});
    break;
  case OL_K_list_comprehension:
  case OL_K_set_comprehension:
  case OL_K_dictionary_comprehension:
  case OL_K_generator_expression: {
    TSNode clause = first_for_clause(w, n);
    TSNode left = ol_child(w->sx, clause, OL_F_left), right = ol_child(w->sx, clause, OL_F_right);
    e->frame = new_loop(w, OL_LOOP_COMPREHENSION, e->ctx, n, clause, left, right);
    ol_rows_for_loop(w, e->frame, left, right);
    e->first_outer = e->ctx;
    break;
  }
  case OL_K_for_in_clause: {
    /* The first clause's iterable runs once, in the comprehension's context. */
    TSNode comp = ol_walk_parent(w, n);
    TSNode right = ol_child(w->sx, n, OL_F_right);
    bool first = ts_node_eq(first_for_clause(w, comp), n);
    /* A clause outside a comprehension (error recovery: `[r for p in r for a in`) has no frame. */
    if (!first && e->ctx >= 0 && is_comprehension(w, comp))
      bind_comprehension_target(w, ol_child(w->sx, n, OL_F_left), e->ctx, NULL);
    if (!first)
      e->first_outer = e->ctx;
    ol_exec_check_iterable(w, right, e->first_outer);
    break;
  }
  case OL_K_lambda: {
    TSNode call;
    scope_push(w, n);
    w->scopes.items[w->scopes.len - 1].is_lambda = true;
    e->scope = true;
    if (is_callback_lambda(w, n, &call)) {
      e->frame = new_loop(w, OL_LOOP_CALLBACK, e->ctx, call, (TSNode){0},
                          ol_child(w->sx, n, OL_F_parameters), (TSNode){0});
      /* map(f, rows) / filter(f, rows): rows is the second argument; sorted/min/max(rows, key=f)
       * the first. The lambda's one parameter holds each row. */
      TSNode params = ol_child(w->sx, n, OL_F_parameters);
      TSNode args = ol_child(w->sx, call, OL_F_arguments);
      TSNode fn = ol_child(w->sx, call, OL_F_function);
      bool second = ol_node_text_is(w, fn, "map") || ol_node_text_is(w, fn, "filter");
      TSNode it = ts_node_named_child(args, second ? 1 : 0);
      if (!ts_node_is_null(params) && ts_node_named_child_count(params) == 1 &&
          !ts_node_is_null(it) && ol_kind_of(w->sx, it) != OL_K_keyword_argument &&
          ol_kind_of(w->sx, it) != OL_K_lambda && !(second && ts_node_named_child_count(args) != 2))
        ol_rows_for_loop(w, e->frame, ts_node_named_child(params, 0), it);
    }
    break;
  }
  case OL_K_function_definition:
    if (e->ctx >= 0)
      bind_in_loops(w, e->ctx, ol_node_hash(w, ol_child(w->sx, n, OL_F_name)));
    scope_push(w, n);
    e->scope = true;
    ol_rows_bind_parameters(w, ol_child(w->sx, n, OL_F_parameters));
    ol_calls_enter_function(w, n);
    {
      const ol_func_fact *f = &w->out->funcs.items[ol_calls_current(w)];
      if (f->kind == OL_FN_METHOD || f->kind == OL_FN_PROPERTY)
        ol_rows_bind_self(w, ol_child(w->sx, n, OL_F_parameters), f->cls);
    }
    break;
  case OL_K_import_statement:
  case OL_K_import_from_statement:
    ol_calls_check_import(w, n);
    break;
  case OL_K_class_definition:
    ol_walk_class(w, n);
    if (e->ctx >= 0)
      bind_in_loops(w, e->ctx, ol_node_hash(w, ol_child(w->sx, n, OL_F_name)));
    break;
  case OL_K_call:
    note_call_writes(w, n);
    on_call(w, e);
    break;
  case OL_K_subscript:
    ol_exec_check_subscript(w, n, e->ctx);
    break;
  case OL_K_attribute:
    ol_rows_check_attribute(w, n, e->ctx);
    ol_calls_check_attribute(w, n, e->ctx);
    ol_generic_check_attribute(w, n);
    if (e->ctx < 0)
      ol_counts_check_attribute(w, n);
    break;
  case OL_K_comparison_operator: /* `x in query` iterates it */
    for (uint32_t i = 1; i < ts_node_child_count(n); i++) {
      TSNode op = ts_node_child(n, i - 1);
      if (!ts_node_is_named(op) &&
          (ol_node_text_is(w, op, "in") || ol_node_text_is(w, op, "not in")))
        ol_exec_check_iterable(w, ts_node_child(n, i), e->ctx);
    }
    break;
  case OL_K_list_splat: /* [*query] / f(*query) */
    ol_exec_check_iterable(w, ts_node_named_child(n, 0), e->ctx);
    break;
  case OL_K_assignment:
    ol_walk_assignment_base(w, n);
    ol_calls_check_assignment(w, n);
    ol_lookups_check_assignment(w, n);
    /* fallthrough */
  case OL_K_augmented_assignment:
    note_target_writes(w, ol_child(w->sx, n, OL_F_left),
                       e->kind == OL_K_assignment ? ol_child(w->sx, n, OL_F_right) : (TSNode){0},
                       0);
    if (e->ctx >= 0)
      bind_target(w, ol_child(w->sx, n, OL_F_left), e->ctx, NULL);
    break;
  case OL_K_named_expression:
    if (e->ctx >= 0)
      bind_target(w, ol_child(w->sx, n, OL_F_name), e->ctx, NULL);
    break;
  case OL_K_as_pattern_target:
  case OL_K_aliased_import:
  case OL_K_global_statement:
    if (e->ctx >= 0)
      bind_target(w, n, e->ctx, NULL);
    break;
  case OL_K_break_statement:
    if (e->ctx >= 0)
      w->out->loops.items[e->ctx].exits = true;
    /* fallthrough */
  case OL_K_continue_statement:
    if (e->ctx >= 0)
      w->out->loops.items[e->ctx].has_jump = true;
    break;
  case OL_K_yield:
    note_fixed_return(w, e->kind == OL_K_return_statement ? n : (TSNode){0});
    ol_calls_note_one(w, (TSNode){0}, true);
    ol_calls_note_coll(w, (TSNode){0});
    ol_calls_note_model(w, (TSNode){0}, true);
    if (ts_node_child_count(n) == 3)
      ol_exec_check_iterable(w, ts_node_named_child(n, 0), e->ctx); /* yield from query */
    if (ts_node_named_child_count(n))
      ol_calls_check_passed(w, ts_node_child_count(n) == 3 ? ts_node_named_child(n, 0) : n);
    /* fallthrough */
  case OL_K_return_statement:
    if (e->kind == OL_K_return_statement) {
      note_fixed_return(w, n);
      ol_calls_check_return(w, n);
    }
    /* fallthrough */
  case OL_K_raise_statement:
    for (int l = e->ctx; l >= 0; l = w->out->loops.items[l].parent) {
      w->out->loops.items[l].has_jump = true;
      w->out->loops.items[l].exits |= e->kind == OL_K_return_statement;
    }
    break;
  default:
    break;
  }
}

/* The class whose instance obj names in a method (`self`, bound by
 * ol_rows_bind_self, closures included), NULL for another name. */
const char *ol_walk_self_class(ol_walker *w, TSNode obj) {
  if (ol_kind_of(w->sx, obj) != OL_K_identifier)
    return NULL;
  const ol_binding *b = ol_scope_binding(w, ol_node_hash(w, obj));
  if (!b || !b->has_one || !b->one.entity || !b->one.origin || !ol_span_empty(b->one.query) ||
      !ol_node_text_is(w, obj, b->one.origin))
    return NULL;
  return b->one.entity;
}

/* Whether every argument of the rows' last .options(...) is a loader call
 * (or a local option variable whose loads are known): `.options(*opts)`
 * may load anything, so rows held by an attribute through it are unknown. */
bool ol_walk_options_known(const ol_walker *w, const ol_rows *rows) {
  if (ol_span_empty(rows->options_args) || rows->options_read)
    return true;
  int depth = 0;
  bool call = false, any = false;
  for (uint32_t p = rows->options_args.start; p < rows->options_args.end; p++) {
    char c = w->src[p];
    if (c == '(' || c == '[' || c == '{') {
      if (depth++ == 1)
        call = true;
    } else if (c == ')' || c == ']' || c == '}') {
      if (--depth == 0 && any && !call)
        return false;
    } else if (depth == 1 && c == ',') {
      if (any && !call)
        return false;
      any = call = false;
    } else if (depth == 1 && c == '*') {
      return false;
    } else if (depth == 1 && c != ' ' && c != '\n' && c != '\t' && c != '\r') {
      any = true;
    }
  }
  return true;
}

/* The same for rows a class attribute of self holds: `.options(*self.X)` is
 * what the class at hand binds to X, which the index reads (options_self). */
static bool options_known(const ol_walker *w, const ol_rows *rows) {
  return rows->options_self || ol_walk_options_known(w, rows);
}

/* `q.all()` (or q) where q is a query a property of self (or a project
 * call) returns, with builders: that read or call; empty otherwise. */
static ol_span prop_query(ol_walker *w, TSNode value) {
  TSNode n = ol_unwrap(w, value), fn = ol_child(w->sx, n, OL_F_function);
  if (ol_kind_of(w->sx, n) == OL_K_call && ol_kind_of(w->sx, fn) == OL_K_attribute &&
      ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "all") &&
      ts_node_named_child_count(ol_child(w->sx, n, OL_F_arguments)) == 0)
    n = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
  ol_span s = ol_calls_query_source(w, n);
  if (s.start == ts_node_start_byte(ol_unwrap(w, value)) &&
      s.end == ts_node_end_byte(ol_unwrap(w, value)) &&
      ol_kind_of(w->sx, ol_unwrap(w, value)) == OL_K_call)
    return (ol_span){0}; /* `self.x = f(...)`: what f returns (OL_SELF_CALL) */
  return s;
}

static void push_self_fact(ol_walker *w, TSNode target, TSNode value) {
  const char *cls = ol_kind_of(w->sx, target) == OL_K_attribute
                        ? ol_walk_self_class(w, ol_child(w->sx, target, OL_F_object))
                        : NULL;
  if (!cls)
    return;
  ol_self_fact f = {.cls = (char *)cls,
                    .attr = ol_node_text(w, ol_child(w->sx, target, OL_F_attribute)),
                    .func = -1,
                    .param = -1};
  int p = ts_node_is_null(value) ? -1 : ol_calls_unbound_param(w, ol_unwrap(w, value));
  ol_rows rows = {0}, one = {0};
  if (!ts_node_is_null(value) && ol_rows_of(w, value, &rows) && !rows.tuples && !rows.dyn_rel) {
    if (options_known(w, &rows))
      f.kind = OL_SELF_ROWS, f.rows = rows;
  } else if (!ts_node_is_null(value) && ol_rows_one_load(w, value, &one) &&
             options_known(w, &one)) {
    f.kind = OL_SELF_ONE, f.rows = one;
  } else if (p >= 0 && p < 31) { /* `self.event = event`: what the callers pass */
    f.kind = OL_SELF_PARAM, f.func = ol_calls_current(w), f.param = p;
  } else if (!ts_node_is_null(value) && !ol_span_empty(prop_query(w, value))) {
    f.kind = OL_SELF_QUERY, f.call = prop_query(w, value);
    f.rows = (ol_rows){.origin = ol_node_text(w, ol_unwrap(w, value))};
  } else if (!ts_node_is_null(value) && ol_kind_of(w->sx, ol_unwrap(w, value)) == OL_K_call) {
    /* `self.event = Event.get(id)`: the index reads what the callee returns */
    f.kind = OL_SELF_CALL, f.call = ol_node_span(ol_unwrap(w, value));
    f.rows = (ol_rows){.origin = ol_node_text(w, ol_unwrap(w, value))};
  }
  f.rows.assign = (ol_span){0};
  ol_vec_push(&w->out->self_facts, f);
}

/* `self.x = value` (or `self.x += ...`, `self.x, y = ...`) in a method:
 * what the class's attribute x holds (ol_self_fact); every such write is
 * recorded, OTHER when it is no rows, so a loop over self.x is known only
 * where all of them agree. */
static void record_self_assignment(ol_walker *w, TSNode n, bool augmented) {
  TSNode left = ol_child(w->sx, n, OL_F_left), right = ol_child(w->sx, n, OL_F_right);
  ol_kind k = ol_kind_of(w->sx, left);
  if (k == OL_K_attribute) {
    push_self_fact(w, left, augmented ? (TSNode){0} : right);
    return;
  }
  if (k != OL_K_pattern_list && k != OL_K_tuple_pattern && k != OL_K_list_pattern &&
      k != OL_K_tuple && k != OL_K_list)
    return;
  for (uint32_t i = 0; i < ts_node_named_child_count(left); i++)
    push_self_fact(w, ts_node_named_child(left, i), (TSNode){0});
}

static void leave(ol_walker *w, const entry *e) {
  if (e->kind == OL_K_assignment || e->kind == OL_K_augmented_assignment)
    record_self_assignment(w, e->node, e->kind == OL_K_augmented_assignment);
  if (e->kind == OL_K_assignment)
    on_assignment_leave(w, e->node);
  if (e->kind == OL_K_assignment || e->kind == OL_K_augmented_assignment)
    ol_counts_check_assignment(w, e->node);
  if (e->kind == OL_K_return_statement && e->ctx < 0)
    ol_counts_check_return(w, e->node);
  if (e->kind == OL_K_function_definition)
    ol_calls_leave_function(w, e->node);
  if (e->scope)
    scope_pop(w);
}

/* Whether child_entry reads the field of a child of a node of kind k. */
static bool field_matters(ol_kind k) {
  return k == OL_K_for_statement || k == OL_K_while_statement || k == OL_K_for_in_clause ||
         k == OL_K_function_definition || k == OL_K_lambda;
}

/* The context a loop's body runs in: the loop, or, for a loop whose size
 * the code fixes, the context around it (a query in `for k in ("a", "b")`
 * runs twice, per iteration of whatever loop encloses that loop). */
static int bounded_frame(const ol_walker *w, const entry *p) {
  if (p->frame >= 0 && w->out->loops.items[p->frame].bounded)
    return p->ctx;
  return p->frame;
}

/* The context a child runs in, from its parent and the field it sits in. */
static entry child_entry(const ol_walker *w, const entry *p, TSNode child, ol_field field) {
  entry c = {.node = child,
             .kind = ol_kind_of(w->sx, child),
             .ctx = p->ctx,
             .frame = -1,
             .first_outer = -1};
  switch (p->kind) {
  case OL_K_for_statement:
    if (field != OL_F_right && field != OL_F_alternative)
      c.ctx = bounded_frame(w, p);
    break;
  case OL_K_while_statement:
    if (field != OL_F_alternative)
      c.ctx = p->frame;
    break;
  case OL_K_list_comprehension:
  case OL_K_set_comprehension:
  case OL_K_dictionary_comprehension:
  case OL_K_generator_expression:
    c.ctx = bounded_frame(w, p);
    c.first_outer = p->first_outer;
    break;
  case OL_K_for_in_clause:
    if (field == OL_F_right)
      c.ctx = p->first_outer;
    break;
  case OL_K_function_definition:
    if (field == OL_F_body)
      c.ctx = -1;
    break;
  case OL_K_lambda:
    if (field == OL_F_body)
      c.ctx = p->frame; /* -1 unless called per element */
    break;
  default:
    break;
  }
  return c;
}

/* ---- resolution -------------------------------------------------------- */

/* Resolution looks names up in each loop's bound names, sorted first (one
 * loop body may bind 50,000 names: a linear search per site is quadratic). */
static int cmp_hash(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static void sort_bound(ol_walker *w) {
  for (size_t i = 0; i < w->loop_bound.len; i++)
    if (w->loop_bound.items[i].len > 1)
      qsort(w->loop_bound.items[i].items, w->loop_bound.items[i].len, sizeof(uint64_t), cmp_hash);
}

/* How many times x is in sorted. */
static size_t sorted_count(const ol_hashes *sorted, uint64_t x) {
  size_t lo = 0, hi = sorted->len;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (sorted->items[mid] < x)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t n = 0;
  while (lo + n < sorted->len && sorted->items[lo + n] == x)
    n++;
  return n;
}

static const ol_name_ref *first_bound(const ol_name_refs *names, const ol_hashes *bound,
                                      ol_span skip) {
  for (size_t i = 0; i < names->len; i++) {
    if (names->items[i].at.start >= skip.start && names->items[i].at.end <= skip.end &&
        !ol_span_empty(skip))
      continue;
    if (sorted_count(bound, names->items[i].hash))
      return &names->items[i];
  }
  return NULL;
}

static bool in_hashes(const ol_hashes *h, uint64_t x) {
  for (size_t i = 0; i < h->len; i++)
    if (h->items[i] == x)
      return true;
  return false;
}

static void resolve_hoist(ol_walker *w, ol_query_site *s, const ol_site_temp *t) {
  for (int l = s->loop; l >= 0; l = w->out->loops.items[l].parent) {
    const ol_loop *loop = &w->out->loops.items[l];
    const ol_name_ref *dep = first_bound(&t->free, &w->loop_bound.items[l], (ol_span){0});
    if (dep) {
      s->dep_loop = l;
      s->dep_name =
          ol_arena_strndup(&w->out->arena, w->src + dep->at.start, dep->at.end - dep->at.start);
      return;
    }
    const char *why =
        loop->kind == OL_LOOP_WHILE
            ? "it runs in a while loop, whose exit may depend on the rows it reads"
        : loop->writes_session
            ? "the loop writes through the session, so the query may see new rows on each iteration"
        : loop->polls ? "the loop sleeps between reads: it polls on purpose"
        : s->raises   ? "it raises or aborts where no row matches; hoisted, it would do so before "
                        "the loop, even for rows that never reach it"
        : s->in_try   ? "it runs inside a try block, which a hoisted query would leave"
        : ol_span_empty(s->hoist)
            ? "its Result can be read only once, and the loop reads it where it runs"
        : loop->lazy_generator    ? "a generator runs lazily, after anything put before it"
        : loop->insert_why        ? loop->insert_why
        : !loop->stmt_starts_line ? "the loop's statement shares its line with other code"
                                  : NULL;
    if (why && !s->no_hoist_why)
      s->no_hoist_why = (char *)why;
    if (!s->no_hoist_why)
      s->hoist_loop = l; /* keep looking for the loop it depends on */
  }
}

static const char *batch_problem(ol_walker *w, ol_query_site *s, const ol_site_temp *t) {
  const ol_loop *loop = &w->out->loops.items[s->loop];
  if (loop->kind == OL_LOOP_WHILE)
    return "it runs in a while loop, which has no rows to collect keys from";
  if (loop->kind == OL_LOOP_CALLBACK)
    return "it runs in a callback, which has no loop variable to collect keys from";
  if (loop->writes_session)
    return "the loop writes through the session, so rows fetched up front could differ";
  if (loop->polls)
    return "the loop sleeps between reads: it polls on purpose";
  bool count = s->batch.mode ==
               OL_BATCH_COUNT; /* a column of the outer query: nothing runs before the loop */
  if (count && loop->kind != OL_LOOP_FOR)
    return "the count is not in a for loop over query rows";
  if (loop->is_async && !count)
    return "an async for loop's iterable cannot be read twice to collect keys first";
  if (loop->insert_why && !count)
    return loop->insert_why;
  if (loop->lazy_generator && !count)
    return "a generator runs lazily, after anything put before it";
  if (loop->iterable_changes && !count)
    return "the loop changes what it iterates over";
  if (loop->target_rebound)
    return "the loop variable is assigned again inside the loop";
  if (loop->has_jump && !loop->iterable_finite && !count)
    return "the loop may stop early, and reading its iterable up front might never end";
  if (!loop->stmt_starts_line)
    return "the loop's statement shares its line with other code";
  const ol_hashes *bound = &w->loop_bound.items[s->loop],
                  *targets = &w->loop_targets.items[s->loop];
  /* Exactly the key may depend on the loop, and only through the loop variable. */
  if (s->batch.mode != OL_BATCH_GET) {
    int chosen = -1;
    for (size_t i = 0; i < t->candidates.len; i++) {
      ol_name_refs key = {0};
      for (size_t j = 0; j < t->free.len; j++)
        if (t->free.items[j].at.start >= t->candidates.items[i].key.start &&
            t->free.items[j].at.end <= t->candidates.items[i].key.end)
          ol_vec_push(&key, t->free.items[j]);
      bool dep = first_bound(&key, bound, (ol_span){0}) != NULL;
      ol_vec_free(&key);
      if (!dep)
        continue;
      if (chosen >= 0)
        return "more than one of its filters depends on the loop";
      chosen = (int)i;
    }
    if (chosen < 0)
      return "its dependence on the loop is not through a `column == value` filter";
    const ol_key_candidate *c = &t->candidates.items[chosen];
    s->batch.key = c->key;
    s->batch.cut = c->cut;
    s->batch.swap = c->swap;
    s->batch.column = c->column;
    if (!ol_span_empty(c->swap))
      s->batch.append_filter = false;
    if (ol_span_empty(c->swap) && !s->batch.append_filter)
      return "its keyed filter cannot be rewritten in this form";
  }
  const ol_name_ref *other = first_bound(&t->free, bound, s->batch.key);
  if (other)
    return "its filters depend on the loop beyond one `column == value` key";
  if (memchr(w->src + s->batch.key.start, '(', s->batch.key.end - s->batch.key.start))
    return "its key is a function or SQL expression, which a dict lookup cannot match";
  /* Keys are computed for every row up front: where the loop guards or skips
   * rows, only a key that cannot fail (the loop variable itself) is safe. */
  bool bare_target = false;
  for (size_t j = 0; j < targets->len; j++)
    bare_target |= targets->items[j] ==
                   ol_name_hash(w->src + s->batch.key.start, s->batch.key.end - s->batch.key.start);
  if ((s->guarded || loop->has_jump) && !bare_target && !loop->has_rows && !count)
    return "the loop skips or guards rows, and computing the key for every row up front might fail";
  for (size_t j = 0; j < t->free.len; j++) {
    const ol_name_ref *r = &t->free.items[j];
    if (r->at.start < s->batch.key.start || r->at.end > s->batch.key.end)
      continue;
    if (sorted_count(bound, r->hash) && !in_hashes(targets, r->hash))
      return "its key is computed from a variable assigned inside the loop";
  }
  return NULL;
}

/* Whether loop (sites: false) or site i was put back from the memo, resolved. */
/* *k walks the ranges (in order) along with i, which only grows. */
static bool replayed(const ol_walker *w, size_t i, bool loops, size_t *k) {
  for (; *k < w->replayed.len; (*k)++) {
    const ol_replayed *r = &w->replayed.items[*k];
    size_t to = loops ? r->loops_to : r->sites_to;
    if (i < to)
      return i >= (loops ? r->loops_from : r->sites_from);
  }
  return false;
}

static void resolve_loops(ol_walker *w) {
  size_t k = 0;
  for (size_t i = 0; i < w->out->loops.len; i++) {
    if (replayed(w, i, true, &k))
      continue;
    ol_loop *l = &w->out->loops.items[i];
    const ol_hashes *bound = &w->loop_bound.items[i], *targets = &w->loop_targets.items[i];
    l->iterable_changes = first_bound(&w->loop_iter_names.items[i], bound, (ol_span){0}) != NULL;
    for (size_t t = 0; t < targets->len && !l->target_rebound; t++)
      l->target_rebound = sorted_count(bound, targets->items[t]) > 1;
    if (l->parent >= 0 && !l->insert_why &&
        w->out->loops.items[l->parent].stmt.start == l->stmt.start &&
        w->out->loops.items[l->parent].stmt.end == l->stmt.end)
      l->insert_why =
          "the loop sits in another loop's header or condition, where no statement can go";
  }
}

/* A call's key read a name some loop of its nest binds only after the call (the next iteration
 * reads the new value), or is `<name>.<attr>` on an object whose method the nest calls: its
 * arguments vary with the loop after all (ol_call_fact.args_loop). */
static void resolve_calls(ol_walker *w) {
  for (size_t i = 0; i < w->call_key_names.len; i++) {
    ol_call_fact *c = &w->out->calls.items[w->call_key_names.items[i].call];
    int outer = c->loop;
    while (outer >= 0 && w->out->loops.items[outer].parent >= 0)
      outer = w->out->loops.items[outer].parent;
    size_t a = w->call_key_names.items[i].arg;
    uint64_t h = w->call_key_names.items[i].hash;
    /* `helper(it.current_id)` with `it.step()` in the nest: the method may move the key (of
     * self, the project's writes answer: ol_index_call_gets_held) */
    ol_span name = w->call_key_names.items[i].name;
    bool moved = a != SIZE_MAX && outer >= 0 && !ol_span_empty(name) &&
                 !(name.end - name.start == 4 && !memcmp(w->src + name.start, "self", 4)) &&
                 ol_text_calls_method_of(w->src, w->out->loops.items[outer].node,
                                         w->src + name.start, name.end - name.start);
    if (outer < 0 || (!moved && !sorted_count(&w->loop_bound.items[outer], h)))
      continue;
    if (a == SIZE_MAX)
      c->args_loop = true;
    else if (a >= c->first_arg && a < c->first_arg + c->n_args)
      w->out->call_args.items[a].fixed = false;
  }
  ol_vec_free(&w->call_key_names);
}

static void resolve_sites(ol_walker *w) {
  sort_bound(w);
  resolve_loops(w);
  resolve_calls(w);
  size_t k = 0;
  for (size_t i = 0; i < w->out->queries.len; i++) {
    if (replayed(w, i, false, &k))
      continue;
    ol_query_site *s = &w->out->queries.items[i];
    const ol_site_temp *t = &w->site_tmp.items[i];
    if (t->bare_iter)
      strcpy(s->method, "iterate-bare");
    if (s->loop < 0)
      continue;
    resolve_hoist(w, s, t);
    if (s->batch.mode == OL_BATCH_NONE) {
      if (!s->batch_why)
        s->batch_why =
            "it has no `column == loop value` filter on one model's rows to batch into an IN query";
      continue;
    }
    if (s->dep_loop != s->loop) {
      s->batch.mode = OL_BATCH_NONE;
      continue;
    }
    const char *why = batch_problem(w, s, t);
    if (why) {
      s->batch.mode = OL_BATCH_NONE;
      s->batch_why = (char *)why;
    }
  }
}

/* ---- the walk ---------------------------------------------------------- */

void ol_walk_file(const ol_config *cfg, TSTree *tree, const char *src, uint32_t len,
                  ol_file_facts *facts) {
  ol_walk_file_memo(cfg, tree, src, len, facts, NULL);
}

/* Whether a line of src starts with name followed by `=` or `:` (an
 * assignment, annotated or not, at module level). */
static bool module_assigns(const char *src, uint32_t len, const char *name) {
  size_t n = strlen(name);
  for (uint32_t i = 0; i + n < len; i++) {
    if ((i == 0 || src[i - 1] == '\n' || src[i - 1] == '\r') && !memcmp(src + i, name, n)) {
      uint32_t j = i + (uint32_t)n;
      while (j < len && (src[j] == ' ' || src[j] == '\t'))
        j++;
      if (j < len && (src[j] == '=' || src[j] == ':') && (j + 1 >= len || src[j + 1] != '='))
        return true;
    }
    const char *nl = memchr(src + i, '\n', len - i);
    if (!nl)
      break;
    i = (uint32_t)(nl - src); /* the loop's i++ steps past the newline */
  }
  return false;
}

/* An Alembic revision (DESIGN.md "Real code"): its module header names
 * `revision` and `down_revision`. Its queries are one-off data migrations and
 * its classes are snapshots of models that must not merge into the real ones. */
bool ol_walk_is_migration(const char *src, uint32_t len) {
  return module_assigns(src, len, "down_revision") && module_assigns(src, len, "revision");
}

void ol_walk_file_memo(const ol_config *cfg, TSTree *tree, const char *src, uint32_t len,
                       ol_file_facts *facts, ol_walk_memo **memo) {
  if (ol_walk_is_migration(src, len)) {
    facts->parse_errors = ol_tree_error_count(ts_tree_root_node(tree), &facts->first_error_byte);
    return;
  }
  ol_walker w = {.sx = ol_syntax_python(), .cfg = cfg, .src = src, .len = len, .out = facts};
  TSNode root = ts_tree_root_node(tree);
  ol_child_memo_begin(tree);
  ol_walk_memo_begin(&w, memo);
  facts->parse_errors = ol_tree_error_count(root, &facts->first_error_byte);
  scope_push(&w, root);
  TSTreeCursor c = ts_tree_cursor_new(root);
  for (bool more = ts_tree_cursor_goto_first_child(&c); more;
       more = ts_tree_cursor_goto_next_sibling(&c)) {
    TSNode stmt = ts_tree_cursor_current_node(&c);
    uint32_t at = ts_node_start_byte(stmt);
    while (at > 0 && at <= len && src[at - 1] != '\n' && src[at - 1] != '\r')
      at--;
    if (at <= len &&
        (!facts->stmt_starts.len || at > facts->stmt_starts.items[facts->stmt_starts.len - 1]))
      ol_vec_push(&facts->stmt_starts, at);
    if (!ts_node_is_named(stmt))
      continue;
    ol_rows_module_statement(&w, stmt);
    ol_calls_module_statement(&w, stmt);
    ol_lookups_module_statement(&w, stmt);
  }
  ts_tree_cursor_reset(&c, root);
  OL_VEC(entry) stack = {0};
  entry top = {
      .node = root, .kind = ol_kind_of(w.sx, root), .ctx = -1, .frame = -1, .first_outer = -1};
  ol_vec_push(&stack, top);
  path_push(&w, root);
  enter(&w, &stack.items[0]);
  bool skip = false; /* the current node's facts came from the memo: not into it */
  for (;;) {
    if (!skip && ts_tree_cursor_goto_first_child(&c)) {
      /* fallthrough to push the child */
    } else {
      for (;;) {
        entry *e = &stack.items[--stack.len];
        leave(&w, e);
        if (e->kind == OL_K_function_definition || e->kind == OL_K_decorated_definition)
          w.value_refs_mark = facts->value_refs.len;
        if (e->recorded)
          ol_walk_memo_leave(&w);
        w.path.len--;
        w.path_block.len--;
        if (ts_tree_cursor_goto_next_sibling(&c))
          break;
        if (!ts_tree_cursor_goto_parent(&c))
          goto done;
      }
    }
    const entry *parent = &stack.items[stack.len - 1];
    ol_field field = field_matters(parent->kind)
                         ? ol_field_of(w.sx, ts_tree_cursor_current_field_id(&c))
                         : OL_F_NONE; /* tree-sitter's lookup is not free: only when read */
    entry child = child_entry(&w, parent, ts_tree_cursor_current_node(&c), field);
    skip = false;
    if (w.memo && child.ctx < 0 && ol_calls_current(&w) < 0) { /* a def outside defs and loops */
      ol_memo_step step = ol_walk_memo_enter(&w, child.node);
      skip = step == OL_MEMO_REPLAYED;
      child.recorded = step == OL_MEMO_RECORDING;
    }
    ol_vec_push(&stack, child);
    path_push(&w, child.node);
    if (skip) {
      stack.items[stack.len - 1].kind = OL_K_OTHER; /* nothing to leave */
      w.value_refs_mark = facts->value_refs.len;
    } else
      enter(&w, &stack.items[stack.len - 1]);
  }
done:
  ts_tree_cursor_delete(&c);
  while (stack.len)
    leave(&w, &stack.items[--stack.len]);
  ol_vec_free(&stack);
  ol_vec_free(&w.path);
  ol_vec_free(&w.path_block);
  resolve_sites(&w);
  ol_walk_memo_finish(&w);
  ol_calls_finish(&w);
  ol_child_memo_end();
  ol_vec_free(&w.replayed);
  ol_vec_free(&w.count_taints);
  ol_free(w.if_answers);
  ol_vec_free(&w.fstack);
  ol_vec_free(&w.call_bindings);
  ol_vec_free(&w.pending_terms);
  ol_vec_free(&w.pending_recvs);
  ol_vec_free(&w.self_assigned);
  ol_vec_free(&w.aliases);
  ol_vec_free(&w.tables);
  ol_vec_free(&w.bounded_attrs);
  ol_free(w.interned);
  ol_free(w.roots);
  for (size_t i = 0; i < w.fseen.len; i++)
    ol_vec_free(&w.fseen.items[i]);
  ol_vec_free(&w.fseen);
  for (size_t i = 0; i < w.site_tmp.len; i++) {
    ol_vec_free(&w.site_tmp.items[i].free);
    ol_vec_free(&w.site_tmp.items[i].candidates);
  }
  ol_vec_free(&w.site_tmp);
  for (size_t i = 0; i < w.loop_bound.len; i++) {
    ol_vec_free(&w.loop_bound.items[i]);
    ol_vec_free(&w.loop_targets.items[i]);
  }
  ol_vec_free(&w.loop_bound);
  ol_vec_free(&w.loop_targets);
  for (size_t i = 0; i < w.loop_iter_names.len; i++)
    ol_vec_free(&w.loop_iter_names.items[i]);
  ol_vec_free(&w.loop_iter_names);
  while (w.scopes.len)
    scope_pop(&w);
  ol_vec_free(&w.scopes);
  ol_facts_shrink(facts);
}

/* The facts outlive the walk, for every file of the project at once: no
 * slack in their vectors (a vector grown by doubling holds up to twice
 * what it needs). */
void ol_facts_shrink(ol_file_facts *f) {
  ol_vec_shrink(&f->loops);
  ol_vec_shrink(&f->reads);
  ol_vec_shrink(&f->commits);
  ol_vec_shrink(&f->count_stmts);
  ol_vec_shrink(&f->lens);
  ol_vec_shrink(&f->module_names);
  ol_vec_shrink(&f->value_refs);
  ol_vec_shrink(&f->attr_writes);
  ol_vec_shrink(&f->stmt_starts);
  ol_vec_shrink(&f->queries);
  ol_vec_shrink(&f->funcs);
  ol_vec_shrink(&f->func_sites);
  ol_vec_shrink(&f->func_rows);
  ol_vec_shrink(&f->param_reads);
  ol_vec_shrink(&f->calls);
  ol_vec_shrink(&f->call_args);
  ol_vec_shrink(&f->call_terms);
  ol_vec_shrink(&f->imports);
  ol_vec_shrink(&f->classes);
  ol_vec_shrink(&f->lookups);
  ol_vec_shrink(&f->index_decls);
  ol_vec_shrink(&f->declarative_bases);
  ol_vec_shrink(&f->base_classes);
  ol_vec_shrink(&f->renders);
  ol_vec_shrink(&f->render_args);
  ol_vec_shrink(&f->self_facts);
  ol_vec_shrink(&f->macro_reads);
  ol_vec_shrink(&f->template_imports);
  ol_vec_shrink(&f->macro_calls);
}

void ol_facts_free(ol_file_facts *f) {
  if (f->borrowed) { /* the cache owns the tables (read back into its region) */
    ol_arena_free(&f->arena);
    return;
  }
  ol_vec_free(&f->loops);
  ol_vec_free(&f->reads);
  ol_vec_free(&f->commits);
  ol_vec_free(&f->count_stmts);
  ol_vec_free(&f->lens);
  ol_vec_free(&f->module_names);
  ol_vec_free(&f->value_refs);
  ol_vec_free(&f->attr_writes);
  ol_vec_free(&f->stmt_starts);
  ol_vec_free(&f->queries);
  ol_vec_free(&f->funcs);
  ol_vec_free(&f->func_sites);
  ol_vec_free(&f->func_rows);
  ol_vec_free(&f->param_reads);
  ol_vec_free(&f->calls);
  ol_vec_free(&f->call_args);
  ol_vec_free(&f->call_terms);
  ol_vec_free(&f->imports);
  for (size_t i = 0; i < f->classes.len; i++) {
    ol_class_fact *c = &f->classes.items[i];
    ol_free(c->bases);
    ol_free(c->pk);
    ol_free(c->leading);
    ol_free(c->attrs);
    ol_free(c->rels);
    ol_free(c->columns);
    ol_free(c->members);
  }
  ol_vec_free(&f->classes);
  ol_vec_free(&f->lookups);
  ol_vec_free(&f->index_decls);
  ol_vec_free(&f->declarative_bases);
  ol_vec_free(&f->base_classes);
  ol_vec_free(&f->renders);
  ol_vec_free(&f->render_args);
  ol_vec_free(&f->self_facts);
  ol_vec_free(&f->macro_reads);
  ol_vec_free(&f->template_imports);
  ol_vec_free(&f->macro_calls);
  ol_arena_free(&f->arena);
}
