/* Call summaries (DESIGN.md "Calls", pipeline "link"): every call of the
 * project resolved to the function it calls — through nested defs, module
 * functions, classes, `import x`, `from x import f`, relative imports,
 * aliases, `self`/`cls` and the methods of the model whose rows a loop
 * holds — and, to a fixpoint, what each function does transitively: runs a
 * query, a count or a commit, returns rows of a model, reads attributes of
 * its parameters. A call that cannot be resolved is not guessed at. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "index.h"
#include "prefilter.h"
#include "stats.h"

#define MAX_READS 64
#define MAX_DEPTH 8

static uint64_t hash_bytes(uint64_t h, const char *s, size_t n) { return ol_fnv(h, s, n); }

static uint64_t hash_str(uint64_t h, const char *s) { return ol_fnv(h, s, strlen(s)); }

/* ---- modules ----------------------------------------------------------- */

/* "app/services/scores.py" -> "app.services.scores"; "app/__init__.py" -> "app". */
char *ol_index_module_of(const char *path, bool *package) {
  size_t n = strlen(path);
  if (n > 3 && !strcmp(path + n - 3, ".py"))
    n -= 3;
  char *m = ol_strndup(path, n);
  for (char *c = m; *c; c++)
    if (*c == '/')
      *c = '.';
  size_t len = strlen(m);
  *package = len >= 8 && !strcmp(m + len - 8, "__init__") && (len == 8 || m[len - 9] == '.');
  if (*package)
    m[len > 8 ? len - 9 : 0] = '\0';
  return m;
}

static void index_modules(ol_index *ix) {
  size_t n = 0;
  for (size_t f = 0; f < ix->files.len; f++)
    for (const char *c = ix->files.items[f].module; *c; c++)
      n += *c == '.';
  n += ix->files.len;
  ix->n_mod_slots = 16;
  while (ix->n_mod_slots < n * 2)
    ix->n_mod_slots *= 2;
  ix->mod_slots = ol_malloc(ix->n_mod_slots * sizeof(int32_t));
  memset(ix->mod_slots, 0xff, ix->n_mod_slots * sizeof(int32_t));
  char **mods = ol_malloc((ix->files.len ? ix->files.len : 1) * sizeof *mods);
  bool *pkg = ol_malloc((ix->files.len ? ix->files.len : 1) * sizeof *pkg);
  for (size_t f = 0; f < ix->files.len; f++)
    mods[f] = ix->files.items[f].module, pkg[f] = ix->files.items[f].package;
  size_t n_packages;
  char **packages = ol_module_packages(mods, pkg, ix->files.len, &n_packages);
  ol_free(mods);
  ol_free(pkg);
  for (size_t f = 0; f < ix->files.len; f++) {
    const char *m = ix->files.items[f].module;
    for (const char *key = m; key;) {
      if (*key) {
        size_t slot = hash_str(1469598103934665603ull, key) & (ix->n_mod_slots - 1);
        ol_mod_entry e = {.key = key,
                          .file = (uint32_t)f,
                          .under = ol_module_key_under(packages, n_packages, m, (size_t)(key - m)),
                          .next = ix->mod_slots[slot]};
        ix->mod_slots[slot] = (int32_t)ix->mod_entries.len;
        ol_vec_push(&ix->mod_entries, e);
      }
      key = strchr(key, '.');
      if (key)
        key++;
    }
  }
  ol_free(packages);
}

static size_t common_prefix(const char *a, const char *b) {
  size_t n = 0;
  while (a[n] && a[n] == b[n])
    n++;
  return n;
}

/* The file of module name, seen from file `from`: the module itself, or a
 * module under a source root (src/app/x.py for app.x) closest to from. -1. */
static int32_t find_module(const ol_index *ix, uint32_t from, const char *name) {
  if (!*name || !ix->n_mod_slots)
    return -1;
  size_t slot = hash_str(1469598103934665603ull, name) & (ix->n_mod_slots - 1);
  int32_t best = -1;
  size_t best_score = 0;
  for (int32_t e = ix->mod_slots[slot]; e >= 0; e = ix->mod_entries.items[e].next) {
    const ol_mod_entry *me = &ix->mod_entries.items[e];
    const ol_index_file *f = &ix->files.items[me->file];
    if (strcmp(me->key, name) != 0 ||
        !ol_module_key_visible(f->module, me->under, ix->files.items[from].module,
                               ix->files.items[from].package))
      continue;
    size_t score =
        (me->key == f->module ? 1u << 20 : 0) + common_prefix(f->path, ix->files.items[from].path);
    if (best < 0 || score > best_score)
      best = (int32_t)me->file, best_score = score;
  }
  return best;
}

/* "a.b" (a fresh string) without printf: resolution joins names all the time. */
static char *join_dotted(const char *a, const char *b) {
  size_t na = strlen(a), nb = strlen(b);
  char *s = ol_malloc(na + nb + 2);
  memcpy(s, a, na);
  s[na] = '.';
  memcpy(s + na + 1, b, nb + 1);
  return s;
}

/* The absolute name of `from <dots><module> import ...` written in file. */
static char *absolute_module(const ol_index *ix, uint32_t file, const char *module,
                             uint32_t level) {
  if (!level) {
    ol_stat_add(OL_STAT_BINDING_BYTES, strlen(module));
    return ol_strdup(module);
  }
  const ol_index_file *f = &ix->files.items[file];
  char *base = ol_strdup(f->module);
  for (uint32_t drop = f->package ? level - 1 : level; drop > 0 && *base; drop--) {
    char *dot = strrchr(base, '.');
    if (dot)
      *dot = '\0';
    else
      base[0] = '\0';
  }
  char *full = !*module ? ol_strdup(base) : *base ? join_dotted(base, module) : ol_strdup(module);
  ol_free(base);
  ol_stat_add(OL_STAT_BINDING_BYTES, strlen(full));
  return full;
}

/* ---- what a file's resolution reads ---------------------------------------- */

/* The files whose interface the resolution of one file's calls read. */
struct ol_deps {
  OL_VEC(uint32_t) files;
};

/* While a thread resolves a file's calls: the files read (NULL: not
 * recorded), and the module-level names looked up (per thread). */
static _Thread_local struct ol_deps *tl_deps;
static _Thread_local struct ol_lookup_memo *tl_memo;

static void note_dep(const ol_index *ix, uint32_t file) {
  (void)ix;
  struct ol_deps *d = tl_deps;
  if (d && (!d->files.len || d->files.items[d->files.len - 1] != file))
    ol_vec_push(&d->files, file);
}

/* ---- functions and classes ----------------------------------------------- */

static uint64_t fn_key(uint32_t file, const char *cls, const char *name) {
  uint64_t h = hash_bytes(1469598103934665603ull, (const char *)&file, sizeof file);
  h = hash_str(h, cls ? cls : "");
  return hash_str(h * 31, name);
}

static void index_functions(ol_index *ix) {
  size_t n = ix->funcs.len;
  ix->n_fn_slots = 16;
  while (ix->n_fn_slots < n * 2)
    ix->n_fn_slots *= 2;
  ix->fn_slots = ol_malloc(ix->n_fn_slots * sizeof(int32_t));
  memset(ix->fn_slots, 0xff, ix->n_fn_slots * sizeof(int32_t));
  ix->fn_next = ol_malloc((n ? n : 1) * sizeof(int32_t));
  for (size_t i = n; i-- > 0;) { /* backwards: chains keep declaration order */
    const ol_summary *s = &ix->funcs.items[i];
    size_t slot = fn_key(s->file, s->fn->cls, s->fn->name) & (ix->n_fn_slots - 1);
    ix->fn_next[i] = ix->fn_slots[slot];
    ix->fn_slots[slot] = (int32_t)i;
  }
}

/* Function `name` of class cls (NULL: not in a class) in file, nested in
 * `outer` (-1: at module or class level). -1. */
static int32_t find_function(const ol_index *ix, uint32_t file, const char *cls, const char *name,
                             int outer) {
  note_dep(ix, file);
  if (!ix->n_fn_slots)
    return -1;
  size_t slot = fn_key(file, cls, name) & (ix->n_fn_slots - 1);
  for (int32_t i = ix->fn_slots[slot]; i >= 0; i = ix->fn_next[i]) {
    const ol_summary *s = &ix->funcs.items[i];
    if (s->file == file && s->fn->outer == outer && !strcmp(s->fn->name, name) &&
        ((!cls && !s->fn->cls) || (cls && s->fn->cls && !strcmp(cls, s->fn->cls))))
      return i;
  }
  return -1;
}

/* The classes a walk up the bases has met: each is walked once, so a
 * diamond of bases costs its size; a hierarchy of more distinct classes
 * than it holds is not followed further. */
typedef struct {
  int32_t ids[64];
  int n;
} met_classes;

static bool meet(met_classes *met, int32_t c) {
  for (int i = 0; i < met->n; i++)
    if (met->ids[i] == c)
      return false;
  if (met->n == (int)(sizeof met->ids / sizeof met->ids[0]))
    return false;
  met->ids[met->n++] = c;
  return true;
}

/* The class whose methods every model on declarative base `name` inherits
 * (`db.Model` of `SQLAlchemy(model_class=declarative_base(cls=C))`): C, when
 * the project names exactly one such class for that base, else -1. */
static int32_t base_class(const ol_index *ix, const char *name) {
  int32_t found = -1;
  for (size_t i = 0; i < ix->base_classes.len; i++) {
    const ol_base_class *bc = &ix->base_classes.items[i];
    if (strcmp(bc->base, name) != 0)
      continue;
    note_dep(ix, bc->file);
    int32_t c = ol_index_class_id(ix, ol_last_component(bc->cls), (int32_t)bc->file);
    if (c < 0 || (found >= 0 && found != c))
      return -1;
    found = c;
  }
  return found;
}

static int32_t method_walk(const ol_index *ix, int32_t c, const char *attr, int depth,
                           met_classes *met) {
  if (c < 0 || depth > MAX_DEPTH || !meet(met, c))
    return -1;
  const ol_model *m = &ix->classes.items[c];
  note_dep(ix, m->file); /* its bases */
  int32_t f = find_function(ix, m->file, m->name, attr, -1);
  if (f >= 0)
    return ix->funcs.items[f].fn->kind == OL_FN_SETTER ? -1 : f;
  for (size_t b = 0; b < m->cls->n_bases; b++) {
    int32_t base = ol_index_class_id(ix, ol_last_component(m->cls->bases[b]), (int32_t)m->file);
    if (base < 0)
      base = base_class(ix, m->cls->bases[b]);
    if (base != c && (f = method_walk(ix, base, attr, depth + 1, met)) >= 0)
      return f;
  }
  return -1;
}

static int32_t method_in(const ol_index *ix, int32_t c, const char *attr) {
  met_classes met = {.n = 0};
  return method_walk(ix, c, attr, 0, &met);
}

int32_t ol_index_method(const ol_index *ix, const char *cls, int32_t file, const char *attr) {
  return method_in(ix, ol_index_class_id(ix, cls, file), attr);
}

/* ---- name resolution ----------------------------------------------------- */

typedef enum { B_NONE, B_FUNC, B_CLASS, B_MODULE } bind_kind;

typedef struct {
  bind_kind kind;
  int32_t func;  /* B_FUNC */
  int32_t cls;   /* B_CLASS: index into classes */
  char *module;  /* B_MODULE: absolute dotted name, owned */
  uint32_t from; /* B_MODULE: the file that named it, for source-root matching */
} binding;

static binding lookup(const ol_index *ix, uint32_t file, int func, const char *name, int depth);

/* The module-level names of a file looked up from its calls, once each
 * while the calls are resolved (a file calls the same names many times). */
typedef struct {
  uint32_t file;
  char *name;
  binding b; /* b.module owned */
} memo_entry;

typedef struct {
  memo_entry *slots; /* name NULL: empty */
  size_t n_slots, len;
} memo_table;

struct ol_lookup_memo {
  memo_table names; /* a module-level name of a file */
};

static binding module_lookup(const ol_index *ix, uint32_t file, const char *name, int depth);

static size_t memo_slot(const memo_table *m, uint32_t file, const char *name) {
  uint64_t h = hash_str(hash_bytes(1469598103934665603ull, (const char *)&file, sizeof file), name);
  return h & (m->n_slots - 1);
}

static binding copy_binding(binding b) {
  if (b.module)
    b.module = ol_strdup(b.module);
  return b;
}

static void memo_grow(memo_table *m) {
  memo_entry *old = m->slots;
  size_t n_old = m->n_slots;
  m->n_slots = n_old ? n_old * 2 : 1024;
  m->slots = ol_calloc(m->n_slots, sizeof *m->slots);
  for (size_t i = 0; i < n_old; i++)
    if (old[i].name) {
      size_t s = memo_slot(m, old[i].file, old[i].name);
      while (m->slots[s].name)
        s = (s + 1) & (m->n_slots - 1);
      m->slots[s] = old[i];
    }
  ol_free(old);
}

/* module_lookup at depth 0, remembered: the same answer for the same name. */
static binding memo_get(const ol_index *ix, memo_table *m, uint32_t file, const char *key) {
  if ((m->len + 1) * 2 > m->n_slots)
    memo_grow(m);
  size_t s = memo_slot(m, file, key);
  for (; m->slots[s].name; s = (s + 1) & (m->n_slots - 1))
    if (m->slots[s].file == file && !strcmp(m->slots[s].name, key))
      return copy_binding(m->slots[s].b);
  binding b = module_lookup(ix, file, key, 0);
  m->slots[s] = (memo_entry){.file = file, .name = ol_strdup(key), .b = copy_binding(b)};
  m->len++;
  return b;
}

static void memo_free(memo_table *m) {
  for (size_t i = 0; i < m->n_slots; i++)
    if (m->slots[i].name) {
      ol_free(m->slots[i].name);
      ol_free(m->slots[i].b.module);
    }
  ol_free(m->slots);
}

/* Member `name` of module `module`: its function or class, a submodule, or a re-export. */
static binding member(const ol_index *ix, uint32_t from, const char *module, const char *name,
                      int depth) {
  binding b = {0};
  int32_t f = find_module(ix, from, module);
  if (f >= 0) {
    b = lookup(ix, (uint32_t)f, -1, name, depth + 1);
    if (b.kind != B_NONE)
      return b;
  }
  char *sub = *module ? join_dotted(module, name) : ol_strdup(name);
  if (find_module(ix, from, sub) >= 0 || f < 0)
    return (binding){.kind = B_MODULE, .module = sub, .from = from};
  ol_free(sub);
  return b;
}

