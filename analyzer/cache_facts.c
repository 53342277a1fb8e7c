/* The cache's record of one file's facts: each vector as its items' bytes,
 * then every string its items point to (u32 length + 1, 0 for NULL; the
 * bytes and their NUL), and the class facts' own arrays. Reading checks
 * every length against what is left, and clears every pointer it copied
 * before it is set, so a damaged record gives `false` and freeable facts,
 * never a wild pointer. The strings read back are not copied: they point
 * into the record (a warm run maps the cache and reads megabytes of them). */
#include <stddef.h>
#include <string.h>

#include "cache.h"

/* A change to facts.h must come here too: every pointer of every struct is
 * listed below. These sizes are what the tables were written for. */
_Static_assert(sizeof(ol_file_facts) == 736, "facts.h changed: update cache_facts.c");
_Static_assert(sizeof(ol_loop) == 360 && sizeof(ol_call_arg) == 208 && sizeof(ol_query_site) == 240,
               "facts.h changed: update cache_facts.c");
_Static_assert(sizeof(ol_class_fact) == 144 && sizeof(ol_func_fact) == 248 &&
                   sizeof(ol_call_fact) == 104 && sizeof(ol_rel_fact) == 128,
               "facts.h changed: update cache_facts.c");

typedef struct {
  size_t elem;
  const size_t *strs; /* offsets of the char * fields */
  size_t n_strs;
  size_t arrays[7]; /* offsets of other pointers (written as 0, read back separately), 0 ends */
} layout;

#define LAYOUT(T, ...)                                                                             \
  static const size_t T##_strs[] = {__VA_ARGS__};                                                  \
  static const layout T##_layout = {sizeof(T), T##_strs, sizeof T##_strs / sizeof(size_t), {0}}
#define ROWS(T, m)                                                                                 \
  offsetof(T, m.entity), offsetof(T, m.eager), offsetof(T, m.origin), offsetof(T, m.cols[0]),      \
      offsetof(T, m.cols[1]), offsetof(T, m.cols[2]), offsetof(T, m.cols[3]),                      \
      offsetof(T, m.dyn_owner), offsetof(T, m.dyn_rel), offsetof(T, m.options_self)

LAYOUT(ol_loop, ROWS(ol_loop, rows), offsetof(ol_loop, rows_via), offsetof(ol_loop, insert_why),
       offsetof(ol_loop, context), offsetof(ol_loop, self_cls), offsetof(ol_loop, self_attr),
       offsetof(ol_loop, fixed_cls), offsetof(ol_loop, fixed_attr));
LAYOUT(ol_self_fact, offsetof(ol_self_fact, cls), offsetof(ol_self_fact, attr),
       ROWS(ol_self_fact, rows));
LAYOUT(ol_render_fact, offsetof(ol_render_fact, template));
LAYOUT(ol_render_arg, offsetof(ol_render_arg, name), ROWS(ol_render_arg, rows));
LAYOUT(ol_query_site, offsetof(ol_query_site, dep_name), offsetof(ol_query_site, no_hoist_why),
       offsetof(ol_query_site, batch.entity), offsetof(ol_query_site, batch.column),
       offsetof(ol_query_site, batch_why), offsetof(ol_query_site, entity),
       offsetof(ol_query_site, guard.lit), offsetof(ol_query_site, pk_attr));
LAYOUT(ol_attr_read, offsetof(ol_attr_read, attr), offsetof(ol_attr_read, attr2));
LAYOUT(ol_commit_site, offsetof(ol_commit_site, exempt));
LAYOUT(ol_len_site, offsetof(ol_len_site, entity), offsetof(ol_len_site, rel));
LAYOUT(ol_count_stmt, offsetof(ol_count_stmt, name), offsetof(ol_count_stmt, entity),
       offsetof(ol_count_stmt, arms));
