/* The Jinja scanner's statement half (DESIGN.md "Real code", templates):
 * each tag read by jinja_lex.c becomes facts. `{% for %}` a loop (over a
 * context name, or over a collection of an enclosing loop's rows), the
 * attribute chains of expressions reads on rows; names are resolved
 * through a scope stack: for-loop variables (their loop's rows),
 * `set`/`with` aliases, macro parameters and macros; a name bound nowhere
 * is the render context's. One pass, no recursion. */
#include "jinja.h"
#include "hash.h"
#include "jinja_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- names ----------------------------------------------------------------- */

typedef enum {
  N_ROW,     /* a loop variable: one row of loop `loop` */
  N_ALIAS,   /* `set a = row.rel`: relationship `attr` of loop `loop`'s row */
  N_PARAM,   /* parameter `param` of macro `macro` */
  N_MACRO,   /* a macro of this file */
  N_CONTEXT, /* `set xs = posts` / `posts.items`: the rows of context name `attr` */
  N_IMPORT,  /* a macro or a template of macros imported from another template */
  N_SHADOW,  /* bound to something else: not the context's */
} nkind;

typedef struct {
  uint32_t start, len; /* the name in src */
  nkind kind;
  int loop, macro, param;
  char *attr;
} binding;

typedef enum { B_FOR, B_MACRO, B_SCOPE, B_OTHER } bkind;

typedef struct {
  bkind kind;
  char tag[16]; /* the opening tag's name: endX closes it */
  int loop;     /* B_FOR: the loop */
  size_t mark;  /* bindings above this are its own */
  bool in_else; /* B_FOR: past {% else %}: not per row */
} block;

/* A parameter read in a macro's body: reported where the macro is called with a row. */
typedef struct {
  int macro, param;
  char *attr, *attr2;
  bool call2;
} param_read;

typedef struct {
  char *name;
  OL_VEC(char *) params;
} jmacro;

typedef struct {
  const char *src;
  uint32_t len;
  ol_file_facts *out;
  OL_VEC(binding) names;
  OL_VEC(block) blocks;
  OL_VEC(param_read) preads;
  OL_VEC(jmacro) macros;
  int in_macro;   /* the macro whose body is being read, -1 */
  uint64_t *seen; /* seen_read's hash set */
  size_t seen_len, seen_cap;
} scanner;

static char *copy(scanner *s, uint32_t start, uint32_t end) {
  return ol_arena_strndup(&s->out->arena, s->src + start, end - start);
}

static const binding *lookup(const scanner *s, ol_jinja_token t) {
  for (size_t i = s->names.len; i-- > 0;) {
    const binding *b = &s->names.items[i];
    if (b->len == t.end - t.start && !memcmp(s->src + b->start, s->src + t.start, b->len))
      return b;
  }
  return NULL;
}

static void bind(scanner *s, ol_jinja_token t, nkind kind, int loop, int macro, int param,
                 char *attr) {
  binding b = {.start = t.start,
               .len = t.end - t.start,
               .kind = kind,
               .loop = loop,
               .macro = macro,
               .param = param,
               .attr = attr};
  ol_vec_push(&s->names, b);
}

/* The innermost loop whose body is running here (not its else), -1. */
static int current_loop(const scanner *s) {
  for (size_t i = s->blocks.len; i-- > 0;) {
    const block *b = &s->blocks.items[i];
    if (b->kind == B_MACRO)
      return -1; /* a macro's body runs where it is called */
    if (b->kind == B_FOR && !b->in_else)
      return b->loop;
  }
  return -1;
}

/* ---- attribute chains ---------------------------------------------------------- */

static void push_read(scanner *s, int loop, uint32_t start, const char *attr,
                      const ol_jinja_chain *c, size_t second) {
  ol_attr_read r = {.loop = loop, .span = {start, c->attrs[second ? second - 1 : 0].end}};
  r.attr = (char *)attr;
  if (second < c->n) {
    ol_jinja_token a2 = c->attrs[second];
    r.attr2 = copy(s, a2.start, a2.end);
    r.span2 = (ol_span){start, a2.end};
    if (c->empty_call[second]) {
      ol_jinja_lexer lx = {s->src, a2.end, c->end};
      r.call2 =
          (ol_span){start, ol_jinja_group_end(s->src, ol_jinja_token_next(&lx).start, c->end)};
    }
  }
  ol_vec_push(&s->out->reads, r);
}

