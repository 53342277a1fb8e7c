/* Lookup keys (ORM007): the columns a query filters, joins or orders by, the
 * relationships it joins or eagerly loads, and the indexes declared at
 * module level. Pass 1 records them as written (`Model.col`, the entity of a
 * filter_by chain, an alias of aliased(Model), `cls` in a classmethod); the
 * index resolves them to models and columns. */
#include <ctype.h>
#include <string.h>

#include "walk_internal.h"

static const char *const LOADERS[] = {"joinedload", "selectinload", "subqueryload", "immediateload",
                                      NULL};
static const char *const ORDER_WRAPPERS[] = {"desc",        "asc",        "nullsfirst", "nullslast",
                                             "nulls_first", "nulls_last", "collate",    NULL};

static bool name_in(const ol_walker *w, TSNode n, const char *const *list) {
  for (; *list; list++)
    if (ol_node_text_is(w, n, *list))
      return true;
  return false;
}

/* The called name: `f` of f(...) and of x.f(...). */
static TSNode callee_name(const ol_walker *w, TSNode call) {
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  return ol_kind_of(w->sx, fn) == OL_K_attribute ? ol_child(w->sx, fn, OL_F_attribute) : fn;
}

static bool starts_upper(const ol_walker *w, TSNode n) {
  return !ts_node_is_null(n) && isupper((unsigned char)w->src[ts_node_start_byte(n)]);
}

static const char *current_class(const ol_walker *w) {
  int f = ol_calls_current(w);
  return f >= 0 ? w->out->funcs.items[f].cls : NULL;
}

/* The model an expression names: `Booking`, `models.Booking`, an alias of
 * aliased(Booking), `cls`/`self` in a class body's function,
 * `Booking.__table__.c`. NULL when it names none. */
static char *entity_of(ol_walker *w, TSNode n) {
  n = ol_unwrap(w, n);
  ol_kind k = ol_kind_of(w->sx, n);
  if (k == OL_K_attribute && ol_node_text_is(w, ol_child(w->sx, n, OL_F_attribute), "c")) {
    TSNode t = ol_child(w->sx, n, OL_F_object);
    if (ol_kind_of(w->sx, t) == OL_K_attribute &&
        ol_node_text_is(w, ol_child(w->sx, t, OL_F_attribute), "__table__"))
      return entity_of(w, ol_child(w->sx, t, OL_F_object));
    return NULL;
  }
  if (k == OL_K_identifier) {
    uint64_t h = ol_node_hash(w, n);
    for (size_t i = w->aliases.len; i-- > 0;)
      if (w->aliases.items[i].hash == h)
        return w->aliases.items[i].model;
    if (ol_node_text_is(w, n, "cls") || ol_node_text_is(w, n, "self")) {
      const char *c = current_class(w);
      return c ? ol_arena_strndup(&w->out->arena, c, strlen(c)) : NULL;
    }
    return starts_upper(w, n) ? ol_node_text(w, n) : NULL;
  }
  if (k == OL_K_attribute && starts_upper(w, ol_child(w->sx, n, OL_F_attribute)))
    return ol_node_text(w, n);
  return NULL;
}

static void add(ol_walker *w, ol_lookup_kind kind, char *entity, TSNode column, TSNode at,
                uint32_t query, bool named) {
  ol_lookup l = {.kind = kind,
                 .named = named,
                 .entity = entity,
                 .column = ol_node_text(w, column),
                 .span = ol_node_span(at),
                 .query = query};
  ol_vec_push(&w->out->lookups, l);
}

/* `E.col` with E a model: records it and returns true. named: the value it is
 * compared to is one the code names (ol_walk_names_value). */
static bool column_ref_to(ol_walker *w, TSNode n, ol_lookup_kind kind, TSNode at, uint32_t query,
                          bool named) {
  n = ol_unwrap(w, n);
  if (ol_kind_of(w->sx, n) != OL_K_attribute)
    return false;
  char *entity = entity_of(w, ol_child(w->sx, n, OL_F_object));
  if (!entity)
    return false;
  add(w, kind, entity, ol_child(w->sx, n, OL_F_attribute), at, query, named);
  return true;
}

static bool column_ref(ol_walker *w, TSNode n, ol_lookup_kind kind, TSNode at, uint32_t query) {
  return column_ref_to(w, n, kind, at, query, false);
}

static bool is_column_ref(ol_walker *w, TSNode n) {
  n = ol_unwrap(w, n);
  return ol_kind_of(w->sx, n) == OL_K_attribute &&
         entity_of(w, ol_child(w->sx, n, OL_F_object)) != NULL;
}