static binding resolve_dotted(const ol_index *ix, uint32_t file, int func, const char *dotted,
                              int depth) {
  char buf[256];
  size_t n = strlen(dotted);
  n = n < sizeof buf - 1 ? n : sizeof buf - 1;
  memcpy(buf, dotted, n);
  buf[n] = '\0';
  char *save = NULL, *part = strtok_r(buf, ".", &save);
  binding b = part ? lookup(ix, file, func, part, depth) : (binding){0};
  while (b.kind != B_NONE && (part = strtok_r(NULL, ".", &save))) {
    binding next = {0};
    if (b.kind == B_MODULE)
      next = member(ix, b.from, b.module, part, depth + 1);
    else if (b.kind == B_CLASS)
      next = (binding){.func = method_in(ix, b.cls, part)},
      next.kind = next.func >= 0 ? B_FUNC : B_NONE;
    ol_free(b.module);
    b = next;
  }
  return b;
}

static bool is_named(const char *a, const char *b) { return a && b && !strcmp(a, b); }

static binding lookup(const ol_index *ix, uint32_t file, int func, const char *name, int depth) {
  if (depth > MAX_DEPTH)
    return (binding){0};
  const ol_file_facts *facts = ix->files.items[file].facts;
  for (int fn = func; fn >= 0; fn = facts->funcs.items[fn].outer) {
    int32_t nested = find_function(ix, file, NULL, name, fn);
    if (nested >= 0)
      return (binding){.kind = B_FUNC, .func = nested};
  }
  return depth == 0 && tl_memo ? memo_get(ix, &tl_memo->names, file, name)
                               : module_lookup(ix, file, name, depth);
}

/* What name is at module level of file: a function, a class, an import. */
static binding module_lookup(const ol_index *ix, uint32_t file, const char *name, int depth) {
  binding b = {0};
  note_dep(ix, file); /* its classes and imports */
  const ol_file_facts *facts = ix->files.items[file].facts;
  int32_t top = find_function(ix, file, NULL, name, -1);
  if (top >= 0)
    return (binding){.kind = B_FUNC, .func = top};
  for (size_t c = 0; c < facts->classes.len; c++)
    if (is_named(facts->classes.items[c].name, name)) {
      int32_t id = ol_index_class_id(ix, name, (int32_t)file);
      if (id >= 0)
        return (binding){.kind = B_CLASS, .cls = id};
    }
  for (size_t i = facts->imports.len; i-- > 0;) { /* the last binding wins */
    const ol_import_fact *im = &facts->imports.items[i];
    if (!is_named(im->local, name))
      continue;
    if (!im->module) {
      if (strcmp(im->name, name) != 0)
        return resolve_dotted(ix, file, -1, im->name, depth + 1);
      continue;
    }
    char *mod = absolute_module(ix, file, im->module, im->level);
    if (im->name)
      b = member(ix, file, mod, im->name, depth + 1);
    else
      b = (binding){.kind = B_MODULE, .module = ol_strdup(mod), .from = file};
    ol_free(mod);
    return b;
  }
  for (size_t i = 0; i < facts->imports.len && depth < 3; i++) {
    const ol_import_fact *im = &facts->imports.items[i];
    if (!im->module || strcmp(im->local, "*") != 0)
      continue;
    char *mod = absolute_module(ix, file, im->module, im->level);
    int32_t target = find_module(ix, file, mod);
    ol_free(mod);
    if (target >= 0 && (uint32_t)target != file) {
      b = lookup(ix, (uint32_t)target, -1, name, depth + 1);
      if (b.kind == B_FUNC || b.kind == B_CLASS)
        return b;
      ol_free(b.module);
      b = (binding){0};
    }
  }
  return b;
}

static bool method_kind(ol_fn_kind k) {
  return k == OL_FN_METHOD || k == OL_FN_PROPERTY || k == OL_FN_CLASSMETHOD;
}

/* The class a constructor call builds: a project class, or `cls(...)` in a
 * classmethod (its class, or a subclass: the method found is the class's). */
static int32_t constructed_class(const ol_index *ix, uint32_t file, const ol_call_fact *ctor) {
  const ol_file_facts *facts = ix->files.items[file].facts;
  if (ctor->func >= 0 && !strchr(ctor->callee, '.')) {
    const ol_func_fact *fn = &facts->funcs.items[ctor->func];
    if (fn->kind == OL_FN_CLASSMETHOD && fn->cls && fn->n_params &&
        !strcmp(fn->params[0], ctor->callee))
      return ol_index_class_id(ix, fn->cls, (int32_t)file);
  }
  binding b = resolve_dotted(ix, file, ctor->func, ctor->callee, 0);
  ol_free(b.module);
  return b.kind == B_CLASS ? b.cls : -1;
}

/* Method attr of the bases of class c (not c's own), as super() finds it. */
static int32_t super_method(const ol_index *ix, int32_t c, const char *attr) {
  if (c < 0)
    return -1;
  const ol_model *m = &ix->classes.items[c];
  met_classes met = {.n = 0};
  meet(&met, c);
  for (size_t b = 0; b < m->cls->n_bases; b++) {
    int32_t base = ol_index_class_id(ix, ol_last_component(m->cls->bases[b]), (int32_t)m->file);
    if (base < 0)
      base = base_class(ix, m->cls->bases[b]);
    int32_t f = base != c ? method_walk(ix, base, attr, 1, &met) : -1;
    if (f >= 0)
      return f;
  }
  return -1;
}

static bool derives_from(const ol_index *ix, int32_t c, int32_t a);

/* A stub method m (ol_func_fact.stub) called on an instance of class cls:
 * the one override the project subclasses of cls find instead; m when none
 * does, or when they find different ones (which one runs is not known). */
static int32_t override_of(const ol_index *ix, int32_t cls, int32_t m) {
  int32_t found = m;
  for (int32_t c = 0; c < (int32_t)ix->classes.len; c++) {
    if (c == cls || !derives_from(ix, c, cls))
      continue;
    int32_t o = method_in(ix, c, ix->funcs.items[m].fn->name);
    if (o < 0 || o == m || o == found)
      continue;
    if (found != m)
      return m; /* overrides differ: which runs is not known, the stub runs nothing */
    found = o;
  }
  return found;
}

int32_t ol_index_dispatch(const ol_index *ix, uint32_t file, size_t call, int32_t t) {
  const ol_file_facts *facts = ix->files.items[file].facts;
  const ol_call_fact *c = &facts->calls.items[call];
  if (t < 0 || !ix->funcs.items[t].fn->stub || c->recv_param != 0 || c->attr_only || c->func < 0 ||
      !facts->funcs.items[c->func].cls)
    return t;
  return override_of(ix, ol_index_class_id(ix, facts->funcs.items[c->func].cls, (int32_t)file), t);
}

static int32_t resolve_call(const ol_index *ix, uint32_t file, const ol_call_fact *c) {
  const ol_file_facts *facts = ix->files.items[file].facts;
  if (c->recv_loop >= 0)
    return -1; /* decided once the rows' model is known */
  if (c->recv_call >= 0) {
    int32_t cls = constructed_class(ix, file, &facts->calls.items[c->recv_call]);
    return cls >= 0 ? method_in(ix, cls, c->callee) : -1;
  }
  const char *dot = strchr(c->callee, '.');
  if (c->recv_param >= 0) {
    const ol_func_fact *fn = &facts->funcs.items[c->func];
    if (c->recv_param != 0 || !fn->cls || !method_kind(fn->kind) || !dot || strchr(dot + 1, '.'))
      return -1; /* a parameter of unknown type: its reads are kept instead */
    if (!strncmp(c->callee, "super.", 6)) /* the first base that has it */
      return super_method(ix, ol_index_class_id(ix, fn->cls, (int32_t)file), dot + 1);
    int32_t m = ol_index_method(ix, fn->cls, (int32_t)file, dot + 1);
    return m >= 0 && (!c->attr_only || ix->funcs.items[m].fn->kind == OL_FN_PROPERTY) ? m : -1;
  }
  binding b = resolve_dotted(ix, file, c->func, c->callee, 0);
  ol_free(b.module);
  return b.kind == B_FUNC ? b.func : -1;
}

/* ---- summaries ------------------------------------------------------------- */

/* Whether c, calling t, passes its receiver as t's first parameter. */
static bool bound_to(const ol_index *ix, const ol_call_fact *c, int32_t t) {
  if (t < 0)
    return false;
  ol_fn_kind k = ix->funcs.items[t].fn->kind;
  if (k == OL_FN_CLASSMETHOD)
    return true;
  return (k == OL_FN_METHOD || k == OL_FN_PROPERTY) &&
         (c->recv_param >= 0 || c->recv_loop >= 0 || c->recv_call >= 0);
}

bool ol_index_call_bound(const ol_index *ix, uint32_t file, size_t call) {
  return bound_to(ix, &ix->files.items[file].facts->calls.items[call],
                  ix->files.items[file].call_target[call]);
}

bool ol_index_call_on_self(const ol_index *ix, uint32_t file, size_t call) {
  const ol_file_facts *facts = ix->files.items[file].facts;
  const ol_call_fact *c = &facts->calls.items[call];
  if (c->recv_param != 0 || c->func < 0 || !ol_index_call_bound(ix, file, call))
    return false;
  ol_fn_kind k = facts->funcs.items[c->func].kind;
  return k == OL_FN_METHOD || k == OL_FN_PROPERTY || k == OL_FN_SETTER;
}

int ol_index_call_param(const ol_index *ix, uint32_t file, size_t call, uint32_t arg) {
  const ol_call_fact *c = &ix->files.items[file].facts->calls.items[call];
  int32_t t = ix->files.items[file].call_target[call];
  if (t < 0 || arg >= c->n_args)
    return -1;
  const ol_func_fact *fn = ix->funcs.items[t].fn;
  const ol_call_arg *a = &ol_call_args(ix->files.items[file].facts, c)[arg];
  if (a->kw) {
    for (uint32_t p = 0; p < fn->n_params; p++)
      if (!strcmp(fn->params[p], a->kw))
        return (int)p;
    return -1;
  }
  uint32_t p = arg + (ol_index_call_bound(ix, file, call) ? 1 : 0);
  return p < fn->n_params ? (int)p : -1;
}

int32_t ol_index_call_target(const ol_index *ix, uint32_t file, size_t call) {
  return ix->files.items[file].call_target[call];
}

/* ---- branches the arguments make dead ------------------------------------------ */

/* Whether parameter p of fn holds what its caller passed wherever fn tests it. */
static bool param_kept(const ol_func_fact *fn, uint32_t p) {
  return p < 32 && !(fn->rebound >> p & 1);
}

/* The k-th '\x1f'-ended token of s, its length in *n; NULL past the end. */
static const char *nth_token(const char *s, uint32_t k, size_t *n) {
  for (; s && *s; k--) {
    const char *end = strchr(s, '\x1f');
    if (!end)
      return NULL;
    if (!k) {
      *n = (size_t)(end - s);
      return s;
    }
    s = end + 1;
  }
  return NULL;
}

static const char *arg_value(const ol_index *ix, uint32_t f, size_t ci, int32_t t, uint32_t p,
                             size_t *n);
/* The value token call ci passes to parameter p of its target t (the default
 * when it passes none), length in *n; NULL when not known. */
const char *ol_index_arg_value(const ol_index *ix, uint32_t f, size_t ci, int32_t t, uint32_t p,
                               size_t *n) {
  return arg_value(ix, f, ci, t, p, n);
}

/* The value token args (ol_call_fact.args of a call of fn; bound: the call binds fn's first
 * parameter itself, a method called on an object) pass to parameter p, or p's default. */
static const char *args_value(const char *args, uint32_t bound, const ol_summary *sum, uint32_t p,
                              size_t *n) {
  const ol_func_fact *fn = sum->fn;
  if (!args || p >= fn->n_params || p < bound)
    return NULL;
  size_t len;
  uint32_t pos = 0;
  bool splat = false, lost = false; /* a splat may pass p; past `*args` positions are lost */
  for (uint32_t k = 0; nth_token(args, k, &len); k++) {
    const char *tok = nth_token(args, k, &len), *eq = memchr(tok, '=', len);
    if (!eq) { /* "*" or "**" */
      splat = true;
      lost |= len == 1;
      continue;
    }
    size_t kw = (size_t)(eq - tok);
    /* Behind a decorator that may pass arguments of its own (`fn(db.session, *args)`), a
     * position says nothing of which parameter gets the value; a keyword still does. */
    bool match = kw ? strlen(fn->params[p]) == kw && !memcmp(fn->params[p], tok, kw)
                    : !sum->wrapped && !lost && pos++ + bound == p;
    if (match) {
      *n = len - kw - 1;
      return eq + 1;
    }
  }
  if (splat)
    return NULL; /* p not named: a splat may pass it */
  const char *d = fn->defaults && !sum->wrapped ? nth_token(fn->defaults, p, &len) : NULL;
  if (!d || !len)
    return NULL; /* not passed and no default: the call fails, or passes it otherwise */
  *n = len;
  return d;
}

static const char *arg_value(const ol_index *ix, uint32_t f, size_t ci, int32_t t, uint32_t p,
                             size_t *n) {
  const ol_call_fact *c = &ix->files.items[f].facts->calls.items[ci];
  /* t: also a method of a loop's row */
  return args_value(c->args, bound_to(ix, c, t) ? 1 : 0, &ix->funcs.items[t], p, n);
}

/* Truthiness of a value token: 1, 0, -1 unknown. */
static int truthy(const char *v, size_t n) {
  switch (*v) {
  case 'T':
  case 'S':
    return 1;
  case 'F':
  case 'N':
    return 0;
  case 'i':
    return !(n == 2 && v[1] == '0');
  case 's':
    return n > 1;
  default:
    return -1;
  }
}

static bool is_literal(char c) { return c && strchr("TFNisS", c); }

/* Python's == of two literal tokens: 1, 0, -1 unknown. */
static int equal(const char *a, size_t na, const char *b, size_t nb) {
  if (!is_literal(*a) || !is_literal(*b) || *a == 'S' || *b == 'S')
    return -1;
  bool na_num = strchr("TFi", *a) != NULL, nb_num = strchr("TFi", *b) != NULL;
  if (*a == *b || (na_num && nb_num)) {
    if (*a != *b)
      return -1; /* True == 1: not decided here */
    return na == nb && !memcmp(a, b, na);
  }
  return 0; /* None, a string and a number never equal each other */
}

/* Whether guard g holds for value v: 1, 0, -1 unknown. */
static int guard_holds(const ol_param_guard *g, const char *v, size_t n) {
  int r;
  switch (g->test) {
  case OL_PG_TRUE:
  case OL_PG_FALSE:
    r = truthy(v, n);
    return r < 0 || g->test == OL_PG_TRUE ? r : !r;
  case OL_PG_IS_NONE:
  case OL_PG_NOT_NONE:
    r = *v == 'N' ? 1 : is_literal(*v) ? 0 : -1;
    return r < 0 || g->test == OL_PG_IS_NONE ? r : !r;
  case OL_PG_EQ:
  case OL_PG_NE:
    r = g->lit ? equal(g->lit, strlen(g->lit), v, n) : -1;
    return r < 0 || g->test == OL_PG_EQ ? r : !r;
  default:
    return -1;
  }
}