static void macro_call(scanner *s, const binding *b, const ol_jinja_chain *c, uint32_t start);

/* Whether the read (kind, who, attr, attr2) was recorded before, recording
 * it: a read repeated in a body loads nothing more. A hash set, so that a
 * template of a million reads stays linear. */
static bool seen_read(scanner *s, char kind, const char *who, int param, const char *attr,
                      const char *attr2) {
  uint64_t h = ol_fnv(OL_FNV_OFFSET, &kind, 1);
  h = ol_fnv(h, who, strlen(who) + 1);
  h = ol_fnv(h, &param, sizeof param);
  h = ol_fnv(h, attr, strlen(attr) + 1);
  h = attr2 ? ol_fnv(h, attr2, strlen(attr2) + 1) : ol_fnv(h, "", 1);
  h |= 1; /* 0 marks an empty slot */
  if (2 * (s->seen_len + 1) > s->seen_cap) {
    size_t cap = s->seen_cap ? 2 * s->seen_cap : 64;
    uint64_t *slots = ol_calloc(cap, sizeof *slots);
    for (size_t i = 0; i < s->seen_cap; i++)
      for (size_t j = s->seen[i] & (cap - 1); s->seen[i]; j = (j + 1) & (cap - 1))
        if (!slots[j]) {
          slots[j] = s->seen[i];
          break;
        }
    ol_free(s->seen);
    s->seen = slots, s->seen_cap = cap;
  }
  for (size_t j = h & (s->seen_cap - 1);; j = (j + 1) & (s->seen_cap - 1)) {
    if (s->seen[j] == h)
      return true;
    if (!s->seen[j]) {
      s->seen[j] = h;
      s->seen_len++;
      return false;
    }
  }
}

/* Outside loops and macros, `name.attr` of a name the template does not
 * bind: what it reads of a row an `{% include %}` in a loop passes it. */
static void free_read(scanner *s, const ol_jinja_chain *c) {
  if (!c->n || c->called || current_loop(s) >= 0 || s->in_macro >= 0 ||
      ol_jinja_token_is(s->src, c->root, "loop"))
    return;
  ol_macro_read r = {.macro = copy(s, c->root.start, c->root.start), /* the template itself */
                     .param_name = copy(s, c->root.start, c->root.end),
                     .attr = copy(s, c->attrs[0].start, c->attrs[0].end)};
  if (c->n > 1)
    r.attr2 = copy(s, c->attrs[1].start, c->attrs[1].end);
  if (seen_read(s, 'f', r.param_name, 0, r.attr, r.attr2))
    return; /* read again: one read is the one that loads */
  ol_vec_push(&s->out->macro_reads, r);
}
static void imported_call(scanner *s, const ol_jinja_chain *c);

/* The filter after `at` (`|name`), its name's end in *end; false when none. */
static bool filter_after(const scanner *s, uint32_t at, uint32_t b, const char *name,
                         uint32_t *end) {
  ol_jinja_lexer lx = {s->src, at, b};
  ol_jinja_token bar = ol_jinja_token_next(&lx), f = ol_jinja_token_next(&lx);
  if (bar.kind != T_PUNCT || s->src[bar.start] != '|' || !ol_jinja_token_is(s->src, f, name))
    return false;
  *end = f.end;
  return true;
}

/* Outside loops, `q.all()|length` or `q|list|length` of a context name:
 * every row loaded to be counted (ORM005 decides whether the view passed a
 * query). */
static void count_of_rows(scanner *s, const ol_jinja_chain *c, uint32_t b) {
  if (current_loop(s) >= 0 || s->in_macro >= 0)
    return;
  uint32_t end = 0, mid;
  ol_len_kind kind;
  if (c->n == 1 && ol_jinja_token_is(s->src, c->attrs[0], "all") && c->empty_call[0] &&
      (filter_after(s, c->end, b, "length", &end) || filter_after(s, c->end, b, "count", &end)))
    kind = OL_LEN_QUERY_ALL;
  else if (c->n == 0 && !c->called && filter_after(s, c->end, b, "list", &mid) &&
           (filter_after(s, mid, b, "length", &end) || filter_after(s, mid, b, "count", &end)))
    kind = OL_LEN_LIST_QUERY;
  else
    return;
  ol_len_site l = {.kind = kind,
                   .span = {c->root.start, end},
                   .query = {c->root.start, c->end},
                   .rel = copy(s, c->root.start, c->root.end)};
  ol_vec_push(&s->out->lens, l);
}