static ol_lookup_kind comparison_kind(const ol_walker *w, TSNode op, bool *ok) {
  *ok = true;
  if (ol_node_text_is(w, op, "=="))
    return OL_LOOKUP_EQUAL;
  if (ol_node_text_is(w, op, "<") || ol_node_text_is(w, op, "<=") || ol_node_text_is(w, op, ">") ||
      ol_node_text_is(w, op, ">="))
    return OL_LOOKUP_RANGE;
  *ok = false; /* !=, is, in: no index seek */
  return OL_LOOKUP_EQUAL;
}

/* `self.x` in a method: the instance's value, not a column (`cls.x` is one). */
static bool instance_value(ol_walker *w, TSNode n) {
  n = ol_unwrap(w, n);
  return ol_kind_of(w->sx, n) == OL_K_attribute &&
         ol_node_text_is(w, ol_child(w->sx, n, OL_F_object), "self");
}

static void comparison(ol_walker *w, TSNode cmp, uint32_t query) {
  if (ts_node_named_child_count(cmp) != 2)
    return;
  bool ok;
  ol_lookup_kind kind = comparison_kind(w, ts_node_child(cmp, 1), &ok);
  if (!ok)
    return;
  TSNode a = ts_node_named_child(cmp, 0), b = ts_node_named_child(cmp, 1);
  bool value_a = instance_value(w, a), value_b = instance_value(w, b);
  /* `status == "paid"`, `stage == Stage.final` pick one of a few named
   * values; `total >= 1000` is a threshold, as selective as the data makes it. */
  bool named_a = kind == OL_LOOKUP_EQUAL && ol_walk_names_value(w, a),
       named_b = kind == OL_LOOKUP_EQUAL && ol_walk_names_value(w, b);
  if (kind == OL_LOOKUP_EQUAL && !value_a && !value_b && !named_a && !named_b &&
      is_column_ref(w, a) && is_column_ref(w, b))
    kind = OL_LOOKUP_JOIN;
  if (!value_a && !named_a)
    column_ref_to(w, a, kind, cmp, query, named_b);
  if (!value_b && !named_b)
    column_ref_to(w, b, kind, cmp, query, named_a);
}

/* E.col.in_(...), E.col.between(...), E.rel.any(...), and_(...), or_(...):
 * pushes what to look into next on the stack. */
static void condition_call(ol_walker *w, TSNode call, uint32_t query, TSNode *stack, int *top,
                           int cap) {
  TSNode fn = ol_child(w->sx, call, OL_F_function), name = callee_name(w, call);
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  if (ol_node_text_is(w, name, "and_") || ol_node_text_is(w, name, "or_")) {
    for (uint32_t i = 0; i < ts_node_named_child_count(args) && *top < cap; i++)
      stack[(*top)++] = ts_node_named_child(args, i);
    return;
  }
  if (ol_kind_of(w->sx, fn) != OL_K_attribute)
    return;
  TSNode obj = ol_child(w->sx, fn, OL_F_object);
  uint32_t n_args = ts_node_named_child_count(args);
  bool named = n_args > 0;
  for (uint32_t i = 0; i < n_args && named; i++)
    named = ol_walk_names_value(w, ts_node_named_child(args, i));
  if (ol_node_text_is(w, name, "in_") || ol_node_text_is(w, name, "is_"))
    column_ref_to(w, obj, OL_LOOKUP_EQUAL, call, query, named);
  else if (ol_node_text_is(w, name, "between"))
    column_ref(w, obj, OL_LOOKUP_RANGE, call, query);
  else if (ol_node_text_is(w, name, "any") || ol_node_text_is(w, name, "has")) {
    column_ref(w, obj, OL_LOOKUP_RELATION, call, query);
    for (uint32_t i = 0; i < ts_node_named_child_count(args) && *top < cap; i++)
      stack[(*top)++] = ts_node_named_child(args, i); /* the EXISTS subquery's own filters */
  }
}

/* The conditions of filter()/where()/having()/a join's ON clause. */
static void conditions(ol_walker *w, TSNode args, uint32_t first, uint32_t query) {
  enum { CAP = 64 };
  TSNode stack[CAP];
  int top = 0;
  for (uint32_t i = ts_node_named_child_count(args); i-- > first && top < CAP;)
    stack[top++] = ts_node_named_child(args, i);
  while (top > 0) {
    TSNode n = ol_unwrap(w, stack[--top]);
    switch (ol_kind_of(w->sx, n)) {
    case OL_K_comparison_operator:
      comparison(w, n, query);
      break;
    case OL_K_call:
      condition_call(w, n, query, stack, &top, CAP);
      break;
    case OL_K_binary_operator: /* a & b, a | b */
      if (top + 2 <= CAP) {
        stack[top++] = ol_child(w->sx, n, OL_F_left);
        stack[top++] = ol_child(w->sx, n, OL_F_right);
      }
      break;
    default:
      break;
    }
  }
}

