/* Lookup keys across the project (ORM007): every file's lookups resolved to
 * the model queried and the class that declares the column (a mixin or base
 * included), the foreign key behind each relationship that is joined, loaded
 * or counted per parent, and which columns an index covers. */
#include <stdlib.h>
#include <string.h>

#include "index.h"

#define MAX_BASES 32

/* Length of the directory prefix two paths share. */
static size_t shared_dirs(const char *a, const char *b) {
  size_t n = 0;
  for (size_t i = 0; a[i] && a[i] == b[i]; i++)
    if (a[i] == '/')
      n = i + 1;
  return n;
}

/* The class named name as seen from file: one declared there, else the one
 * nearest in the directory tree (two apps of one repository may both have a
 * `Post`); models only when asked. -1 when none. */
static int32_t nearest_class(const ol_index *ix, const char *name, uint32_t file,
                             bool models_only) {
  const char *path = ix->files.items[file].path;
  int32_t best = -1;
  size_t best_shared = 0;
  for (int32_t c = ol_index_class_id(ix, name, -1); c >= 0; c = ix->next_same[c]) {
    const ol_model *m = &ix->classes.items[c];
    if (models_only && !m->is_model)
      continue;
    if (m->file == file)
      return c;
    size_t sh = shared_dirs(m->path, path);
    if (best < 0 || sh > best_shared)
      best = c, best_shared = sh;
  }
  return best;
}

static int32_t model_id(const ol_index *ix, const char *entity, uint32_t file) {
  return entity ? nearest_class(ix, entity, file, true) : -1;
}

/* The class ids of cls and its bases (breadth first, each once). */
static size_t lineage_of(const ol_index *ix, int32_t cls, int32_t *out) {
  size_t n = 0;
  if (cls < 0)
    return 0;
  out[n++] = cls;
  for (size_t i = 0; i < n; i++) {
    const ol_model *m = &ix->classes.items[out[i]];
    for (size_t b = 0; b < m->cls->n_bases && n < MAX_BASES; b++) {
      int32_t p = nearest_class(ix, m->cls->bases[b], m->file, false);
      bool seen = p < 0;
      for (size_t k = 0; k < n && !seen; k++)
        seen = out[k] == p;
      if (!seen)
        out[n++] = p;
    }
  }
  return n;
}

/* lineage_of, made once per class for the index (the lookups ask again
 * and again for the same few models). */
static size_t lineage(const ol_index *ix, int32_t cls, int32_t *out) {
  if (cls < 0 || !ix->lineage_at)
    return lineage_of(ix, cls, out);
  uint32_t at = ix->lineage_at[cls], n = ix->lineage_at[cls + 1] - at;
  memcpy(out, ix->lineage_ids + at, n * sizeof *out);
  return n;
}

static void make_lineages(ol_index *ix) {
  size_t n = ix->classes.len;
  ix->lineage_at = ol_malloc((n + 1) * sizeof *ix->lineage_at);
  OL_VEC(int32_t) ids = {0};
  int32_t one[MAX_BASES];
  for (size_t c = 0; c < n; c++) {
    ix->lineage_at[c] = (uint32_t)ids.len;
    size_t k = lineage_of(ix, (int32_t)c, one);
    for (size_t i = 0; i < k; i++)
      ol_vec_push(&ids, one[i]);
  }
  ix->lineage_at[n] = (uint32_t)ids.len;
  ix->lineage_ids = ids.items; /* NULL when no class has one: never read then */
}

/* The class (model, base or mixin) declaring column name of cls, and its index there. */
static bool find_column(const ol_index *ix, int32_t cls, const char *name, int32_t *owner,
                        uint32_t *col) {
  int32_t ids[MAX_BASES];
  size_t n = lineage(ix, cls, ids);
  int32_t twin = cls >= 0 ? ol_index_imperative_twin(ix, cls) : -1;
  if (twin >= 0) { /* an imperatively mapped class: the columns are its table's */
    ids[0] = twin;
    n = 1;
  }
  for (size_t i = 0; i < n; i++) {
    const ol_class_fact *c = ix->classes.items[ids[i]].cls;
    for (size_t j = 0; j < c->n_columns; j++)
      if (!c->columns[j].counts && !strcmp(c->columns[j].name, name)) { /* a COUNT is no key */
        *owner = ids[i], *col = (uint32_t)j;
        return true;
      }
  }
  return false;
}

