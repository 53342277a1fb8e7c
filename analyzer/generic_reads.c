/* Generic reads (pass 1, DESIGN.md "Calls"): a serializer that reads every
 * attribute of a row without naming one — `getattr(self, name)` for each
 * name the mapper lists (`inspect(self).attrs`, `all_orm_descriptors`,
 * `__mapper__.relationships`, `dir(obj)`) — reads every relationship of that
 * parameter. It is kept as one read of OL_READ_EVERY, under the test of a
 * parameter that picks the names (`attrs = all_attrs if relations else
 * plain`): a call whose arguments make the test false reads nothing. The
 * names may come from a method of the same class (`self._attrs()`): the
 * link keeps the read only when the function, or a method it calls on
 * self, lists the mapper's attributes (ol_func_fact.enumerates_attrs). */
#include <string.h>

#include "walk_internal.h"

#define MAX_HOPS 4       /* name -> name -> value: how far the names are followed back */
#define MAX_SCANNED 4096 /* nodes of a function scanned for the assignment of a name */

/* Whether attr lists the mapped attributes of a class or object. */
static bool lists_attributes(ol_walker *w, TSNode attr) {
  TSNode name = ol_child(w->sx, attr, OL_F_attribute);
  if (ol_node_text_is(w, name, "all_orm_descriptors") ||
      ol_node_text_is(w, name, "iterate_properties"))
    return true;
  if (!ol_node_text_is(w, name, "relationships") && !ol_node_text_is(w, name, "attrs"))
    return false;
  TSNode obj = ol_unwrap(w, ol_child(w->sx, attr, OL_F_object));
  ol_kind k = ol_kind_of(w->sx, obj);
  if (k == OL_K_call) { /* inspect(x).attrs, class_mapper(C).relationships */
    TSNode fn = ol_child(w->sx, obj, OL_F_function);
    if (ol_kind_of(w->sx, fn) == OL_K_attribute)
      fn = ol_child(w->sx, fn, OL_F_attribute);
    return ol_node_text_is(w, fn, "inspect") || ol_node_text_is(w, fn, "class_mapper") ||
           ol_node_text_is(w, fn, "object_mapper");
  }
  if (k == OL_K_attribute) { /* C.__mapper__.attrs, inspect(x).mapper.relationships */
    TSNode a = ol_child(w->sx, obj, OL_F_attribute);
    return ol_node_text_is(w, a, "__mapper__") || ol_node_text_is(w, a, "mapper");
  }
  return false;
}

static bool is_dir_call(ol_walker *w, TSNode call) {
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  return ol_node_text_is(w, fn, "dir") && !ts_node_is_null(args) &&
         ts_node_named_child_count(args) == 1;
}

/* Whether n holds an attribute that lists the mapper's attributes, or a `dir(x)`. */
static bool lists_within(ol_walker *w, TSNode n) {
  TSTreeCursor cur = ts_tree_cursor_new(n);
  bool found = false;
  uint32_t steps = 0;
  do {
    TSNode c = ts_tree_cursor_current_node(&cur);
    ol_kind k = ol_kind_of(w->sx, c);
    found =
        (k == OL_K_attribute && lists_attributes(w, c)) || (k == OL_K_call && is_dir_call(w, c));
  } while (!found && ++steps < MAX_SCANNED && ol_cursor_step(&cur, true));
  ts_tree_cursor_delete(&cur);
  return found;
}

void ol_generic_check_attribute(ol_walker *w, TSNode attr) {
  int func = ol_calls_current(w);
  if (func >= 0 && lists_attributes(w, attr))
    w->out->funcs.items[func].enumerates_attrs = true;
}

/* Whether target (`name`, `k, v`, `(k, v)`) binds identifier id. */
static bool binds(ol_walker *w, TSNode target, uint64_t id) {
  target = ol_unwrap(w, target);
  ol_kind k = ol_kind_of(w->sx, target);
  if (k == OL_K_identifier)
    return ol_node_hash(w, target) == id;
  if (k != OL_K_pattern_list && k != OL_K_tuple_pattern && k != OL_K_tuple &&
      k != OL_K_list_pattern)
    return false;
  for (uint32_t i = 0; i < ts_node_named_child_count(target); i++) {
    TSNode c = ts_node_named_child(target, i);
    if (ol_kind_of(w->sx, c) == OL_K_identifier && ol_node_hash(w, c) == id)
      return true;
  }
  return false;
}

/* The iterable of the loop (for statement or comprehension clause) around
 * the current node that binds name; null when none does in its function. */