/* One chain read at the current place: a row's attribute, a macro
 * parameter's, or a macro called. */
static void use_chain(scanner *s, const ol_jinja_chain *c, uint32_t end) {
  const binding *b = lookup(s, c->root);
  if (!b) {
    count_of_rows(s, c, end);
    free_read(s, c);
    return;
  }
  if (b->kind == N_ROW && c->n && c->call_end[0]) { /* row.method(...): a call on the row */
    ol_call_fact call = {.callee = copy(s, c->root.start, c->attrs[0].end),
                         .func = -1,
                         .loop = current_loop(s),
                         .recv_loop = b->loop,
                         .recv_param = -1,
                         .recv_call = -1,
                         .term = -1,
                         .args_loop = true,
                         .at = {{c->root.start, c->call_end[0]}}};
    ol_vec_push(&s->out->calls, call);
  }
  if (b->kind == N_ROW && c->n)
    push_read(s, b->loop, c->root.start, copy(s, c->attrs[0].start, c->attrs[0].end), c, 1);
  else if (b->kind == N_ALIAS) {
    ol_attr_read r = {.loop = b->loop, .span = {c->root.start, c->root.end}, .attr = b->attr};
    if (c->n) {
      r.attr2 = copy(s, c->attrs[0].start, c->attrs[0].end);
      r.span2 = (ol_span){c->root.start, c->attrs[0].end};
    }
    ol_vec_push(&s->out->reads, r);
  } else if (b->kind == N_PARAM && c->n && b->macro == s->in_macro) {
    param_read p = {
        .macro = b->macro, .param = b->param, .attr = copy(s, c->attrs[0].start, c->attrs[0].end)};
    if (c->n > 1) {
      p.attr2 = copy(s, c->attrs[1].start, c->attrs[1].end);
      p.call2 = c->empty_call[1];
    }
    if (seen_read(s, 'p', s->macros.items[b->macro].name, b->param, p.attr, p.attr2))
      return; /* read again in the body: at a call, one read is the one that loads */
    ol_vec_push(&s->preads, p);
    ol_macro_read mr = {.macro = s->macros.items[b->macro].name,
                        .param = (uint32_t)b->param,
                        .param_name = s->macros.items[b->macro].params.items[b->param],
                        .attr = p.attr,
                        .attr2 = p.attr2};
    ol_vec_push(&s->out->macro_reads, mr);
  } else if (b->kind == N_MACRO && c->called) {
    macro_call(s, b, c, c->root.start);
  } else if (b->kind == N_IMPORT && current_loop(s) >= 0) {
    imported_call(s, c);
  }
}

/* Every chain of an expression. */
static void scan_expr(scanner *s, uint32_t a, uint32_t b) {
  ol_jinja_lexer lx = {s->src, a, b};
  ol_jinja_token prev = {T_END, 0, 0};
  for (ol_jinja_token t; (t = ol_jinja_token_next(&lx)).kind != T_END; prev = t) {
    if (t.kind != T_NAME || ol_jinja_token_is_keyword(s->src, t))
      continue;
    bool after_dot =
        prev.kind == T_PUNCT && (s->src[prev.start] == '.' || s->src[prev.start] == '|');
    bool test = prev.kind == T_NAME &&
                (ol_jinja_token_is(s->src, prev, "is") || ol_jinja_token_is(s->src, prev, "not"));
    uint32_t save = lx.at;
    ol_jinja_token nx = ol_jinja_token_next(&lx);
    lx.at = save;
    bool kwarg =
        nx.kind == T_PUNCT && s->src[nx.start] == '=' && !(nx.end < b && s->src[nx.end] == '=');
    if (after_dot || test || kwarg)
      continue;
    ol_jinja_chain c = ol_jinja_chain_read(s->src, t, b);
    use_chain(s, &c, b);
  }
}

/* Each argument of a call whose value is a loop's row: fn(ud, position
 * (-1 for a keyword), keyword token, the row's binding). */
typedef void (*row_arg_fn)(scanner *s, void *ud, int position, ol_jinja_token kw,
                           const binding *row);