/* What call ci (of file f, to t) makes of test g of t's parameter: 1 true, 0
 * false, -1 unknown; *passed: the caller's parameter it passes there, -1. */
static int value_decides(const ol_param_guard *g, const char *v, size_t n, int *passed);

static int call_decides(const ol_index *ix, uint32_t f, size_t ci, int32_t t,
                        const ol_param_guard *g, int *passed) {
  *passed = -1;
  if (!param_kept(ix->funcs.items[t].fn, g->param))
    return -1;
  size_t n;
  const char *v = arg_value(ix, f, ci, t, g->param, &n);
  return value_decides(g, v, n, passed);
}

/* What value token v (NULL: not known) makes of test g: 1, 0, -1 unknown; *passed: the
 * caller's parameter it is, -1. */
static int value_decides(const ol_param_guard *g, const char *v, size_t n, int *passed) {
  *passed = -1;
  if (!v || !n)
    return -1;
  if (*v == 'p' && n >= 2) {
    int q = 0;
    for (size_t i = 1; i < n && q < 1000; i++)
      q = q * 10 + (v[i] - '0');
    *passed = q;
    return -1;
  }
  return guard_holds(g, v, n);
}

/* Whether call ci (of file f, to t) makes every test of set false. */
static bool call_makes_false(const ol_index *ix, uint32_t f, size_t ci, int32_t t,
                             const ol_guard_set *set) {
  if (set->any[0].test == OL_PG_NONE)
    return false;
  for (int k = 0; k < OL_GUARD_ANY && set->any[k].test != OL_PG_NONE; k++) {
    int passed;
    if (call_decides(ix, f, ci, t, &set->any[k], &passed) != 0)
      return false;
  }
  return true;
}

/* The tests of the caller's parameters what callee tests set of t run under
 * through call ci: the call's own test, or, one by one, the callee's tests of
 * the caller's parameters it passes on (`tag_dictize(tag, context,
 * include_datasets)`) — those the call makes false dropped; any other test
 * makes the way unguarded. */
static ol_guard_set caller_guards(const ol_index *ix, uint32_t f, size_t ci, int32_t t,
                                  const ol_guard_set *set) {
  const ol_file_facts *facts = ix->files.items[f].facts;
  const ol_call_fact *c = &facts->calls.items[ci];
  const ol_func_fact *caller = &facts->funcs.items[c->func];
  ol_guard_set none = {0}, out = {0};
  if (c->guard.test != OL_PG_NONE && param_kept(caller, c->guard.param))
    return (ol_guard_set){.any = {c->guard}};
  if (set->any[0].test == OL_PG_NONE)
    return none;
  int n = 0;
  for (int k = 0; k < OL_GUARD_ANY && set->any[k].test != OL_PG_NONE; k++) {
    int passed;
    int r = call_decides(ix, f, ci, t, &set->any[k], &passed);
    if (r == 0)
      continue;
    if (r > 0 || passed < 0 || !param_kept(caller, (uint32_t)passed))
      return none;
    ol_param_guard m = set->any[k];
    m.param = (uint32_t)passed;
    if (!n++)
      out.any[0] = m;
    else
      ol_guard_set_add(&out, &m);
  }
  return n ? out : none;
}

/* s gets one more way to e, under the tests of contrib. */
static bool merge_guard(ol_summary *s, ol_effect e, bool had, const ol_guard_set *contrib) {
  if (!had) {
    s->guard[e] = *contrib;
    return true;
  }
  bool changed = false;
  if (contrib->any[0].test == OL_PG_NONE)
    return ol_guard_set_add(&s->guard[e], &contrib->any[0]);
  for (int k = 0; k < OL_GUARD_ANY && contrib->any[k].test != OL_PG_NONE; k++)
    changed |= ol_guard_set_add(&s->guard[e], &contrib->any[k]);
  return changed;
}

bool ol_index_call_runs(const ol_index *ix, uint32_t file, size_t call, ol_effect e) {
  int32_t t = ix->files.items[file].call_target[call];
  return t >= 0 && ix->funcs.items[t].has[e] &&
         !call_makes_false(ix, file, call, t, &ix->funcs.items[t].guard[e]);
}

bool ol_index_lookup_queries(const ol_index *ix, uint32_t file, ol_span span) {
  if (ol_span_empty(span))
    return false;
  const ol_file_facts *f = ix->files.items[file].facts;
  int32_t c = ol_facts_call_at(f, span);
  int32_t t = c >= 0 ? ix->files.items[file].call_target[c] : -1;
  if (t >= 0 && ix->funcs.items[t].has[OL_EFFECT_QUERY])
    return true;
  for (size_t i = 0; i < f->queries.len; i++) /* the lookup's chain starts with the query */
    if (f->queries.items[i].span.start == span.start && f->queries.items[i].span.end <= span.end)
      return true;
  return false;
}

#define MAX_MISS_ROUNDS 64

/* ol_summary.commit_on_miss, once the effects are known: marked on every
 * function that commits only through calls, then taken away from one with a
 * call that commits outside a get-or-create branch, until nothing changes
 * (marks only go away). A function's own commit counts as outside one (the
 * conservative answer); past the rounds, every mark goes. */
static void mark_commit_on_miss(ol_index *ix) {
  for (size_t i = 0; i < ix->funcs.len; i++)
    ix->funcs.items[i].commit_on_miss = ix->funcs.items[i].has[OL_EFFECT_COMMIT] &&
                                        ix->funcs.items[i].fn->site[OL_EFFECT_COMMIT] < 0;
  bool changed = true;
  for (int round = 0; changed && round < MAX_MISS_ROUNDS; round++) {
    changed = false;
    for (uint32_t f = 0; f < ix->files.len; f++) {
      const ol_index_file *file = &ix->files.items[f];
      for (size_t ci = 0; ci < file->facts->calls.len; ci++) {
        const ol_call_fact *c = &file->facts->calls.items[ci];
        int32_t t = file->call_target[ci];
        if (c->func < 0 || t < 0 || !ix->funcs.items[t].has[OL_EFFECT_COMMIT])
          continue;
        ol_summary *s = &ix->funcs.items[file->first_func + (uint32_t)c->func];
        if (!s->commit_on_miss || ix->funcs.items[t].commit_on_miss ||
            ol_index_lookup_queries(ix, f, c->miss))
          continue;
        s->commit_on_miss = false;
        changed = true;
      }
    }
  }
  if (changed)
    for (size_t i = 0; i < ix->funcs.len; i++)
      ix->funcs.items[i].commit_on_miss = false;
}

static int find_read(const ol_summary *s, uint32_t param, bool rows, const char *attr,
                     bool counted) {
  for (size_t i = 0; i < s->reads.len; i++)
    if (s->reads.items[i].param == param && s->reads.items[i].rows == rows &&
        s->reads.items[i].counted == counted && !strcmp(s->reads.items[i].attr, attr))
      return (int)i;
  return -1;
}

/* The parameter of the caller that callee read cr reaches through call ci
 * (*rows: on its elements), -1: the receiver, a parameter passed on, or the
 * element of a loop over a parameter passed per element. */
static int caller_param(const ol_index *ix, uint32_t f, size_t ci, bool bound,
                        const ol_sum_read *cr, bool *rows) {
  const ol_file_facts *facts = ix->files.items[f].facts;
  const ol_call_fact *c = &facts->calls.items[ci];
  *rows = cr->rows;
  if (bound && cr->param == 0)
    return c->recv_param;
  for (uint32_t a = 0; a < c->n_args; a++) {
    if (ol_index_call_param(ix, f, ci, a) != (int)cr->param)
      continue;
    const ol_call_arg *arg = &ol_call_args(facts, c)[a];
    if (arg->param >= 0)
      return arg->param;
    if (arg->loop >= 0 && !cr->rows && facts->loops.items[arg->loop].rows_param >= 0) {
      *rows = true;
      return facts->loops.items[arg->loop].rows_param;
    }
    return -1;
  }
  return -1;
}

static const char *receiver_model(const ol_index *ix, const ol_call_fact *c);

/* Joins what a call (or a site) adds to a function's pk_param: none, a get
 * by the key of one parameter on one model, or any other query. The value
 * only moves towards -2, so the rounds end. Returns whether it changed. */
static bool join_pk(ol_summary *s, int k, const char *model) {
  if (s->pk_param == -2 ||
      (s->pk_param == k && model && s->pk_model && !strcmp(model, s->pk_model)))
    return false;
  bool first = s->pk_param == -1 && k >= 0 && model;
  s->pk_param = first ? k : -2;
  s->pk_model = first ? model : NULL;
  return true;
}

/* The caller's parameter a call passes as the key of the callee's get by
 * primary key (ol_summary.pk_param), with the model it gets; -2 when the
 * callee runs another query or the key is no parameter of the caller. */
static int pk_through(const ol_index *ix, uint32_t f, size_t ci, const ol_summary *callee,
                      const char **model) {
  const ol_file_facts *facts = ix->files.items[f].facts;
  const ol_call_fact *c = &facts->calls.items[ci];
  *model = callee->pk_model;
  if (callee->pk_param < 0)
    return -2;
  if (!strcmp(callee->pk_model, "cls") && callee->fn->kind == OL_FN_CLASSMETHOD)
    *model = receiver_model(ix, c);
  if (!*model)
    return -2;
  for (uint32_t a = 0; a < c->n_args; a++)
    if (ol_index_call_param(ix, f, ci, a) == callee->pk_param)
      return ol_call_args(facts, c)[a].param >= 0 ? ol_call_args(facts, c)[a].param : -2;
  return -2;
}

/* What a round may skip: a call whose callee has not changed since the
 * call was last taken (the callee's version is the one the call saw) adds
 * nothing to its caller. Taking a call makes the caller hold what the
 * callee holds, and a summary only grows (an effect, once had, is kept; a
 * memoized effect only ever becomes an unmemoized one; rows, reads and
 * returned queries are only added): taking it again with the same callee
 * changes nothing, whatever else the caller got meanwhile. So the rounds
 * make the same changes in the same order as taking every call would. */
typedef struct {
  uint32_t *version; /* per function: bumped whenever its summary changes */
  uint32_t *seen;    /* per call (first_call[f] + ci): its callee's version when last taken */
  size_t *first_call;
} round_state;

/* One round over every resolved call inside a function: what the callee
 * does, the caller does too. Returns whether anything changed. */
static bool propagate(ol_index *ix, round_state *rs) {
  bool changed = false;
  for (uint32_t f = 0; f < ix->files.len; f++) {
    const ol_index_file *file = &ix->files.items[f];
    for (size_t ci = 0; ci < file->facts->calls.len; ci++) {
      const ol_call_fact *c = &file->facts->calls.items[ci];
      int32_t t = file->call_target[ci];
      if (c->func < 0 || t < 0)
        continue;
      int32_t caller = (int32_t)(file->first_func + (uint32_t)c->func);
      if (caller == t)
        continue;
      uint32_t *seen = &rs->seen[rs->first_call[f] + ci];
      if (*seen == rs->version[t])
        continue;
      *seen = rs->version[t];
      bool was_changed = changed;
      changed = false;
      ol_summary *s = &ix->funcs.items[caller];
      const ol_summary *callee = &ix->funcs.items[t];
      /* A memoized callee called with the same arguments every time (none
       * read a name this function binds) runs its effects once per process:
       * not this function's. Keyed on this function's names, it runs them
       * once per distinct argument: still an effect, marked as memoized. */
      bool memo_call = callee->fn->memoized;
      /* What a memo on self runs, a call on self runs once per instance too; a call on another
       * object runs it once per call. A call in this function's own memo on self runs once per
       * instance; in a memo on a global, once per process: not this function's. */
      bool on_self = ol_index_call_on_self(ix, f, ci);
      for (int e = 0; e < OL_EFFECTS; e++) {
        bool memo = memo_call || callee->memo[e];
        bool self_memo = (callee->self_memo[e] && on_self) || c->lazy_self;
        if (!callee->has[e] || (memo && !c->args_local) || (c->lazy_init && !c->lazy_self) ||
            call_makes_false(ix, f, ci, t, &callee->guard[e]))
          continue;
        ol_guard_set g = caller_guards(ix, f, ci, t, &callee->guard[e]);
        bool had = s->has[e];
        if (e == OL_EFFECT_QUERY) {
          const char *model;
          int k = pk_through(ix, f, ci, callee, &model);
          changed |= join_pk(s, k, model);
        }
        /* Replaced only by a strictly weaker mark (fewer of memo, self_memo): a summary's
         * marks only ever go away, so the rounds end. */
        bool weaker = (!memo || s->memo[e]) && (!self_memo || s->self_memo[e]) &&
                      (memo != s->memo[e] || self_memo != s->self_memo[e]);
        if (!s->has[e] || (weaker && (s->fn->site[e] < 0 || s->self_memo[e]))) {
          s->has[e] = true;
          s->memo[e] = memo;
          s->self_memo[e] = self_memo;
          s->via[e] = (ol_via){(int32_t)ci, t};
          changed = true;
        }
        changed |= merge_guard(s, (ol_effect)e, had, &g);
      }
      if (callee->expires && !s->expires && (!c->lazy_init || c->lazy_self)) {
        s->expires = true;
        changed = true;
      }
      if (callee->external && !s->external &&
          !ol_callee_is_telemetry(c->callee, strlen(c->callee))) {
        s->external = true;
        changed = true;
      }
      bool returned = !ol_span_empty(s->fn->ret_call) &&
                      s->fn->ret_call.start == c->at.span.start &&
                      s->fn->ret_call.end == c->at.span.end;
      if (returned && !s->returns_query && callee->returns_query) {
        s->returns_query = true;
        changed = true;
      }
      if (returned && !s->fn->ret_builders && !s->returns_count && callee->returns_count) {
        s->returns_count = true;
        changed = true;
      }
      const ol_call_term *term = ol_call_term_of(file->facts, c);
      if (term && callee->returns_query && (!c->lazy_init || c->lazy_self))
        changed |= join_pk(s, -2, NULL);
      if (term && callee->returns_query && (!c->lazy_init || c->lazy_self)) {
        /* f(...).first(): f's query runs here (in a memo on self: once per instance) */
        ol_effect e = term->count ? OL_EFFECT_COUNT : OL_EFFECT_QUERY;
        ol_guard_set g = {0};
        if (term->direct && c->guard.test != OL_PG_NONE &&
            param_kept(&file->facts->funcs.items[c->func], c->guard.param))
          g.any[0] = c->guard;
        changed |= merge_guard(s, e, s->has[e], &g);
        if (!s->has[e] || (s->self_memo[e] && !c->lazy_self && !s->memo[e])) {
          s->has[e] = true;
          s->self_memo[e] = c->lazy_self;
          s->via[e] = (ol_via){(int32_t)ci, OL_VIA_TERMINAL};
          changed = true;
        }
      }
      /* `return f(...).filter(...).all()`: the rows of f's query */
      bool rows_returned = !ol_span_empty(s->fn->ret_rows_call) &&
                           s->fn->ret_rows_call.start == c->at.span.start &&
                           s->fn->ret_rows_call.end == c->at.span.end;
      if (s->rows_func < 0 && callee->rows_func >= 0 &&
          ((returned && !s->fn->ret_builders) || rows_returned)) {
        s->rows_func = callee->rows_func;
        s->rows_via = (ol_via){(int32_t)ci, t};
        changed = true;
      }
      bool bound = ol_index_call_bound(ix, f, ci);
      for (size_t r = 0; r < callee->reads.len; r++) {
        const ol_sum_read *cr = &callee->reads.items[r];
        bool rows;
        int mine = caller_param(ix, f, ci, bound, cr, &rows);
        if (mine < 0 || call_makes_false(ix, f, ci, t, &cr->guard))
          continue;
        ol_guard_set g = caller_guards(ix, f, ci, t, &cr->guard);
        int had = find_read(s, (uint32_t)mine, rows, cr->attr, cr->counted);
        if (had >= 0) { /* one more way to it */
          ol_guard_set *mine_g = &s->reads.items[had].guard;
          if (g.any[0].test == OL_PG_NONE)
            changed |= ol_guard_set_add(mine_g, &g.any[0]);
          for (int k = 0; k < OL_GUARD_ANY && g.any[k].test != OL_PG_NONE; k++)
            changed |= ol_guard_set_add(mine_g, &g.any[k]);
          continue;
        }
        if (s->reads.len >= MAX_READS)
          continue; /* full: the ways to the reads it has are still joined */
        ol_sum_read nr = {.guard = g,
                          .param = (uint32_t)mine,
                          .attr = cr->attr,
                          .called = cr->called,
                          .rows = rows,
                          .counted = cr->counted,
                          .via = {(int32_t)ci, t},
                          .from = (int32_t)r};
        if (!s->reads.cap)
          ol_vec_reserve_exact(&s->reads, 2);
        ol_vec_push(&s->reads, nr);
        s = &ix->funcs.items[caller];
        callee = &ix->funcs.items[t];
        changed = true;
      }
      if (changed)
        rs->version[caller]++;
      changed |= was_changed;
    }
  }
  return changed;
}

