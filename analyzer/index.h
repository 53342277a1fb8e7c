/* The project index: facts joined over every file of the project (models by
 * name, their primary keys). Built once from the whole project, even when
 * only some files are checked. */
#ifndef OL_INDEX_H
#define OL_INDEX_H

#include "facts.h"

typedef struct {
  const char *name; /* borrowed from the facts */
  const char *path; /* borrowed: the file's relative path */
  const ol_class_fact *cls;
  bool is_model;       /* mapped: not abstract, not a mixin, not the declarative base */
  bool is_mapped_base; /* contributes to models (a model, an abstract model, a declarative base) */
  const char *const *pk; /* own or inherited primary-key columns */
  size_t n_pk;
} ol_model;

/* A relationship as the index resolved it, on the class that declares it
 * (or, for a backref, on its target). */
typedef struct {
  const char *owner; /* declaring class */
  const char *name;
  const char *target; /* target class, NULL when unknown */
  ol_lazy lazy;
  bool collection;   /* else scalar (many-to-one, one-to-one) */
  bool from_backref; /* created by backref= on the other side */
  const char *path;  /* where it is declared (the backref's declaration for a backref) */
  uint32_t line, col;
  ol_span span;
  ol_span lazy_value; /* the lazy= value in the declaration, when given */
} ol_relation;

typedef struct {
  OL_VEC(ol_model) classes;
  OL_VEC(ol_relation) relations;
  OL_VEC(const char *) declarative_bases;
  int32_t *slots; /* open addressing over class names: index into classes, -1 empty */
  size_t n_slots;
  int32_t *next_same; /* per class: the next class with the same name, -1 */
} ol_index;

/* Adds a file's classes; facts must outlive the index. */
void ol_index_add(ol_index *ix, const char *path, const ol_file_facts *facts);
/* Decides which classes are models (transitively through bases). */
void ol_index_link(ol_index *ix);
/* The model named name (its last dotted component), or NULL. Borrowed. */
const ol_model *ol_index_model(const ol_index *ix, const char *name);
/* The relationship attr of model (declared on it, a base or mixin, or by a
 * backref), or NULL. Borrowed. */
const ol_relation *ol_index_relation(const ol_index *ix, const char *model, const char *attr);
/* The __bind_key__ of model (or a base), NULL for the default database. */
const char *ol_index_bind_key(const ol_index *ix, const char *model);
/* The column of child (or a base) holding a foreign key to parent's table, or NULL. */
const char *ol_index_fk_column(const ol_index *ix, const char *child, const char *parent);
/* Whether model (or a base) has a column, property, hybrid or method named attr. */
bool ol_index_has_member(const ol_index *ix, const char *model, const char *attr);
void ol_index_free(ol_index *ix);

#endif
