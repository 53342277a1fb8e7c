/* The Jinja scanner. Jinja's own lexer is regular expressions over the
 * delimiters; so is this one, written out: `{{ }}`, `{% %}` and `{# #}`
 * (with `-`/`+` whitespace control, quoted strings inside, raw blocks
 * skipped whole), then a small tokenizer over each tag's expression that
 * finds the attribute chains rooted at a name (`p.author.username`,
 * `p.comments.count()`, `post.tags[:3]`). Names are resolved through a
 * scope stack: for-loop variables (their loop's rows), `set`/`with`
 * aliases, macro parameters and macros; a name bound nowhere is the
 * render context's. One pass, no recursion, no allocation per token. */
#include "jinja.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

bool ol_jinja_has_template_ext(const char *name) {
  static const char *const EXT[] = {".html", ".htm", ".jinja", ".jinja2", ".j2", NULL};
  size_t n = strlen(name);
  for (const char *const *e = EXT; *e; e++) {
    size_t k = strlen(*e);
    if (n > k && !strcmp(name + n - k, *e))
      return true;
  }
  return false;
}

bool ol_jinja_is_template(const char *path, char *const *dirs, size_t n_dirs) {
  if (!ol_jinja_has_template_ext(path))
    return false;
  for (const char *p = path; (p = strstr(p, "templates/")); p++)
    if (p == path || p[-1] == '/' || p[-1] == '_' || p[-1] == '-')
      return true; /* templates/, and journalist_templates/ ... (template_folder=) */
  for (size_t i = 0; i < n_dirs; i++) {
    size_t k = strlen(dirs[i]);
    while (k && dirs[i][k - 1] == '/')
      k--;
    if (k && !strncmp(path, dirs[i], k) && path[k] == '/')
      return true;
  }
  return false;
}

/* ---- tokens ---------------------------------------------------------------- */

typedef enum { T_END, T_NAME, T_STRING, T_NUMBER, T_PUNCT } tkind;

typedef struct {
  tkind kind;
  uint32_t start, end;
} token;

typedef struct {
  const char *src;
  uint32_t at, end;
} lexer;

static token next_token(lexer *lx) {
  const char *s = lx->src;
  while (lx->at < lx->end && isspace((unsigned char)s[lx->at]))
    lx->at++;
  token t = {T_END, lx->at, lx->at};
  if (lx->at >= lx->end)
    return t;
  char c = s[lx->at];
  if (isalpha((unsigned char)c) || c == '_') {
    while (lx->at < lx->end && (isalnum((unsigned char)s[lx->at]) || s[lx->at] == '_'))
      lx->at++;
    t.kind = T_NAME;
  } else if (isdigit((unsigned char)c)) {
    while (lx->at < lx->end && (isalnum((unsigned char)s[lx->at]) || s[lx->at] == '.'))
      lx->at++;
    t.kind = T_NUMBER;
  } else if (c == '"' || c == '\'') {
    lx->at++;
    while (lx->at < lx->end && s[lx->at] != c)
      lx->at += s[lx->at] == '\\' ? 2 : 1;
    lx->at = lx->at < lx->end ? lx->at + 1 : lx->end;
    t.kind = T_STRING;
  } else {
    lx->at++;
    t.kind = T_PUNCT;
  }
  t.end = lx->at;
  return t;
}

static bool tok_is(const char *src, token t, const char *s) {
  size_t n = strlen(s);
  return t.end - t.start == n && !memcmp(src + t.start, s, n);
}

static bool is_keyword(const char *src, token t) {
  static const char *const KW[] = {"and",  "or",    "not",  "in",   "is",    "if",   "else",
                                   "true", "false", "none", "True", "False", "None", NULL};
  for (const char *const *k = KW; *k; k++)
    if (tok_is(src, t, *k))
      return true;
  return false;
}

/* ---- names ----------------------------------------------------------------- */

typedef enum {
  N_ROW,     /* a loop variable: one row of loop `loop` */
  N_ALIAS,   /* `set a = row.rel`: relationship `attr` of loop `loop`'s row */
  N_PARAM,   /* parameter `param` of macro `macro` */
  N_MACRO,   /* a macro of this file */
  N_CONTEXT, /* `set xs = posts` / `posts.items`: the rows of context name `attr` */
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
  int in_macro; /* the macro whose body is being read, -1 */
} scanner;