static void order_by(ol_walker *w, TSNode args, uint32_t query) {
  for (uint32_t i = 0; i < ts_node_named_child_count(args); i++) {
    TSNode a = ts_node_named_child(args, i), n = a;
    for (int d = 0; d < 4 && ol_kind_of(w->sx, n) == OL_K_call; d++) {
      TSNode fn = ol_child(w->sx, n, OL_F_function), inner = ol_child(w->sx, n, OL_F_arguments);
      if (!name_in(w, callee_name(w, n), ORDER_WRAPPERS))
        break;
      n = ol_kind_of(w->sx, fn) == OL_K_attribute ? ol_child(w->sx, fn, OL_F_object)
                                                  : ts_node_named_child(inner, 0);
    }
    column_ref(w, n, OL_LOOKUP_ORDER, a, query);
  }
}

/* The entity a query's first column expression belongs to: `E` of
 * query(E) and of query(E.id), select(E.id) (filter_by filters the
 * column's entity), NULL when it names none. */
static char *first_entity(ol_walker *w, TSNode n) {
  char *e = entity_of(w, n);
  n = ol_unwrap(w, n);
  if (e || ol_kind_of(w->sx, n) != OL_K_attribute)
    return e;
  return entity_of(w, ol_child(w->sx, n, OL_F_object));
}

/* The builder calls below `n` down to the chain's base: the entity a
 * filter_by() applies to is the last one joined, else the primary one. */
static char *filter_by_entity(ol_walker *w, TSNode n) {
  for (int depth = 0; depth < 200; depth++) {
    n = ol_unwrap(w, n);
    ol_kind k = ol_kind_of(w->sx, n);
    if (k == OL_K_identifier) { /* a variable holding a query */
      const ol_binding *b = ol_scope_binding(w, ol_node_hash(w, n));
      return b && b->has_rows ? b->rows.entity : NULL;
    }
    if (k == OL_K_attribute) { /* Model.query, cls.query */
      if (!ol_node_text_is(w, ol_child(w->sx, n, OL_F_attribute), "query"))
        return NULL;
      return entity_of(w, ol_child(w->sx, n, OL_F_object));
    }
    if (k != OL_K_call)
      return NULL;
    TSNode fn = ol_child(w->sx, n, OL_F_function), args = ol_child(w->sx, n, OL_F_arguments);
    TSNode name = callee_name(w, n);
    if (ol_node_text_is(w, name, "join") || ol_node_text_is(w, name, "outerjoin"))
      return entity_of(w, ts_node_named_child(args, 0));
    if (ol_node_text_is(w, name, "query") || ol_node_text_is(w, name, "select") ||
        ol_node_text_is(w, name, "update") || ol_node_text_is(w, name, "delete"))
      return ts_node_named_child_count(args) ? first_entity(w, ts_node_named_child(args, 0)) : NULL;
    if (ol_kind_of(w->sx, fn) != OL_K_attribute || !ol_exec_is_builder(w, name))
      return NULL;
    n = ol_child(w->sx, fn, OL_F_object);
  }
  return NULL;
}

static void filter_by(ol_walker *w, TSNode obj, TSNode args, uint32_t query) {
  char *entity = filter_by_entity(w, obj);
  if (!entity)
    return;
  for (uint32_t i = 0; i < ts_node_named_child_count(args); i++) {
    TSNode kw = ts_node_named_child(args, i);
    if (ol_kind_of(w->sx, kw) == OL_K_keyword_argument)
      add(w, OL_LOOKUP_EQUAL, entity, ol_child(w->sx, kw, OL_F_name), kw, query,
          ol_walk_names_value(w, ol_child(w->sx, kw, OL_F_value)));
  }
}

/* `E.query.with_parent(obj)`: E's rows of one parent, keyed on a foreign key. */
static void with_parent(ol_walker *w, TSNode obj, TSNode name, TSNode call, uint32_t query) {
  char *entity = filter_by_entity(w, obj);
  if (entity)
    add(w, OL_LOOKUP_PARENT, entity, name, call, query, false);
}

/* join(E.rel), join(Target, E.rel), join(Target, A.x == B.y). */
static void join(ol_walker *w, TSNode args, uint32_t query) {
  uint32_t n = ts_node_named_child_count(args);
  TSNode on = n == 1   ? ts_node_named_child(args, 0)
              : n >= 2 ? ts_node_named_child(args, 1)
                       : (TSNode){0};
  if (ts_node_is_null(on) || ol_kind_of(w->sx, on) == OL_K_keyword_argument)
    return;
  if (!column_ref(w, on, OL_LOOKUP_RELATION, on, query) && n >= 2)
    conditions(w, args, 1, query);
}