LAYOUT(ol_func_site, offsetof(ol_func_site, text));
LAYOUT(ol_func_rows, ROWS(ol_func_rows, rows));
static const size_t ol_func_fact_strs[] = {
    offsetof(ol_func_fact, name),         offsetof(ol_func_fact, cls),
    offsetof(ol_func_fact, guard_lit[0]), offsetof(ol_func_fact, guard_lit[1]),
    offsetof(ol_func_fact, guard_lit[2]), offsetof(ol_func_fact, guard_lit[3]),
    offsetof(ol_func_fact, guard_lit[4]), offsetof(ol_func_fact, guard_lit[5]),
    offsetof(ol_func_fact, defaults),     offsetof(ol_func_fact, decos),
    offsetof(ol_func_fact, ret_coll)};
_Static_assert(OL_GUARD_ANY == 2 && OL_EFFECTS == 3, "guard sets changed: update the list above");
static const layout ol_func_fact_layout = {
    sizeof(ol_func_fact), ol_func_fact_strs, 11, {offsetof(ol_func_fact, params)}};
LAYOUT(ol_param_read, offsetof(ol_param_read, attr), offsetof(ol_param_read, guard.lit),
       offsetof(ol_param_read, args));
LAYOUT(ol_call_arg, offsetof(ol_call_arg, kw), ROWS(ol_call_arg, rows),
       offsetof(ol_call_arg, key_attr), offsetof(ol_call_arg, self_attr));
LAYOUT(ol_call_term, offsetof(ol_call_term, text));
LAYOUT(ol_call_fact, offsetof(ol_call_fact, callee), offsetof(ol_call_fact, commit_exempt),
       offsetof(ol_call_fact, guard.lit), offsetof(ol_call_fact, args));
LAYOUT(ol_import_fact, offsetof(ol_import_fact, local), offsetof(ol_import_fact, module),
       offsetof(ol_import_fact, name));
static const size_t ol_class_fact_strs[] = {offsetof(ol_class_fact, name),
                                            offsetof(ol_class_fact, tablename),
                                            offsetof(ol_class_fact, bind_key)};
static const layout ol_class_fact_layout = {
    sizeof(ol_class_fact),
    ol_class_fact_strs,
    3,
    {offsetof(ol_class_fact, rels), offsetof(ol_class_fact, columns),
     offsetof(ol_class_fact, members), offsetof(ol_class_fact, bases), offsetof(ol_class_fact, pk),
     offsetof(ol_class_fact, leading), offsetof(ol_class_fact, attrs)}};
LAYOUT(ol_rel_fact, offsetof(ol_rel_fact, name), offsetof(ol_rel_fact, target),
       offsetof(ol_rel_fact, backref), offsetof(ol_rel_fact, back_populates),
       offsetof(ol_rel_fact, target_attr), offsetof(ol_rel_fact, lazy_attr),
       offsetof(ol_rel_fact, backref_attr), offsetof(ol_rel_fact, backref_lazy_attr),
       offsetof(ol_rel_fact, proxy_of), offsetof(ol_rel_fact, proxy_attr));
LAYOUT(ol_column_fact, offsetof(ol_column_fact, name), offsetof(ol_column_fact, fk_table),
       offsetof(ol_column_fact, fk_class), offsetof(ol_column_fact, db_name));
LAYOUT(ol_lookup, offsetof(ol_lookup, entity), offsetof(ol_lookup, column));
LAYOUT(ol_index_decl, offsetof(ol_index_decl, entity), offsetof(ol_index_decl, column));
static const layout string_layout = {sizeof(char *), (const size_t[]){0}, 1, {0}};
static const layout hash_layout = {sizeof(uint64_t), (const size_t[]){0}, 0, {0}};
static const layout u32_layout = {sizeof(uint32_t), (const size_t[]){0}, 0, {0}};

#define FIELD(item, off) (*(char **)((char *)(item) + (off)))

/* ---- writing -------------------------------------------------------------- */

static void put_u32(ol_buf *b, uint32_t v) { ol_buf_add(b, (const char *)&v, sizeof v); }

static void put_str(ol_buf *b, const char *s) {
  if (!s) {
    put_u32(b, 0);
    return;
  }
  size_t n = strlen(s);
  put_u32(b, (uint32_t)n + 1);
  ol_buf_add(b, s, n + 1);
}

