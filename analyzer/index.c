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

static ol_model *find_class(ol_index *ix, const char *name) {
  const char *last = last_component(name);
  for (size_t i = 0; i < ix->classes.len; i++)
    if (strcmp(ix->classes.items[i].name, last) == 0) return &ix->classes.items[i];
  return NULL;
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
  const char *last = last_component(name);
  for (size_t i = 0; i < ix->classes.len; i++)
    if (ix->classes.items[i].is_model && strcmp(ix->classes.items[i].name, last) == 0) return &ix->classes.items[i];
  return NULL;
}

void ol_index_free(ol_index *ix) {
  ol_vec_free(&ix->classes);
  ol_vec_free(&ix->declarative_bases);
}