static void each_row_arg(scanner *s, uint32_t a, uint32_t b, row_arg_fn fn, void *ud) {
  uint32_t at = a;
  for (int i = 0; at < b; i++) {
    ol_jinja_lexer lx = {s->src, at, b};
    ol_jinja_token first = ol_jinja_token_next(&lx), second = ol_jinja_token_next(&lx);
    uint32_t e = at;
    ol_jinja_lexer sc = {s->src, at, b};
    int depth = 0;
    for (ol_jinja_token t; (t = ol_jinja_token_next(&sc)).kind != T_END; e = t.end) {
      char ch = s->src[t.start];
      if (t.kind == T_PUNCT)
        depth += (ch == '(' || ch == '[' || ch == '{') - (ch == ')' || ch == ']' || ch == '}');
      if (t.kind == T_PUNCT && ch == ',' && !depth)
        break;
    }
    ol_jinja_token value = first, kw = {T_END, 0, 0};
    if (first.kind == T_NAME && second.kind == T_PUNCT && s->src[second.start] == '=') {
      kw = first;
      value = ol_jinja_token_next(&lx);
    } else {
      lx.at = value.end;
    }
    ol_jinja_token after = ol_jinja_token_next(&lx);
    const binding *arg = value.kind == T_NAME ? lookup(s, value) : NULL;
    if (arg && arg->kind == N_ROW && (after.kind == T_END || after.start >= e))
      fn(s, ud, kw.kind == T_END ? i : -1, kw, arg);
    at = e + 1;
  }
}

typedef struct {
  const binding *macro;
  const ol_jinja_chain *c;
  uint32_t start;
} local_call;

static void local_row_arg(scanner *s, void *ud, int position, ol_jinja_token kw,
                          const binding *row) {
  const local_call *lc = ud;
  const jmacro *m = &s->macros.items[lc->macro->macro];
  int param = position;
  for (size_t p = 0; kw.kind != T_END && p < m->params.len; p++)
    if (strlen(m->params.items[p]) == kw.end - kw.start &&
        !memcmp(m->params.items[p], s->src + kw.start, kw.end - kw.start))
      param = (int)p;
  for (size_t r = 0; param >= 0 && r < s->preads.len; r++) {
    const param_read *p = &s->preads.items[r];
    if (p->macro != lc->macro->macro || p->param != param)
      continue;
    ol_attr_read rd = {.loop = row->loop,
                       .span = {lc->start, lc->c->end},
                       .attr = p->attr,
                       .attr2 = p->attr2,
                       .span2 = p->attr2 ? (ol_span){lc->start, lc->c->end} : (ol_span){0, 0}};
    ol_vec_push(&s->out->reads, rd);
  }
}

/* `macro(row, x=...)` in a loop: what the macro reads of the parameter a
 * row goes to is read per row, at the call. */
static void macro_call(scanner *s, const binding *b, const ol_jinja_chain *c, uint32_t start) {
  local_call lc = {.macro = b, .c = c, .start = start};
  each_row_arg(s, c->args_a, c->args_b, local_row_arg, &lc);
}

typedef struct {
  char *callee;
  ol_span span;
} far_call;

static void imported_row_arg(scanner *s, void *ud, int position, ol_jinja_token kw,
                             const binding *row) {
  const far_call *fc = ud;
  ol_macro_call mc = {.callee = fc->callee,
                      .span = fc->span,
                      .loop = row->loop,
                      .arg = position,
                      .kw = kw.kind == T_END ? NULL : copy(s, kw.start, kw.end)};
  ol_vec_push(&s->out->macro_calls, mc);
}

/* `b(row)` / `m.render(row)` of a macro imported from another template:
 * which of its parameters get a row (the rule reads the macro's facts). */
static void imported_call(scanner *s, const ol_jinja_chain *c) {
  uint32_t a = c->args_a, b = c->args_b, end = c->end;
  if (!c->called) { /* m.render(...): the call on the first attribute */
    if (c->n < 1 || !c->call_end[0])
      return;
    ol_jinja_lexer lx = {s->src, c->attrs[0].end, c->call_end[0]};
    a = ol_jinja_token_next(&lx).end;
    b = c->call_end[0] - 1;
    end = c->call_end[0];
  }
  far_call fc = {.callee = copy(s, c->root.start, c->called ? c->root.end : c->attrs[0].end),
                 .span = {c->root.start, end}};
  each_row_arg(s, a, b, imported_row_arg, &fc);
}

/* ---- statements ---------------------------------------------------------------- */

static void push_block(scanner *s, bkind kind, const char *src, ol_jinja_token tag, int loop) {
  block b = {.kind = kind, .loop = loop, .mark = s->names.len};
  size_t n = tag.end - tag.start < sizeof b.tag - 1 ? tag.end - tag.start : sizeof b.tag - 1;
  memcpy(b.tag, src + tag.start, n);
  b.tag[n] = '\0';
  ol_vec_push(&s->blocks, b);
}