/* An item's bytes with its pointers written as 0: a record says nothing of
 * the addresses of the run that wrote it. */
static void put_item(ol_buf *b, const char *item, const layout *l) {
  size_t at = b->len;
  ol_buf_add(b, item, l->elem);
  for (size_t s = 0; s < l->n_strs; s++)
    memset(b->s + at + l->strs[s], 0, sizeof(void *));
  for (size_t s = 0; s < 7 && l->arrays[s]; s++)
    memset(b->s + at + l->arrays[s], 0, sizeof(void *));
}

static void put_array(ol_buf *b, const void *items, size_t len, const layout *l) {
  put_u32(b, (uint32_t)len);
  for (size_t i = 0; i < len; i++)
    put_item(b, (const char *)items + i * l->elem, l);
  for (size_t i = 0; i < len; i++)
    for (size_t s = 0; s < l->n_strs; s++)
      put_str(b, FIELD((const char *)items + i * l->elem, l->strs[s]));
}

static void put_strings(ol_buf *b, char *const *s, size_t n) { put_array(b, s, n, &string_layout); }

static void put_class(ol_buf *b, const ol_class_fact *c) {
  put_array(b, c->rels, c->n_rels, &ol_rel_fact_layout);
  put_array(b, c->columns, c->n_columns, &ol_column_fact_layout);
  put_strings(b, c->members, c->n_members);
  put_strings(b, c->bases, c->n_bases);
  put_strings(b, c->pk, c->n_pk);
  put_strings(b, c->leading, c->n_leading);
  put_strings(b, c->attrs, c->n_attrs);
}

/* Items are written as their bytes: their padding must not carry whatever
 * the heap held before (a record is the same for the same facts, and
 * memcheck sees no uninitialised byte written). GCC clears it; clang 14,
 * used only for the sanitizer and fuzzing builds, has no such builtin. */
#if defined(__has_builtin)
#if __has_builtin(__builtin_clear_padding)
#define CLEAR_PADDING(items, n)                                                                    \
  for (size_t i_ = 0; i_ < (n); i_++)                                                              \
  __builtin_clear_padding(&(items)[i_])
#endif
#endif
#ifndef CLEAR_PADDING
#define CLEAR_PADDING(items, n) (void)(items)
#endif

/* The padding of every item the record writes as bytes, in place. */
static void clear_padding(ol_file_facts *f) {
  CLEAR_PADDING(f->funcs.items, f->funcs.len);
  CLEAR_PADDING(f->func_sites.items, f->func_sites.len);
  CLEAR_PADDING(f->func_rows.items, f->func_rows.len);
  CLEAR_PADDING(f->param_reads.items, f->param_reads.len);
  CLEAR_PADDING(f->calls.items, f->calls.len);
  CLEAR_PADDING(f->call_args.items, f->call_args.len);
  CLEAR_PADDING(f->call_terms.items, f->call_terms.len);
  CLEAR_PADDING(f->imports.items, f->imports.len);
  CLEAR_PADDING(f->count_stmts.items, f->count_stmts.len);
  CLEAR_PADDING(f->commits.items, f->commits.len);
  CLEAR_PADDING(f->lens.items, f->lens.len);
  CLEAR_PADDING(f->reads.items, f->reads.len);
  CLEAR_PADDING(f->loops.items, f->loops.len);
  CLEAR_PADDING(f->queries.items, f->queries.len);
  CLEAR_PADDING(f->classes.items, f->classes.len);
  for (size_t i = 0; i < f->classes.len; i++) {
    CLEAR_PADDING(f->classes.items[i].rels, f->classes.items[i].n_rels);
    CLEAR_PADDING(f->classes.items[i].columns, f->classes.items[i].n_columns);
  }
  CLEAR_PADDING(f->lookups.items, f->lookups.len);
  CLEAR_PADDING(f->index_decls.items, f->index_decls.len);
  CLEAR_PADDING(f->renders.items, f->renders.len);
  CLEAR_PADDING(f->render_args.items, f->render_args.len);
  CLEAR_PADDING(f->self_facts.items, f->self_facts.len);
}