static TSNode loop_iterable(ol_walker *w, TSNode name) {
  uint64_t id = ol_node_hash(w, name);
  for (size_t i = w->path.len; i-- > 0;) {
    TSNode p = w->path.items[i];
    ol_kind k = ol_kind_of(w->sx, p);
    if (k == OL_K_function_definition || k == OL_K_lambda || k == OL_K_class_definition)
      break;
    if (k == OL_K_for_statement && binds(w, ol_child(w->sx, p, OL_F_left), id))
      return ol_child(w->sx, p, OL_F_right);
    if (k != OL_K_list_comprehension && k != OL_K_set_comprehension &&
        k != OL_K_dictionary_comprehension && k != OL_K_generator_expression)
      continue;
    for (uint32_t c = 0; c < ts_node_named_child_count(p); c++) {
      TSNode clause = ts_node_named_child(p, c);
      if (ol_kind_of(w->sx, clause) == OL_K_for_in_clause &&
          binds(w, ol_child(w->sx, clause, OL_F_left), id))
        return ol_child(w->sx, clause, OL_F_right);
    }
  }
  return (TSNode){0};
}

/* The value of the last assignment to name in def before byte `before`; null. */
static TSNode assigned_value(ol_walker *w, TSNode def, TSNode name, uint32_t before) {
  uint64_t id = ol_node_hash(w, name);
  TSNode found = {0};
  TSNode body = ol_child(w->sx, def, OL_F_body);
  if (ts_node_is_null(body))
    return found;
  TSTreeCursor cur = ts_tree_cursor_new(body);
  uint32_t steps = 0;
  for (bool down = true; steps < MAX_SCANNED; steps++) {
    TSNode n = ts_tree_cursor_current_node(&cur);
    bool enter = down && ts_node_start_byte(n) < before;
    ol_kind k = ol_kind_of(w->sx, n);
    if (enter && k == OL_K_assignment && ts_node_end_byte(n) <= before &&
        binds(w, ol_child(w->sx, n, OL_F_left), id) &&
        !ts_node_is_null(ol_child(w->sx, n, OL_F_right)))
      found = ol_child(w->sx, n, OL_F_right);
    if (enter && k != OL_K_function_definition && k != OL_K_class_definition &&
        ts_tree_cursor_goto_first_child(&cur)) {
      down = true;
      continue;
    }
    if (ts_tree_cursor_goto_next_sibling(&cur)) {
      down = true;
      continue;
    }
    if (!ts_tree_cursor_goto_parent(&cur))
      break;
    down = false;
  }
  ts_tree_cursor_delete(&cur);
  return found;
}

/* The value of the assignment `name = value` that starts at byte at in def
 * (ol_binding.at), found by descending to it; null when it is not one. */
static TSNode assignment_at(ol_walker *w, TSNode def, uint32_t at, TSNode name) {
  if (!at || at < ts_node_start_byte(def) || at >= ts_node_end_byte(def))
    return (TSNode){0};
  TSNode n = ts_node_descendant_for_byte_range(def, at, at);
  for (int depth = 0; depth < 8 && !ts_node_is_null(n) && ts_node_start_byte(n) == at; depth++) {
    if (ol_kind_of(w->sx, n) == OL_K_assignment) {
      TSNode left = ol_child(w->sx, n, OL_F_left);
      return ol_kind_of(w->sx, left) == OL_K_identifier &&
                     ol_node_hash(w, left) == ol_node_hash(w, name)
                 ? ol_child(w->sx, n, OL_F_right)
                 : (TSNode){0};
    }
    n = ts_node_parent(n);
  }
  return (TSNode){0};
}

/* Scalar reads: `plain = [a for a in attrs if not cls._is_join(a)]`, `_is_join` returning
 * `hasattr(d, "impl") and isinstance(d.impl, CollectionAttributeImpl)`: the names kept are all
 * but (some of) the collections, so every scalar relationship among them (OL_READ_SCALARS). */

/* Whether n tests that an attribute is a collection: `isinstance(x, CollectionAttributeImpl)`
 * (any spelling of the class), `x.uselist`. */
static bool collection_test(ol_walker *w, TSNode n) {
  n = ol_unwrap(w, n);
  ol_kind k = ol_kind_of(w->sx, n);
  if (k == OL_K_attribute)
    return ol_node_text_is(w, ol_child(w->sx, n, OL_F_attribute), "uselist");
  if (k != OL_K_call || !ol_node_text_is(w, ol_child(w->sx, n, OL_F_function), "isinstance"))
    return false;
  TSNode args = ol_child(w->sx, n, OL_F_arguments);
  if (ts_node_is_null(args) || ts_node_named_child_count(args) != 2)
    return false;
  TSNode t = ol_unwrap(w, ts_node_named_child(args, 1));
  if (ol_kind_of(w->sx, t) == OL_K_attribute)
    t = ol_child(w->sx, t, OL_F_attribute);
  return ol_node_text_is(w, t, "CollectionAttributeImpl");
}

