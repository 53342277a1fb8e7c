/* Views and templates: `render_template("name.html", posts=<rows>)` binds
 * the template's context names to what the view passes. Pass 1 records the
 * template's name and, for each keyword, the rows its value holds (the same
 * rows a Python loop over it would get, eager options included); the index
 * links them to the template's loops (analyzer/templates.c). */
#include <string.h>

#include "walk_internal.h"

/* The text of a plain string literal (no f-string, no concatenation), arena copy. */
static char *literal(ol_walker *w, TSNode s) {
  if (ol_kind_of(w->sx, s) != OL_K_string || ts_node_named_child_count(s) > 3)
    return NULL;
  uint32_t a = ts_node_start_byte(s), b = ts_node_end_byte(s);
  if (a < b && (w->src[a] == 'f' || w->src[a] == 'F'))
    return NULL;
  while (a < b && w->src[a] != '"' && w->src[a] != '\'')
    a++; /* r, u, b prefixes */
  if (b - a < 2)
    return NULL;
  char q = w->src[a];
  uint32_t qn = (b - a >= 6 && w->src[a + 1] == q && w->src[a + 2] == q) ? 3 : 1;
  if (b - a < 2 * qn || memchr(w->src + a + qn, '{', b - a - 2 * qn))
    return NULL;
  return ol_arena_strndup(&w->out->arena, w->src + a + qn, b - a - 2 * qn);
}

static bool is_render_call(ol_walker *w, TSNode fn) {
  if (ol_kind_of(w->sx, fn) == OL_K_attribute) /* flask.render_template */
    fn = ol_child(w->sx, fn, OL_F_attribute);
  return ol_kind_of(w->sx, fn) == OL_K_identifier && ol_node_text_is(w, fn, "render_template");
}

void ol_render_check_call(ol_walker *w, TSNode call) {
  TSNode fn = ol_child(w->sx, call, OL_F_function);
  if (!ol_node_mentions(w, fn, "render_template") || !is_render_call(w, fn))
    return;
  TSNode args = ol_child(w->sx, call, OL_F_arguments);
  uint32_t n = ts_node_named_child_count(args);
  char *name = NULL;
  ol_render_fact r = {.call = ol_node_span(call),
                      .func = ol_calls_current(w),
                      .first_arg = (uint32_t)w->out->render_args.len};
  for (uint32_t i = 0; i < n; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (ol_kind_of(w->sx, a) != OL_K_keyword_argument) {
      if (i == 0)
        name = literal(w, a);
      continue;
    }
    TSNode key = ol_child(w->sx, a, OL_F_name), value = ol_child(w->sx, a, OL_F_value);
    if (ts_node_is_null(value))
      continue;
    if (ol_node_text_is(w, key, "template_name_or_list")) {
      name = literal(w, value);
      continue;
    }
    ol_render_arg arg = {.name = ol_node_text(w, key), .value = ol_node_span(value)};
    arg.has_rows = ol_rows_of(w, value, &arg.rows) && arg.rows.entity;
    arg.is_query = ol_classify(w, value).kind == OL_VAL_QUERY;
    if (!arg.has_rows)
      memset(&arg.rows, 0, sizeof arg.rows);
    ol_vec_push(&w->out->render_args, arg);
  }
  if (!name) { /* a computed name: nothing to link */
    w->out->render_args.len = r.first_arg;
    return;
  }
  r.template = name;
  r.n_args = (uint32_t)w->out->render_args.len - r.first_arg;
  ol_vec_push(&w->out->renders, r);
}