/* `endX`: closes the innermost X and whatever was left open inside it. */
static void close_block(scanner *s, const char *name, size_t n, uint32_t end) {
  for (size_t i = s->blocks.len; i-- > 0;) {
    block *b = &s->blocks.items[i];
    if (strlen(b->tag) != n || memcmp(b->tag, name, n))
      continue;
    for (size_t j = s->blocks.len; j-- > i;) {
      block *x = &s->blocks.items[j];
      if (x->kind == B_FOR)
        s->out->loops.items[x->loop].node.end = end;
      if (x->kind == B_MACRO)
        s->in_macro = -1;
      if (x->kind != B_OTHER)
        s->names.len = x->mark;
    }
    s->blocks.len = i;
    return;
  }
}

static void stmt_for(scanner *s, uint32_t tag_a, uint32_t tag_b, uint32_t a, uint32_t b,
                     ol_jinja_token kw) {
  ol_jinja_lexer lx = {s->src, a, b};
  OL_VEC(ol_jinja_token) targets = {0};
  ol_jinja_token t;
  uint32_t target_a = 0, target_b = 0;
  while ((t = ol_jinja_token_next(&lx)).kind != T_END && !ol_jinja_token_is(s->src, t, "in")) {
    if (!target_a)
      target_a = t.start;
    target_b = t.end;
    if (t.kind == T_NAME)
      ol_vec_push(&targets, t);
  }
  uint32_t it_a = lx.at, it_b = b;
  int depth = 0;
  for (ol_jinja_lexer sc = lx;
       (t = ol_jinja_token_next(&sc)).kind != T_END;) { /* `if` filter, `recursive` */
    char ch = s->src[t.start];
    if (t.kind == T_PUNCT)
      depth += (ch == '(' || ch == '[' || ch == '{') - (ch == ')' || ch == ']' || ch == '}');
    if (!depth && t.kind == T_NAME &&
        (ol_jinja_token_is(s->src, t, "if") || ol_jinja_token_is(s->src, t, "recursive"))) {
      it_b = t.start;
      break;
    }
  }
  while (it_a < it_b && isspace((unsigned char)s->src[it_a]))
    it_a++;
  while (it_b > it_a && isspace((unsigned char)s->src[it_b - 1]))
    it_b--;
  scan_expr(s, it_a, it_b); /* the iterable runs in the enclosing loop */
  ol_loop l = {.kind = OL_LOOP_FOR,
               .parent = current_loop(s),
               .rows_parent = -1,
               .rows_param = -1,
               .via_param = -1,
               .header = {tag_a, tag_b},
               .node = {tag_a, tag_b},
               .stmt = {tag_a, tag_b},
               .target = {target_a, target_b},
               .iterable = {it_a, it_b},
               .iterable_finite = true};
  ol_jinja_lexer il = {s->src, it_a, it_b};
  ol_jinja_token root = ol_jinja_token_next(&il);
  bool one_target = targets.len == 1;
  if (one_target && root.kind == T_NAME && !ol_jinja_token_is_keyword(s->src, root)) {
    ol_jinja_chain c = ol_jinja_chain_read(s->src, root, it_b);
    const binding *rb = lookup(s, root);
    if (!rb && !c.called && ol_jinja_chain_keeps_rows(s->src, &c, it_b)) {
      l.context = copy(s, root.start, root.end);
    } else if (rb && rb->kind == N_CONTEXT && !c.called &&
               ol_jinja_chain_keeps_rows(s->src, &c, it_b)) {
      l.context = rb->attr;
    } else if (rb && rb->kind == N_ROW && c.n == 1 && !c.empty_call[0] &&
               ol_jinja_chain_keeps_rows(s->src, &(ol_jinja_chain){.end = c.end}, it_b)) {
      l.has_rows = true, l.rows_parent = rb->loop;
      l.rows_via = copy(s, c.attrs[0].start, c.attrs[0].end);
    } else if (rb && rb->kind == N_ALIAS && c.n == 0 &&
               ol_jinja_chain_keeps_rows(s->src, &c, it_b)) {
      l.has_rows = true, l.rows_parent = rb->loop, l.rows_via = rb->attr;
    }
  }
  int loop = (int)s->out->loops.len;
  ol_vec_push(&s->out->loops, l);
  push_block(s, B_FOR, s->src, kw, loop);
  for (size_t i = 0; i < targets.len; i++)
    bind(s, targets.items[i], one_target ? N_ROW : N_SHADOW, loop, -1, -1, NULL);
  ol_vec_free(&targets);
}