/* Whether n holds only when collection_test does: that test, or an `and` with it. */
static bool implies_collection(ol_walker *w, TSNode n, int depth) {
  n = ol_unwrap(w, n);
  if (depth > MAX_HOPS)
    return false;
  if (collection_test(w, n))
    return true;
  if (ol_kind_of(w->sx, n) != OL_K_boolean_operator || ts_node_child_count(n) != 3 ||
      strcmp(ts_node_type(ts_node_child(n, 1)), "and"))
    return false;
  return implies_collection(w, ol_child(w->sx, n, OL_F_left), depth + 1) ||
         implies_collection(w, ol_child(w->sx, n, OL_F_right), depth + 1);
}

/* The class definition the current function is a method of; null. */
static TSNode current_class(ol_walker *w) {
  bool in_def = false;
  for (size_t i = w->path.len; i-- > 0;) {
    ol_kind k = ol_kind_of(w->sx, w->path.items[i]);
    if (k == OL_K_class_definition)
      return in_def ? w->path.items[i] : (TSNode){0};
    if (k == OL_K_function_definition || k == OL_K_lambda) {
      if (in_def)
        break;
      in_def = true;
    }
  }
  return (TSNode){0};
}

/* The method named by name's text in the body of class cls; null. What the walk makes of it
 * is made from another def's text: the memo walks the current def again each time. */
static TSNode class_method(ol_walker *w, TSNode cls, TSNode name) {
  w->outside_reads++;
  TSNode body = ts_node_is_null(cls) ? cls : ol_child(w->sx, cls, OL_F_body);
  for (uint32_t i = 0; !ts_node_is_null(body) && i < ts_node_named_child_count(body); i++) {
    TSNode d = ts_node_named_child(body, i);
    if (ol_kind_of(w->sx, d) == OL_K_decorated_definition)
      d = ol_child(w->sx, d, OL_F_definition);
    if (ol_kind_of(w->sx, d) != OL_K_function_definition)
      continue;
    TSNode dn = ol_child(w->sx, d, OL_F_name);
    if (ts_node_end_byte(dn) - ts_node_start_byte(dn) ==
            ts_node_end_byte(name) - ts_node_start_byte(name) &&
        !memcmp(w->src + ts_node_start_byte(dn), w->src + ts_node_start_byte(name),
                ts_node_end_byte(name) - ts_node_start_byte(name)))
      return d;
  }
  return (TSNode){0};
}

/* Whether method def returns true only for collections: its body's one return statement
 * (at its top level) returns an implies_collection test. */
static bool method_tests_collection(ol_walker *w, TSNode def) {
  TSNode body = ol_child(w->sx, def, OL_F_body), ret = {0};
  for (uint32_t i = 0; !ts_node_is_null(body) && i < ts_node_named_child_count(body); i++) {
    TSNode st = ts_node_named_child(body, i);
    ol_kind k = ol_kind_of(w->sx, st);
    if (k == OL_K_return_statement) {
      if (!ts_node_is_null(ret))
        return false;
      ret = st;
    } else if (k != OL_K_expression_statement) {
      return false; /* a branch may return something else */
    }
  }
  return !ts_node_is_null(ret) && ts_node_named_child_count(ret) == 1 &&
         implies_collection(w, ts_node_named_child(ret, 0), 0);
}

/* Whether the filter of an if clause keeps every attribute that is not a collection:
 * `not <collection test>`, `not cls.m(a)` / `not self.m(a)` for a method m of cls that
 * returns one. */
static bool keeps_non_collections(ol_walker *w, TSNode cls, TSNode cond) {
  cond = ol_unwrap(w, cond);
  if (ol_kind_of(w->sx, cond) != OL_K_not_operator)
    return false;
  TSNode t = ol_unwrap(w, ts_node_named_child(cond, 0));
  if (implies_collection(w, t, 0))
    return true;
  if (ol_kind_of(w->sx, t) != OL_K_call)
    return false;
  TSNode fn = ol_child(w->sx, t, OL_F_function);
  if (ol_kind_of(w->sx, fn) != OL_K_attribute)
    return false;
  TSNode obj = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
  if (!ol_node_text_is(w, obj, "cls") && !ol_node_text_is(w, obj, "self"))
    return false;
  TSNode m = class_method(w, cls, ol_child(w->sx, fn, OL_F_attribute));
  return !ts_node_is_null(m) && method_tests_collection(w, m);
}