void ol_facts_serialize(const ol_file_facts *f, ol_buf *out) {
  clear_padding((ol_file_facts *)f); /* padding only: the facts are the same */
  put_u32(out, f->import_at);
  put_u32(out, f->parse_errors);
  put_u32(out, f->first_error_byte);
  put_u32(out, f->unknown_query_calls);
  put_array(out, f->funcs.items, f->funcs.len, &ol_func_fact_layout);
  for (size_t i = 0; i < f->funcs.len; i++)
    put_strings(out, f->funcs.items[i].params, f->funcs.items[i].n_params);
  put_array(out, f->func_sites.items, f->func_sites.len, &ol_func_site_layout);
  put_array(out, f->func_rows.items, f->func_rows.len, &ol_func_rows_layout);
  put_array(out, f->param_reads.items, f->param_reads.len, &ol_param_read_layout);
  put_array(out, f->calls.items, f->calls.len, &ol_call_fact_layout);
  put_array(out, f->call_args.items, f->call_args.len, &ol_call_arg_layout);
  put_array(out, f->call_terms.items, f->call_terms.len, &ol_call_term_layout);
  put_array(out, f->imports.items, f->imports.len, &ol_import_fact_layout);
  put_array(out, f->count_stmts.items, f->count_stmts.len, &ol_count_stmt_layout);
  put_array(out, f->commits.items, f->commits.len, &ol_commit_site_layout);
  put_array(out, f->lens.items, f->lens.len, &ol_len_site_layout);
  put_array(out, f->reads.items, f->reads.len, &ol_attr_read_layout);
  put_strings(out, f->module_names.items, f->module_names.len);
  put_array(out, f->loops.items, f->loops.len, &ol_loop_layout);
  put_array(out, f->queries.items, f->queries.len, &ol_query_site_layout);
  put_array(out, f->classes.items, f->classes.len, &ol_class_fact_layout);
  for (size_t i = 0; i < f->classes.len; i++)
    put_class(out, &f->classes.items[i]);
  put_strings(out, f->declarative_bases.items, f->declarative_bases.len);
  put_strings(out, f->base_classes.items, f->base_classes.len);
  put_array(out, f->lookups.items, f->lookups.len, &ol_lookup_layout);
  put_array(out, f->index_decls.items, f->index_decls.len, &ol_index_decl_layout);
  put_array(out, f->renders.items, f->renders.len, &ol_render_fact_layout);
  put_array(out, f->render_args.items, f->render_args.len, &ol_render_arg_layout);
  put_array(out, f->self_facts.items, f->self_facts.len, &ol_self_fact_layout);
  put_array(out, f->value_refs.items, f->value_refs.len, &hash_layout);
  put_array(out, f->attr_writes.items, f->attr_writes.len, &hash_layout);
  put_array(out, f->stmt_starts.items, f->stmt_starts.len, &u32_layout);
}

/* ---- reading -------------------------------------------------------------- */

typedef struct {
  const char *s;
  size_t n, at;
  ol_arena *arena;
  char *region; /* where the tables go (their record's size, 8-aligned), NULL: the heap */
  size_t region_at;
  bool bad;
} reader;

static uint32_t get_u32(reader *r) {
  uint32_t v = 0;
  if (r->bad || r->n - r->at < sizeof v) {
    r->bad = true;
    return 0;
  }
  memcpy(&v, r->s + r->at, sizeof v);
  r->at += sizeof v;
  return v;
}

/* A string of the record, in place (its NUL checked). */
static char *get_str(reader *r) {
  uint32_t n = get_u32(r);
  if (!n || r->bad)
    return NULL;
  if (r->n - r->at < n || r->s[r->at + n - 1] != '\0') {
    r->bad = true;
    return NULL;
  }
  char *s = (char *)(r->s + r->at); /* never written: the facts' strings are read only */
  r->at += n;
  return s;
}