/* `set a = e` / `with a = e, b = f`: a loop variable or a row's
 * relationship under another name; anything else shadows the name. */
static void assign(scanner *s, ol_jinja_token name, uint32_t a, uint32_t b) {
  scan_expr(s, a, b);
  ol_jinja_lexer lx = {s->src, a, b};
  ol_jinja_token root = ol_jinja_token_next(&lx);
  const binding *rb = root.kind == T_NAME ? lookup(s, root) : NULL;
  if (root.kind == T_NAME && !ol_jinja_token_is_keyword(s->src, root) &&
      (!rb || rb->kind == N_CONTEXT)) {
    ol_jinja_chain c = ol_jinja_chain_read(s->src, root, b);
    if (!c.called &&
        ol_jinja_chain_keeps_rows(s->src, &c, b)) { /* another name for the context's rows */
      bind(s, name, N_CONTEXT, -1, -1, -1, rb ? rb->attr : copy(s, root.start, root.end));
      return;
    }
  }
  ol_jinja_chain c = rb ? ol_jinja_chain_read(s->src, root, b) : (ol_jinja_chain){0};
  ol_jinja_lexer rest = {s->src, c.end, b};
  bool whole = rb && ol_jinja_token_next(&rest).kind == T_END && !c.called;
  if (whole && rb->kind == N_ROW && c.n == 0)
    bind(s, name, N_ROW, rb->loop, -1, -1, NULL);
  else if (whole && rb->kind == N_ROW && c.n == 1 && !c.empty_call[0])
    bind(s, name, N_ALIAS, rb->loop, -1, -1, copy(s, c.attrs[0].start, c.attrs[0].end));
  else
    bind(s, name, N_SHADOW, -1, -1, -1, NULL);
}

/* `a = e, b = f` (with, set): each assignment. */
static void assignments(scanner *s, uint32_t a, uint32_t b) {
  ol_jinja_lexer lx = {s->src, a, b};
  for (;;) {
    ol_jinja_token name = ol_jinja_token_next(&lx);
    ol_jinja_token eq = ol_jinja_token_next(&lx);
    if (name.kind != T_NAME || eq.kind != T_PUNCT || s->src[eq.start] != '=')
      return;
    uint32_t va = lx.at, ve = b;
    int depth = 0;
    ol_jinja_lexer sc = lx;
    for (ol_jinja_token t; (t = ol_jinja_token_next(&sc)).kind != T_END;) {
      char ch = s->src[t.start];
      if (t.kind == T_PUNCT)
        depth += (ch == '(' || ch == '[' || ch == '{') - (ch == ')' || ch == ']' || ch == '}');
      if (t.kind == T_PUNCT && ch == ',' && !depth) {
        ve = t.start;
        break;
      }
    }
    assign(s, name, va, ve);
    if (ve >= b)
      return;
    lx.at = ve + 1;
  }
}

static void stmt_macro(scanner *s, ol_jinja_token kw, uint32_t a, uint32_t b) {
  ol_jinja_lexer lx = {s->src, a, b};
  ol_jinja_token name = ol_jinja_token_next(&lx);
  if (name.kind != T_NAME)
    return;
  jmacro m = {.name = copy(s, name.start, name.end)};
  int id = (int)s->macros.len;
  bind(s, name, N_MACRO, -1, id, -1, NULL);
  push_block(s, B_MACRO, s->src, kw, -1);
  s->in_macro = id;
  ol_jinja_token open = ol_jinja_token_next(&lx);
  if (open.kind == T_PUNCT && s->src[open.start] == '(') {
    uint32_t close = ol_jinja_group_end(s->src, open.start, b);
    int depth = 0;
    bool expect_name = true;
    for (ol_jinja_token t; lx.at < close && (t = ol_jinja_token_next(&lx)).kind != T_END;) {
      char ch = s->src[t.start];
      if (t.kind == T_PUNCT)
        depth += (ch == '(' || ch == '[' || ch == '{') - (ch == ')' || ch == ']' || ch == '}');
      if (t.kind == T_PUNCT && ch == ',' && !depth)
        expect_name = true;
      else if (t.kind == T_NAME && expect_name && !depth) {
        bind(s, t, N_PARAM, -1, id, (int)m.params.len, NULL);
        ol_vec_push(&m.params, copy(s, t.start, t.end));
        expect_name = false;
      } else
        expect_name = false;
    }
  }
  ol_vec_push(&s->macros, m);
}