/* Tests run a query once: their lookups do not make a column hot. */
static bool is_test_file(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t n = strlen(base);
  return !strncmp(base, "test_", 5) || (n > 8 && !strcmp(base + n - 8, "_test.py")) ||
         !strcmp(base, "conftest.py") || !strncmp(path, "tests/", 6) ||
         !strncmp(path, "test/", 5) || strstr(path, "/tests/") || strstr(path, "/test/");
}

static void add_use(ol_index *ix, int32_t model, const char *column, ol_lookup_kind kind,
                    bool named, const char *via, uint32_t file, ol_span span, uint32_t query) {
  ol_key_use u = {.model = model,
                  .kind = kind,
                  .named = named,
                  .via = via,
                  .file = file,
                  .span = span,
                  .query = ((uint64_t)file << 32) | query};
  if (column && find_column(ix, model, column, &u.owner, &u.column))
    ol_vec_push(&ix->key_uses, u);
}

/* The foreign key a relationship of model is looked up by, or NULL: for a
 * collection (or a one-to-one held by the other side), the target's column
 * into model's table; a many-to-one reads the target by its primary key. */
static const char *relation_key(const ol_index *ix, const char *model, const char *attr,
                                const char **target) {
  const ol_relation *r = ol_index_relation(ix, model, attr);
  *target = NULL;
  if (!r || !r->target || !ol_index_model(ix, r->target))
    return NULL;
  if (!r->collection && ol_index_fk_column(ix, model, r->target))
    return NULL;
  *target = r->target;
  return ol_index_fk_column(ix, r->target, model);
}

static void add_relation_use(ol_index *ix, const char *entity, const char *attr, uint32_t file,
                             ol_span span, uint32_t query) {
  const char *target;
  const char *key = relation_key(ix, entity, attr, &target);
  int32_t model = key ? model_id(ix, target, file) : -1;
  if (model >= 0)
    add_use(ix, model, key, OL_LOOKUP_RELATION, false, attr, file, span, query);
}

/* with_parent(obj) keys E's rows on E's foreign key to obj's class, which the
 * walk cannot name: a key use (of the first foreign key) only when every
 * foreign key of E is covered by an index, so whichever it is, the other
 * lookups of the query read the rows of one parent (ol_index_query_keyed).
 * Not a lookup ORM007 reports: it cannot say which column would need one. */
static void add_parent_use(ol_index *ix, int32_t model, uint32_t file, ol_span span,
                           uint32_t query) {
  int32_t ids[MAX_BASES];
  size_t n = lineage(ix, model, ids);
  const char *first = NULL;
  for (size_t i = 0; i < n; i++) {
    const ol_class_fact *c = ix->classes.items[ids[i]].cls;
    for (size_t j = 0; j < c->n_columns; j++) {
      if (!c->columns[j].fk_table && !c->columns[j].fk_class)
        continue;
      if (!ol_index_column_covered(ix, model, c->columns[j].name))
        return;
      first = first ? first : c->columns[j].name;
    }
  }
  if (first)
    add_use(ix, model, first, OL_LOOKUP_PARENT, false, NULL, file, span, query);
}

static void resolve_lookup(ol_index *ix, uint32_t file, const ol_lookup *l) {
  int32_t model = model_id(ix, l->entity, file);
  if (model < 0)
    return;
  if (l->kind == OL_LOOKUP_PARENT)
    return add_parent_use(ix, model, file, l->span, l->query);
  if (l->kind == OL_LOOKUP_RELATION)
    return add_relation_use(ix, l->entity, l->column, file, l->span, l->query);
  int32_t owner;
  uint32_t col;
  if (find_column(ix, model, l->column, &owner, &col))
    return add_use(ix, model, l->column, l->kind, l->named, NULL, file, l->span, l->query);
  /* `Child.parent == p`, filter_by(parent=p): the many-to-one's own foreign key. */
  const ol_relation *r = ol_index_relation(ix, l->entity, l->column);
  if (r && !r->collection && r->target)
    add_use(ix, model, ol_index_fk_column(ix, l->entity, r->target), l->kind, l->named, NULL, file,
            l->span, l->query);
}