/* A query builder's receiver: a query, a select(), update() or delete(). */
static bool is_statement(ol_walker *w, TSNode recv) {
  ol_val k = ol_classify(w, recv).kind;
  if (k == OL_VAL_QUERY || k == OL_VAL_SELECT)
    return true;
  for (int depth = 0; depth < 200; depth++) {
    recv = ol_unwrap(w, recv);
    if (ol_kind_of(w->sx, recv) != OL_K_call)
      return false;
    TSNode fn = ol_child(w->sx, recv, OL_F_function);
    if (ol_kind_of(w->sx, fn) == OL_K_identifier)
      return ol_node_text_is(w, fn, "update") || ol_node_text_is(w, fn, "delete");
    if (ol_kind_of(w->sx, fn) != OL_K_attribute)
      return false;
    recv = ol_child(w->sx, fn, OL_F_object);
  }
  return false;
}

static void loader(ol_walker *w, TSNode args, uint32_t query) {
  for (uint32_t i = 0; i < ts_node_named_child_count(args); i++)
    column_ref(w, ts_node_named_child(args, i), OL_LOOKUP_RELATION, ts_node_named_child(args, i),
               query);
}

void ol_lookups_check_call(ol_walker *w, TSNode call) {
  TSNode fn = ol_child(w->sx, call, OL_F_function), args = ol_child(w->sx, call, OL_F_arguments);
  TSNode name = callee_name(w, call);
  if (ol_kind_of(w->sx, args) != OL_K_argument_list || ts_node_is_null(name))
    return;
  if (name_in(w, name, LOADERS))
    return loader(w, args, ol_walk_query_origin(w, call));
  if (ol_kind_of(w->sx, fn) != OL_K_attribute)
    return;
  TSNode obj = ol_child(w->sx, fn, OL_F_object);
  bool is_filter = ol_node_text_is(w, name, "filter") || ol_node_text_is(w, name, "where") ||
                   ol_node_text_is(w, name, "having");
  bool is_join = ol_node_text_is(w, name, "join") || ol_node_text_is(w, name, "outerjoin");
  bool is_order = ol_node_text_is(w, name, "order_by");
  bool is_filter_by = ol_node_text_is(w, name, "filter_by");
  bool is_parent = ol_node_text_is(w, name, "with_parent");
  if (!(is_filter || is_join || is_order || is_filter_by || is_parent) || !is_statement(w, obj))
    return;
  /* One id for every call of one chain, and for a chain built on a name
   * across statements (`q = M.query...; q = q.filter(...)`). */
  uint32_t query = ol_walk_query_origin(w, call);
  if (is_filter)
    conditions(w, args, 0, query);
  else if (is_join)
    join(w, args, query);
  else if (is_order)
    order_by(w, args, query);
  else if (is_parent)
    with_parent(w, obj, name, call, query);
  else
    filter_by(w, obj, args, query);
}

/* `a = aliased(Model)`: a names Model in this file's lookups. */
void ol_lookups_check_assignment(ol_walker *w, TSNode assign) {
  TSNode left = ol_child(w->sx, assign, OL_F_left),
         right = ol_unwrap(w, ol_child(w->sx, assign, OL_F_right));
  if (ol_kind_of(w->sx, left) != OL_K_identifier || ol_kind_of(w->sx, right) != OL_K_call ||
      !ol_node_text_is(w, callee_name(w, right), "aliased"))
    return;
  TSNode args = ol_child(w->sx, right, OL_F_arguments);
  char *model = ts_node_named_child_count(args) ? entity_of(w, ts_node_named_child(args, 0)) : NULL;
  if (model) {
    ol_alias a = {.hash = ol_node_hash(w, left), .model = model};
    ol_vec_push(&w->aliases, a);
  }
}

/* `Index("ix", Model.a, Model.b)` at module level (bare or assigned). */
void ol_lookups_module_statement(ol_walker *w, TSNode stmt) {
  if (ol_kind_of(w->sx, stmt) != OL_K_expression_statement)
    return;
  TSNode e = ts_node_named_child(stmt, 0);
  if (ol_kind_of(w->sx, e) == OL_K_assignment)
    e = ol_child(w->sx, e, OL_F_right);
  if (ol_kind_of(w->sx, e) != OL_K_call)
    return;
  TSNode lead = ol_models_index_leading(w, e);
  for (int d = 0; d < 4 && ol_kind_of(w->sx, lead) == OL_K_call; d++) { /* Model.a.desc() */
    TSNode fn = ol_child(w->sx, lead, OL_F_function);
    if (ol_kind_of(w->sx, fn) != OL_K_attribute)
      return;
    lead = ol_child(w->sx, fn, OL_F_object);
  }
  if (ol_kind_of(w->sx, lead) != OL_K_attribute)
    return;
  char *entity = entity_of(w, ol_child(w->sx, lead, OL_F_object));
  if (!entity)
    return;
  ol_index_decl d = {.entity = entity,
                     .column = ol_node_text(w, ol_child(w->sx, lead, OL_F_attribute))};
  ol_vec_push(&w->out->index_decls, d);
}