/* `{% include "x.html" %}` / `{% extends "base.html" %}`: the other
 * template runs with this one's context, recorded as a render of it that
 * passes every name (a template's render facts have no arguments). Only
 * outside loops: an include in a loop sees the loop's variables, which are
 * not the context's. */
static void pass_context(scanner *s, uint32_t tag_a, uint32_t tag_b, uint32_t a, uint32_t b) {
  ol_jinja_lexer lx = {s->src, a, b};
  ol_jinja_token t = ol_jinja_token_next(&lx);
  if (t.kind != T_STRING || t.end - t.start < 3 || s->in_macro >= 0)
    return;
  if (current_loop(s) >= 0) { /* the loop's rows go along, by the names they have here */
    char *template = copy(s, t.start + 1, t.end - 1);
    for (size_t i = s->names.len; i-- > 0;) {
      const binding *nb = &s->names.items[i];
      ol_jinja_token name = {T_NAME, nb->start, nb->start + nb->len};
      if (nb->kind != N_ROW || lookup(s, name) != nb)
        continue; /* not a row, or shadowed by a later binding */
      ol_macro_call mc = {.callee = template,
                          .include = true,
                          .span = {tag_a, tag_b},
                          .loop = nb->loop,
                          .arg = -1,
                          .kw = copy(s, nb->start, nb->start + nb->len)};
      ol_vec_push(&s->out->macro_calls, mc);
    }
    return;
  }
  ol_render_fact r = {.template = copy(s, t.start + 1, t.end - 1),
                      .call = {tag_a, tag_b},
                      .func = -1,
                      .first_arg = (uint32_t)s->out->render_args.len};
  ol_vec_push(&s->out->renders, r);
}

/* `{% import "m.html" as m %}` / `{% from "m.html" import a, b as c %}`:
 * names of another template's macros (they see no context). */
static void stmt_import(scanner *s, bool from, uint32_t a, uint32_t b) {
  ol_jinja_lexer lx = {s->src, a, b};
  ol_jinja_token file = ol_jinja_token_next(&lx), kw = ol_jinja_token_next(&lx);
  if (file.kind != T_STRING || file.end - file.start < 3 || kw.kind != T_NAME)
    return;
  char *template = copy(s, file.start + 1, file.end - 1);
  if (!from) { /* import "m.html" as m */
    ol_jinja_token local = ol_jinja_token_next(&lx);
    if (!ol_jinja_token_is(s->src, kw, "as") || local.kind != T_NAME)
      return;
    ol_template_import imp = {.local = copy(s, local.start, local.end), .template = template};
    ol_vec_push(&s->out->template_imports, imp);
    bind(s, local, N_IMPORT, -1, -1, -1, NULL);
    return;
  }
  if (!ol_jinja_token_is(s->src, kw, "import"))
    return;
  for (ol_jinja_token t = ol_jinja_token_next(&lx); t.kind == T_NAME;) {
    if (ol_jinja_token_is(s->src, t, "with") || ol_jinja_token_is(s->src, t, "without"))
      break; /* with context */
    ol_jinja_token local = t, next = ol_jinja_token_next(&lx);
    if (next.kind == T_NAME && ol_jinja_token_is(s->src, next, "as")) {
      local = ol_jinja_token_next(&lx);
      next = ol_jinja_token_next(&lx);
    }
    if (local.kind != T_NAME)
      break;
    ol_template_import imp = {.local = copy(s, local.start, local.end),
                              .template = template,
                              .name = copy(s, t.start, t.end)};
    ol_vec_push(&s->out->template_imports, imp);
    bind(s, local, N_IMPORT, -1, -1, -1, NULL);
    if (next.kind != T_PUNCT || s->src[next.start] != ',')
      break;
    t = ol_jinja_token_next(&lx);
  }
}