/* Items of l: *items gets a malloc'd copy whose pointers are all set (NULL
 * where the record ran out). Returns the count, 0 when bad. */
static size_t get_array(reader *r, void **items, const layout *l) {
  *items = NULL;
  uint32_t n = get_u32(r);
  if (r->bad || !n)
    return 0;
  if ((r->n - r->at) / l->elem < n) {
    r->bad = true;
    return 0;
  }
  char *a;
  if (r->region) { /* never past the record's size: each item's bytes are in it */
    r->region_at = (r->region_at + 7) & ~(size_t)7; /* after a table of u32 (its count's room) */
    a = r->region + r->region_at;
    r->region_at += n * l->elem;
  } else {
    a = ol_malloc(n * l->elem);
  }
  memcpy(a, r->s + r->at, n * l->elem);
  r->at += n * l->elem;
  /* Every pointer set: get_str gives NULL once the record went bad. */
  for (size_t i = 0; i < n; i++)
    for (size_t s = 0; s < l->n_strs; s++)
      FIELD(a + i * l->elem, l->strs[s]) = get_str(r);
  *items = a;
  return n;
}

/* Past the items of l and their strings, checked as get_array checks them,
 * nothing copied. */
static void skip_array(reader *r, const layout *l) {
  uint32_t n = get_u32(r);
  if (r->bad || !n)
    return;
  if ((r->n - r->at) / l->elem < n) {
    r->bad = true;
    return;
  }
  r->at += n * l->elem;
  for (size_t i = 0; i < (size_t)n * l->n_strs && !r->bad; i++) {
    uint32_t len = get_u32(r);
    if (len && (r->n - r->at < len || r->s[r->at + len - 1] != '\0'))
      r->bad = true;
    else
      r->at += len;
  }
}

#define GET_VEC(r, v, l)                                                                           \
  do {                                                                                             \
    void *items_;                                                                                  \
    (v)->len = (v)->cap = get_array(r, &items_, l);                                                \
    (v)->items = items_;                                                                           \
  } while (0)

static size_t get_strings(reader *r, char ***out) {
  void *items;
  size_t n = get_array(r, &items, &string_layout);
  *out = items;
  return n;
}

static void get_class(reader *r, ol_class_fact *c) {
  void *items;
  c->n_rels = get_array(r, &items, &ol_rel_fact_layout);
  c->rels = items;
  c->n_columns = get_array(r, &items, &ol_column_fact_layout);
  c->columns = items;
  c->n_members = get_strings(r, &c->members);
  c->n_bases = get_strings(r, &c->bases);
  c->n_pk = get_strings(r, &c->pk);
  c->n_leading = get_strings(r, &c->leading);
  c->n_attrs = get_strings(r, &c->attrs);
}

bool ol_facts_deserialize(const char *s, size_t n, ol_file_facts *f) {
  return ol_facts_deserialize_in(s, n, f, true, NULL, NULL);
}

bool ol_facts_deserialize_for(const char *s, size_t n, ol_file_facts *f, bool checked) {
  return ol_facts_deserialize_in(s, n, f, checked, NULL, NULL);
}

/* Every table item but a u32 (stmt_starts) holds a pointer (8-aligned, its
 * size a multiple of 8) and is read from as many bytes of the record, after
 * the table's u32 count: the tables of a record of n bytes fit in n bytes of
 * region, laid end to end, each 8-aligned (the padding after a table of u32
 * is at most 4 bytes, the room of the next table's count; region_at never
 * passes at). */
_Static_assert(sizeof(ol_loop) % 8 == 0 && sizeof(ol_call_arg) % 8 == 0 &&
                   sizeof(ol_query_site) % 8 == 0 && sizeof(ol_class_fact) % 8 == 0 &&
                   sizeof(ol_func_fact) % 8 == 0 && sizeof(ol_call_fact) % 8 == 0 &&
                   sizeof(ol_rel_fact) % 8 == 0 && sizeof(char *) == 8,
               "a table item is no multiple of 8 bytes: the region's bound in cache.c fails");

