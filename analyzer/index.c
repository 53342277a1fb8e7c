/* Linking class facts into models: a class is mapped when a base is db.Model,
 * a declarative_base() result, a DeclarativeBase subclass, or a model. */
#include "index.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"

const char *ol_last_component(const char *dotted) {
  const char *dot = strrchr(dotted, '.');
  return dot ? dot + 1 : dotted;
}

char *ol_index_module_of(const char *path, bool *package);

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

char **ol_module_packages(char *const *modules, const bool *package, size_t n, size_t *n_out) {
  char **p = ol_malloc((n ? n : 1) * sizeof *p);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (package[i] && *modules[i])
      p[k++] = modules[i];
  qsort(p, k, sizeof *p, cmp_str);
  *n_out = k;
  return p;
}

uint32_t ol_module_key_under(char *const *packages, size_t n_packages, const char *m, size_t k) {
  if (k < 2 || m[k - 1] != '.')
    return 0;
  size_t lo = 0, hi = n_packages, len = k - 1;
  while (lo < hi) { /* the first package not before m[0..len): it, when it is one */
    size_t mid = (lo + hi) / 2;
    if (strncmp(packages[mid], m, len) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < n_packages && !strncmp(packages[lo], m, len) && packages[lo][len] == '\0'
             ? (uint32_t)len
             : 0;
}

bool ol_module_key_visible(const char *m, uint32_t under, const char *from_module,
                           bool from_package) {
  if (!under)
    return true;
  size_t dir = strlen(from_module);
  if (!from_package) {
    const char *dot = strrchr(from_module, '.');
    dir = dot ? (size_t)(dot - from_module) : 0;
  }
  return dir == under && !strncmp(from_module, m, under);
}

void ol_index_add(ol_index *ix, const char *path, const ol_file_facts *facts) {
  ol_index_file file = {.path = path, .facts = facts};
  file.module = ol_index_module_of(path, &file.package);
  ol_vec_push(&ix->files, file);
  for (size_t i = 0; i < facts->classes.len; i++) {
    const ol_class_fact *c = &facts->classes.items[i];
    ol_model m = {.name = c->name,
                  .path = path,
                  .file = (uint32_t)(ix->files.len - 1),
                  .cls = c,
                  .pk = (const char *const *)c->pk,
                  .n_pk = c->n_pk};
    ol_vec_push(&ix->classes, m);
  }
  for (size_t i = 0; i < facts->declarative_bases.len; i++)
    ol_vec_push(&ix->declarative_bases, facts->declarative_bases.items[i]);
  for (size_t i = 0; i + 1 < facts->base_classes.len; i += 2)
    ol_vec_push(&ix->base_classes, ((ol_base_class){.base = facts->base_classes.items[i],
                                                    .cls = facts->base_classes.items[i + 1],
                                                    .file = (uint32_t)(ix->files.len - 1)}));
}

static uint64_t name_hash(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

/* The first class named name (its last dotted component), -1 when none. */
static int32_t first_class(const ol_index *ix, const char *name) {
  if (!ix->n_slots)
    return -1;
  const char *last = ol_last_component(name);
  for (size_t i = name_hash(last) & (ix->n_slots - 1);; i = (i + 1) & (ix->n_slots - 1)) {
    int32_t c = ix->slots[i];
    if (c < 0 || !strcmp(ix->classes.items[c].name, last))
      return c;
  }
}

static void build_table(ol_index *ix) {
  ix->n_slots = 16;
  while (ix->n_slots < ix->classes.len * 2)
    ix->n_slots *= 2;
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

/* db.Model, a declarative_base() result, or a base the config names in
 * model-bases (the engine adds those to declarative_bases; they may be
 * dotted, "app.base.BaseModel", and match by their last component). */
static bool is_root_base(const ol_index *ix, const char *base) {
  const char *last = ol_last_component(base);
  if (strcmp(base, "db.Model") == 0 || strcmp(last, "Model") == 0)
    return true;
  for (size_t i = 0; i < ix->declarative_bases.len; i++)
    if (strcmp(ol_last_component(ix->declarative_bases.items[i]), last) == 0)
      return true;
  return false;
}

static bool is_declarative_root(const char *base) {
  const char *last = ol_last_component(base);
  return strcmp(last, "DeclarativeBase") == 0 || strcmp(last, "DeclarativeBaseNoMeta") == 0;
}

static void add_relations(ol_index *ix);

/* Whether a map_imperatively()/mapper() call maps a class of this name. */
static bool mapped_imperatively(const ol_index *ix, const char *name) {
  for (int32_t c = first_class(ix, name); c >= 0; c = ix->next_same[c])
    if (ix->classes.items[c].cls->imperative)
      return true;
  return false;
}

static uint64_t relation_hash(const char *owner, const char *name) {
  return (name_hash(owner) * 31) ^ name_hash(name);
}

/* The relations by (owner, name), each pair's first (relation_on's answer). */
static void build_relation_table(ol_index *ix) {
  ix->n_rel_slots = 16;
  while (ix->n_rel_slots < ix->relations.len * 2)
    ix->n_rel_slots *= 2;
  ix->rel_slots = ol_malloc(ix->n_rel_slots * sizeof(int32_t));
  memset(ix->rel_slots, 0xff, ix->n_rel_slots * sizeof(int32_t));
  for (size_t r = 0; r < ix->relations.len; r++) {
    const ol_relation *x = &ix->relations.items[r];
    for (size_t i = relation_hash(x->owner, x->name) & (ix->n_rel_slots - 1);;
         i = (i + 1) & (ix->n_rel_slots - 1)) {
      int32_t o = ix->rel_slots[i];
      if (o < 0) {
        ix->rel_slots[i] = (int32_t)r;
        break;
      }
      if (!strcmp(ix->relations.items[o].owner, x->owner) &&
          !strcmp(ix->relations.items[o].name, x->name))
        break; /* an earlier one answers */
    }
  }
}

static int by_self_hash(const void *pa, const void *pb) {
  const ol_self_ref *a = pa, *b = pb;
  if (a->hash != b->hash)
    return a->hash < b->hash ? -1 : 1;
  if (a->file != b->file)
    return a->file < b->file ? -1 : 1;
  return a->fact < b->fact ? -1 : a->fact > b->fact;
}

/* ix->self_refs: every self fact by its attribute's hash, in file order within one. */
static void build_self_refs(ol_index *ix) {
  ol_free(ix->self_refs);
  size_t n = 0;
  for (size_t f = 0; f < ix->files.len; f++)
    n += ix->files.items[f].facts->self_facts.len;
  ix->self_refs = ol_malloc((n ? n : 1) * sizeof *ix->self_refs);
  ix->n_self_refs = 0;
  for (uint32_t f = 0; f < ix->files.len; f++) {
    const ol_file_facts *x = ix->files.items[f].facts;
    for (uint32_t i = 0; i < x->self_facts.len; i++)
      ix->self_refs[ix->n_self_refs++] =
          (ol_self_ref){.hash = name_hash(x->self_facts.items[i].attr), .file = f, .fact = i};
  }
  qsort(ix->self_refs, ix->n_self_refs, sizeof *ix->self_refs, by_self_hash);
}

const ol_self_ref *ol_index_self_facts(const ol_index *ix, const char *attr, size_t *n) {
  uint64_t h = name_hash(attr);
  size_t lo = 0, hi = ix->n_self_refs;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (ix->self_refs[mid].hash < h)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t end = lo;
  while (end < ix->n_self_refs && ix->self_refs[end].hash == h)
    end++;
  *n = end - lo;
  return *n ? &ix->self_refs[lo] : NULL;
}

/* ix->base_at, ix->base_ids, ix->sub_at and ix->sub_ids, from each class's bases. */
static void build_subclasses(ol_index *ix) {
  size_t n = ix->classes.len, edges = 0;
  ol_free(ix->base_at);
  ol_free(ix->base_ids);
  uint32_t *first = ix->base_at = ol_calloc(n + 1, sizeof *first);
  for (size_t i = 0; i < n; i++) {
    first[i] = (uint32_t)edges;
    edges += ix->classes.items[i].cls->n_bases;
  }
  first[n] = (uint32_t)edges;
  int32_t *base_of = ix->base_ids = ol_malloc((edges ? edges : 1) * sizeof *base_of);
  ol_free(ix->sub_at);
  ol_free(ix->sub_ids);
  ix->sub_at = ol_calloc(n + 1, sizeof *ix->sub_at);
  for (size_t i = 0; i < n; i++) {
    const ol_model *m = &ix->classes.items[i];
    for (size_t b = 0; b < m->cls->n_bases; b++) {
      int32_t base = ol_index_class_id(ix, ol_last_component(m->cls->bases[b]), (int32_t)m->file);
      base_of[first[i] + b] = base >= 0 && base != (int32_t)i ? base : -1;
      if (base_of[first[i] + b] >= 0)
        ix->sub_at[base + 1]++;
    }
  }
  for (size_t c = 0; c < n; c++)
    ix->sub_at[c + 1] += ix->sub_at[c];
  ix->sub_ids = ol_malloc((ix->sub_at[n] ? ix->sub_at[n] : 1) * sizeof *ix->sub_ids);
  uint32_t *fill = ol_malloc((n ? n : 1) * sizeof *fill);
  for (size_t c = 0; c < n; c++)
    fill[c] = ix->sub_at[c];
  for (size_t i = 0; i < n; i++) /* in class order: each list ascending */
    for (size_t e = first[i]; e < first[i + 1]; e++)
      if (base_of[e] >= 0)
        ix->sub_ids[fill[base_of[e]]++] = (int32_t)i;
  ol_free(fill);
}

const int32_t *ol_index_subclasses(const ol_index *ix, int32_t c, size_t *n) {
  *n = ix->sub_at && c >= 0 ? ix->sub_at[c + 1] - ix->sub_at[c] : 0;
  return *n ? &ix->sub_ids[ix->sub_at[c]] : NULL;
}

void ol_index_link(ol_index *ix) {
  build_table(ix);
  build_self_refs(ix);
  build_subclasses(ix);
  /* Iterate to a fixpoint: bases may be declared after their subclasses. */
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < ix->classes.len; i++) {
      ol_model *m = &ix->classes.items[i];
      bool mapped = false, is_decl_base = false;
      if (mapped_imperatively(ix, m->name))
        mapped = true;
      for (size_t b = 0; b < m->cls->n_bases; b++) {
        const char *base = m->cls->bases[b];
        /* as build_subclasses resolved it, the class of that name in m's own file first:
         * sympy's `class GenericIdentity(Identity)` derives from its file's Identity, not from
         * another project's model of that name; never m itself */
        int32_t pid = ix->base_ids[ix->base_at[i] + b];
        ol_model *parent = pid >= 0 ? &ix->classes.items[pid] : NULL;
        if (is_declarative_root(base))
          is_decl_base = true;
        if (is_root_base(ix, base) || (parent && parent->is_mapped_base))
          mapped = true;
        if (parent && !m->n_pk && parent->n_pk) {
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
  add_relations(ix);
  build_relation_table(ix);
}

/* ---- relationships ----------------------------------------------------- */

char *ol_index_snake_table(const ol_model *m) {
  if (m->cls->tablename)
    return ol_strdup(m->cls->tablename);
  /* Flask-SQLAlchemy's default: the class name in snake case. */
  ol_buf b = {0};
  for (const char *c = m->name; *c; c++) {
    if (*c >= 'A' && *c <= 'Z') {
      if (c != m->name && ((c[-1] >= 'a' && c[-1] <= 'z') ||
                           (c[1] >= 'a' && c[1] <= 'z' && c[-1] >= 'A' && c[-1] <= 'Z')))
        ol_buf_putc(&b, '_');
      ol_buf_putc(&b, (char)(*c - 'A' + 'a'));
    } else
      ol_buf_putc(&b, *c);
  }
  return ol_buf_take(&b);
}

/* Whether a column holds a foreign key into table, or into class cls
 * (ForeignKey(Cls.id)). A schema-qualified target ("schema.table", from
 * ForeignKey("schema.table.id")) names the table by its last part. */
static bool fk_into(const ol_column_fact *c, const char *table, const char *cls) {
  return (c->fk_table && !strcmp(ol_last_component(c->fk_table), ol_last_component(table))) ||
         (c->fk_class && !strcmp(c->fk_class, ol_last_component(cls)));
}

/* Whether cls (or a base) has a ForeignKey column into the table of target. */
/* Whether m or a base (each visited once: seen holds a byte per class, so
 * a diamond of bases costs its size) has a foreign key into table. */
static bool fk_walk(ol_index *ix, const ol_model *m, const char *table, const char *target,
                    int depth, uint8_t *seen) {
  if (!m || depth > 16 || seen[m - ix->classes.items])
    return false;
  seen[m - ix->classes.items] = 1;
  for (size_t i = 0; i < m->cls->n_columns; i++)
    if (fk_into(&m->cls->columns[i], table, target))
      return true;
  for (size_t b = 0; b < m->cls->n_bases; b++)
    if (fk_walk(ix, find_class(ix, m->cls->bases[b]), table, target, depth + 1, seen))
      return true;
  return false;
}

static bool has_fk_to(ol_index *ix, const ol_model *m, const char *table, const char *target) {
  if (!m)
    return false;
  uint8_t *seen = ol_calloc(ix->classes.len, 1);
  bool r = fk_walk(ix, m, table, target, 0, seen);
  ol_free(seen);
  return r;
}

int32_t ol_index_imperative_twin(const ol_index *ix, int32_t cls) {
  const ol_class_fact *k = ix->classes.items[cls].cls;
  if (k->imperative)
    return -1;
  for (int32_t c = first_class(ix, k->name); c >= 0; c = ix->next_same[c])
    if (c != cls && ix->classes.items[c].cls->imperative)
      return c;
  return -1;
}

/* Where the foreign key between owner and target is: 1 on owner (owner's
 * side is many-to-one), -1 on target, 0 not found. */
/* The class of that name that declares the table: an imperative mapping's
 * record holds the table's columns, the class itself its methods. */
static ol_model *table_class(ol_index *ix, const char *name) {
  ol_model *first = find_class(ix, name);
  for (int32_t c = first_class(ix, name); c >= 0; c = ix->next_same[c])
    if (ix->classes.items[c].cls->imperative)
      return &ix->classes.items[c];
  return first;
}

/* The table m is mapped to: its own, else, for a subclass that declares
 * neither a table nor a primary key (single-table inheritance), the table
 * of the model it derives from. */
static char *mapped_table(const ol_index *ix, const ol_model *m, int depth) {
  bool own_pk = false;
  for (size_t i = 0; i < m->cls->n_columns; i++)
    own_pk |= m->cls->columns[i].pk;
  for (size_t b = 0; !m->cls->tablename && !own_pk && depth < 16 && b < m->cls->n_bases; b++) {
    int32_t c = first_class(ix, m->cls->bases[b]);
    const ol_model *p = c >= 0 ? &ix->classes.items[c] : NULL;
    if (p && p != m && p->is_model)
      return mapped_table(ix, p, depth + 1);
  }
  return ol_index_snake_table(m);
}

static int fk_side(ol_index *ix, const ol_model *owner, const char *target_name) {
  ol_model *target = target_name ? table_class(ix, target_name) : NULL;
  if (!target)
    return 0;
  if (!owner->cls->imperative && !owner->cls->n_columns)
    owner = table_class(ix, owner->name);
  char *tt = mapped_table(ix, target, 0), *ot = mapped_table(ix, owner, 0);
  int side = has_fk_to(ix, owner, tt, target->name)   ? 1
             : has_fk_to(ix, target, ot, owner->name) ? -1
                                                      : 0;
  ol_free(tt);
  ol_free(ot);
  return side;
}

/* Whether a relationship of owner to target_name maps a table to itself
 * (an adjacency list: Category.children, Category.parent). */
static bool self_referential(ol_index *ix, const ol_model *owner, const char *target_name) {
  ol_model *target = target_name ? table_class(ix, target_name) : NULL;
  if (!target)
    return false;
  if (!owner->cls->imperative && !owner->cls->n_columns)
    owner = table_class(ix, owner->name);
  if (!owner)
    return false;
  char *tt = mapped_table(ix, target, 0), *ot = mapped_table(ix, owner, 0);
  bool same = tt && ot && !strcmp(tt, ot);
  ol_free(tt);
  ol_free(ot);
  return same;
}

/* A self-referential relationship holds the foreign key on both sides: its
 * remote side says the direction, as SQLAlchemy reads it. The foreign key
 * remote is one-to-many, as is nothing said (SQLAlchemy's default for an
 * adjacency list); only the key it points to remote is many-to-one. */
static int self_direction(int8_t remote) {
  return remote == OL_REMOTE_KEY ? 0 : remote == OL_REMOTE_UNKNOWN ? -1 : 1;
}

/* 1 collection, 0 scalar, -1 unknown: what the declaration says, else the
 * foreign keys (the side holding the FK is many-to-one). Never guessed. */
static int direction(ol_index *ix, const ol_model *owner, const ol_rel_fact *r) {
  if (r->secondary)
    return 1;
  if (r->uselist != -1)
    return r->uselist; /* -2, computed: unknown */
  if (self_referential(ix, owner, r->target))
    return self_direction(r->remote);
  int side = fk_side(ix, owner, r->target);
  return side > 0 ? 0 : side < 0 ? 1 : -1;
}

/* The reverse of a relationship, created by its backref: what the backref
 * says, else the foreign keys, else the opposite of the forward side when
 * that is known to be a collection (one-to-many's reverse is many-to-one). */
static int backref_direction(ol_index *ix, const ol_model *owner, const ol_rel_fact *r, int fwd) {
  if (r->backref_uselist != -1)
    return r->backref_uselist;
  if (r->secondary)
    return 1;
  if (self_referential(ix, owner, r->target)) /* its own remote side, else the forward's reverse */
    return r->backref_remote != OL_REMOTE_UNSAID ? self_direction(r->backref_remote)
           : fwd >= 0                            ? !fwd
                                                 : -1;
  int side = fk_side(ix, owner, r->target);
  return side > 0 ? 1 : side < 0 ? 0 : fwd == 1 ? 0 : -1;
}

static const ol_relation *relation_on(const ol_index *ix, const char *cls, const char *attr);

/* One relationship of m (and its backref's reverse on the target), declared
 * in the file of class decl (m, or the mixin it inherits it from). */
static void add_relation(ol_index *ix, const ol_model *m, const ol_model *decl,
                         const ol_rel_fact *r) {
  int coll = direction(ix, m, r);
  ol_relation rel = {.owner = m->name,
                     .name = r->name,
                     .target = r->target,
                     .lazy = r->lazy,
                     .collection = coll != 0,
                     .direction_known = coll >= 0,
                     .uselist_false = r->uselist == 0,
                     .path = decl->path,
                     .line = r->line,
                     .col = r->col,
                     .span = r->span,
                     .lazy_value = r->lazy_value};
  ol_vec_push(&ix->relations, rel);
  if (!r->backref || !r->target)
    return;
  int back = backref_direction(ix, m, r, coll);
  ol_relation rev = {.owner = r->target,
                     .name = r->backref,
                     .target = m->name,
                     .lazy = r->backref_lazy,
                     .collection = back != 0,
                     .direction_known = back >= 0,
                     .uselist_false = r->backref_uselist == 0,
                     .from_backref = true,
                     .path = rel.path,
                     .line = r->line,
                     .col = r->col,
                     .span = r->span};
  ol_vec_push(&ix->relations, rev);
}

/* The value class m (or a base, first base first) binds attribute attr to
 * in its body; NULL when none does or it is None. */
static const char *class_attr(ol_index *ix, const ol_model *m, const char *attr, int depth) {
  if (!m || depth > 16)
    return NULL;
  for (size_t i = 0; i + 1 < m->cls->n_attrs; i += 2)
    if (!strcmp(m->cls->attrs[i], attr))
      return strcmp(m->cls->attrs[i + 1], "None") ? m->cls->attrs[i + 1] : NULL;
  for (size_t b = 0; b < m->cls->n_bases; b++) {
    ol_model *p = find_class(ix, m->cls->bases[b]);
    const char *v = p && p != m ? class_attr(ix, p, attr, depth + 1) : NULL;
    if (v)
      return v;
  }
  return NULL;
}

static ol_lazy lazy_named(const char *v) {
  static const struct {
    const char *name;
    ol_lazy lazy;
  } names[] = {{"True", OL_LAZY_SELECT},          {"select", OL_LAZY_SELECT},
               {"False", OL_LAZY_JOINED},         {"joined", OL_LAZY_JOINED},
               {"selectin", OL_LAZY_SELECTIN},    {"subquery", OL_LAZY_SUBQUERY},
               {"immediate", OL_LAZY_IMMEDIATE},  {"dynamic", OL_LAZY_DYNAMIC},
               {"write_only", OL_LAZY_WRITE_ONLY}};
  for (size_t i = 0; v && i < sizeof names / sizeof *names; i++)
    if (!strcmp(v, names[i].name))
      return names[i].lazy;
  return OL_LAZY_NEVER; /* unknown: never taken for a lazy load */
}

/* r as declared on class m, its `cls.X` parts read from m's class
 * attributes. A part m does not bind to a plain string or name stays
 * unknown: no target, no backref, a lazy= of unknown strategy. */
static ol_rel_fact resolved(ol_index *ix, const ol_model *m, const ol_rel_fact *r) {
  ol_rel_fact o = *r;
  if (r->target_attr) {
    const char *t = class_attr(ix, m, r->target_attr, 0);
    o.target = t ? (char *)ol_last_component(t) : NULL;
  }
  if (r->lazy_attr)
    o.lazy = lazy_named(class_attr(ix, m, r->lazy_attr, 0));
  if (r->backref_attr)
    o.backref = (char *)class_attr(ix, m, r->backref_attr, 0);
  if (r->backref_lazy_attr)
    o.backref_lazy = lazy_named(class_attr(ix, m, r->backref_lazy_attr, 0));
  return o;
}

/* Whether a mixin's relationship is made anew for each model inheriting
 * it: a part computed from the class, or a backref (its reverse points to
 * the model, not the mixin). */
static bool per_model(const ol_rel_fact *r) {
  return r->target_attr || r->lazy_attr || r->backref_attr || r->backref_lazy_attr || r->backref;
}

/* Model m inherits the relationships of its mixins and abstract bases
 * (not those of a base model, which holds its own): the per-model ones are
 * recorded on m, resolved through m's class attributes. */
static void inherit_relations(ol_index *ix, const ol_model *m, const ol_model *from, int depth,
                              uint32_t *seen, uint32_t stamp) {
  if (depth > 16)
    return;
  for (size_t b = 0; b < from->cls->n_bases; b++) {
    const ol_model *p = find_class(ix, from->cls->bases[b]);
    if (!p || p == from || p == m || p->is_model || seen[p - ix->classes.items] == stamp)
      continue; /* a base met before on m's walk: a diamond costs its size */
    seen[p - ix->classes.items] = stamp;
    for (size_t j = 0; j < p->cls->n_rels; j++) {
      const ol_rel_fact *r = &p->cls->rels[j];
      if (!per_model(r) || relation_on(ix, m->name, r->name))
        continue;
      ol_rel_fact o = resolved(ix, m, r);
      size_t first = ix->relations.len;
      add_relation(ix, m, p, &o);
      ix->relations.items[first].inherited = true;
    }
    inherit_relations(ix, m, p, depth + 1, seen, stamp);
  }
}

/* Each association proxy as what reading it loads: its collection's
 * loading (lazy or not, scalar or collection), under the proxy's name. A
 * proxy over a relationship the index does not know, or one that is not
 * loaded on access (dynamic, write_only), is left out. */
static void add_proxies(ol_index *ix) {
  for (size_t i = 0; i < ix->classes.len; i++) {
    const ol_model *m = &ix->classes.items[i];
    for (size_t j = 0; j < m->cls->n_rels; j++) {
      const ol_rel_fact *r = &m->cls->rels[j];
      const ol_relation *of = r->proxy_of ? ol_index_relation(ix, m->name, r->proxy_of) : NULL;
      if (!of || of->proxy_of || of->lazy == OL_LAZY_DYNAMIC || of->lazy == OL_LAZY_WRITE_ONLY)
        continue;
      ol_relation p = *of;
      const ol_relation *attr =
          of->target ? ol_index_relation(ix, of->target, r->proxy_attr) : NULL;
      p.owner = m->name;
      p.name = r->name;
      p.target = NULL;
      p.from_backref = false;
      p.inherited = true; /* shown with its owner, wherever its collection is declared */
      p.proxy_of = of->name;
      p.proxy_target = of->target;
      p.proxy_attr = attr && !attr->proxy_of && !attr->collection && attr->direction_known &&
                             attr->lazy == OL_LAZY_SELECT
                         ? attr->name
                         : NULL;
      p.lazy_value = (ol_span){0}; /* the proxy's declaration has no lazy= to rewrite */
      ol_vec_push(&ix->relations, p);
    }
  }
}

/* Marks the mixins and abstract bases model m inherits from. */
static void mark_inherited(ol_index *ix, const ol_model *from, bool *inherited, int depth) {
  for (size_t b = 0; b < from->cls->n_bases && depth <= 16; b++) {
    ol_model *p = find_class(ix, from->cls->bases[b]);
    if (!p || p == from || p->is_model || inherited[p - ix->classes.items])
      continue; /* marked already, with its bases: a diamond costs its size */
    inherited[p - ix->classes.items] = true;
    mark_inherited(ix, p, inherited, depth + 1);
  }
}

/* After the models are known: each class's own relationships (those a
 * model inherits per model without their backref: each model has its
 * own), then each model's inherited per-model ones. */
static void add_relations(ol_index *ix) {
  bool *inherited = ol_malloc((ix->classes.len ? ix->classes.len : 1) * sizeof(bool));
  memset(inherited, 0, (ix->classes.len ? ix->classes.len : 1) * sizeof(bool));
  for (size_t i = 0; i < ix->classes.len; i++)
    if (ix->classes.items[i].is_model)
      mark_inherited(ix, &ix->classes.items[i], inherited, 0);
  for (size_t i = 0; i < ix->classes.len; i++) {
    ol_model *m = &ix->classes.items[i];
    for (size_t j = 0; j < m->cls->n_rels; j++) {
      if (m->cls->rels[j].proxy_of)
        continue; /* after every relationship: add_proxies */
      ol_rel_fact o = resolved(ix, m, &m->cls->rels[j]);
      if (!m->is_model && inherited[i] && per_model(&m->cls->rels[j]))
        o.backref = NULL;
      add_relation(ix, m, m, &o);
    }
  }
  ol_free(inherited);
  /* seen[c] == i + 1: class c met on the walk of model i */
  uint32_t *seen = ol_calloc(ix->classes.len ? ix->classes.len : 1, sizeof *seen);
  for (size_t i = 0; i < ix->classes.len; i++)
    if (ix->classes.items[i].is_model)
      inherit_relations(ix, &ix->classes.items[i], &ix->classes.items[i], 0, seen, (uint32_t)i + 1);
  ol_free(seen);
  add_proxies(ix);
}

static const ol_relation *relation_on(const ol_index *ix, const char *cls, const char *attr) {
  if (ix->rel_slots) {
    for (size_t i = relation_hash(cls, attr) & (ix->n_rel_slots - 1);;
         i = (i + 1) & (ix->n_rel_slots - 1)) {
      int32_t o = ix->rel_slots[i];
      if (o < 0)
        return NULL;
      if (!strcmp(ix->relations.items[o].owner, cls) && !strcmp(ix->relations.items[o].name, attr))
        return &ix->relations.items[o];
    }
  }
  for (size_t i = 0; i < ix->relations.len; i++)
    if (!strcmp(ix->relations.items[i].owner, cls) && !strcmp(ix->relations.items[i].name, attr))
      return &ix->relations.items[i];
  return NULL;
}

bool ol_index_rel_name_dynamic(const ol_index *ix, const char *attr, size_t n) {
  size_t found = 0;
  for (size_t i = 0; i < ix->relations.len; i++) {
    const ol_relation *r = &ix->relations.items[i];
    if (strlen(r->name) != n || memcmp(r->name, attr, n) != 0)
      continue;
    if (r->lazy != OL_LAZY_DYNAMIC)
      return false;
    found++;
  }
  return found > 0;
}

const ol_relation *ol_index_relation(const ol_index *ix, const char *model, const char *attr) {
  const char *name = ol_last_component(model);
  for (int depth = 0; depth < 16 && name; depth++) {
    const ol_relation *r = relation_on(ix, name, attr);
    if (r)
      return r;
    int32_t c = first_class(ix, name);
    if (c < 0)
      return NULL;
    const ol_class_fact *cls = ix->classes.items[c].cls;
    /* Mixins and abstract bases contribute members: search them (first base first). */
    const char *next = NULL;
    for (size_t b = 0; b < cls->n_bases && !next; b++) {
      const ol_relation *rb = NULL;
      for (size_t k = b; k < cls->n_bases && !rb; k++)
        rb = relation_on(ix, ol_last_component(cls->bases[k]), attr);
      if (rb)
        return rb;
      if (first_class(ix, cls->bases[b]) >= 0)
        next = ol_last_component(cls->bases[b]);
    }
    name = next;
  }
  return NULL;
}

void ol_index_each_relation(const ol_index *ix, const char *entity,
                            void (*each)(void *ud, const ol_relation *rel), void *ud) {
  if (!entity || !ol_index_model(ix, entity))
    return;
  /* A relation is entity's when the lookup of its name from entity answers
   * it: the one nearest in the lineage, once per name. */
  for (size_t r = 0; r < ix->relations.len; r++) {
    const ol_relation *x = &ix->relations.items[r];
    if (!x->proxy_of && ol_index_relation(ix, entity, x->name) == x)
      each(ud, x);
  }
}

const char *ol_index_bind_key(const ol_index *ix, const char *model) {
  int32_t c = first_class(ix, model);
  for (int depth = 0; depth < 16 && c >= 0; depth++) {
    const ol_class_fact *cls = ix->classes.items[c].cls;
    if (cls->bind_key)
      return cls->bind_key;
    c = cls->n_bases ? first_class(ix, cls->bases[0]) : -1;
  }
  return NULL;
}

/* The column of class c (or of a base or mixin, first base first) holding
 * a foreign key into table / class parent; NULL when none does. */
/* The column of class c or of a base (each visited once: seen holds a
 * byte per class, so a diamond of bases costs its size) with a foreign key
 * into table. */
static const char *fk_column_into(const ol_index *ix, int32_t c, const char *table,
                                  const char *parent, int depth, uint8_t *seen) {
  if (c < 0 || depth > 16 || seen[c])
    return NULL;
  seen[c] = 1;
  const ol_class_fact *cls = ix->classes.items[c].cls;
  for (size_t i = 0; i < cls->n_columns; i++)
    if (fk_into(&cls->columns[i], table, parent))
      return cls->columns[i].name;
  for (size_t b = 0; b < cls->n_bases; b++) {
    const char *found =
        fk_column_into(ix, first_class(ix, cls->bases[b]), table, parent, depth + 1, seen);
    if (found)
      return found;
  }
  return NULL;
}

const char *ol_index_fk_column(const ol_index *ix, const char *child, const char *parent) {
  int32_t p = first_class(ix, parent), c = first_class(ix, child);
  if (p < 0 || c < 0)
    return NULL;
  char *table = mapped_table(ix, &ix->classes.items[p], 0);
  uint8_t *seen = ol_calloc(ix->classes.len, 1);
  const char *found = fk_column_into(ix, c, table, parent, 0, seen);
  ol_free(seen);
  ol_free(table);
  return found;
}

const ol_column_fact *ol_index_column(const ol_index *ix, const char *model, const char *attr) {
  int32_t c = first_class(ix, ol_last_component(model));
  for (int depth = 0; depth < 16 && c >= 0; depth++) {
    const ol_class_fact *cls = ix->classes.items[c].cls;
    for (size_t i = 0; i < cls->n_columns; i++)
      if (!strcmp(cls->columns[i].name, attr))
        return &cls->columns[i];
    c = cls->n_bases ? first_class(ix, ol_last_component(cls->bases[0])) : -1;
  }
  return NULL;
}

ol_column_kind ol_index_column_kind(const ol_index *ix, const char *model, const char *attr) {
  const ol_column_fact *col = ol_index_column(ix, model, attr);
  if (!col)
    return OL_COL_UNKNOWN;
  if (col->type_kind != OL_COL_UNKNOWN || (!col->fk_table && !col->fk_class))
    return (ol_column_kind)col->type_kind;
  /* ForeignKey("chef.id") / ForeignKey(Chef.id): the referenced model's key. */
  for (size_t i = 0; i < ix->classes.len; i++) {
    const ol_model *m = &ix->classes.items[i];
    if (!m->is_model || m->n_pk != 1)
      continue;
    char *table = col->fk_class ? NULL : ol_index_snake_table(m);
    bool hit = col->fk_class ? !strcmp(ol_last_component(col->fk_class), m->name)
                             : !strcmp(table, col->fk_table);
    ol_free(table);
    if (hit) {
      const ol_column_fact *pk = ol_index_column(ix, m->name, m->pk[0]);
      return pk && pk != col ? (ol_column_kind)pk->type_kind : OL_COL_UNKNOWN;
    }
  }
  return OL_COL_UNKNOWN;
}

bool ol_index_has_member(const ol_index *ix, const char *model, const char *attr) {
  const char *name = ol_last_component(model);
  for (int depth = 0; depth < 16 && name; depth++) {
    int32_t c = first_class(ix, name);
    if (c < 0)
      return false;
    const ol_class_fact *cls = ix->classes.items[c].cls;
    for (size_t i = 0; i < cls->n_columns; i++)
      if (!strcmp(cls->columns[i].name, attr))
        return true;
    for (size_t i = 0; i < cls->n_members; i++)
      if (!strcmp(cls->members[i], attr))
        return true;
    name = cls->n_bases ? ol_last_component(cls->bases[0]) : NULL;
  }
  return false;
}

const ol_model *ol_index_model(const ol_index *ix, const char *name) {
  for (int32_t c = first_class(ix, name); c >= 0; c = ix->next_same[c])
    if (ix->classes.items[c].is_model)
      return &ix->classes.items[c];
  return NULL;
}

int32_t ol_index_class_id(const ol_index *ix, const char *name, int32_t file) {
  int32_t first = first_class(ix, name);
  for (int32_t c = first; c >= 0 && file >= 0; c = ix->next_same[c])
    if (ix->classes.items[c].file == (uint32_t)file)
      return c;
  return first;
}

void ol_index_free(ol_index *ix) {
  for (size_t i = 0; i < ix->files.len; i++) {
    ol_free(ix->files.items[i].module);
    ol_free(ix->files.items[i].call_target);
  }
  ol_vec_free(&ix->files);
  for (size_t i = 0; i < ix->funcs.len; i++) {
    ol_vec_free(&ix->funcs.items[i].reads);
    for (uint32_t p = 0; p < ix->funcs.items[i].n_ptypes; p++)
      ol_free(ix->funcs.items[i].ptypes[p].rows.eager);
    ol_free(ix->funcs.items[i].ptypes);
  }
  ol_vec_free(&ix->funcs);
  ol_free(ix->fn_slots);
  ol_free(ix->fn_next);
  ol_free(ix->lineage_at);
  ol_free(ix->lineage_ids);
  ol_free(ix->rel_slots);
  ol_free(ix->self_refs);
  ol_free(ix->sub_at);
  ol_free(ix->sub_ids);
  ol_free(ix->base_at);
  ol_free(ix->base_ids);
  ol_vec_free(&ix->mod_entries);
  ol_free(ix->mod_slots);
  ol_free(ix->slots);
  ol_free(ix->next_same);
  ol_vec_free(&ix->relations);
  ol_vec_free(&ix->key_uses);
  ol_free(ix->uses_by_query);
  ol_vec_free(&ix->classes);
  ol_vec_free(&ix->declarative_bases);
  ol_vec_free(&ix->base_classes);
}