/* Whether every comprehension in n (a method's body, a value) filters only with
 * keeps_non_collections, and n lists the mapper's attributes: all the names it yields keep
 * the scalar relationships. */
static bool keeps_scalars(ol_walker *w, TSNode cls, TSNode n) {
  if (!lists_within(w, n))
    return false;
  TSTreeCursor cur = ts_tree_cursor_new(n);
  bool ok = true;
  uint32_t steps = 0;
  do {
    TSNode c = ts_tree_cursor_current_node(&cur);
    if (ol_kind_of(w->sx, c) == OL_K_if_clause)
      ok = keeps_non_collections(w, cls, ts_node_named_child(c, 0));
  } while (ok && ++steps < MAX_SCANNED && ol_cursor_step(&cur, true));
  ts_tree_cursor_delete(&cur);
  return ok && steps < MAX_SCANNED;
}

/* Whether the names n evaluates to keep every scalar relationship of the mapper: a value that
 * keeps_scalars, through the names it is bound from, or a method of self or cls (of the class
 * at hand, in this file) whose body keeps_scalars. */
static bool names_the_scalars(ol_walker *w, TSNode def, TSNode n, uint32_t before, int depth) {
  n = ol_unwrap(w, n);
  if (ts_node_is_null(n) || depth > MAX_HOPS)
    return false;
  TSNode cls = current_class(w);
  switch (ol_kind_of(w->sx, n)) {
  case OL_K_identifier: {
    TSNode v = assigned_value(w, def, n, before);
    return !ts_node_is_null(v) && names_the_scalars(w, def, v, ts_node_start_byte(v), depth + 1);
  }
  case OL_K_call: {
    TSNode fn = ol_child(w->sx, n, OL_F_function);
    if (ol_kind_of(w->sx, fn) != OL_K_attribute)
      return keeps_scalars(w, cls, n);
    TSNode obj = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
    if (ol_calls_param_index(w, ol_calls_current(w), obj) != 0)
      return keeps_scalars(w, cls, n);
    TSNode m = class_method(w, cls, ol_child(w->sx, fn, OL_F_attribute));
    TSNode body = ts_node_is_null(m) ? m : ol_child(w->sx, m, OL_F_body);
    return !ts_node_is_null(body) && keeps_scalars(w, cls, body);
  }
  default:
    return keeps_scalars(w, cls, n);
  }
}

/* Whether the names n evaluates to are the mapper's attributes: it lists
 * them itself, through the names it is bound from, or through a method of
 * self or cls (which the link confirms). *guard: the test of a parameter
 * that picks them (`a if relations else b`: relations true). */
static bool names_the_mapper(ol_walker *w, TSNode def, TSNode n, uint32_t before,
                             ol_param_guard *guard, TSNode *other, int depth) {
  n = ol_unwrap(w, n);
  if (ts_node_is_null(n) || depth > MAX_HOPS)
    return false;
  if (lists_within(w, n))
    return true; /* the walk of n marks the function too (ol_func_fact.enumerates_attrs) */
  switch (ol_kind_of(w->sx, n)) {
  case OL_K_conditional_expression: {
    ol_param_guard g = ol_guard_of_condition(w, ts_node_named_child(n, 1), true);
    if (g.test == OL_PG_NONE)
      return false; /* picked by something else: which names is not known */
    if (!names_the_mapper(w, def, ts_node_named_child(n, 0), before, guard, other, depth + 1))
      return false;
    if (guard->test == OL_PG_NONE)
      *guard = g, *other = ts_node_named_child(n, 2);
    return true;
  }
  case OL_K_identifier: {
    TSNode v = assigned_value(w, def, n, before);
    return !ts_node_is_null(v) &&
           names_the_mapper(w, def, v, ts_node_start_byte(v), guard, other, depth + 1);
  }
  case OL_K_call: { /* self._attrs(), cls.fields(): the link looks at that method */
    TSNode fn = ol_child(w->sx, n, OL_F_function);
    if (ol_kind_of(w->sx, fn) != OL_K_attribute)
      return false;
    TSNode obj = ol_unwrap(w, ol_child(w->sx, fn, OL_F_object));
    const ol_func_fact *f = &w->out->funcs.items[ol_calls_current(w)];
    return ol_calls_param_index(w, ol_calls_current(w), obj) == 0 && f->cls &&
           f->kind != OL_FN_STATIC;
  }
  default:
    return false;
  }
}

