/* The prefilter's import graph (prefilter.h): import lines found by a byte
 * scan of a file, never a parse, and the project modules they name. */
#include <string.h>

#include "hash.h"
#include "prefilter.h"

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\f'; }

static bool is_word(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c >= 0x80;
}

typedef struct {
  const char *p, *end;
} scan;

/* Blanks, and line continuations: a backslash at the end of a line, or any
 * newline inside the parentheses of `from m import (a, b)`. */
static void skip_blank(scan *s, bool in_parens) {
  for (;;) {
    while (s->p < s->end && is_space(*s->p))
      s->p++;
    if (s->p + 1 < s->end && s->p[0] == '\\' && (s->p[1] == '\n' || s->p[1] == '\r'))
      s->p += 2;
    else if (in_parens && s->p < s->end && (*s->p == '\n' || *s->p == '\r'))
      s->p++;
    else if (in_parens && s->p < s->end && *s->p == '#')
      while (s->p < s->end && *s->p != '\n')
        s->p++;
    else
      return;
  }
}

static bool keyword(scan *s, const char *kw) {
  size_t n = strlen(kw);
  if ((size_t)(s->end - s->p) < n || memcmp(s->p, kw, n) != 0 ||
      (s->p + n < s->end && is_word((unsigned char)s->p[n])))
    return false;
  s->p += n;
  return true;
}

/* A dotted name (`a.b.c`, blanks around the dots allowed); its length, 0 if none. */
static size_t dotted(scan *s, char *out, size_t cap) {
  size_t n = 0;
  for (;;) {
    const char *w = s->p;
    while (s->p < s->end && is_word((unsigned char)*s->p))
      s->p++;
    size_t wn = (size_t)(s->p - w);
    if (!wn || (*w >= '0' && *w <= '9'))
      return 0;
    if (n + wn + 1 >= cap)
      return 0;
    memcpy(out + n, w, wn);
    n += wn;
    out[n] = '\0';
    const char *save = s->p;
    skip_blank(s, false);
    if (s->p < s->end && *s->p == '.') {
      s->p++;
      skip_blank(s, false);
      out[n++] = '.';
      continue;
    }
    s->p = save;
    return n;
  }
}

static void add_ref(ol_import_refs *out, const char *name, size_t n, uint32_t level) {
  ol_import_ref r = {.name = ol_strndup(name, n), .level = level};
  ol_vec_push(out, r);
}

/* `import a.b.c [as x], d`: a, a.b and a.b.c (a package's __init__ runs too). */
static void import_names(scan *s, ol_import_refs *out) {
  char name[512];
  for (;;) {
    skip_blank(s, false);
    size_t n = dotted(s, name, sizeof name);
    if (!n)
      return;
    for (size_t i = 0; i <= n; i++)
      if (i == n || name[i] == '.')
        add_ref(out, name, i, 0);
    skip_blank(s, false);
    if (keyword(s, "as")) {
      skip_blank(s, false);
      dotted(s, name, sizeof name);
      skip_blank(s, false);
    }
    if (s->p >= s->end || *s->p != ',')
      return;
    s->p++;
  }
}

/* `from <dots>m import a [as x], (b, c)` or `*`: m, and m.a, m.b ... (a name
 * imported may be a submodule). */
static void from_names(scan *s, ol_import_refs *out) {
  char module[512], name[512];
  skip_blank(s, false);
  uint32_t level = 0;
  while (s->p < s->end && *s->p == '.') {
    level++;
    s->p++;
    skip_blank(s, false);
  }
  size_t mn = dotted(s, module, sizeof module);
  if (!mn && !level)
    return;
  module[mn] = '\0';
  skip_blank(s, false);
  if (!keyword(s, "import"))
    return;
  if (mn)
    add_ref(out, module, mn, level);
  skip_blank(s, false);
  bool parens = s->p < s->end && *s->p == '(';
  if (parens)
    s->p++;
  for (;;) {
    skip_blank(s, parens);
    size_t n = dotted(s, name, sizeof name);
    if (!n || memchr(name, '.', n))
      return;
    if (mn + n + 2 < sizeof module) {
      char full[1024];
      size_t fn = 0;
      if (mn) {
        memcpy(full, module, mn);
        full[mn] = '.';
        fn = mn + 1;
      }
      memcpy(full + fn, name, n);
      add_ref(out, full, fn + n, level);
    }
    skip_blank(s, parens);
    if (keyword(s, "as")) {
      skip_blank(s, parens);
      dotted(s, name, sizeof name);
      skip_blank(s, parens);
    }
    if (s->p >= s->end || *s->p != ',')
      return;
    s->p++;
  }
}

void ol_prefilter_imports(const char *bytes, size_t len, ol_import_refs *out) {
  scan s = {.p = bytes, .end = bytes + len};
  while (s.p < s.end) {
    /* a statement starts a line (after its indentation) or follows a `;` */
    skip_blank(&s, false);
    if (keyword(&s, "import"))
      import_names(&s, out);
    else if (keyword(&s, "from"))
      from_names(&s, out);
    const char *nl = memchr(s.p, '\n', (size_t)(s.end - s.p));
    const char *semi = memchr(s.p, ';', (size_t)((nl ? nl : s.end) - s.p));
    s.p = semi ? semi + 1 : nl ? nl + 1 : s.end;
  }
}