/* Relationships read on each row of a loop, and len(obj.rel): loaded or counted per parent. */
static void resolve_reads(ol_index *ix, uint32_t file) {
  const ol_file_facts *f = ix->files.items[file].facts;
  for (size_t i = 0; i < f->reads.len; i++) {
    const ol_attr_read *r = &f->reads.items[i];
    const ol_rows *rows;
    uint32_t rf;
    int32_t rfn;
    const char *entity = ol_index_loop_entity(ix, file, r->loop, &rows, &rf, &rfn);
    if (entity)
      add_relation_use(ix, entity, r->attr, file, r->span, r->span.start);
  }
  for (size_t i = 0; i < f->lens.len; i++) {
    const ol_len_site *s = &f->lens.items[i];
    if (s->kind == OL_LEN_RELATION && s->entity && s->rel)
      add_relation_use(ix, s->entity, s->rel, file, s->span, s->span.start);
  }
}

static int by_column(const void *pa, const void *pb) {
  const ol_key_use *a = pa, *b = pb;
  if (a->owner != b->owner)
    return a->owner < b->owner ? -1 : 1;
  if (a->column != b->column)
    return a->column < b->column ? -1 : 1;
  if (a->file != b->file)
    return a->file < b->file ? -1 : 1;
  if (a->span.start != b->span.start)
    return a->span.start < b->span.start ? -1 : 1;
  return a->model < b->model ? -1 : a->model > b->model;
}

static int by_query(const void *pa, const void *pb, void *ud) {
  const ol_index *ix = ud;
  uint64_t a = ix->key_uses.items[*(const uint32_t *)pa].query,
           b = ix->key_uses.items[*(const uint32_t *)pb].query;
  if (a != b)
    return a < b ? -1 : 1;
  return *(const uint32_t *)pa < *(const uint32_t *)pb ? -1 : 1;
}

void ol_index_resolve_lookups(ol_index *ix) {
  if (!ix->lineage_at)
    make_lineages(ix);
  for (uint32_t f = 0; f < ix->files.len; f++) {
    const ol_file_facts *facts = ix->files.items[f].facts;
    if (is_test_file(ix->files.items[f].path))
      continue;
    for (size_t i = 0; i < facts->lookups.len; i++)
      resolve_lookup(ix, f, &facts->lookups.items[i]);
    resolve_reads(ix, f);
  }
  if (!ix->key_uses.len)
    return;
  qsort(ix->key_uses.items, ix->key_uses.len, sizeof(ol_key_use), by_column);
  ix->uses_by_query = ol_malloc(ix->key_uses.len * sizeof(uint32_t));
  for (uint32_t i = 0; i < ix->key_uses.len; i++)
    ix->uses_by_query[i] = i;
  qsort_r(ix->uses_by_query, ix->key_uses.len, sizeof(uint32_t), by_query, ix);
}

/* Whether column leads the primary key of model (or of its table). */
static bool primary_key(const ol_index *ix, int32_t model, const char *column) {
  int32_t twin = ol_index_imperative_twin(ix, model);
  const ol_model *m = &ix->classes.items[twin >= 0 ? twin : model];
  return m->n_pk && !strcmp(m->pk[0], column);
}

const uint32_t *ol_index_query_uses(const ol_index *ix, uint64_t query, size_t *n) {
  size_t lo = 0, hi = ix->key_uses.len;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ix->key_uses.items[ix->uses_by_query[mid]].query < query)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t end = lo;
  while (end < ix->key_uses.len && ix->key_uses.items[ix->uses_by_query[end]].query == query)
    end++;
  *n = end - lo;
  return *n ? &ix->uses_by_query[lo] : NULL;
}