/* `p.all()`, `p.filter(...).all()`, `list(p)`: the rows of query parameter p, run. */
static int run_param(ol_walker *w, int func, TSNode n) {
  n = ol_unwrap(w, n);
  if (ol_kind_of(w->sx, n) != OL_K_call)
    return -1;
  TSNode fn = ol_child(w->sx, n, OL_F_function);
  TSNode args = ol_child(w->sx, n, OL_F_arguments);
  uint32_t n_args = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  if (ol_node_text_is(w, fn, "list") && n_args == 1)
    return ol_calls_param_index(w, func, ol_unwrap(w, ts_node_named_child(args, 0)));
  if (ol_kind_of(w->sx, fn) != OL_K_attribute || n_args ||
      !ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "all"))
    return -1;
  int builders;
  TSNode root = ol_exec_below_builders(w, ol_child(w->sx, fn, OL_F_object), 16, &builders);
  return ol_calls_param_index(w, func, root);
}

int ol_generic_param_rows(ol_walker *w, int func, TSNode n) {
  if (func < 0)
    return -1;
  int p = run_param(w, func, n);
  n = ol_unwrap(w, n);
  if (p >= 0 || ol_kind_of(w->sx, n) != OL_K_identifier || ol_calls_param_index(w, func, n) >= 0)
    return p;
  /* `entries = query.all()` ... `helper(entries)`: a name the function never binds holds no
   * such run (the scan below would read the whole function for every argument) */
  const ol_binding *b = ol_scope_binding(w, ol_node_hash(w, n));
  TSNode def = ol_walk_current_def(w);
  if (!b || ts_node_is_null(def))
    return -1;
  TSNode v = assignment_at(w, def, b->at, n);
  if (ts_node_is_null(v))
    v = assigned_value(w, def, n, ts_node_start_byte(n));
  return ts_node_is_null(v) ? -1 : run_param(w, func, v);
}

/* A generic read of attr (OL_READ_EVERY, OL_READ_SCALARS) of parameter param by call, under
 * guard: once per function, parameter and guard. */
static void push_read(ol_walker *w, int func, int param, TSNode call, const char *attr,
                      ol_param_guard guard) {
  ol_param_read r = {.func = func,
                     .param = (uint32_t)param,
                     .attr = ol_walk_intern_string(w, attr),
                     .guard = guard};
  r.at.span = ol_node_span(call);
  for (size_t i = w->out->param_reads.len; i-- > 0 && w->out->param_reads.items[i].func == func;)
    if (!strcmp(w->out->param_reads.items[i].attr, attr) &&
        w->out->param_reads.items[i].param == r.param &&
        ol_guard_same(&w->out->param_reads.items[i].guard, &r.guard))
      return;
  ol_vec_push(&w->out->param_reads, r);
}

void ol_generic_check_call(ol_walker *w, TSNode call) {
  int func = ol_calls_current(w);
  if (func < 0)
    return;
  if (is_dir_call(w, call)) {
    w->out->funcs.items[func].enumerates_attrs = true;
    return;
  }
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  if (ts_node_is_null(args) || ol_kind_of(w->sx, args) != OL_K_argument_list)
    return;
  uint32_t n = ts_node_named_child_count(args);
  TSNode obj, name;
  if (ol_node_text_is(w, fn, "getattr") && (n == 2 || n == 3)) {
    obj = ts_node_named_child(args, 0), name = ts_node_named_child(args, 1);
  } else if (ol_kind_of(w->sx, fn) == OL_K_attribute && n == 1 &&
             ol_node_text_is(w, ol_child(w->sx, fn, OL_F_attribute), "__getattribute__")) {
    obj = ol_child(w->sx, fn, OL_F_object), name = ts_node_named_child(args, 0);
  } else {
    return;
  }
  obj = ol_unwrap(w, obj), name = ol_unwrap(w, name);
  int param = ol_calls_param_index(w, func, obj);
  if (param < 0 || ol_kind_of(w->sx, name) != OL_K_identifier)
    return;
  TSNode def = ol_walk_current_def(w), it = loop_iterable(w, name);
  ol_param_guard picked = {0};
  TSNode other = {0};
  if (ts_node_is_null(def) || ts_node_is_null(it) ||
      !names_the_mapper(w, def, it, ts_node_start_byte(it), &picked, &other, 0))
    return;
  ol_param_guard guard = ol_guard_of(w, call);
  push_read(w, func, param, call, OL_READ_EVERY, guard.test != OL_PG_NONE ? guard : picked);
  /* `all_attrs if relations else plain_attrs`: the other names still keep the scalar ones */
  if (picked.test != OL_PG_NONE && !ts_node_is_null(other) &&
      names_the_scalars(w, def, other, ts_node_start_byte(other), 0))
    push_read(w, func, param, call, OL_READ_SCALARS, guard);
}