/* Whether function id fn lists the mapper's attributes itself or through a
 * method it calls on self or cls (generic_reads.c). */
static bool lists_attributes(const ol_index *ix, int32_t fn) {
  const ol_summary *s = &ix->funcs.items[fn];
  if (s->fn->enumerates_attrs)
    return true;
  const ol_index_file *file = &ix->files.items[s->file];
  int32_t local = fn - (int32_t)file->first_func;
  for (size_t ci = 0; ci < file->facts->calls.len; ci++) {
    const ol_call_fact *c = &file->facts->calls.items[ci];
    int32_t t = file->call_target[ci];
    if (c->func == local && c->recv_param == 0 && t >= 0 && ix->funcs.items[t].fn->enumerates_attrs)
      return true;
  }
  return false;
}

/* A generic read (OL_READ_EVERY) stays only where the names it reads are the
 * mapper's: otherwise which attributes it reads is not known. */
static void confirm_every_reads(ol_index *ix) {
  for (size_t fn = 0; fn < ix->funcs.len; fn++) {
    ol_summary *s = &ix->funcs.items[fn];
    size_t kept = 0;
    bool lists = false, asked = false;
    for (size_t r = 0; r < s->reads.len; r++) {
      if (!strcmp(s->reads.items[r].attr, OL_READ_EVERY) ||
          !strcmp(s->reads.items[r].attr, OL_READ_SCALARS)) {
        if (!asked)
          lists = lists_attributes(ix, (int32_t)fn), asked = true;
        if (!lists)
          continue;
      }
      s->reads.items[kept++] = s->reads.items[r];
    }
    s->reads.len = kept;
  }
}

static void fixpoint(ol_index *ix) {
  round_state rs;
  size_t nf = ix->funcs.len ? ix->funcs.len : 1, calls = 0;
  rs.first_call = ol_malloc((ix->files.len ? ix->files.len : 1) * sizeof(size_t));
  for (uint32_t f = 0; f < ix->files.len; f++) {
    rs.first_call[f] = calls;
    calls += ix->files.items[f].facts->calls.len;
  }
  rs.version = ol_malloc(nf * sizeof(uint32_t));
  for (size_t i = 0; i < nf; i++)
    rs.version[i] = 1;
  rs.seen = ol_calloc(calls ? calls : 1, sizeof(uint32_t)); /* 0: never taken */
  for (int round = 0; round < 256 && propagate(ix, &rs); round++) {
  }
  ol_free(rs.first_call);
  ol_free(rs.version);
  ol_free(rs.seen);
}

/* The model of `cls.query` a classmethod returns, called as `Model.m(...)`:
 * the class it is called on (a mixin's subclass). NULL when not a model. */
static const char *receiver_model(const ol_index *ix, const ol_call_fact *c) {
  const char *dot = strrchr(c->callee, '.');
  if (!dot || dot - c->callee >= 128)
    return NULL;
  char cls[128];
  memcpy(cls, c->callee, (size_t)(dot - c->callee));
  cls[dot - c->callee] = '\0';
  if (strchr(cls, '.') || !strcmp(cls, "cls") || !strcmp(cls, "self"))
    return NULL;
  const ol_model *m = ol_index_model(ix, cls);
  return m ? m->name : NULL;
}

/* The rows of a loop over what a project call returns: rows it loaded (the
 * query is in the function that returned them), or a query it built and the
 * loop runs (`for x in f().filter(...).all()`: the query to load more with is
 * the chain at the loop, rows_func the function whose returned query gives
 * the model and its options). */
/* `for c in windowed(q, ...)` where windowed returns or yields from its
 * parameter (builders on it allowed): the rows of the query or rows the
 * call passes there, loaded where the caller built them; through a name
 * bound to what an earlier such call returned (`query = filter_by_owner(
 * query, o)`, then `filter_by_issuer(query, i)`), the rows that call hands
 * back. rows_file: the file of the call that holds them. */
#define MAX_PASSED 8
static const char *call_result_rows(const ol_index *ix, uint32_t file, int32_t c, int depth,
                                    const ol_rows **rows, uint32_t *rows_file);

static const char *arg_rows(const ol_index *ix, uint32_t file, int32_t c, int32_t k, int depth,
                            const ol_rows **rows, uint32_t *rows_file) {
  const ol_file_facts *facts = ix->files.items[file].facts;
  if (k < 0 || c < 0)
    return NULL;
  const ol_call_fact *cf = &facts->calls.items[c];
  const ol_call_arg *args = ol_call_args(facts, cf);
  for (uint32_t a = 0; a < cf->n_args; a++)
    if (ol_index_call_param(ix, file, (size_t)c, a) == k) {
      if (args[a].via_call >= 0 && !args[a].has_rows && depth < MAX_PASSED)
        return call_result_rows(ix, file, args[a].via_call, depth + 1, rows, rows_file);
      if (!args[a].has_rows || !ol_index_model(ix, args[a].rows.entity))
        return NULL;
      *rows = &args[a].rows;
      *rows_file = file;
      return args[a].rows.entity;
    }
  return NULL;
}

/* What call c hands back when its callee returns what a parameter holds (ret_param), or a query
 * of the model a parameter names (ret_model, `session_query(Certificate)`): the rows, and where
 * a loader option goes (for a model, the call itself, which returns the query). */
static const char *call_result_rows(const ol_index *ix, uint32_t file, int32_t c, int depth,
                                    const ol_rows **rows, uint32_t *rows_file) {
  int32_t t = ol_index_dispatch(ix, file, (size_t)c, ix->files.items[file].call_target[c]);
  if (t < 0)
    return NULL;
  const ol_func_fact *fn = ix->funcs.items[t].fn;
  if (fn->ret_param >= 0)
    return arg_rows(ix, file, c, fn->ret_param, depth, rows, rows_file);
  if (fn->ret_model < 0)
    return NULL;
  const ol_file_facts *facts = ix->files.items[file].facts;
  const ol_call_fact *cf = &facts->calls.items[c];
  const ol_call_arg *args = ol_call_args(facts, cf);
  for (uint32_t a = 0; a < cf->n_args; a++)
    if (ol_index_call_param(ix, file, (size_t)c, a) == fn->ret_model) {
      if (!args[a].model_arg || !ol_index_model(ix, args[a].rows.entity))
        return NULL;
      *rows = &args[a].rows;
      *rows_file = file;
      return args[a].rows.entity;
    }
  return NULL;
}

/* Also through one function that returns such a call (`return windowed(q, ...)`,
 * `q = windowed(q, ...)` then `return q`): the rows are then q's, in that function's file. */
static const char *passed_rows(const ol_index *ix, uint32_t file, const ol_loop *l, int32_t c,
                               int32_t t, const ol_rows **rows, uint32_t *rows_file) {
  bool built = !ol_span_empty(l->rows.query) &&
               (l->rows.query.start != l->rows_call.start || l->rows.query.end != l->rows_call.end);
  const ol_func_fact *fn = ix->funcs.items[t].fn;
  if (built) {
    /* `f(q).filter(...).all()`, f handing back what it is passed (builders that change no
     * loading on the way) or a query of the model passed: a query of that model, loaded as the
     * chain at the loop says, when what was passed loads nothing itself (else not known here) */
    const ol_rows *passed;
    uint32_t pf;
    const char *e = fn->ret_param >= 0 || fn->ret_model >= 0
                        ? call_result_rows(ix, file, c, 0, &passed, &pf)
                        : NULL;
    if (!e || (passed->eager && *passed->eager) || passed->options_opaque || passed->tuples ||
        passed->dyn_rel || !ol_span_empty(passed->options_args))
      return NULL;
    *rows = &l->rows, *rows_file = file;
    return e;
  }
  if (fn->ret_param >= 0 || fn->ret_model >= 0)
    return call_result_rows(ix, file, c, 0, rows, rows_file);
  if (ol_span_empty(fn->ret_call) || fn->ret_builders)
    return NULL;
  uint32_t tf = ix->funcs.items[t].file;
  int32_t c2 = ol_facts_call_at(ix->files.items[tf].facts, fn->ret_call);
  return c2 >= 0 ? call_result_rows(ix, tf, c2, 0, rows, rows_file) : NULL;
}

static bool derives_from(const ol_index *ix, int32_t c, int32_t a);

/* The `self.prop` read fact (ol_call_fact.attr_only) at span, -1. A read is
 * recorded when its attribute is met, before the calls around it end, so the
 * facts are not in the order of their starts there: every one is looked at. */
static int32_t prop_read_at(const ol_file_facts *facts, ol_span span) {
  for (size_t i = 0; i < facts->calls.len; i++)
    if (facts->calls.items[i].attr_only && facts->calls.items[i].at.span.start == span.start &&
        facts->calls.items[i].at.span.end == span.end)
      return (int32_t)i;
  return -1;
}
static const char *own_attr(const ol_index *ix, int32_t c, const char *attr);
static const char *inherited_attr(const ol_index *ix, int32_t c, const char *attr, int depth);

/* The model a query of function g names as `self.<attr>` (`session.query(
 * self.role_model)`): what g's class (or a base) binds attr to, a model that
 * no subclass binds otherwise; the entity itself when it is no `self.`
 * attribute; NULL when not known. */
static const char *self_model(const ol_index *ix, const ol_summary *g, const char *entity) {
  if (strncmp(entity, "self.", 5) != 0)
    return entity;
  int32_t cls = g->fn->cls ? ol_index_class_id(ix, g->fn->cls, (int32_t)g->file) : -1;
  const char *v = cls >= 0 ? inherited_attr(ix, cls, entity + 5, 0) : NULL;
  const ol_model *m = v ? ol_index_model(ix, ol_last_component(v)) : NULL;
  if (!m)
    return NULL;
  for (int32_t c = 0; c < (int32_t)ix->classes.len; c++) {
    const char *o = c != cls ? own_attr(ix, c, entity + 5) : NULL;
    if (o && strcmp(o, v) && derives_from(ix, c, cls))
      return NULL; /* a subclass names another model */
  }
  return m->name;
}

static const char *call_rows(const ol_index *ix, uint32_t file, const ol_loop *l,
                             const ol_rows **rows, uint32_t *rows_file, int32_t *rows_func) {
  const ol_file_facts *facts = ix->files.items[file].facts;
  int32_t c = ol_facts_call_at(facts, l->rows_call);
  if (c < 0) /* `self._query.filter(...)`: the property read */
    c = prop_read_at(facts, l->rows_call);
  int32_t t =
      c >= 0 ? ol_index_dispatch(ix, file, (size_t)c, ix->files.items[file].call_target[c]) : -1;
  int32_t g = t >= 0 ? ix->funcs.items[t].rows_func : -1;
  if (t >= 0 && g < 0)
    return passed_rows(ix, file, l, c, t, rows, rows_file);
  if (g < 0)
    return NULL;
  const ol_summary *src = &ix->funcs.items[g];
  const ol_func_rows *fr = ol_func_rows_of(ix->files.items[src->file].facts, src->fn);
  const char *entity = self_model(ix, src, fr->rows.entity);
  if (!entity)
    return NULL;
  if (!strcmp(entity, "cls"))
    entity = src->fn->kind == OL_FN_CLASSMETHOD && g == t
                 ? receiver_model(ix, &facts->calls.items[c])
                 : NULL;
  else if (!ol_index_model(ix, entity))
    entity = NULL;
  if (!entity)
    return NULL;
  bool built = !ol_span_empty(l->rows.query) &&
               (l->rows.query.start != l->rows_call.start || l->rows.query.end != l->rows_call.end);
  if (ix->funcs.items[t].returns_query && !ol_span_empty(l->rows.query)) {
    *rows = &l->rows, *rows_file = file, *rows_func = g;
    return entity;
  }
  if (built)
    return NULL; /* builders on what is not a query */
  /* Rows a classmethod loaded with `cls.query`: its rows.entity stays "cls" (a
   * fix there names cls, right only where the class is that model). */
  *rows = &fr->rows, *rows_file = src->file, *rows_func = g;
  return entity;
}

/* Whether class c is class a or derives from it. */
/* Whether class c is a or derives from it. Each class is visited once
 * (seen: one byte per class), so diamonds of bases cost their size. */
static bool derives_walk(const ol_index *ix, int32_t c, int32_t a, int depth, uint8_t *seen) {
  if (c < 0 || a < 0 || depth > MAX_DEPTH || seen[c])
    return false;
  if (c == a)
    return true;
  seen[c] = 1;
  for (uint32_t e = ix->base_at[c]; e < ix->base_at[c + 1]; e++)
    if (derives_walk(ix, ix->base_ids[e], a, depth + 1, seen))
      return true;
  return false;
}

/* The classes visited when a lineage is small, as most are: no table over every class. */
#define SMALL_LINEAGE 32