void ol_import_refs_free(ol_import_refs *r) {
  for (size_t i = 0; i < r->len; i++)
    ol_free(r->items[i].name);
  ol_vec_free(r);
}

/* ---- the project's modules ------------------------------------------------ */

char *ol_index_module_of(const char *path, bool *package);

void ol_modgraph_build(ol_modgraph *g, const char *const *rels, size_t n) {
  memset(g, 0, sizeof *g);
  g->n = n;
  g->modules = ol_calloc(n ? n : 1, sizeof(char *));
  g->package = ol_calloc(n ? n : 1, sizeof(bool));
  size_t keys = 0;
  for (size_t f = 0; f < n; f++) {
    g->modules[f] = ol_index_module_of(rels[f], &g->package[f]);
    keys++;
    for (const char *c = g->modules[f]; *c; c++)
      keys += *c == '.';
  }
  g->n_slots = 16;
  while (g->n_slots < keys * 2)
    g->n_slots *= 2;
  g->slots = ol_malloc(g->n_slots * sizeof(int32_t));
  memset(g->slots, 0xff, g->n_slots * sizeof(int32_t));
  ol_vec_reserve_exact(&g->entries, keys);
  size_t n_packages;
  char **packages = ol_module_packages(g->modules, g->package, n, &n_packages);
  for (size_t f = 0; f < n; f++)
    for (const char *key = g->modules[f]; key;) {
      if (*key) {
        size_t slot = ol_fnv(OL_FNV_OFFSET, key, strlen(key)) & (g->n_slots - 1);
        ol_modgraph_entry e = {.key = key,
                               .file = (uint32_t)f,
                               .under = ol_module_key_under(packages, n_packages, g->modules[f],
                                                            (size_t)(key - g->modules[f])),
                               .next = g->slots[slot]};
        g->slots[slot] = (int32_t)g->entries.len;
        ol_vec_push(&g->entries, e);
      }
      key = strchr(key, '.');
      if (key)
        key++;
    }
  ol_free(packages);
}

void ol_modgraph_free(ol_modgraph *g) {
  for (size_t f = 0; f < g->n; f++)
    ol_free(g->modules[f]);
  ol_free(g->modules);
  ol_free(g->package);
  ol_free(g->slots);
  ol_vec_free(&g->entries);
  memset(g, 0, sizeof *g);
}

/* The absolute name of a reference from file `from` (relative imports
 * resolved against its package), into buf; false when it does not fit. */
static bool absolute(const ol_modgraph *g, uint32_t from, const ol_import_ref *r, char *buf,
                     size_t cap) {
  if (!r->level) {
    if (strlen(r->name) >= cap)
      return false;
    strcpy(buf, r->name);
    return true;
  }
  const char *m = g->modules[from];
  size_t base = strlen(m);
  for (uint32_t drop = g->package[from] ? r->level - 1 : r->level; drop > 0; drop--) {
    while (base > 0 && m[base - 1] != '.')
      base--;
    if (base > 0)
      base--; /* the dot */
  }
  size_t nn = strlen(r->name);
  if (base + nn + 2 > cap)
    return false;
  memcpy(buf, m, base);
  size_t n = base;
  if (base && nn)
    buf[n++] = '.';
  memcpy(buf + n, r->name, nn + 1);
  return n + nn > 0;
}

/* Calls fn on every file whose module name ends with the reference's
 * absolute name (a dotted suffix: src/app/x.py is app.x too). */
static bool each_target(const ol_modgraph *g, uint32_t from, const ol_import_ref *r,
                        bool (*fn)(void *ctx, uint32_t file), void *ctx) {
  char name[1024];
  if (!g->n_slots || !absolute(g, from, r, name, sizeof name))
    return false;
  size_t slot = ol_fnv(OL_FNV_OFFSET, name, strlen(name)) & (g->n_slots - 1);
  for (int32_t e = g->slots[slot]; e >= 0; e = g->entries.items[e].next) {
    const ol_modgraph_entry *me = &g->entries.items[e];
    if (!strcmp(me->key, name) &&
        ol_module_key_visible(g->modules[me->file], me->under, g->modules[from],
                              g->package[from]) &&
        fn(ctx, me->file))
      return true;
  }
  return false;
}

typedef struct {
  bool *marks;
  size_t fresh;
} marking;

static bool mark_one(void *ctx, uint32_t file) {
  marking *m = ctx;
  m->fresh += !m->marks[file];
  m->marks[file] = true;
  return false;
}

size_t ol_modgraph_mark(const ol_modgraph *g, uint32_t from, const ol_import_ref *r, bool *marks) {
  marking m = {.marks = marks};
  each_target(g, from, r, mark_one, &m);
  return m.fresh;
}

static bool is_set(void *ctx, uint32_t file) { return ((const bool *)ctx)[file]; }

bool ol_modgraph_reaches(const ol_modgraph *g, uint32_t from, const ol_import_refs *refs,
                         const bool *set) {
  for (size_t i = 0; i < refs->len; i++)
    if (each_target(g, from, &refs->items[i], is_set, (void *)set))
      return true;
  return false;
}