bool ol_index_query_keyed(const ol_index *ix, const ol_key_use *use) {
  size_t n;
  const uint32_t *in_query = ol_index_query_uses(ix, use->query, &n);
  for (size_t q = 0; q < n; q++) {
    const ol_key_use *o = &ix->key_uses.items[in_query[q]];
    /* An earlier sort key orders the rows; this one only breaks ties. */
    bool first_sort = use->kind == OL_LOOKUP_ORDER && o->kind == OL_LOOKUP_ORDER &&
                      o->file == use->file && o->span.start < use->span.start;
    bool key = o->kind == OL_LOOKUP_EQUAL || o->kind == OL_LOOKUP_PARENT;
    if (first_sort && o != use)
      return true; /* a later sort key only breaks ties: an index of its own cannot serve the
                      ORDER BY, whatever orders the rows first */
    if (o == use || !key)
      continue;
    const ol_column_fact *oc = &ix->classes.items[o->owner].cls->columns[o->column];
    if (oc->boolean && o->kind == OL_LOOKUP_EQUAL)
      continue; /* an indexed flag leaves half the table: this key still deserves its index */
    bool sort = use->kind == OL_LOOKUP_ORDER, fk = oc->fk_table || oc->fk_class;
    if (o->model != use->model) {
      /* A sort key of rows joined to one parent or one row of another model
       * (its foreign key or primary key, indexed): those are the rows sorted.
       * Any other column of that model (a status name) may match most of it. */
      if (sort && (fk || primary_key(ix, o->model, oc->name)) &&
          ol_index_column_covered(ix, o->model, oc->name))
        return true;
      continue;
    }
    if (sort && !(o->owner == use->owner && o->column == use->column) && fk)
      return true; /* the rows of one parent are sorted: an index serving both leads with the
                      foreign key, which is reported itself when it has none */
    if (ol_index_column_covered(ix, o->model, oc->name))
      return true;
  }
  return false;
}

const ol_key_use *ol_index_key_uses(const ol_index *ix, int32_t owner, uint32_t column, size_t *n) {
  size_t lo = 0, hi = ix->key_uses.len;
  while (lo < hi) { /* the first use at or after (owner, column) */
    size_t mid = lo + (hi - lo) / 2;
    const ol_key_use *u = &ix->key_uses.items[mid];
    if (u->owner < owner || (u->owner == owner && u->column < column))
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t end = lo;
  while (end < ix->key_uses.len && ix->key_uses.items[end].owner == owner &&
         ix->key_uses.items[end].column == column)
    end++;
  *n = end - lo;
  return *n ? &ix->key_uses.items[lo] : NULL;
}

static bool declared_at_module_level(const ol_index *ix, const int32_t *ids, size_t n,
                                     const char *column) {
  for (size_t f = 0; f < ix->files.len; f++) {
    const ol_file_facts *facts = ix->files.items[f].facts;
    for (size_t i = 0; i < facts->index_decls.len; i++) {
      const ol_index_decl *d = &facts->index_decls.items[i];
      if (strcmp(d->column, column) != 0)
        continue;
      for (size_t k = 0; k < n; k++)
        if (!strcmp(ol_last_component(d->entity), ix->classes.items[ids[k]].name))
          return true;
    }
  }
  return false;
}

bool ol_index_column_covered(const ol_index *ix, int32_t model, const char *column) {
  int32_t twin = ol_index_imperative_twin(ix, model); /* the table's primary key */
  const ol_model *m = &ix->classes.items[twin >= 0 ? twin : model];
  if (m->n_pk && !strcmp(m->pk[0], column))
    return true;
  for (size_t j = 0; twin >= 0 && j < m->cls->n_leading; j++) /* Index(...) in the Table(...) */
    if (!strcmp(m->cls->leading[j], column))
      return true;
  int32_t owner;
  uint32_t col;
  if (find_column(ix, model, column, &owner, &col) &&
      ix->classes.items[owner].cls->columns[col].indexed)
    return true;
  int32_t ids[MAX_BASES];
  size_t n = lineage(ix, model, ids);
  for (size_t i = 0; i < n; i++) {
    const ol_class_fact *c = ix->classes.items[ids[i]].cls;
    if (c->opaque_indexes)
      return true; /* its indexes are computed: unknown, so nothing is said */
    for (size_t j = 0; j < c->n_leading; j++)
      if (!strcmp(c->leading[j], column))
        return true;
  }
  return declared_at_module_level(ix, ids, n, column);
}

/* Single-table inheritance: a model without a table or primary key of its
 * own lives in the table of the model it extends. */
char *ol_index_table(const ol_index *ix, int32_t model) {
  for (int depth = 0; depth < 16; depth++) {
    const ol_model *m = &ix->classes.items[model];
    if (m->cls->tablename || m->cls->n_pk)
      break;
    int32_t parent = -1;
    for (size_t b = 0; b < m->cls->n_bases && parent < 0; b++) {
      int32_t p = nearest_class(ix, m->cls->bases[b], m->file, true);
      if (p >= 0 && p != model && ix->classes.items[p].is_model)
        parent = p;
    }
    if (parent < 0)
      break;
    model = parent;
  }
  return ol_index_snake_table(&ix->classes.items[model]);
}