static void statement(scanner *s, uint32_t tag_a, uint32_t tag_b, uint32_t a, uint32_t b) {
  ol_jinja_lexer lx = {s->src, a, b};
  ol_jinja_token kw = ol_jinja_token_next(&lx);
  if (kw.kind != T_NAME)
    return;
  const char *k = s->src + kw.start;
  size_t n = kw.end - kw.start;
#define IS(word) ol_jinja_token_is(s->src, kw, word)
  if (IS("for")) {
    stmt_for(s, tag_a, tag_b, lx.at, b, kw);
  } else if (n > 3 && !memcmp(k, "end", 3)) {
    close_block(s, k + 3, n - 3, tag_b);
  } else if (IS("else")) {
    if (s->blocks.len && s->blocks.items[s->blocks.len - 1].kind == B_FOR) {
      block *f = &s->blocks.items[s->blocks.len - 1];
      f->in_else = true;
      s->names.len = f->mark; /* the loop variable is gone */
    }
  } else if (IS("macro")) {
    stmt_macro(s, kw, lx.at, b);
  } else if (IS("with")) {
    push_block(s, B_SCOPE, s->src, kw, -1);
    assignments(s, lx.at, b);
  } else if (IS("set")) {
    uint32_t save = lx.at;
    ol_jinja_token name = ol_jinja_token_next(&lx), eq = ol_jinja_token_next(&lx);
    if (name.kind == T_NAME && eq.kind == T_PUNCT && s->src[eq.start] == '=')
      assign(s, name, lx.at, b);
    else if (name.kind == T_NAME && eq.kind == T_END) { /* {% set x %}...{% endset %} */
      bind(s, name, N_SHADOW, -1, -1, -1, NULL);
      push_block(s, B_OTHER, s->src, kw, -1);
    } else
      scan_expr(s, save, b);
  } else if (IS("call")) {
    push_block(s, B_SCOPE, s->src, kw, -1);
    scan_expr(s, lx.at, b);
  } else if (IS("if") || IS("block") || IS("filter") || IS("autoescape") || IS("trans")) {
    push_block(s, B_OTHER, s->src, kw, -1);
    scan_expr(s, lx.at, b);
  } else if (IS("include") || IS("extends")) {
    pass_context(s, tag_a, tag_b, lx.at, b);
  } else if (IS("import") || IS("from")) {
    stmt_import(s, IS("from"), lx.at, b);
  } else {
    scan_expr(s, lx.at, b); /* elif, print, do ... */
  }
#undef IS
}

static int by_start(const void *a, const void *b) {
  const ol_attr_read *x = a, *y = b;
  if (x->span.start != y->span.start)
    return x->span.start < y->span.start ? -1 : 1;
  int c = strcmp(x->attr, y->attr);
  return c ? c : strcmp(x->attr2 ? x->attr2 : "", y->attr2 ? y->attr2 : "");
}

void ol_jinja_facts(const char *src, uint32_t len, ol_file_facts *out) {
  scanner s = {.src = src, .len = len, .out = out, .in_macro = -1};
  out->template = true;
  for (uint32_t i = 0; i + 1 < len; i++) {
    if (src[i] != '{' || (src[i + 1] != '{' && src[i + 1] != '%' && src[i + 1] != '#'))
      continue;
    char kind = src[i + 1];
    uint32_t end;
    if (kind == '#') {
      const char *e = memmem(src + i + 2, len - i - 2, "#}", 2);
      end = e ? (uint32_t)(e - src) + 2 : 0;
    } else {
      end = ol_jinja_tag_close(src, len, i, kind == '{' ? '}' : '%');
    }
    if (!end) { /* never closed: the rest is not read */
      out->parse_errors++;
      out->first_error_byte = i;
      break;
    }
    uint32_t a = i + 2, b = end - 2;
    if (a < b && (src[a] == '-' || src[a] == '+'))
      a++;
    if (b > a && (src[b - 1] == '-' || src[b - 1] == '+'))
      b--;
    if (kind == '{')
      scan_expr(&s, a, b);
    else if (kind == '%') {
      ol_jinja_lexer lx = {src, a, b};
      ol_jinja_token kw = ol_jinja_token_next(&lx);
      if (ol_jinja_token_is(src, kw, "raw")) {
        end = ol_jinja_skip_raw(src, len, end);
      } else {
        statement(&s, i, end, a, b);
      }
    }
    i = end - 1;
  }
  for (size_t i = 0; i < s.macros.len; i++)
    ol_vec_free(&s.macros.items[i].params);
  ol_vec_free(&s.macros);
  ol_vec_free(&s.names);
  ol_vec_free(&s.blocks);
  ol_vec_free(&s.preads);
  ol_free(s.seen);
  if (out->reads.len > 1)
    qsort(out->reads.items, out->reads.len, sizeof *out->reads.items, by_start);
}