bool ol_facts_deserialize_in(const char *s, size_t n, ol_file_facts *f, bool checked, char *region,
                             size_t *used) {
  memset(f, 0, sizeof *f);
  reader r = {.s = s, .n = n, .arena = &f->arena, .region = region};
  f->borrowed = region != NULL;
  f->import_at = get_u32(&r);
  f->parse_errors = get_u32(&r);
  f->first_error_byte = get_u32(&r);
  f->unknown_query_calls = get_u32(&r);
  GET_VEC(&r, &f->funcs, &ol_func_fact_layout);
  for (size_t i = 0; i < f->funcs.len; i++) {
    f->funcs.items[i].params = NULL;
    f->funcs.items[i].n_params = 0;
  }
  /* Parameters live in the arena (as the walk leaves them), or in the region. */
  static char *no_params[1];
  for (size_t i = 0; i < f->funcs.len && !r.bad; i++) {
    char **params;
    size_t np = get_strings(&r, &params);
    f->funcs.items[i].n_params = (uint32_t)np;
    if (r.region) {
      f->funcs.items[i].params = np ? params : no_params;
      continue;
    }
    f->funcs.items[i].params = ol_arena_alloc(&f->arena, (np ? np : 1) * sizeof(char *));
    if (np)
      memcpy(f->funcs.items[i].params, params, np * sizeof(char *));
    ol_free(params);
  }
  GET_VEC(&r, &f->func_sites, &ol_func_site_layout);
  GET_VEC(&r, &f->func_rows, &ol_func_rows_layout);
  GET_VEC(&r, &f->param_reads, &ol_param_read_layout);
  GET_VEC(&r, &f->calls, &ol_call_fact_layout);
  GET_VEC(&r, &f->call_args, &ol_call_arg_layout);
  GET_VEC(&r, &f->call_terms, &ol_call_term_layout);
  GET_VEC(&r, &f->imports, &ol_import_fact_layout);
  if (checked)
    GET_VEC(&r, &f->count_stmts, &ol_count_stmt_layout);
  else /* read by the checks of their own file only: a warm run's largest table */
    skip_array(&r, &ol_count_stmt_layout);
  GET_VEC(&r, &f->commits, &ol_commit_site_layout);
  GET_VEC(&r, &f->lens, &ol_len_site_layout);
  GET_VEC(&r, &f->reads, &ol_attr_read_layout);
  GET_VEC(&r, &f->module_names, &string_layout);
  GET_VEC(&r, &f->loops, &ol_loop_layout);
  GET_VEC(&r, &f->queries, &ol_query_site_layout);
  GET_VEC(&r, &f->classes, &ol_class_fact_layout);
  for (size_t i = 0; i < f->classes.len; i++) {
    ol_class_fact *c = &f->classes.items[i];
    c->rels = NULL, c->columns = NULL, c->members = c->bases = c->pk = c->leading = c->attrs = NULL;
    c->n_rels = c->n_columns = c->n_members = c->n_bases = c->n_pk = c->n_leading = c->n_attrs = 0;
  }
  for (size_t i = 0; i < f->classes.len && !r.bad; i++)
    get_class(&r, &f->classes.items[i]);
  GET_VEC(&r, &f->declarative_bases, &string_layout);
  GET_VEC(&r, &f->base_classes, &string_layout);
  GET_VEC(&r, &f->lookups, &ol_lookup_layout);
  GET_VEC(&r, &f->index_decls, &ol_index_decl_layout);
  GET_VEC(&r, &f->renders, &ol_render_fact_layout);
  GET_VEC(&r, &f->render_args, &ol_render_arg_layout);
  GET_VEC(&r, &f->self_facts, &ol_self_fact_layout);
  GET_VEC(&r, &f->value_refs, &hash_layout);
  GET_VEC(&r, &f->attr_writes, &hash_layout);
  GET_VEC(&r, &f->stmt_starts, &u32_layout);
  if (used)
    *used = r.region_at;
  if (r.bad || r.at != r.n) {
    ol_facts_free(f);
    memset(f, 0, sizeof *f);
    return false;
  }
  return true;
}
