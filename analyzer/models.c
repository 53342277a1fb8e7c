/* Class facts for the project index: name, bases, primary-key columns,
 * __abstract__, and names bound to declarative_base() results. */
#include <string.h>

#include "walk_internal.h"

static bool call_has_true_kw(ol_walker *w, TSNode call, const char *kw) {
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  uint32_t n = ts_node_named_child_count(args);
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (ol_kind_of(w->sx, a) == OL_K_keyword_argument && ol_node_text_is(w, ol_child(w->sx, a, OL_F_name), kw) &&
        ol_kind_of(w->sx, ol_child(w->sx, a, OL_F_value)) == OL_K_true)
      return true;
  }
  return false;
}

static bool is_column_call(ol_walker *w, TSNode call) {
  if (ol_kind_of(w->sx, call) != OL_K_call) return false;
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  if (ol_kind_of(w->sx, fn) == OL_K_attribute) fn = ol_child(w->sx, fn, OL_F_attribute);
  return ol_node_text_is(w, fn, "Column") || ol_node_text_is(w, fn, "mapped_column");
}

/* `name = Column(..., primary_key=True)` / `name: Mapped[int] = mapped_column(primary_key=True)`. */
static void class_member(ol_walker *w, ol_class_fact *c, TSNode stmt) {
  if (ol_kind_of(w->sx, stmt) != OL_K_expression_statement) return;
  TSNode a = ts_node_named_child(stmt, 0);
  if (ol_kind_of(w->sx, a) != OL_K_assignment) return;
  TSNode left = ol_child(w->sx, a, OL_F_left), right = ol_child(w->sx, a, OL_F_right);
  if (ol_kind_of(w->sx, left) != OL_K_identifier || ts_node_is_null(right)) return;
  if (ol_node_text_is(w, left, "__abstract__") && ol_kind_of(w->sx, right) == OL_K_true) c->abstract = true;
  if (is_column_call(w, right) && call_has_true_kw(w, right, "primary_key")) {
    c->pk = ol_realloc(c->pk, (c->n_pk + 1) * sizeof(char *));
    c->pk[c->n_pk++] = ol_node_text(w, left);
  }
}

void ol_walk_class(ol_walker *w, TSNode cls) {
  ol_class_fact c = {.name = ol_node_text(w, ol_child(w->sx, cls, OL_F_name)),
                     .line = ts_node_start_point(cls).row + 1};
  TSNode supers = ol_child(w->sx, cls, OL_F_superclasses);
  uint32_t n = ts_node_is_null(supers) ? 0 : ts_node_named_child_count(supers);
  for (uint32_t i = 0; i < n; i++) {
    TSNode b = ts_node_named_child(supers, i);
    ol_kind k = ol_kind_of(w->sx, b);
    if (k == OL_K_subscript) b = ol_child(w->sx, b, OL_F_value), k = ol_kind_of(w->sx, b);
    if (k != OL_K_identifier && k != OL_K_attribute) continue;
    c.bases = ol_realloc(c.bases, (c.n_bases + 1) * sizeof(char *));
    c.bases[c.n_bases++] = ol_node_text(w, b);
  }
  TSNode body = ol_child(w->sx, cls, OL_F_body);
  uint32_t m = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
  for (uint32_t i = 0; i < m; i++) class_member(w, &c, ts_node_named_child(body, i));
  ol_vec_push(&w->out->classes, c);
}

/* `Base = declarative_base()` and `Base = registry().generate_base()`. */
void ol_walk_assignment_base(ol_walker *w, TSNode assign) {
  TSNode left = ol_child(w->sx, assign, OL_F_left), right = ol_child(w->sx, assign, OL_F_right);
  if (ol_kind_of(w->sx, left) != OL_K_identifier || ol_kind_of(w->sx, right) != OL_K_call) return;
  TSNode fn = ol_child(w->sx, right, OL_F_function);
  if (ol_kind_of(w->sx, fn) == OL_K_attribute) fn = ol_child(w->sx, fn, OL_F_attribute);
  if (ol_node_text_is(w, fn, "declarative_base") || ol_node_text_is(w, fn, "generate_base"))
    ol_vec_push(&w->out->declarative_bases, ol_node_text(w, left));
}