static bool derives_from(const ol_index *ix, int32_t c, int32_t a) {
  if (c < 0 || a < 0)
    return false;
  int32_t todo[SMALL_LINEAGE], seen[SMALL_LINEAGE];
  size_t n_todo = 0, n_seen = 0;
  todo[n_todo++] = c;
  while (n_todo > 0) {
    int32_t x = todo[--n_todo];
    if (x == a)
      return true;
    bool known = false;
    for (size_t i = 0; i < n_seen && !known; i++)
      known = seen[i] == x;
    if (known)
      continue;
    if (n_seen == SMALL_LINEAGE)
      goto large; /* a lineage this wide: the walk below, with a byte per class */
    seen[n_seen++] = x;
    for (uint32_t e = ix->base_at[x]; e < ix->base_at[x + 1]; e++) {
      int32_t base = ix->base_ids[e];
      if (base < 0)
        continue;
      if (n_todo == SMALL_LINEAGE)
        goto large;
      todo[n_todo++] = base;
    }
  }
  return false;
large:;
  uint8_t *seen_all = ol_calloc(ix->classes.len ? ix->classes.len : 1, 1);
  bool r = derives_walk(ix, c, a, 0, seen_all);
  ol_free(seen_all);
  return r;
}

/* The model of the one row the call at span in file returns (ol_func_fact.one:
 * `Event.get(id)`, a classmethod returning `cls.query.get(oid)` or None; also
 * through functions that return such a call, `get_or_404` returning what
 * `cls.get(oid)` does), NULL when it is not known to be one. cls_model: the
 * model `cls` is where the call is (a classmethod called on it), or NULL. */
static const char *returned_one_at(const ol_index *ix, uint32_t file, ol_span call,
                                   const char *cls_model, int depth) {
  const ol_file_facts *facts = ix->files.items[file].facts;
  int32_t c = ol_facts_call_at(facts, call);
  int32_t t = c >= 0 ? ix->files.items[file].call_target[c] : -1;
  if (t < 0 || depth > 4)
    return NULL;
  const ol_call_fact *cf = &facts->calls.items[c];
  const ol_summary *s = &ix->funcs.items[t];
  /* the model `cls` stands for in the callee: the class it is called on */
  const char *recv = s->fn->kind != OL_FN_CLASSMETHOD  ? NULL
                     : !strncmp(cf->callee, "cls.", 4) ? cls_model
                                                       : receiver_model(ix, cf);
  const ol_func_rows *fr = ol_func_one_of(ix->files.items[s->file].facts, s->fn);
  if (!fr)
    return s->fn->one == -1 && !ol_span_empty(s->fn->one_call)
               ? returned_one_at(ix, s->file, s->fn->one_call, recv, depth + 1)
               : NULL;
  if (!strcmp(fr->rows.entity, "cls"))
    return recv;
  return ol_index_model(ix, fr->rows.entity) ? fr->rows.entity : NULL;
}

static const char *returned_one(const ol_index *ix, uint32_t file, ol_span call) {
  return returned_one_at(ix, file, call, NULL, 0);
}

const char *ol_index_returned_one(const ol_index *ix, uint32_t file, ol_span call) {
  return returned_one(ix, file, call);
}

/* The model of the rows the call at span in file returns, loaded by a query
 * of a model (not `cls`) in the function that returns them, with no builder
 * on the call: that query (and its file) in *rows; NULL when not known. */
static const char *returned_rows(const ol_index *ix, uint32_t file, ol_span call,
                                 const ol_rows **rows, uint32_t *rows_file) {
  const ol_file_facts *facts = ix->files.items[file].facts;
  int32_t c = ol_facts_call_at(facts, call);
  int32_t t = c >= 0 ? ix->files.items[file].call_target[c] : -1;
  int32_t g = t >= 0 ? ix->funcs.items[t].rows_func : -1;
  if (g < 0 || ix->funcs.items[t].returns_query)
    return NULL;
  const ol_summary *src = &ix->funcs.items[g];
  const ol_func_rows *fr = ol_func_rows_of(ix->files.items[src->file].facts, src->fn);
  const char *entity = fr && fr->rows.entity ? self_model(ix, src, fr->rows.entity) : NULL;
  if (!entity || !ol_index_model(ix, entity))
    return NULL;
  *rows = &fr->rows, *rows_file = src->file;
  return entity;
}

/* What class c binds attribute attr to in its own body, NULL when it does not. */
static const char *own_attr(const ol_index *ix, int32_t c, const char *attr) {
  const ol_class_fact *cf = ix->classes.items[c].cls;
  for (size_t i = 0; i + 1 < cf->n_attrs; i += 2)
    if (!strcmp(cf->attrs[i], attr))
      return cf->attrs[i + 1];
  return NULL;
}

/* What class c (or a base, first base first) binds attr to, NULL when none does. */
static const char *inherited_attr(const ol_index *ix, int32_t c, const char *attr, int depth) {
  if (c < 0 || depth > MAX_DEPTH)
    return NULL;
  const char *v = own_attr(ix, c, attr);
  const ol_class_fact *cf = ix->classes.items[c].cls;
  for (size_t b = 0; !v && b < cf->n_bases; b++) {
    int32_t base =
        ol_index_class_id(ix, ol_last_component(cf->bases[b]), (int32_t)ix->classes.items[c].file);
    v = base != c ? inherited_attr(ix, base, attr, depth + 1) : NULL;
  }
  return v;
}

bool ol_index_class_options_empty(const ol_index *ix, int32_t cls, const char *attr) {
  const char *v = cls >= 0 ? inherited_attr(ix, cls, attr, 0) : NULL;
  if (!v || (strcmp(v, "()") && strcmp(v, "None")))
    return false; /* loader options (perhaps the one read), or not known */
  for (int32_t c = 0; c < (int32_t)ix->classes.len; c++)
    if (c != cls && own_attr(ix, c, attr) && derives_from(ix, c, cls))
      return false; /* a subclass sets its own: an instance may be one of it */
  return true;
}

/* A loop over a class attribute the class body binds to a display of
 * constants, or its __init__ to one or to configuration (ol_loop.fixed_cls): bounded when no code
 * of the project writes an attribute of that name (facts.h attr_writes, whatever the object: the
 * index cannot always say which class an object is of) and no subclass
 * binds it in its own body (an instance, or `cls`, may be one of it). A loop
 * nested in another keeps its findings, like over_fixed_call's. */
bool ol_index_loop_fixed_attr(const ol_index *ix, uint32_t file, const ol_loop *l) {
  if (!l->fixed_cls || !l->fixed_attr || l->parent >= 0 || l->kind == OL_LOOP_WHILE)
    return false;
  uint64_t h = ol_fnv(OL_FNV_OFFSET, l->fixed_attr, strlen(l->fixed_attr));
  for (uint32_t f = 0; f < ix->files.len; f++) {
    const ol_file_facts *facts = ix->files.items[f].facts;
    for (size_t i = 0; i < facts->attr_writes.len; i++)
      if (facts->attr_writes.items[i] == h)
        return false;
  }
  int32_t cls = ol_index_class_id(ix, ol_last_component(l->fixed_cls), (int32_t)file);
  if (cls < 0) /* pass 1 saw its body (or __init__) bind it */
    return false;
  for (int32_t c = 0; c < (int32_t)ix->classes.len; c++)
    if (c != cls && own_attr(ix, c, l->fixed_attr) && derives_from(ix, c, cls))
      return false;
  return true;
}

/* The model of the query property `self.<prop>` returns, read at span in
 * file (OL_SELF_QUERY), on an instance of class cls: the property the class
 * of that read finds, which cls and every subclass of it find too (an
 * override may load otherwise), returning a query of its own of a model
 * (its options in *rows); NULL otherwise. */
static const char *query_of(const ol_index *ix, int32_t t, int32_t cls, bool on_self,
                            const ol_rows **rows, uint32_t *rows_file);

static const char *returned_query(const ol_index *ix, uint32_t file, ol_span span, int32_t cls,
                                  const ol_rows **rows, uint32_t *rows_file) {
  const ol_file_facts *facts = ix->files.items[file].facts;
  int32_t c = ol_facts_call_at(facts, span);
  if (c < 0)
    c = prop_read_at(facts, span);
  int32_t t = c >= 0 ? ix->files.items[file].call_target[c] : -1;
  bool on_self = c >= 0 && facts->calls.items[c].recv_param == 0;
  return query_of(ix, t, cls, on_self, rows, rows_file);
}

/* The model of the query function t returns itself, called on an instance
 * of class cls (on_self: on self), as returned_query says; NULL otherwise. */
static const char *query_of(const ol_index *ix, int32_t t, int32_t cls, bool on_self,
                            const ol_rows **rows, uint32_t *rows_file) {
  if (t < 0 || !ix->funcs.items[t].returns_query || ix->funcs.items[t].rows_func != t)
    return NULL;
  const ol_summary *src = &ix->funcs.items[t];
  const ol_func_rows *fr = ol_func_rows_of(ix->files.items[src->file].facts, src->fn);
  const char *entity = fr && fr->rows.entity ? self_model(ix, src, fr->rows.entity) : NULL;
  if (!entity || !ol_index_model(ix, entity) ||
      ((fr->rows.options_self || entity != fr->rows.entity) && !on_self))
    return NULL; /* `*self.opts`, `self.role_model` of another instance */
  for (int32_t c = 0; src->fn->cls && c < (int32_t)ix->classes.len; c++)
    if ((c == cls || derives_from(ix, c, cls)) && method_in(ix, c, src->fn->name) != t)
      return NULL; /* a method found otherwise where the instance may be of c */
  *rows = &fr->rows, *rows_file = src->file;
  return entity;
}

/* What `self.<self_attr>` holds on an instance of class cls (self_one: the
 * one row it holds), from what cls, its bases and its subclasses assign;
 * *none when nothing does (nor is it a property of cls). */
static const char *self_rows_of(const ol_index *ix, int32_t cls, const char *self_attr,
                                bool self_one, const ol_rows **rows, uint32_t *rows_file,
                                bool *none) {
  *none = false;
  const ol_self_fact *found = NULL;
  const ol_rows *found_rows = NULL;
  const char *entity = NULL;
  uint32_t found_file = 0;
  size_t n_refs;
  const ol_self_ref *refs = ol_index_self_facts(ix, self_attr, &n_refs);
  for (size_t k = 0; k < n_refs; k++) {
    uint32_t f = refs[k].file;
    const ol_self_fact *s = &ix->files.items[f].facts->self_facts.items[refs[k].fact];
    if (strcmp(s->attr, self_attr))
      continue;
    int32_t c = ol_index_class_id(ix, s->cls, (int32_t)f);
    if (c < 0 || !(derives_from(ix, cls, c) || derives_from(ix, c, cls)))
      continue;
    const ol_rows *r = &s->rows;
    uint32_t rf = f;
    const ol_param_type *pt =
        s->kind == OL_SELF_PARAM
            ? ol_index_param_type(ix, (int32_t)ix->files.items[f].first_func + s->func,
                                  (uint32_t)s->param)
            : NULL;
    if (pt && pt->many == !self_one) /* `self.event = event`: what every caller passes */
      r = &pt->rows;
    const char *e = pt ? (pt->many == !self_one ? pt->entity : NULL)
                    : s->kind == (self_one ? OL_SELF_ONE : OL_SELF_ROWS) && s->rows.entity &&
                            ol_index_model(ix, s->rows.entity)
                        ? s->rows.entity
                    : s->kind == OL_SELF_QUERY
                        ? (self_one ? NULL : returned_query(ix, f, s->call, cls, &r, &rf))
                    : s->kind != OL_SELF_CALL ? NULL
                    : self_one                ? returned_one(ix, f, s->call)
                                              : returned_rows(ix, f, s->call, &r, &rf);
    if (found || !e)
      return NULL; /* assigned twice, or something else: not known */
    found = s, found_file = rf, entity = e, found_rows = r;
  }
  if (!found) { /* `for x in self._query`: a property of the class that returns a query */
    int32_t p = self_one ? -1 : method_in(ix, cls, self_attr);
    entity = p >= 0 && ix->funcs.items[p].fn->kind == OL_FN_PROPERTY
                 ? query_of(ix, p, cls, true, &found_rows, &found_file)
                 : NULL;
    *none = p < 0;
    if (!entity || (found_rows->options_self &&
                    !ol_index_class_options_empty(ix, cls, found_rows->options_self)))
      return NULL;
    *rows = found_rows, *rows_file = found_file;
    return entity;
  }
  /* `.options(*self.opts)`: the options the loop's class (and every subclass) binds */
  if (found_rows->options_self &&
      (found->kind == OL_SELF_CALL ||
       !ol_index_class_options_empty(ix, cls, found_rows->options_self)))
    return NULL;
  *rows = found_rows, *rows_file = found_file;
  return entity;
}

static int by_id(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return x < y ? -1 : x > y;
}

/* ol_index_self_rows of `self.<self_attr>` in a method of class self_cls of
 * file. A mixin that neither assigns it nor derives from a class that does
 * (`self.abstracts` read in an export mixin): what it holds in every project
 * class deriving from the mixin that knows, when they agree. */
static const char *self_rows(const ol_index *ix, uint32_t file, const char *self_cls,
                             const char *self_attr, bool self_one, const ol_rows **rows,
                             uint32_t *rows_file) {
  *rows = NULL, *rows_file = file;
  int32_t cls = self_attr && self_cls ? ol_index_class_id(ix, self_cls, (int32_t)file) : -1;
  if (cls < 0)
    return NULL;
  bool none;
  const char *entity = self_rows_of(ix, cls, self_attr, self_one, rows, rows_file, &none);
  size_t n_subs;
  if (entity || !none || !ol_index_subclasses(ix, cls, &n_subs))
    return entity; /* a class nobody derives from: no subclass knows more */
  /* the classes deriving from cls, MAX_DEPTH levels down, in class order */
  uint8_t *seen = ol_calloc(ix->classes.len, 1);
  OL_VEC(int32_t) below = {0};
  ol_vec_push(&below, cls);
  seen[cls] = 1;
  for (size_t level_start = 0, level = 0; level < MAX_DEPTH && level_start < below.len; level++) {
    size_t level_end = below.len;
    for (size_t i = level_start; i < level_end; i++) {
      size_t n;
      const int32_t *subs = ol_index_subclasses(ix, below.items[i], &n);
      for (size_t k = 0; k < n; k++)
        if (!seen[subs[k]]) {
          seen[subs[k]] = 1;
          ol_vec_push(&below, subs[k]);
        }
    }
    level_start = level_end;
  }
  ol_free(seen);
  qsort(below.items, below.len, sizeof *below.items, by_id);
  for (size_t i = 0; i < below.len; i++) {
    int32_t c = below.items[i];
    if (c == cls)
      continue;
    const ol_rows *r;
    uint32_t rf;
    const char *e = self_rows_of(ix, c, self_attr, self_one, &r, &rf, &none);
    if (none)
      continue; /* another mixin on the way, or a class that never sets it */
    if (!e || (entity && (r != *rows || strcmp(e, entity)))) {
      ol_vec_free(&below);
      return *rows = NULL, NULL; /* not known, or the classes disagree */
    }
    entity = e, *rows = r, *rows_file = rf;
  }
  ol_vec_free(&below);
  if (!entity)
    *rows = NULL;
  return entity;
}