static char *copy(scanner *s, uint32_t start, uint32_t end) {
  return ol_arena_strndup(&s->out->arena, s->src + start, end - start);
}

static const binding *lookup(const scanner *s, token t) {
  for (size_t i = s->names.len; i-- > 0;) {
    const binding *b = &s->names.items[i];
    if (b->len == t.end - t.start && !memcmp(s->src + b->start, s->src + t.start, b->len))
      return b;
  }
  return NULL;
}

static void bind(scanner *s, token t, nkind kind, int loop, int macro, int param, char *attr) {
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

#define MAX_ATTRS 3

/* `root.a.b(...)`: the root, up to MAX_ATTRS attribute names, and whether
 * each is called with no arguments right after it. */
typedef struct {
  token root;
  token attrs[MAX_ATTRS];
  bool empty_call[MAX_ATTRS];
  uint32_t call_end[MAX_ATTRS]; /* attrs[i](...) ends there, 0 when not called */
  size_t n;
  bool called;     /* root(...) */
  uint32_t end;    /* of the chain as read */
  uint32_t args_a; /* root(...): inside the parentheses */
  uint32_t args_b;
} chain;

/* The end of a bracketed group opened at src[at] ('(' or '['), or end. */
static uint32_t group_end(const char *src, uint32_t at, uint32_t end) {
  int depth = 0;
  lexer lx = {src, at, end};
  for (token t; (t = next_token(&lx)).kind != T_END;) {
    if (t.kind != T_PUNCT)
      continue;
    char c = src[t.start];
    depth += (c == '(' || c == '[' || c == '{') - (c == ')' || c == ']' || c == '}');
    if (!depth)
      return t.end;
  }
  return end;
}

static chain read_chain(const char *src, token root, uint32_t end) {
  chain c = {.root = root, .end = root.end};
  lexer lx = {src, root.end, end};
  for (;;) {
    uint32_t save = lx.at;
    token t = next_token(&lx);
    if (t.kind == T_PUNCT && src[t.start] == '.') {
      token a = next_token(&lx);
      if (a.kind != T_NAME || c.n == MAX_ATTRS)
        break;
      c.attrs[c.n++] = a;
      c.end = a.end;
      continue;
    }
    if (t.kind == T_PUNCT && src[t.start] == '(') {
      uint32_t close = group_end(src, t.start, end);
      if (!c.n) {
        c.called = true;
        c.args_a = t.end, c.args_b = close > t.end ? close - 1 : t.end;
      } else {
        lexer in = {src, t.end, end};
        c.empty_call[c.n - 1] = next_token(&in).start + 1 == close && src[close - 1] == ')';
        if (!c.call_end[c.n - 1])
          c.call_end[c.n - 1] = close;
      }
      lx.at = close;
      c.end = close;
      continue;
    }
    lx.at = save;
    break;
  }
  return c;
}

static void push_read(scanner *s, int loop, uint32_t start, const char *attr, const chain *c,
                      size_t second) {
  ol_attr_read r = {.loop = loop, .span = {start, c->attrs[second ? second - 1 : 0].end}};
  r.attr = (char *)attr;
  if (second < c->n) {
    token a2 = c->attrs[second];
    r.attr2 = copy(s, a2.start, a2.end);
    r.span2 = (ol_span){start, a2.end};
    if (c->empty_call[second]) {
      lexer lx = {s->src, a2.end, c->end};
      r.call2 = (ol_span){start, group_end(s->src, next_token(&lx).start, c->end)};
    }
  }
  ol_vec_push(&s->out->reads, r);
}

static void macro_call(scanner *s, const binding *b, const chain *c, uint32_t start);

/* The filter after `at` (`|name`), its name's end in *end; false when none. */
static bool filter_after(const scanner *s, uint32_t at, uint32_t b, const char *name,
                         uint32_t *end) {
  lexer lx = {s->src, at, b};
  token bar = next_token(&lx), f = next_token(&lx);
  if (bar.kind != T_PUNCT || s->src[bar.start] != '|' || !tok_is(s->src, f, name))
    return false;
  *end = f.end;
  return true;
}

/* Outside loops, `q.all()|length` or `q|list|length` of a context name:
 * every row loaded to be counted (ORM005 decides whether the view passed a
 * query). */
static void count_of_rows(scanner *s, const chain *c, uint32_t b) {
  if (current_loop(s) >= 0 || s->in_macro >= 0)
    return;
  uint32_t end = 0, mid;
  ol_len_kind kind;
  if (c->n == 1 && tok_is(s->src, c->attrs[0], "all") && c->empty_call[0] &&
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
static void use_chain(scanner *s, const chain *c, uint32_t end) {
  const binding *b = lookup(s, c->root);
  if (!b) {
    count_of_rows(s, c, end);
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
    ol_vec_push(&s->preads, p);
  } else if (b->kind == N_MACRO && c->called) {
    macro_call(s, b, c, c->root.start);
  }
}

/* Every chain of an expression. */
static void scan_expr(scanner *s, uint32_t a, uint32_t b) {
  lexer lx = {s->src, a, b};
  token prev = {T_END, 0, 0};
  for (token t; (t = next_token(&lx)).kind != T_END; prev = t) {
    if (t.kind != T_NAME || is_keyword(s->src, t))
      continue;
    bool after_dot =
        prev.kind == T_PUNCT && (s->src[prev.start] == '.' || s->src[prev.start] == '|');
    bool test = prev.kind == T_NAME && (tok_is(s->src, prev, "is") || tok_is(s->src, prev, "not"));
    uint32_t save = lx.at;
    token nx = next_token(&lx);
    lx.at = save;
    bool kwarg =
        nx.kind == T_PUNCT && s->src[nx.start] == '=' && !(nx.end < b && s->src[nx.end] == '=');
    if (after_dot || test || kwarg)
      continue;
    chain c = read_chain(s->src, t, b);
    use_chain(s, &c, b);
  }
}

/* `macro(row, x=...)` in a loop: what the macro reads of the parameter a
 * row goes to is read per row, at the call. */
static void macro_call(scanner *s, const binding *b, const chain *c, uint32_t start) {
  const jmacro *m = &s->macros.items[b->macro];
  uint32_t at = c->args_a;
  for (size_t i = 0; at < c->args_b; i++) {
    lexer lx = {s->src, at, c->args_b};
    token first = next_token(&lx), second = next_token(&lx);
    uint32_t e = at;
    lexer sc = {s->src, at, c->args_b};
    int depth = 0;
    for (token t; (t = next_token(&sc)).kind != T_END; e = t.end) {
      char ch = s->src[t.start];
      if (t.kind == T_PUNCT)
        depth += (ch == '(' || ch == '[' || ch == '{') - (ch == ')' || ch == ']' || ch == '}');
      if (t.kind == T_PUNCT && ch == ',' && !depth)
        break;
    }
    int param = (int)i;
    token value = first;
    if (first.kind == T_NAME && second.kind == T_PUNCT && s->src[second.start] == '=') {
      param = -1;
      for (size_t p = 0; p < m->params.len; p++)
        if (strlen(m->params.items[p]) == first.end - first.start &&
            !memcmp(m->params.items[p], s->src + first.start, first.end - first.start))
          param = (int)p;
      value = next_token(&lx);
    }
    token after = next_token(&lx);
    const binding *arg = value.kind == T_NAME ? lookup(s, value) : NULL;
    bool bare = after.kind == T_END || after.start >= e;
    if (arg && arg->kind == N_ROW && bare && param >= 0) {
      for (size_t r = 0; r < s->preads.len; r++) {
        const param_read *p = &s->preads.items[r];
        if (p->macro != b->macro || p->param != param)
          continue;
        ol_attr_read rd = {.loop = arg->loop,
                           .span = {start, c->end},
                           .attr = p->attr,
                           .attr2 = p->attr2,
                           .span2 = p->attr2 ? (ol_span){start, c->end} : (ol_span){0, 0}};
        ol_vec_push(&s->out->reads, rd);
      }
    }
    at = e + 1;
  }
}

/* ---- statements ---------------------------------------------------------------- */

static void push_block(scanner *s, bkind kind, const char *src, token tag, int loop) {
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

/* Whether the iterable's chain, read from root, yields the rows of root:
 * nothing more, `.items` (a pagination), `.all()`, a slice, and filters
 * that keep rows. */
static bool keeps_rows(const char *src, const chain *c, uint32_t b) {
  for (size_t i = 0; i < c->n; i++)
    if (!(tok_is(src, c->attrs[i], "items") ||
          (tok_is(src, c->attrs[i], "all") && c->empty_call[i])))
      return false;
  static const char *const KEEP[] = {"sort",       "reverse", "list",   "unique", "selectattr",
                                     "rejectattr", "select",  "reject", NULL};
  lexer lx = {src, c->end, b};
  for (token t; (t = next_token(&lx)).kind != T_END;) {
    char ch = src[t.start];
    if (t.kind == T_PUNCT && ch == '[') { /* a slice */
      lx.at = group_end(src, t.start, b);
      continue;
    }
    if (t.kind != T_PUNCT || ch != '|')
      return false;
    token f = next_token(&lx);
    bool keep = false;
    for (const char *const *k = KEEP; *k && !keep; k++)
      keep = tok_is(src, f, *k);
    if (!keep)
      return false;
    uint32_t save = lx.at;
    token p = next_token(&lx);
    if (p.kind == T_PUNCT && src[p.start] == '(')
      lx.at = group_end(src, p.start, b);
    else
      lx.at = save;
  }
  return true;
}

static void stmt_for(scanner *s, uint32_t tag_a, uint32_t tag_b, uint32_t a, uint32_t b, token kw) {
  lexer lx = {s->src, a, b};
  OL_VEC(token) targets = {0};
  token t;
  uint32_t target_a = 0, target_b = 0;
  while ((t = next_token(&lx)).kind != T_END && !tok_is(s->src, t, "in")) {
    if (!target_a)
      target_a = t.start;
    target_b = t.end;
    if (t.kind == T_NAME)
      ol_vec_push(&targets, t);
  }
  uint32_t it_a = lx.at, it_b = b;
  int depth = 0;
  for (lexer sc = lx; (t = next_token(&sc)).kind != T_END;) { /* `if` filter, `recursive` */
    char ch = s->src[t.start];
    if (t.kind == T_PUNCT)
      depth += (ch == '(' || ch == '[' || ch == '{') - (ch == ')' || ch == ']' || ch == '}');
    if (!depth && t.kind == T_NAME && (tok_is(s->src, t, "if") || tok_is(s->src, t, "recursive"))) {
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
               .header = {tag_a, tag_b},
               .node = {tag_a, tag_b},
               .stmt = {tag_a, tag_b},
               .target = {target_a, target_b},
               .iterable = {it_a, it_b},
               .iterable_finite = true};
  lexer il = {s->src, it_a, it_b};
  token root = next_token(&il);
  bool one_target = targets.len == 1;
  if (one_target && root.kind == T_NAME && !is_keyword(s->src, root)) {
    chain c = read_chain(s->src, root, it_b);
    const binding *rb = lookup(s, root);
    if (!rb && !c.called && keeps_rows(s->src, &c, it_b)) {
      l.context = copy(s, root.start, root.end);
    } else if (rb && rb->kind == N_CONTEXT && !c.called && keeps_rows(s->src, &c, it_b)) {
      l.context = rb->attr;
    } else if (rb && rb->kind == N_ROW && c.n == 1 && !c.empty_call[0] &&
               keeps_rows(s->src, &(chain){.end = c.end}, it_b)) {
      l.has_rows = true, l.rows_parent = rb->loop;
      l.rows_via = copy(s, c.attrs[0].start, c.attrs[0].end);
    } else if (rb && rb->kind == N_ALIAS && c.n == 0 && keeps_rows(s->src, &c, it_b)) {
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
static void assign(scanner *s, token name, uint32_t a, uint32_t b) {
  scan_expr(s, a, b);
  lexer lx = {s->src, a, b};
  token root = next_token(&lx);
  const binding *rb = root.kind == T_NAME ? lookup(s, root) : NULL;
  if (root.kind == T_NAME && !is_keyword(s->src, root) && (!rb || rb->kind == N_CONTEXT)) {
    chain c = read_chain(s->src, root, b);
    if (!c.called && keeps_rows(s->src, &c, b)) { /* another name for the context's rows */
      bind(s, name, N_CONTEXT, -1, -1, -1, rb ? rb->attr : copy(s, root.start, root.end));
      return;
    }
  }
  chain c = rb ? read_chain(s->src, root, b) : (chain){0};
  lexer rest = {s->src, c.end, b};
  bool whole = rb && next_token(&rest).kind == T_END && !c.called;
  if (whole && rb->kind == N_ROW && c.n == 0)
    bind(s, name, N_ROW, rb->loop, -1, -1, NULL);
  else if (whole && rb->kind == N_ROW && c.n == 1 && !c.empty_call[0])
    bind(s, name, N_ALIAS, rb->loop, -1, -1, copy(s, c.attrs[0].start, c.attrs[0].end));
  else
    bind(s, name, N_SHADOW, -1, -1, -1, NULL);
}

/* `a = e, b = f` (with, set): each assignment. */
static void assignments(scanner *s, uint32_t a, uint32_t b) {
  lexer lx = {s->src, a, b};
  for (;;) {
    token name = next_token(&lx);
    token eq = next_token(&lx);
    if (name.kind != T_NAME || eq.kind != T_PUNCT || s->src[eq.start] != '=')
      return;
    uint32_t va = lx.at, ve = b;
    int depth = 0;
    lexer sc = lx;
    for (token t; (t = next_token(&sc)).kind != T_END;) {
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

static void stmt_macro(scanner *s, token kw, uint32_t a, uint32_t b) {
  lexer lx = {s->src, a, b};
  token name = next_token(&lx);
  if (name.kind != T_NAME)
    return;
  jmacro m = {.name = copy(s, name.start, name.end)};
  int id = (int)s->macros.len;
  bind(s, name, N_MACRO, -1, id, -1, NULL);
  push_block(s, B_MACRO, s->src, kw, -1);
  s->in_macro = id;
  token open = next_token(&lx);
  if (open.kind == T_PUNCT && s->src[open.start] == '(') {
    uint32_t close = group_end(s->src, open.start, b);
    int depth = 0;
    bool expect_name = true;
    for (token t; lx.at < close && (t = next_token(&lx)).kind != T_END;) {
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
  lexer lx = {s->src, a, b};
  token t = next_token(&lx);
  if (t.kind != T_STRING || t.end - t.start < 3 || current_loop(s) >= 0 || s->in_macro >= 0)
    return;
  ol_render_fact r = {.template = copy(s, t.start + 1, t.end - 1),
                      .call = {tag_a, tag_b},
                      .func = -1,
                      .first_arg = (uint32_t)s->out->render_args.len};
  ol_vec_push(&s->out->renders, r);
}

static void statement(scanner *s, uint32_t tag_a, uint32_t tag_b, uint32_t a, uint32_t b) {
  lexer lx = {s->src, a, b};
  token kw = next_token(&lx);
  if (kw.kind != T_NAME)
    return;
  const char *k = s->src + kw.start;
  size_t n = kw.end - kw.start;
#define IS(word) tok_is(s->src, kw, word)
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
    token name = next_token(&lx), eq = next_token(&lx);
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
    /* macros of other templates: they see no context */
  } else {
    scan_expr(s, lx.at, b); /* elif, print, do ... */
  }
#undef IS
}

/* ---- delimiters ---------------------------------------------------------------- */

/* The end of a tag opened at `open` with closer c ('}' or '%'), strings
 * skipped; the byte after the closing pair, 0 when it never closes. */
static uint32_t tag_close(const char *src, uint32_t len, uint32_t open, char c) {
  for (uint32_t i = open + 2; i + 1 < len; i++) {
    char ch = src[i];
    if (ch == '"' || ch == '\'') {
      for (i++; i < len && src[i] != ch; i++)
        if (src[i] == '\\')
          i++;
      continue;
    }
    if (ch == c && src[i + 1] == '}')
      return i + 2;
  }
  return 0;
}

/* After `{% raw %}`: the byte after its `{% endraw %}`, len when none. */
static uint32_t skip_raw(const char *src, uint32_t len, uint32_t at) {
  for (const char *p = src + at; (p = memmem(p, len - (uint32_t)(p - src), "{%", 2)); p += 2) {
    const char *q = p + 2;
    while (q < src + len && (*q == '-' || *q == '+' || isspace((unsigned char)*q)))
      q++;
    if ((size_t)(src + len - q) >= 6 && !memcmp(q, "endraw", 6)) {
      uint32_t e = tag_close(src, len, (uint32_t)(p - src), '%');
      return e ? e : len;
    }
  }
  return len;
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
      end = tag_close(src, len, i, kind == '{' ? '}' : '%');
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
      lexer lx = {src, a, b};
      token kw = next_token(&lx);
      if (tok_is(src, kw, "raw")) {
        end = skip_raw(src, len, end);
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
  if (out->reads.len > 1)
    qsort(out->reads.items, out->reads.len, sizeof *out->reads.items, by_start);
}
