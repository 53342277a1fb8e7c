/* Linking class facts into models: a class is mapped when a base is db.Model,
 * a declarative_base() result, a DeclarativeBase subclass, or a model. */
#include "index.h"

#include <string.h>

static const char *last_component(const char *dotted) {
  const char *dot = strrchr(dotted, '.');
  return dot ? dot + 1 : dotted;
}

void ol_index_add(ol_index *ix, const char *path, const ol_file_facts *facts) {
  for (size_t i = 0; i < facts->classes.len; i++) {
    const ol_class_fact *c = &facts->classes.items[i];
    ol_model m = {.name = c->name, .path = path, .cls = c, .pk = (const char *const *)c->pk, .n_pk = c->n_pk};
    ol_vec_push(&ix->classes, m);
  }
  for (size_t i = 0; i < facts->declarative_bases.len; i++) ol_vec_push(&ix->declarative_bases, facts->declarative_bases.items[i]);
}

static uint64_t name_hash(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

/* The first class named name (its last dotted component), -1 when none. */
static int32_t first_class(const ol_index *ix, const char *name) {
  if (!ix->n_slots) return -1;
  const char *last = last_component(name);
  for (size_t i = name_hash(last) & (ix->n_slots - 1);; i = (i + 1) & (ix->n_slots - 1)) {
    int32_t c = ix->slots[i];
    if (c < 0 || !strcmp(ix->classes.items[c].name, last)) return c;
  }
}

static void build_table(ol_index *ix) {
  ix->n_slots = 16;
  while (ix->n_slots < ix->classes.len * 2) ix->n_slots *= 2;
  ix->slots = ol_malloc(ix->n_slots * sizeof(int32_t));
  memset(ix->slots, 0xff, ix->n_slots * sizeof(int32_t));
  ix->next_same = ol_malloc((ix->classes.len ? ix->classes.len : 1) * sizeof(int32_t));
  for (size_t c = ix->classes.len; c-- > 0;) { /* backwards: chains keep declaration order */
    ix->next_same[c] = -1;
    const char *name = ix->classes.items[c].name;
    for (size_t i = name_hash(name) & (ix->n_slots - 1);; i = (i + 1) & (ix->n_slots - 1)) {
      int32_t o = ix->slots[i];
      if (o < 0 || !strcmp(ix->classes.items[o].name, name)) {
        ix->next_same[c] = o;
        ix->slots[i] = (int32_t)c;
        break;
      }
    }
  }
}

static ol_model *find_class(ol_index *ix, const char *name) {
  int32_t c = first_class(ix, name);
  return c < 0 ? NULL : &ix->classes.items[c];
}

static bool is_root_base(const ol_index *ix, const char *base) {
  const char *last = last_component(base);
  if (strcmp(base, "db.Model") == 0 || strcmp(last, "Model") == 0) return true;
  for (size_t i = 0; i < ix->declarative_bases.len; i++)
    if (strcmp(ix->declarative_bases.items[i], last) == 0) return true;
  return false;
}

static bool is_declarative_root(const char *base) {
  const char *last = last_component(base);
  return strcmp(last, "DeclarativeBase") == 0 || strcmp(last, "DeclarativeBaseNoMeta") == 0;
}

void ol_index_link(ol_index *ix) {
  build_table(ix);
  /* Iterate to a fixpoint: bases may be declared after their subclasses. */
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < ix->classes.len; i++) {
      ol_model *m = &ix->classes.items[i];
      bool mapped = false, is_decl_base = false;
      for (size_t b = 0; b < m->cls->n_bases; b++) {
        const char *base = m->cls->bases[b];
        ol_model *parent = find_class(ix, base);
        if (is_declarative_root(base)) is_decl_base = true;
        if (is_root_base(ix, base) || (parent && parent != m && parent->is_mapped_base)) mapped = true;
        if (parent && parent != m && !m->n_pk && parent->n_pk) {
          m->pk = parent->pk;
          m->n_pk = parent->n_pk;
          changed = true;
        }
      }
      /* A class deriving from DeclarativeBase is the base itself, not a model. */
      bool base_only = is_decl_base && !mapped;
      bool mapped_base = mapped || base_only;
      bool model = mapped && !m->cls->abstract;
      if (mapped_base != m->is_mapped_base || model != m->is_model) {
        m->is_mapped_base = mapped_base;
        m->is_model = model;
        changed = true;
      }
    }
  }
}

const ol_model *ol_index_model(const ol_index *ix, const char *name) {
  for (int32_t c = first_class(ix, name); c >= 0; c = ix->next_same[c])
    if (ix->classes.items[c].is_model) return &ix->classes.items[c];
  return NULL;
}

void ol_index_free(ol_index *ix) {
  ol_free(ix->slots);
  ol_free(ix->next_same);
  ol_vec_free(&ix->classes);
  ol_vec_free(&ix->declarative_bases);
}