const char *ol_index_self_rows(const ol_index *ix, uint32_t file, const ol_loop *l,
                               const ol_rows **rows, uint32_t *rows_file) {
  return self_rows(ix, file, l->self_cls, l->self_attr, l->self_one, rows, rows_file);
}

const char *ol_index_self_attr_rows(const ol_index *ix, uint32_t file, int32_t func,
                                    const char *attr, const ol_rows **rows, uint32_t *rows_file) {
  const ol_file_facts *facts = ix->files.items[file].facts;
  const char *cls = func >= 0 ? facts->funcs.items[func].cls : NULL;
  return self_rows(ix, file, cls, attr, false, rows, rows_file);
}

const ol_relation *ol_index_collection(const ol_index *ix, const char *model, const char *attr) {
  for (int depth = 0; depth < MAX_DEPTH && model && attr; depth++) {
    const ol_relation *r = ol_index_relation(ix, model, attr);
    const ol_model *m = r ? NULL : ol_index_model(ix, model);
    if (r || !m)
      return r;
    int32_t c = (int32_t)(m - ix->classes.items);
    int32_t t = method_in(ix, c, attr);
    const ol_func_fact *fn = t >= 0 ? ix->funcs.items[t].fn : NULL;
    if (!fn || fn->kind != OL_FN_PROPERTY || !fn->ret_coll || !*fn->ret_coll)
      return NULL;
    for (int32_t s = 0; s < (int32_t)ix->classes.len; s++)
      if (s != c && derives_from(ix, s, c) && method_in(ix, s, attr) != t)
        return NULL; /* a subclass answers otherwise: a row may be one of it */
    attr = fn->ret_coll;
  }
  return NULL;
}

const char *ol_index_arg_rows(const ol_index *ix, uint32_t file, const ol_call_arg *arg,
                              const ol_rows **rows, uint32_t *rows_file, int32_t *rows_func) {
  *rows = NULL, *rows_file = file, *rows_func = -1;
  if (ol_span_empty(arg->rows_call))
    return NULL;
  /* what a loop over the argument would iterate: the same resolution */
  ol_loop as_loop = {.rows_call = arg->rows_call, .rows = arg->rows, .rows_param = -1};
  const char *e = call_rows(ix, file, &as_loop, rows, rows_file, rows_func);
  if (e && *rows == &as_loop.rows)
    *rows = &arg->rows; /* not the local copy */
  return e;
}

const char *ol_index_loop_entity(const ol_index *ix, uint32_t file, int loop, const ol_rows **rows,
                                 uint32_t *rows_file, int32_t *rows_func) {
  const ol_file_facts *facts = ix->files.items[file].facts;
  *rows = NULL, *rows_file = file, *rows_func = -1;
  for (int depth = 0; depth < MAX_DEPTH && loop >= 0; depth++) {
    const ol_loop *l = &facts->loops.items[loop];
    if (l->has_rows && l->self_attr &&
        (l->self_one || !l->rows.entity || !ol_index_model(ix, l->rows.entity))) {
      const char *e = ol_index_self_rows(ix, file, l, rows, rows_file);
      const ol_relation *via = e && l->self_one ? ol_index_collection(ix, e, l->rows_via) : NULL;
      if (!e || !l->self_one)
        return e;
      return via && via->collection && via->target && ol_index_model(ix, via->target) ? via->target
                                                                                      : NULL;
    }
    if (l->has_rows && l->rows_parent < 0 && l->rows_via) { /* a collection of one row */
      const char *one = l->rows.entity || ol_span_empty(l->rows_call)
                            ? l->rows.entity
                            : returned_one(ix, file, l->rows_call); /* `e = Event.get(id)` */
      const ol_relation *via =
          one && ol_index_model(ix, one) ? ol_index_collection(ix, one, l->rows_via) : NULL;
      *rows = &l->rows;
      return via && via->collection && via->target && ol_index_model(ix, via->target) ? via->target
                                                                                      : NULL;
    }
    if (l->has_rows && l->rows_parent < 0 && l->rows.dyn_rel && !ol_span_empty(l->rows_call) &&
        !ol_index_relation(ix, l->rows.dyn_owner, l->rows.dyn_rel))
      return call_rows(ix, file, l, rows, rows_file, rows_func); /* `self._query.all()` */
    if (l->has_rows && l->rows_parent < 0) {
      *rows = &l->rows;
      return l->rows.entity && ol_index_model(ix, l->rows.entity) ? l->rows.entity : NULL;
    }
    if (l->has_rows) { /* a collection of an enclosing loop's rows */
      const ol_rows *pr;
      const char *parent =
          ol_index_loop_entity(ix, file, l->rows_parent, &pr, rows_file, rows_func);
      const ol_relation *via = parent ? ol_index_collection(ix, parent, l->rows_via) : NULL;
      *rows = pr;
      return via && via->collection && via->target && ol_index_model(ix, via->target) ? via->target
                                                                                      : NULL;
    }
    ol_template_binding tb;
    if (l->context) { /* a template's loop: the rows a view renders it with */
      if (!ol_index_template_binding(ix, file, l->context, &tb))
        return NULL;
      *rows = &tb.arg->rows, *rows_file = tb.file;
      return tb.arg->rows.entity;
    }
    if (ol_span_empty(l->rows_call))
      return NULL;
    return call_rows(ix, file, l, rows, rows_file, rows_func);
  }
  return NULL;
}

/* What other files' calls may resolve to in file f: its module, its
 * functions (names, classes, nesting, kinds), classes and imports. */
static uint64_t interface_of(const ol_index *ix, uint32_t f) {
  const ol_index_file *file = &ix->files.items[f];
  const ol_file_facts *x = file->facts;
  uint64_t h = hash_str(hash_str(1469598103934665603ull, file->path), file->module);
  for (size_t i = 0; i < x->funcs.len; i++) {
    const ol_func_fact *fn = &x->funcs.items[i];
    h = hash_str(hash_str(h, fn->name), fn->cls ? fn->cls : "");
    h = hash_bytes(h, (const char *)&fn->outer, sizeof fn->outer);
    h = hash_bytes(h, (const char *)&fn->kind, sizeof fn->kind);
    if (fn->n_params)
      h = hash_str(h, fn->params[0]);
  }
  for (size_t i = 0; i < x->classes.len; i++) {
    const ol_class_fact *c = &x->classes.items[i];
    h = hash_str(h * 31, c->name);
    for (size_t b = 0; b < c->n_bases; b++)
      h = hash_str(h, c->bases[b]);
  }
  for (size_t i = 0; i < x->imports.len; i++) {
    const ol_import_fact *im = &x->imports.items[i];
    h = hash_str(hash_str(hash_str(h * 31, im->local), im->module ? im->module : ""),
                 im->name ? im->name : "");
    h = hash_bytes(h, (const char *)&im->level, sizeof im->level);
  }
  return h;
}

/* Which class a name means (ol_index_class_id): every class's name and file. */
static uint64_t classes_key(const ol_index *ix) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < ix->classes.len; i++) {
    h = hash_str(h * 31, ix->classes.items[i].name);
    h = hash_bytes(h, (const char *)&ix->classes.items[i].file, sizeof(uint32_t));
  }
  return h;
}

/* The module names: the project's paths, in order. */
static uint64_t files_key(const ol_index *ix) {
  uint64_t h = hash_bytes(1469598103934665603ull, (const char *)&ix->files.len, sizeof(size_t));
  for (size_t i = 0; i < ix->files.len; i++)
    h = hash_str(h * 31, ix->files.items[i].path);
  return h;
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static void resolved_free(ol_resolved_calls *rc) {
  ol_free(rc->file);
  ol_free(rc->func);
  ol_free(rc->deps);
  *rc = (ol_resolved_calls){.gen = UINT64_MAX};
}

/* Whether file f's entry holds: same facts, and every file its resolution
 * read (itself included) shows the same interface as then. */
static bool reusable(const ol_index *ix, const ol_resolve_cache *cache, uint32_t f,
                     const uint64_t *gen, const uint64_t *old_iface, const uint64_t *iface) {
  const ol_resolved_calls *rc = &cache->files.items[f];
  if (rc->gen != gen[f] || old_iface[f] != iface[f] || !ol_resolved_calls_valid(rc, ix, f))
    return false;
  for (uint32_t d = 0; d < rc->n_deps; d++)
    if (old_iface[rc->deps[d]] != iface[rc->deps[d]])
      return false;
  return true;
}

typedef struct {
  ol_index *ix;
  ol_resolve_cache *cache;
  const uint64_t *gen;
  const uint32_t *todo; /* the files to resolve */
  size_t n;
  atomic_size_t next;
} resolve_job;

/* Resolves one file's calls and, with a cache, records them and what
 * their resolution read. */
static void resolve_file(resolve_job *job, uint32_t f, struct ol_deps *deps) {
  ol_index *ix = job->ix;
  ol_index_file *file = &ix->files.items[f];
  size_t n = file->facts->calls.len;
  ol_resolved_calls *rc = job->cache ? &job->cache->files.items[f] : NULL;
  deps->files.len = 0;
  tl_deps = rc ? deps : NULL;
  for (size_t i = 0; i < n; i++)
    file->call_target[i] = resolve_call(ix, f, &file->facts->calls.items[i]);
  tl_deps = NULL;
  if (!rc)
    return;
  resolved_free(rc);
  rc->gen = job->gen[f];
  rc->n = (uint32_t)n;
  rc->file = ol_malloc((n ? n : 1) * sizeof(int32_t));
  rc->func = ol_malloc((n ? n : 1) * sizeof(int32_t));
  for (size_t i = 0; i < n; i++) {
    int32_t t = file->call_target[i];
    rc->file[i] = t < 0 ? -1 : (int32_t)ix->funcs.items[t].file;
    rc->func[i] = t < 0 ? -1 : t - (int32_t)ix->files.items[rc->file[i]].first_func;
  }
  if (deps->files.len)
    qsort(deps->files.items, deps->files.len, sizeof(uint32_t), cmp_u32);
  size_t k = 0;
  for (size_t i = 0; i < deps->files.len; i++)
    if ((!k || deps->files.items[i] != deps->files.items[k - 1]) && deps->files.items[i] != f)
      deps->files.items[k++] = deps->files.items[i];
  rc->n_deps = (uint32_t)k;
  rc->deps = ol_malloc((k ? k : 1) * sizeof(uint32_t));
  if (k)
    memcpy(rc->deps, deps->files.items, k * sizeof(uint32_t));
}

static void *resolve_worker(void *arg) {
  resolve_job *job = arg;
  struct ol_deps deps = {0};
  struct ol_lookup_memo memo = {0};
  tl_memo = &memo;
  for (;;) {
    size_t i = atomic_fetch_add(&job->next, 1);
    if (i >= job->n)
      break;
    resolve_file(job, job->todo[i], &deps);
  }
  tl_memo = NULL;
  memo_free(&memo.names);
  ol_vec_free(&deps.files);
  return NULL;
}

/* Every call's target; from the cache where it still holds. */
static void resolve_calls(ol_index *ix, ol_resolve_cache *cache, const uint64_t *gen) {
  size_t nf = ix->files.len ? ix->files.len : 1;
  uint64_t *iface = NULL, *old_iface = NULL;
  if (cache) {
    iface = ol_malloc(nf * sizeof *iface);
    old_iface = ol_malloc(nf * sizeof *old_iface);
    uint64_t fk = files_key(ix), ck = classes_key(ix);
    if (fk != cache->files_key || ck != cache->classes_key || cache->files.len != ix->files.len) {
      ol_resolve_cache_free(cache);
      cache->files_key = fk;
      cache->classes_key = ck;
      ol_vec_grow(&cache->files, ix->files.len);
      for (uint32_t f = 0; f < ix->files.len; f++)
        cache->files.items[cache->files.len++] = (ol_resolved_calls){.gen = UINT64_MAX};
    }
    /* The same facts at the same path have the same interface: hashed
     * again only for the files whose facts changed. */
    for (uint32_t f = 0; f < ix->files.len; f++) {
      const ol_resolved_calls *rc = &cache->files.items[f];
      old_iface[f] = rc->iface;
      iface[f] = rc->gen == gen[f] ? rc->iface : interface_of(ix, f);
    }
    cache->resolved = 0;
  }
  /* The files reused, here; the others resolved on every thread. */
  uint32_t *todo = ol_malloc(nf * sizeof *todo);
  size_t n_todo = 0;
  for (uint32_t f = 0; f < ix->files.len; f++) {
    ol_index_file *file = &ix->files.items[f];
    size_t n = file->facts->calls.len;
    file->call_target = ol_malloc((n ? n : 1) * sizeof(int32_t));
    ol_resolved_calls *rc = cache ? &cache->files.items[f] : NULL;
    if (rc && reusable(ix, cache, f, gen, old_iface, iface)) {
      for (size_t i = 0; i < n; i++)
        file->call_target[i] =
            rc->file[i] < 0 ? -1 : (int32_t)ix->files.items[rc->file[i]].first_func + rc->func[i];
      continue;
    }
    todo[n_todo++] = f;
  }
  resolve_job job = {.ix = ix, .cache = cache, .gen = gen, .todo = todo, .n = n_todo};
  atomic_init(&job.next, 0);
  size_t threads = ix->jobs > 1 ? (size_t)ix->jobs : 1;
  if (threads > n_todo / 8) /* a few files: not worth a thread */
    threads = 1;
  pthread_t *t = ol_calloc(threads, sizeof *t);
  size_t started = 0;
  for (; started + 1 < threads; started++)
    if (pthread_create(&t[started], NULL, resolve_worker, &job) != 0)
      break;
  resolve_worker(&job);
  for (size_t i = 0; i < started; i++)
    pthread_join(t[i], NULL);
  ol_free(t);
  ol_free(todo);
  if (cache)
    cache->resolved = n_todo;
  if (cache)
    for (uint32_t f = 0; f < ix->files.len; f++)
      cache->files.items[f].iface = iface[f];
  ol_free(iface);
  ol_free(old_iface);
}

void ol_resolve_cache_free(ol_resolve_cache *cache) {
  for (size_t i = 0; i < cache->files.len; i++)
    resolved_free(&cache->files.items[i]);
  ol_vec_free(&cache->files);
  cache->files_key = cache->classes_key = 0;
}

void ol_index_summarize(ol_index *ix) { ol_index_summarize_cached(ix, NULL, NULL); }

/* Whether every decorator of fn (ol_func_fact.decos) is a transparent decorator of the
 * project (`@name(...)`: a factory of one): each name is defined, only as such (transparent and
 * factories hold the names of those; other the names of every other function and class). */
static bool decorators_transparent(const ol_func_fact *fn, const ol_name_set *transparent,
                                   const ol_name_set *factories, const ol_name_set *other) {
  if (!fn->decos)
    return false;
  for (const char *p = fn->decos; *p;) {
    size_t len = strcspn(p, "\x1f");
    bool called = len && p[len - 1] == '(';
    uint64_t h = ol_fnv(1469598103934665603ull, p, len - called);
    if (!ol_name_set_has(called ? factories : transparent, h ? h : 1) ||
        ol_name_set_has(called ? transparent : factories, h ? h : 1) ||
        ol_name_set_has(other, h ? h : 1))
      return false;
    p += len + (p[len] == '\x1f');
  }
  return true;
}

/* A function behind decorators of the project that pass the caller's arguments on as they are
 * is called as written: its positions and defaults hold (ol_summary.wrapped). */
static void resolve_decorators(ol_index *ix) {
  ol_name_set transparent = {0}, factories = {0}, other = {0};
  for (size_t t = 0; t < ix->funcs.len; t++) {
    const ol_func_fact *fn = ix->funcs.items[t].fn;
    uint64_t h = ol_fnv(1469598103934665603ull, fn->name, strlen(fn->name));
    ol_name_set_add(fn->transparent == 1   ? &transparent
                    : fn->transparent == 2 ? &factories
                                           : &other,
                    h ? h : 1);
  }
  for (size_t i = 0; i < ix->classes.len; i++) { /* a class used as a decorator */
    const char *name = ix->classes.items[i].name;
    uint64_t h = name ? ol_fnv(1469598103934665603ull, name, strlen(name)) : 0;
    if (name)
      ol_name_set_add(&other, h ? h : 1);
  }
  for (size_t t = 0; t < ix->funcs.len; t++) {
    ol_summary *s = &ix->funcs.items[t];
    if (s->wrapped && decorators_transparent(s->fn, &transparent, &factories, &other))
      s->wrapped = false;
  }
  ol_name_set_free(&transparent);
  ol_name_set_free(&factories);
  ol_name_set_free(&other);
}

void ol_index_summarize_cached(ol_index *ix, ol_resolve_cache *cache, const uint64_t *gen) {
  index_modules(ix);
  size_t total = 0;
  for (uint32_t f = 0; f < ix->files.len; f++)
    total += ix->files.items[f].facts->funcs.len;
  ol_vec_reserve_exact(&ix->funcs, total);
  for (uint32_t f = 0; f < ix->files.len; f++) {
    ol_index_file *file = &ix->files.items[f];
    file->first_func = (uint32_t)ix->funcs.len;
    for (size_t i = 0; i < file->facts->funcs.len; i++) {
      const ol_func_fact *fn = &file->facts->funcs.items[i];
      ol_summary s = {.file = f,
                      .fn = fn,
                      .rows_func = -1,
                      .returns_query = fn->returns_query,
                      .returns_count = fn->returns_count,
                      .wrapped = fn->wrapped,
                      .external = fn->external,
                      .expires = fn->expires};
      for (int e = 0; e < OL_EFFECTS; e++) {
        s.has[e] = fn->site[e] >= 0;
        s.self_memo[e] = s.has[e] && file->facts->func_sites.items[fn->site[e]].self_memo;
        ol_guard_set own = ol_func_guards(fn, (ol_effect)e);
        for (int k = 0; s.has[e] && k < OL_GUARD_ANY; k++)
          if (own.any[k].test != OL_PG_NONE && !param_kept(fn, own.any[k].param))
            break; /* a test of a parameter bound again: unguarded */
          else if (k == OL_GUARD_ANY - 1)
            s.guard[e] = own;
      }
      for (int e = 0; e < OL_EFFECTS; e++)
        s.via[e] = (ol_via){-1, -1};
      s.pk_param = fn->site[OL_EFFECT_QUERY] < 0 ? -1 : fn->pk_param >= 0 ? fn->pk_param : -2;
      s.pk_model = s.pk_param >= 0 ? file->facts->queries.items[fn->pk_query].entity : NULL;
      if (fn->rows >= 0)
        s.rows_func = (int32_t)ix->funcs.len;
      ol_vec_push(&ix->funcs, s);
    }
    for (size_t i = 0; i < file->facts->param_reads.len; i++) {
      const ol_param_read *r = &file->facts->param_reads.items[i];
      ol_summary *s = &ix->funcs.items[file->first_func + (uint32_t)r->func];
      if (!s->reads.cap) { /* the function's reads are contiguous: room for all of them */
        size_t n = 1;
        while (i + n < file->facts->param_reads.len &&
               file->facts->param_reads.items[i + n].func == r->func)
          n++;
        ol_vec_reserve_exact(&s->reads, n < MAX_READS ? n : MAX_READS);
      }
      ol_param_guard own = {0};
      if (r->guard.test != OL_PG_NONE && param_kept(s->fn, r->guard.param))
        own = r->guard; /* else a test of a parameter bound again: unguarded */
      int had = find_read(s, r->param, r->rows, r->attr, r->counted);
      const char *had_args =
          had >= 0 ? file->facts->param_reads.items[s->reads.items[had].from].args : NULL;
      if (had >= 0 && (!had_args) != (!r->args))
        had = -1; /* a method called with other arguments: another read */
      if (had >= 0 && had_args && strcmp(had_args, r->args) != 0)
        had = -1;
      if (had >= 0) { /* the same read under another test */
        ol_guard_set_add(&s->reads.items[had].guard, &own);
        continue;
      }
      if (s->reads.len >= MAX_READS)
        continue;
      ol_sum_read sr = {.param = r->param,
                        .attr = r->attr,
                        .called = r->called,
                        .rows = r->rows,
                        .counted = r->counted,
                        .via = {-1, -1},
                        .from = (int32_t)i,
                        .guard = {.any = {own}}};
      ol_vec_push(&s->reads, sr);
    }
  }
  resolve_decorators(ix);
  index_functions(ix);
  resolve_calls(ix, cache, gen);
  confirm_every_reads(ix);
  fixpoint(ix);
  /* Methods called on rows: the rows' model is known now (also rows a
   * function returned); then once more to a fixpoint. */
  bool more = false;
  for (uint32_t f = 0; f < ix->files.len; f++) {
    ol_index_file *file = &ix->files.items[f];
    for (size_t i = 0; i < file->facts->calls.len; i++) {
      const ol_call_fact *c = &file->facts->calls.items[i];
      const char *dot = strchr(c->callee, '.');
      if (c->recv_loop < 0 || !dot || strchr(dot + 1, '.'))
        continue;
      const ol_rows *rows;
      uint32_t rf;
      int32_t rfn;
      const char *entity = ol_index_loop_entity(ix, f, c->recv_loop, &rows, &rf, &rfn);
      if (!entity)
        continue;
      int32_t m = ol_index_method(ix, ol_last_component(entity), -1, dot + 1);
      file->call_target[i] = m;
      more |= m >= 0;
    }
  }
  if (more)
    fixpoint(ix);
  mark_commit_on_miss(ix);
  /* Disjoint: bound_params writes ol_summary.bounded_params and reads no
   * parameter type; type_params writes ptypes and reads no bound. */
  ol_index_both(ix, ol_index_bound_params, ol_index_type_params);
}

typedef struct {
  ol_index *ix;
  void (*fn)(ol_index *);
} both_job;

static void *both_worker(void *arg) {
  both_job *j = arg;
  j->fn(j->ix);
  return NULL;
}

void ol_index_both(ol_index *ix, void (*a)(ol_index *), void (*b)(ol_index *)) {
  pthread_t t;
  both_job j = {ix, b};
  bool apart = ix->jobs > 1 && pthread_create(&t, NULL, both_worker, &j) == 0;
  a(ix);
  if (apart)
    pthread_join(t, NULL);
  else
    b(ix);
}

int32_t ol_index_import_file(const ol_index *ix, uint32_t file, const ol_import_fact *im) {
  if (!im->module)
    return -1;
  char *mod = absolute_module(ix, file, im->module, im->level);
  int32_t f = find_module(ix, file, mod);
  ol_free(mod);
  return f;
}

/* ---- paths ------------------------------------------------------------------ */

char *ol_index_func_name(const ol_index *ix, int32_t func) {
  const ol_summary *s = &ix->funcs.items[func];
  /* The last two components of the module: `roles.service.get`, not one `get` of many. */
  const char *m = ix->files.items[s->file].module, *module = m, *dot = strrchr(m, '.');
  if (dot) {
    const char *prev = dot;
    while (prev > m && prev[-1] != '.')
      prev--;
    module = prev;
  }
  if (s->fn->cls)
    return ol_format("%s.%s", s->fn->cls, s->fn->name);
  if (s->fn->outer < 0 && *module)
    return ol_format("%s.%s", module, s->fn->name);
  return ol_strdup(s->fn->name);
}

static const ol_place *effect_place(const ol_index *ix, const ol_summary *s, ol_effect e,
                                    const char **text) {
  const ol_func_site *site = ol_func_site_of(ix->files.items[s->file].facts, s->fn, e);
  *text = site->text;
  return &site->at;
}

const ol_place *ol_index_effect_site(const ol_index *ix, int32_t func, ol_effect e, uint32_t *file,
                                     const char **text) {
  for (int hops = 0; hops < 64 && func >= 0; hops++) {
    const ol_summary *s = &ix->funcs.items[func];
    if (s->via[e].call < 0) {
      *file = s->file;
      return effect_place(ix, s, e, text);
    }
    if (s->via[e].callee == OL_VIA_TERMINAL) {
      const ol_file_facts *facts = ix->files.items[s->file].facts;
      const ol_call_term *term = ol_call_term_of(facts, &facts->calls.items[s->via[e].call]);
      *file = s->file;
      *text = term->text;
      return &term->at;
    }
    func = s->via[e].callee;
  }
  return NULL;
}

static const char *const effect_words[] = {"runs the query", "runs the count", "commits"};

size_t ol_index_effect_path(const ol_index *ix, int32_t func, ol_effect e, ol_hop *out) {
  return ol_index_effect_path_n(ix, func, e, out, OL_MAX_HOPS);
}

size_t ol_index_effect_path_n(const ol_index *ix, int32_t func, ol_effect e, ol_hop *out,
                              size_t max) {
  size_t n = 0;
  while (func >= 0 && n < max) {
    const ol_summary *s = &ix->funcs.items[func];
    char *name = ol_index_func_name(ix, func);
    uint32_t file = s->file;
    if (s->via[e].call < 0) {
      const char *text;
      const ol_place *at = effect_place(ix, s, e, &text);
      out[n++] = (ol_hop){file, at, ol_format("`%s` %s: `%s`", name, effect_words[e], text)};
      ol_free(name);
      break;
    }
    const ol_call_fact *c = &ix->files.items[s->file].facts->calls.items[s->via[e].call];
    if (s->via[e].callee == OL_VIA_TERMINAL) {
      int32_t t = ix->files.items[s->file].call_target[s->via[e].call];
      char *builder = t >= 0 ? ol_index_func_name(ix, t) : ol_strdup("?");
      out[n++] = (ol_hop){file, &c->at, ol_format("`%s` builds a query with `%s`", name, builder)};
      const ol_call_term *term = ol_call_term_of(ix->files.items[s->file].facts, c);
      if (n < OL_MAX_HOPS)
        out[n++] = (ol_hop){file, &term->at,
                            ol_format("`%s` %s: `%s`", name, effect_words[e], term->text)};
      ol_free(builder);
      ol_free(name);
      break;
    }
    char *callee = ol_index_func_name(ix, s->via[e].callee);
    out[n++] = (ol_hop){file, &c->at, ol_format("`%s` calls `%s`", name, callee)};
    ol_free(callee);
    ol_free(name);
    func = s->via[e].callee;
  }
  return n;
}

void ol_hops_free(ol_hop *h, size_t n) {
  for (size_t i = 0; i < n; i++)
    ol_free(h[i].message);
}

/* The hops of read r of func: each call on the way, then the read itself. */
static size_t read_path(const ol_index *ix, int32_t func, int32_t r, ol_hop *out, size_t n) {
  while (func >= 0 && r >= 0 && n < OL_MAX_HOPS) {
    const ol_summary *s = &ix->funcs.items[func];
    const ol_sum_read *rd = &s->reads.items[r];
    char *name = ol_index_func_name(ix, func);
    uint32_t file = s->file;
    if (rd->via.call < 0) {
      const ol_place *at = &ix->files.items[s->file].facts->param_reads.items[rd->from].at;
      out[n++] = (ol_hop){
          file, at,
          !strcmp(rd->attr, OL_READ_EVERY)
              ? ol_format("`%s` reads every attribute of `%s` the mapper lists (getattr), each "
                          "relationship included",
                          name, s->fn->params[rd->param])
          : !strcmp(rd->attr, OL_READ_SCALARS)
              ? ol_format("`%s` reads every attribute of `%s` the mapper lists but collections "
                          "(getattr), each scalar relationship included",
                          name, s->fn->params[rd->param])
          : rd->rows ? ol_format("`%s` reads `%s` of each element of `%s`", name, rd->attr,
                                 s->fn->params[rd->param])
                     : ol_format("`%s` reads `%s.%s`", name, s->fn->params[rd->param], rd->attr)};
      ol_free(name);
      break;
    }
    const ol_call_fact *c = &ix->files.items[s->file].facts->calls.items[rd->via.call];
    char *callee = ol_index_func_name(ix, rd->via.callee);
    out[n++] = (ol_hop){file, &c->at, ol_format("`%s` calls `%s`", name, callee)};
    ol_free(callee);
    ol_free(name);
    func = rd->via.callee, r = rd->from;
  }
  return n;
}

/* One call on the way from the call a rule asked about to a read: call (of
 * file; -1 none known) calls func. */
typedef struct {
  const char *args; /* the call's arguments as value tokens, NULL: not known */
  uint32_t bound;   /* the call binds func's first parameter itself (`obj.m(...)`) */
  int32_t func;
} lazy_frame;

static lazy_frame frame_of(const ol_index *ix, uint32_t file, int32_t call, int32_t func) {
  if (call < 0)
    return (lazy_frame){NULL, 0, func};
  const ol_call_fact *c = &ix->files.items[file].facts->calls.items[call];
  return (lazy_frame){c->args, bound_to(ix, c, func) ? 1 : 0, func};
}

#define MAX_FRAMES (MAX_DEPTH * (MAX_DEPTH + 1))

typedef struct {
  const ol_index *ix;
  ol_lazy_visit visit;
  ol_every_visit every; /* a generic read of every relationship; NULL: not visited */
  void *ud;
  int32_t seen[MAX_DEPTH];
  int n_seen;
  bool counts; /* visit counted dynamic relationships, not lazy ones */
  lazy_frame frames[MAX_FRAMES];
  int n_frames;
} lazy_walk;

/* The value token keyword name has in args (length in *n), NULL; *fwd: args pass on the
 * caller's keywords ("**>"); *other: another `**` splat may pass it. */
static const char *keyword_value(const char *args, const char *name, size_t *n, bool *fwd,
                                 bool *other) {
  size_t len, nl = strlen(name);
  *fwd = *other = false;
  for (uint32_t k = 0; nth_token(args, k, &len); k++) {
    const char *tok = nth_token(args, k, &len), *eq = memchr(tok, '=', len);
    if (!eq) {
      *fwd |= len == 3 && !memcmp(tok, "**>", 3);
      *other |= len == 2;
      continue;
    }
    if ((size_t)(eq - tok) == nl && !memcmp(tok, name, nl)) {
      *n = len - nl - 1;
      return eq + 1;
    }
  }
  return NULL;
}

/* Whether the only splat of args passes on the caller's keywords ("**>"). */
static bool forwards_only(const char *args) {
  size_t len;
  bool fwd = false;
  for (uint32_t k = 0; nth_token(args, k, &len); k++) {
    const char *tok = nth_token(args, k, &len);
    if (memchr(tok, '=', len))
      continue;
    if (len != 3)
      return false;
    fwd = true;
  }
  return fwd;
}

/* What the calls on the way make of test g of the last frame's function: 1,
 * 0, -1 unknown. A test of a parameter the call passes on from its own
 * caller (`model.serialize(relations=relations)`) is decided one call up. */
static int chain_decides(const lazy_walk *lw, ol_param_guard g) {
  const ol_func_fact *kw_fn = NULL; /* the test is of keyword kw_fn->params[kw_p], passed on */
  bool kw_wrapped = false;
  uint32_t kw_p = 0;
  for (int level = lw->n_frames - 1; level >= 0; level--) {
    const lazy_frame *fr = &lw->frames[level];
    const ol_func_fact *fn = lw->ix->funcs.items[fr->func].fn;
    size_t n = 0;
    const char *v;
    if (kw_fn) { /* `g(**kwargs)` in `def f(**kwargs)`: what f's caller names */
      bool fwd, other;
      v = fr->args ? keyword_value(fr->args, kw_fn->params[kw_p], &n, &fwd, &other) : NULL;
      if (!fr->args || (!v && other))
        return -1;
      if (!v && fwd)
        continue; /* passed on once more */
      if (!v) {   /* not passed: the default of the function that tests it */
        v = kw_fn->defaults && !kw_wrapped ? nth_token(kw_fn->defaults, kw_p, &n) : NULL;
        return v && n ? guard_holds(&g, v, n) : -1;
      }
      kw_fn = NULL;
    } else {
      if (!fr->args || !param_kept(fn, g.param))
        return -1;
      v = args_value(fr->args, fr->bound, &lw->ix->funcs.items[fr->func], g.param, &n);
      if (!v && g.param >= fr->bound && g.param < fn->n_params && forwards_only(fr->args)) {
        kw_fn = fn, kw_p = g.param, kw_wrapped = lw->ix->funcs.items[fr->func].wrapped;
        continue;
      }
    }
    int passed;
    int r = value_decides(&g, v, n, &passed);
    if (r >= 0 || passed < 0)
      return r;
    g.param = (uint32_t)passed;
  }
  return -1;
}

static bool chain_makes_false(const lazy_walk *lw, const ol_guard_set *set) {
  if (set->any[0].test == OL_PG_NONE)
    return false;
  for (int k = 0; k < OL_GUARD_ANY && set->any[k].test != OL_PG_NONE; k++)
    if (chain_decides(lw, set->any[k]) != 0)
      return false;
  return true;
}

/* The parameter read of its file that read rd of func comes from, at the end of its calls;
 * NULL past the depth followed. */
static const ol_param_read *direct_read(const ol_index *ix, int32_t func, const ol_sum_read *rd) {
  for (int steps = 0; rd->via.call >= 0 && steps < MAX_DEPTH; steps++) {
    func = rd->via.callee;
    rd = &ix->funcs.items[func].reads.items[rd->from];
  }
  if (rd->via.call >= 0)
    return NULL;
  const ol_summary *s = &ix->funcs.items[func];
  return &ix->files.items[s->file].facts->param_reads.items[rd->from];
}

/* Pushes the calls read rd of func goes through (its via chain), the last one
 * the function that reads directly. Returns how many it pushed. */
static int push_via(lazy_walk *lw, int32_t func, const ol_sum_read *rd) {
  int pushed = 0;
  for (int steps = 0; rd->via.call >= 0 && steps < MAX_DEPTH && lw->n_frames < MAX_FRAMES;
       steps++) {
    lw->frames[lw->n_frames++] =
        frame_of(lw->ix, lw->ix->funcs.items[func].file, rd->via.call, rd->via.callee);
    pushed++;
    func = rd->via.callee;
    rd = &lw->ix->funcs.items[func].reads.items[rd->from];
  }
  return pushed;
}

/* Whether the calls from the call asked about down to the function that reads rd of func
 * generically (OL_READ_EVERY) make the test it runs under there false: through calls that pass
 * the caller's keywords on (`super().serialize(**kwargs)`), which the summary's guard cannot
 * follow. Decided on the first way to it; unknown: false. */
static bool every_off(lazy_walk *lw, int32_t func, const ol_sum_read *rd) {
  const ol_param_read *pr = direct_read(lw->ix, func, rd);
  if (!pr || pr->guard.test == OL_PG_NONE)
    return false;
  int before = lw->n_frames;
  int pushed = push_via(lw, func, rd);
  const ol_sum_read *end = rd;
  for (int i = 0; i < pushed; i++)
    end = &lw->ix->funcs.items[end->via.callee].reads.items[end->from];
  ol_guard_set g = {.any = {pr->guard}};
  bool off = end->via.call < 0 && chain_makes_false(lw, &g); /* the whole way is on the stack */
  lw->n_frames = before;
  return off;
}

/* Whether attr of entity is a deferred column_property of a COUNT. */
static bool count_column(const ol_index *ix, const char *entity, const char *attr) {
  const ol_column_fact *col = ol_index_column(ix, entity, attr);
  return col && col->counts && col->deferred;
}

/* The call of file's facts that calls what the attribute at span names (`p.m(...)`), -1. */
static int32_t call_of_attr(const ol_file_facts *f, ol_span span) {
  int32_t best = -1;
  for (size_t i = ol_facts_first_call(f, span.start);
       i < f->calls.len && f->calls.items[i].at.span.start == span.start; i++)
    if (f->calls.items[i].at.span.end > span.end && !f->calls.items[i].attr_only &&
        (best < 0 || f->calls.items[i].at.span.end < f->calls.items[best].at.span.end))
      best = (int32_t)i;
  return best;
}

/* The call that reads rd of func, at its end (`p.m(...)` where the read is direct): its file's
 * call number, -1. */
static int32_t read_call(const ol_index *ix, int32_t func, const ol_sum_read *rd, uint32_t *file) {
  for (int steps = 0; rd->via.call >= 0 && steps < MAX_DEPTH; steps++) {
    func = rd->via.callee;
    rd = &ix->funcs.items[func].reads.items[rd->from];
  }
  if (rd->via.call >= 0 || !rd->called)
    return -1;
  *file = ix->funcs.items[func].file;
  const ol_file_facts *f = ix->files.items[*file].facts;
  return call_of_attr(f, f->param_reads.items[rd->from].at.span);
}

/* call (of file; -1 none known) is the call of func: its arguments (and those of the calls
 * above it, for a parameter passed on) decide the tests of func's parameters each read runs
 * under. */
static void lazy_reads(lazy_walk *lw, lazy_frame fr, uint32_t param, bool rows, const char *entity,
                       ol_hop *path, size_t n) {
  const ol_index *ix = lw->ix;
  int32_t func = fr.func;
  for (int i = 0; i < lw->n_seen; i++)
    if (lw->seen[i] == func)
      return;
  if (lw->n_seen == MAX_DEPTH || lw->n_frames == MAX_FRAMES)
    return;
  lw->seen[lw->n_seen++] = func;
  lw->frames[lw->n_frames++] = fr;
  const ol_summary *s = &ix->funcs.items[func];
  /* the scalar generic reads after the others: what a read of every relationship finds first
   * names them all in one finding */
  for (size_t pass = 0; pass < 2 * s->reads.len; pass++) {
    size_t r = pass % s->reads.len;
    const ol_sum_read *rd = &s->reads.items[r];
    bool scalars = !strcmp(rd->attr, OL_READ_SCALARS);
    if ((pass < s->reads.len) == scalars || rd->param != param || rd->rows != rows ||
        chain_makes_false(lw, &rd->guard))
      continue;
    size_t m = read_path(ix, func, (int32_t)r, path, n);
    const ol_relation *rel = NULL;
    if (scalars || !strcmp(rd->attr, OL_READ_EVERY)) {
      if (lw->every && !lw->counts && !every_off(lw, func, rd))
        lw->every(lw->ud, entity, scalars, path, m);
    } else if ((rel = ol_index_relation(ix, entity, rd->attr))) {
      if (lw->counts ? rel->lazy == OL_LAZY_DYNAMIC && rd->counted : rel->lazy == OL_LAZY_SELECT)
        lw->visit(lw->ud, rel, path, m);
    } else if (lw->counts && !rd->called && count_column(ix, entity, rd->attr)) {
      /* a deferred COUNT column, visited as a relationship with no target */
      ol_relation as_count = {
          .owner = ol_last_component(entity), .name = rd->attr, .lazy = OL_LAZY_DYNAMIC};
      lw->visit(lw->ud, &as_count, path, m);
    } else {
      int32_t member = ol_index_method(ix, ol_last_component(entity), -1, rd->attr);
      bool runs = member >= 0 && (rd->called || ix->funcs.items[member].fn->kind == OL_FN_PROPERTY);
      if (runs && lw->counts && ix->funcs.items[member].has[OL_EFFECT_COUNT]) {
        /* a method or property of the row that runs a count itself: the path goes on to it */
        size_t k =
            m + ol_index_effect_path_n(ix, member, OL_EFFECT_COUNT, path + m, OL_MAX_HOPS - m);
        ol_relation as_method = {
            .owner = ol_last_component(entity), .name = rd->attr, .lazy = OL_LAZY_SELECT};
        lw->visit(lw->ud, &as_method, path, k);
        ol_hops_free(path + m, k - m);
      } else if (runs) {
        uint32_t cf = 0;
        int32_t cc = rd->called ? read_call(ix, func, rd, &cf) : -1;
        lazy_frame at = frame_of(ix, cf, cc, member);
        const ol_param_read *pr = !at.args && rd->called ? direct_read(ix, func, rd) : NULL;
        if (pr) /* `p.m(...)` on a parameter: the read kept its arguments */
          at = (lazy_frame){pr->args, 1, member};
        int pushed = push_via(lw, func, rd);
        lazy_reads(lw, at, 0, false, entity, path, m);
        lw->n_frames -= pushed;
      }
    }
    ol_hops_free(path + n, m - n);
  }
  lw->n_frames--;
  lw->n_seen--;
}

void ol_index_lazy_reads(const ol_index *ix, uint32_t file, int32_t call, int32_t func,
                         uint32_t param, bool rows, const char *entity, ol_lazy_visit visit,
                         ol_every_visit every, void *ud) {
  lazy_walk lw = {.ix = ix, .visit = visit, .every = every, .ud = ud};
  ol_hop path[OL_MAX_HOPS];
  lazy_reads(&lw, frame_of(ix, file, call, func), param, rows, entity, path, 0);
}

void ol_index_counted_reads(const ol_index *ix, uint32_t file, int32_t call, int32_t func,
                            uint32_t param, const char *entity, ol_lazy_visit visit, void *ud) {
  lazy_walk lw = {.ix = ix, .visit = visit, .ud = ud, .counts = true};
  ol_hop path[OL_MAX_HOPS];
  lazy_reads(&lw, frame_of(ix, file, call, func), param, false, entity, path, 0);
}

int32_t ol_index_call_of_attr(const ol_file_facts *f, ol_span span) {
  return call_of_attr(f, span);
}

/* The session holds, for the iteration, the object whose key a call passes to
 * a callee that only gets by primary key (ol_summary.pk_param): the key is
 * `row.<pk>` of a loop's row of exactly that model (not a subclass or base:
 * the identity key is the base's, and a filter by another column emits SQL)
 * with a single-column primary key, or a plain name no loop of the nest binds
 * (ol_call_arg.fixed, the memo's notion: one key for the whole nest, got
 * once), or `<name>.<attr>` on one when no code of the file writes an
 * attribute of that name (of the project for `self.<attr>`: a method the loop
 * calls may set it). Returns that loop (the outermost of the nest for the latter), -1. */
bool ol_index_attr_written(const ol_index *ix, uint32_t file, bool on_self, const char *attr,
                           size_t n) {
  uint64_t h = ol_fnv(OL_FNV_OFFSET, attr, n);
  for (uint32_t f = on_self ? 0 : file; f < (on_self ? ix->files.len : file + 1); f++) {
    const ol_file_facts *facts = ix->files.items[f].facts;
    for (size_t i = 0; i < facts->attr_writes.len; i++)
      if (facts->attr_writes.items[i] == h)
        return true;
  }
  return false;
}

int ol_index_call_gets_held(const ol_index *ix, uint32_t file, size_t call, int32_t callee) {
  const ol_file_facts *facts = ix->files.items[file].facts;
  const ol_call_fact *c = &facts->calls.items[call];
  const ol_summary *t = &ix->funcs.items[callee];
  const char *model = t->pk_model;
  if (t->pk_param < 0 || c->loop < 0)
    return -1;
  for (uint32_t a = 0; a < c->n_args; a++) {
    const ol_call_arg *arg = &ol_call_args(facts, c)[a];
    if (ol_index_call_param(ix, file, call, a) == t->pk_param && arg->fixed &&
        !(arg->key_attr && ol_index_attr_written(ix, file, arg->attr_param == 0, arg->key_attr,
                                                 strlen(arg->key_attr)))) {
      int l = c->loop;
      while (facts->loops.items[l].parent >= 0)
        l = facts->loops.items[l].parent;
      return l;
    }
  }
  if (!strcmp(model, "cls") && t->fn->kind == OL_FN_CLASSMETHOD)
    model = receiver_model(ix, c);
  const ol_model *m = model ? ol_index_model(ix, model) : NULL;
  if (!m || !m->is_model || m->n_pk != 1)
    return -1;
  for (uint32_t a = 0; a < c->n_args; a++) {
    if (ol_index_call_param(ix, file, call, a) != t->pk_param)
      continue;
    const ol_call_arg *arg = &ol_call_args(facts, c)[a];
    if (arg->key_loop < 0 || strcmp(arg->key_attr, m->pk[0]))
      return -1;
    const char *rows = facts->loops.items[arg->key_loop].rows.entity;
    return rows && !strcmp(rows, m->name) ? arg->key_loop : -1;
  }
  return -1;
}
