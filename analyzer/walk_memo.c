/* The editor's walk: the facts of each top-level function, kept from one
 * version of a file to the next by the function's text and the module
 * context it was walked in, so a one-character edit walks one function.
 *
 * A top-level function's facts depend on its text and on what the walk had
 * seen of the module before it (module-scope bindings, the names a call may
 * resolve through, two import flags); the context hash covers those. Its
 * facts are contiguous in every fact vector, and refer only to each other
 * and to its own text: kept position-independent (indices from 0, spans
 * from the statement's start, strings in the memo's arena), they are put
 * back at their new place by the same field visitor. Facts a later step
 * adds file-wide (function sites of queries, call terminals) are made again
 * by that step; a function that adds module-level facts (a class, a
 * declarative base) or reads text outside itself is walked every time. */
#include <string.h>

#include "walk_internal.h"

enum {
  V_FUNCS,
  V_FUNC_SITES,
  V_FUNC_ROWS,
  V_PARAM_READS,
  V_CALLS,
  V_CALL_ARGS,
  V_IMPORTS,
  V_COUNTS,
  V_COMMITS,
  V_LENS,
  V_READS,
  V_LOOPS,
  V_QUERIES,
  V_LOOKUPS,
  V_SELF_FACTS,
  V_VALUE_REFS,
  V_ATTR_WRITES,
  V_PENDING_TERMS,
  V_PENDING_RECVS,
  V_SELF_ASSIGNED,
  V_N
};

typedef struct {
  size_t at[V_N];
} counts;

/* One function's facts, position-independent. */
typedef struct {
  uint64_t text_hash, ctx_hash;
  uint32_t len;        /* of the statement's text */
  bool used;           /* replayed or recorded by the walk that builds the next memo */
  ol_file_facts facts; /* its own arena, and the vectors a function fills */
  ol_pendings pending_terms, pending_recvs;
  ol_hashes self_assigned;
} chunk;

/* A top-level function walked in this walk, until the walk ends. */
typedef struct {
  ol_span stmt;
  uint64_t text_hash, ctx_hash;
  counts begin, end;
  size_t module_names, classes, bases, terms, index_decls, renders, aliases, class_edits,
      outside_reads; /* what it must not add: module-level facts, names for other defs, facts
                        made from another def's text */
  bool ok;
} record;

struct ol_walk_memo {
  OL_VEC(chunk *) chunks;
  size_t replayed; /* by the walk that made it */
};

struct ol_memo_run {
  ol_walk_memo *old;
  size_t next;          /* the old chunk after the last one put back: likely the next match */
  uint64_t scope_hash;  /* of the module scope's first scope_names bindings (only ever added) */
  const void *class_id; /* the class last hashed by class_context, and its hash */
  uint64_t class_hash;
  bool recording; /* a def is being recorded: the defs in it are its facts */
  size_t scope_names;
  OL_VEC(record) recs;
};

/* ---- the field visitor ---------------------------------------------- */

/* Moves facts from one place to another: indices by base[v] (the
 * difference of where their vector's part starts), spans by delta, strings
 * copied into arena. Spans outside [lo, hi) of the source are flagged. */
typedef struct {
  int64_t base[V_N];
  int64_t delta;
  uint32_t lo, hi;
  bool outside;
  ol_arena *arena;
  ol_walker *w;     /* interns strings when moving into a file's facts, else NULL */
  uint64_t *digest; /* or: strings go into this digest, and their pointers to NULL */
} mover;

static uint64_t mix(uint64_t h, uint64_t x) { return (h ^ x) * 0x100000001b3ULL + (h >> 29); }

static uint64_t mix_str(uint64_t h, const char *s) {
  return mix(h, s ? ol_name_hash(s, strlen(s)) : 0x9e3779b97f4a7c15ULL);
}

/* Digest mode: scalars go into the digest (padding never does). */
#define SCALARS(m, ...)                                                                            \
  do {                                                                                             \
    if ((m)->digest) {                                                                             \
      const uint64_t xs_[] = {__VA_ARGS__};                                                        \
      for (size_t k_ = 0; k_ < sizeof xs_ / sizeof *xs_; k_++)                                     \
        *(m)->digest = mix(*(m)->digest, xs_[k_]);                                                 \
    }                                                                                              \
  } while (0)

static void mv_span(mover *m, ol_span *s) {
  SCALARS(m, (uint64_t)s->start << 32 | s->end);
  if (ol_span_empty(*s))
    return;
  if (s->start < m->lo || s->end > m->hi)
    m->outside = true;
  s->start = (uint32_t)((int64_t)s->start + m->delta);
  s->end = (uint32_t)((int64_t)s->end + m->delta);
}

static void mv_offset(mover *m, uint32_t *o) {
  SCALARS(m, *o);
  if (!*o)
    return;
  if (*o < m->lo || *o > m->hi)
    m->outside = true;
  *o = (uint32_t)((int64_t)*o + m->delta);
}

static void mv_index(mover *m, int32_t *i, int v) {
  SCALARS(m, (uint64_t)(int64_t)*i);
  if (*i < 0)
    return;
  *i = (int32_t)(*i + m->base[v]);
  m->outside |= *i < 0; /* it pointed before the part moved */
}

static void mv_int(mover *m, int *i, int v) {
  int32_t x = *i;
  mv_index(m, &x, v);
  *i = x;
}

static void mv_str(mover *m, char **s) {
  if (m->digest) {
    *m->digest = mix(*m->digest, *s ? ol_name_hash(*s, strlen(*s)) : 1);
    *s = NULL;
    return;
  }
  if (!*s)
    return;
  *s = m->w ? ol_walk_intern_string(m->w, *s) : ol_arena_strndup(m->arena, *s, strlen(*s));
}

static void mv_cstr(mover *m, const char **s) {
  char *t = (char *)*s;
  mv_str(m, &t);
  *s = t;
}

static void mv_rows(mover *m, ol_rows *r) {
  mv_str(m, &r->entity);
  mv_span(m, &r->query);
  mv_span(m, &r->stmt);
  mv_span(m, &r->options_args);
  mv_span(m, &r->last);
  mv_span(m, &r->assign);
  mv_str(m, &r->eager);
  mv_str(m, &r->origin);
  for (int k = 0; k < 4; k++)
    mv_str(m, &r->cols[k]);
  mv_span(m, &r->get_key);
  mv_str(m, &r->dyn_owner);
  mv_str(m, &r->dyn_rel);
  mv_str(m, &r->options_self);
  SCALARS(m, r->tuples, r->options_kw, r->options_read, r->options_opaque);
}

static void mv_guard(mover *m, ol_param_guard *g) {
  SCALARS(m, g->test, g->param);
  mv_str(m, &g->lit);
}

static void mv_loop(mover *m, ol_loop *l) {
  SCALARS(m, l->kind, l->is_async, l->has_rows, l->rows_var, l->stmt_starts_line,
          l->iterable_is_list, l->iterable_finite, l->lazy_generator, l->target_rebound,
          l->writes_session, l->has_jump, l->polls, l->iterable_changes, l->bounded, l->exits,
          l->external_work, l->expires, l->iterable_rebound, l->col_vars[0], l->col_vars[1],
          l->col_vars[2], l->col_vars[3], (uint64_t)(int64_t)l->rows_param);
  mv_rows(m, &l->rows);
  mv_int(m, &l->rows_parent, V_LOOPS);
  mv_str(m, &l->rows_via);
  mv_int(m, &l->parent, V_LOOPS);
  mv_span(m, &l->header);
  mv_span(m, &l->node);
  mv_span(m, &l->stmt);
  mv_span(m, &l->target);
  mv_span(m, &l->iterable);
  mv_cstr(m, &l->insert_why);
  mv_span(m, &l->rows_call);
  mv_span(m, &l->scope);
  mv_span(m, &l->outside_branch);
  mv_str(m, &l->self_cls);
  mv_str(m, &l->self_attr);
  mv_str(m, &l->fixed_cls);
  mv_str(m, &l->fixed_attr);
  SCALARS(m, l->self_one, (uint64_t)(int64_t)l->via_param);
}

static void mv_query(mover *m, ol_query_site *s) {
  SCALARS(m, s->hoist_copy, s->guarded, s->in_try, s->in_except, s->raises,
          ol_name_hash(s->copy_fn, strlen(s->copy_fn)), s->hoist_listify, s->how,
          ol_name_hash(s->method, strlen(s->method)), s->is_count, s->awaited, s->batch.mode,
          s->batch.append_filter, s->batch.session_get, s->batch.uses_select, s->batch.awaited,
          s->lazy_init, s->lazy_self);
  mv_span(m, &s->span);
  mv_span(m, &s->hoist);
  mv_int(m, &s->loop, V_LOOPS);
  mv_int(m, &s->dep_loop, V_LOOPS);
  mv_str(m, &s->dep_name);
  mv_int(m, &s->hoist_loop, V_LOOPS);
  mv_str(m, &s->no_hoist_why);
  ol_batch *b = &s->batch;
  mv_span(m, &b->rows);
  mv_span(m, &b->cut);
  mv_span(m, &b->swap);
  mv_span(m, &b->key);
  mv_span(m, &b->use);
  mv_str(m, &b->entity);
  mv_str(m, &b->column);
  mv_span(m, &b->session);
  mv_str(m, &s->batch_why);
  mv_str(m, &s->entity);
  mv_int(m, &s->func, V_FUNCS);
  mv_guard(m, &s->guard);
  mv_span(m, &s->pk_key);
  mv_index(m, &s->pk_loop, V_LOOPS);
  mv_str(m, &s->pk_attr);
}

static void mv_lookup(mover *m, ol_lookup *l) {
  SCALARS(m, l->kind);
  mv_str(m, &l->entity);
  mv_str(m, &l->column);
  mv_span(m, &l->span);
  mv_offset(m, &l->query); /* a place: lookups of one query share it */
}

static void mv_read(mover *m, ol_attr_read *r) {
  SCALARS(m, 1, (uint64_t)r->col);
  mv_int(m, &r->loop, V_LOOPS);
  mv_span(m, &r->span);
  mv_str(m, &r->attr);
  mv_str(m, &r->attr2);
  mv_span(m, &r->span2);
  mv_span(m, &r->call2);
  mv_span(m, &r->count2);
  mv_span(m, &r->builders2);
}

static void mv_commit(mover *m, ol_commit_site *c) {
  SCALARS(m, c->alone_in_block, c->flush, c->guarded);
  mv_int(m, &c->loop, V_LOOPS);
  mv_span(m, &c->span);
  mv_span(m, &c->stmt);
  mv_cstr(m, &c->exempt);
  mv_span(m, &c->miss);
  mv_span(m, &c->branch);
}

static void mv_len(mover *m, ol_len_site *l) {
  SCALARS(m, l->kind, l->plain);
  mv_span(m, &l->span);
  mv_span(m, &l->query);
  mv_span(m, &l->session);
  mv_str(m, &l->entity);
  mv_span(m, &l->object);
  mv_str(m, &l->rel);
  mv_span(m, &l->scope);
}

static void mv_count(mover *m, ol_count_stmt *c) {
  SCALARS(m, c->convertible, c->assigned, c->simple, c->guarded, c->form);
  mv_span(m, &c->stmt);
  mv_offset(m, &c->next_start);
  mv_str(m, &c->name);
  mv_span(m, &c->call);
  mv_span(m, &c->prefix);
  mv_offset(m, &c->chain_end.start); /* empty, but a place */
  mv_offset(m, &c->chain_end.end);
  mv_span(m, &c->select);
  mv_str(m, &c->entity);
  mv_span(m, &c->session);
  mv_span(m, &c->scope);
  mv_str(m, &c->arms); /* offsets from scope.start: they move with it */
  mv_offset(m, &c->path_end);
  mv_offset(m, &c->write_before);
  mv_offset(m, &c->decides_end);
  mv_index(m, &c->dep, V_COUNTS);
  mv_index(m, &c->dep_call, V_COUNTS);
  mv_index(m, &c->load, V_FUNC_ROWS);
}

static void mv_func(mover *m, ol_func_fact *f) {
  SCALARS(m, f->n_params, f->kind, f->ret_builders, f->returns_query, f->returns_count, f->memoized,
          f->external, (uint64_t)(int64_t)f->ret_param, (uint64_t)(int64_t)f->fixed_ret,
          (uint64_t)(int64_t)f->ret_model);
  mv_str(m, &f->name);
  mv_str(m, &f->cls);
  if (m->digest) {
    for (uint32_t i = 0; i < f->n_params; i++) {
      char *p = f->params[i];
      mv_str(m, &p);
    }
    f->params = NULL;
  } else {
    char **params = ol_arena_alloc(m->w ? &m->w->out->arena : m->arena,
                                   (f->n_params ? f->n_params : 1) * sizeof(char *));
    for (uint32_t i = 0; i < f->n_params; i++) {
      params[i] = f->params[i];
      mv_str(m, &params[i]);
    }
    f->params = params;
  }
  mv_index(m, &f->outer, V_FUNCS);
  for (int e = 0; e < OL_EFFECTS; e++)
    mv_index(m, &f->site[e], V_FUNC_SITES);
  mv_index(m, &f->rows, V_FUNC_ROWS);
  mv_index(m, &f->one, V_FUNC_ROWS);
  mv_span(m, &f->one_call);
  mv_span(m, &f->ret_call);
  mv_span(m, &f->ret_rows_call);
  mv_span(m, &f->def.span);
  SCALARS(m, f->rebound, f->enumerates_attrs);
  for (int e = 0; e < OL_EFFECTS; e++)
    for (int k = 0; k < OL_GUARD_ANY; k++) {
      SCALARS(m, f->guard_test[e * OL_GUARD_ANY + k], f->guard_param[e * OL_GUARD_ANY + k]);
      mv_str(m, &f->guard_lit[e * OL_GUARD_ANY + k]);
    }
  mv_str(m, &f->defaults);
  mv_str(m, &f->decos);
  mv_str(m, &f->ret_coll);
  SCALARS(m, f->expires, f->wrapped, f->transparent, f->stub, (uint64_t)(int64_t)f->pk_param);
  mv_index(m, &f->pk_query, V_QUERIES);
}

static void mv_call(mover *m, ol_call_fact *c) {
  SCALARS(m, (uint64_t)(int64_t)c->recv_param, c->first_arg, c->n_args, (uint64_t)(int64_t)c->term,
          c->attr_only, c->args_loop, c->args_local, c->in_branch, c->in_except, c->lazy_init,
          c->lazy_self);
  mv_str(m, &c->callee);
  mv_index(m, &c->func, V_FUNCS);
  mv_index(m, &c->loop, V_LOOPS);
  mv_index(m, &c->recv_loop, V_LOOPS);
  mv_index(m, &c->recv_call, V_CALLS);
  if (c->n_args) /* else 0 */
    c->first_arg = (uint32_t)(c->first_arg + m->base[V_CALL_ARGS]);
  mv_cstr(m, &c->commit_exempt);
  mv_span(m, &c->at.span);
  mv_guard(m, &c->guard);
  mv_str(m, &c->args);
  mv_span(m, &c->miss);
  mv_span(m, &c->branch);
}

/* `self.x = value` (ol_self_fact): ORM002's rows of a class's attribute. */
static void mv_self_fact(mover *m, ol_self_fact *s) {
  SCALARS(m, s->kind, (uint64_t)(int64_t)s->param);
  mv_int(m, &s->func, V_FUNCS);
  mv_str(m, &s->cls);
  mv_str(m, &s->attr);
  mv_rows(m, &s->rows);
  mv_span(m, &s->call);
}

/* Moves n items of one kind from src[0..n) to the end of dst, visiting each. */
#define MOVE(dst, src, n, visit)                                                                   \
  do {                                                                                             \
    ol_vec_grow(dst, n);                                                                           \
    for (size_t i_ = 0; i_ < (n); i_++) {                                                          \
      (dst)->items[(dst)->len] = (src)[i_];                                                        \
      visit;                                                                                       \
      (dst)->len++;                                                                                \
    }                                                                                              \
  } while (0)
#define LAST(dst) (&(dst)->items[(dst)->len])

/* What a walk keeps beside the facts until it ends: the walker's, or a chunk's. */
typedef struct {
  ol_pendings *terms, *recvs;
  ol_hashes *self_assigned;
} side_lists;

static side_lists walker_lists(ol_walker *w) {
  return (side_lists){&w->pending_terms, &w->pending_recvs, &w->self_assigned};
}

static side_lists chunk_lists(chunk *c) {
  return (side_lists){&c->pending_terms, &c->pending_recvs, &c->self_assigned};
}

static void count_of(const ol_file_facts *f, side_lists l, counts *c) {
  c->at[V_FUNCS] = f->funcs.len;
  c->at[V_FUNC_SITES] = f->func_sites.len;
  c->at[V_FUNC_ROWS] = f->func_rows.len;
  c->at[V_PARAM_READS] = f->param_reads.len;
  c->at[V_CALLS] = f->calls.len;
  c->at[V_CALL_ARGS] = f->call_args.len;
  c->at[V_IMPORTS] = f->imports.len;
  c->at[V_COUNTS] = f->count_stmts.len;
  c->at[V_COMMITS] = f->commits.len;
  c->at[V_LENS] = f->lens.len;
  c->at[V_READS] = f->reads.len;
  c->at[V_LOOPS] = f->loops.len;
  c->at[V_QUERIES] = f->queries.len;
  c->at[V_LOOKUPS] = f->lookups.len;
  c->at[V_SELF_FACTS] = f->self_facts.len;
  c->at[V_VALUE_REFS] = f->value_refs.len;
  c->at[V_ATTR_WRITES] = f->attr_writes.len;
  c->at[V_PENDING_TERMS] = l.terms->len;
  c->at[V_PENDING_RECVS] = l.recvs->len;
  c->at[V_SELF_ASSIGNED] = l.self_assigned->len;
}

/* Appends the facts [from, to) of src (and its pending lists) to dst's, each
 * index moved by where its vector's part starts in dst less from, each span
 * by m->delta. Both ways: a function's facts into a chunk, a chunk's into a
 * file's. */
static void move_part(mover *m, ol_file_facts *dst, side_lists dl, const ol_file_facts *src,
                      side_lists sl, const counts *from, const counts *to) {
  counts at;
  count_of(dst, dl, &at);
  for (int v = 0; v < V_N; v++)
    m->base[v] = (int64_t)at.at[v] - (int64_t)from->at[v];
#define MOVE_ALL(v, vec, visit)                                                                    \
  MOVE(&dst->vec, src->vec.items + from->at[v], to->at[v] - from->at[v], visit)
  MOVE_ALL(V_FUNCS, funcs, mv_func(m, LAST(&dst->funcs)));
  MOVE_ALL(V_FUNC_SITES, func_sites, {
    mv_span(m, &LAST(&dst->func_sites)->at.span);
    mv_str(m, &LAST(&dst->func_sites)->text);
  });
  MOVE_ALL(V_FUNC_ROWS, func_rows, {
    mv_rows(m, &LAST(&dst->func_rows)->rows);
    mv_span(m, &LAST(&dst->func_rows)->at.span);
  });
  MOVE_ALL(V_PARAM_READS, param_reads, {
    mv_int(m, &LAST(&dst->param_reads)->func, V_FUNCS);
    mv_str(m, &LAST(&dst->param_reads)->attr);
    mv_str(m, &LAST(&dst->param_reads)->args);
    mv_span(m, &LAST(&dst->param_reads)->at.span);
    mv_guard(m, &LAST(&dst->param_reads)->guard);
  });
  MOVE_ALL(V_CALLS, calls, mv_call(m, LAST(&dst->calls)));
  MOVE_ALL(V_CALL_ARGS, call_args, {
    mv_str(m, &LAST(&dst->call_args)->kw);
    mv_index(m, &LAST(&dst->call_args)->loop, V_LOOPS);
    mv_rows(m, &LAST(&dst->call_args)->rows);
    mv_index(m, &LAST(&dst->call_args)->key_loop, V_LOOPS);
    mv_index(m, &LAST(&dst->call_args)->via_call, V_CALLS);
    mv_str(m, &LAST(&dst->call_args)->key_attr);
    mv_str(m, &LAST(&dst->call_args)->self_attr);
    mv_span(m, &LAST(&dst->call_args)->rows_call);
  });
  MOVE_ALL(V_IMPORTS, imports, {
    mv_str(m, &LAST(&dst->imports)->local);
    mv_str(m, &LAST(&dst->imports)->module);
    mv_str(m, &LAST(&dst->imports)->name);
  });
  MOVE_ALL(V_COUNTS, count_stmts, mv_count(m, LAST(&dst->count_stmts)));
  MOVE_ALL(V_COMMITS, commits, mv_commit(m, LAST(&dst->commits)));
  MOVE_ALL(V_LENS, lens, mv_len(m, LAST(&dst->lens)));
  MOVE_ALL(V_READS, reads, mv_read(m, LAST(&dst->reads)));
  MOVE_ALL(V_LOOPS, loops, mv_loop(m, LAST(&dst->loops)));
  MOVE_ALL(V_QUERIES, queries, mv_query(m, LAST(&dst->queries)));
  MOVE_ALL(V_LOOKUPS, lookups, mv_lookup(m, LAST(&dst->lookups)));
  MOVE_ALL(V_SELF_FACTS, self_facts, mv_self_fact(m, LAST(&dst->self_facts)));
  MOVE_ALL(V_VALUE_REFS, value_refs, (void)0);
  MOVE_ALL(V_ATTR_WRITES, attr_writes, (void)0);
#undef MOVE_ALL
#define SIDE(v) (to->at[v] - from->at[v])
  MOVE(dl.terms, sl.terms->items + from->at[V_PENDING_TERMS], SIDE(V_PENDING_TERMS), {
    mv_span(m, &LAST(dl.terms)->call);
    mv_span(m, &LAST(dl.terms)->site);
    mv_int(m, &LAST(dl.terms)->loop, V_LOOPS);
  });
  MOVE(dl.recvs, sl.recvs->items + from->at[V_PENDING_RECVS], SIDE(V_PENDING_RECVS), {
    mv_span(m, &LAST(dl.recvs)->call);
    mv_span(m, &LAST(dl.recvs)->site);
  });
  MOVE(dl.self_assigned, sl.self_assigned->items + from->at[V_SELF_ASSIGNED], SIDE(V_SELF_ASSIGNED),
       (void)0);
#undef SIDE
}

/* The chunk's facts appended to the walk's, its text starting at start. */
static void put(ol_walker *w, const chunk *c, uint32_t start) {
  ol_file_facts *f = w->out;
  mover m = {.delta = start, .lo = 0, .hi = c->len, .w = w};
  counts none = {0}, all;
  count_of(&c->facts, chunk_lists((chunk *)c), &all);
  size_t loops0 = f->loops.len, queries0 = f->queries.len;
  move_part(&m, f, walker_lists(w), &c->facts, chunk_lists((chunk *)c), &none, &all);
  /* The walk's own bookkeeping, one per loop and site, already resolved. */
  for (size_t i = loops0; i < f->loops.len; i++) {
    ol_vec_push(&w->loop_bound, ((ol_hashes){0}));
    ol_vec_push(&w->loop_targets, ((ol_hashes){0}));
    ol_vec_push(&w->loop_iter_names, ((ol_name_refs){0}));
  }
  for (size_t i = queries0; i < f->queries.len; i++)
    ol_vec_push(&w->site_tmp, ((ol_site_temp){0}));
  ol_replayed r = {loops0, f->loops.len, queries0, f->queries.len};
  ol_vec_push(&w->replayed, r);
}

size_t ol_walk_memo_replayed(const ol_walk_memo *m) { return m ? m->replayed : 0; }

/* ---- a digest of all facts, for tests ---------------------------------- */

#define DIGEST(vec, type, visit)                                                                   \
  do {                                                                                             \
    h = mix(h, f->vec.len);                                                                        \
    for (size_t i_ = 0; i_ < f->vec.len; i_++) {                                                   \
      type x_ = f->vec.items[i_];                                                                  \
      type *x = &x_;                                                                               \
      visit;                                                                                       \
    }                                                                                              \
  } while (0)

uint64_t ol_facts_digest(const ol_file_facts *f) {
  uint64_t h = 0xcbf29ce484222325ULL;
  mover m = {.hi = UINT32_MAX, .digest = &h};
  DIGEST(funcs, ol_func_fact, mv_func(&m, x));
  DIGEST(func_sites, ol_func_site, {
    mv_str(&m, &x->text);
    SCALARS(&m, x->self_memo);
    mv_span(&m, &x->at.span);
  });
  DIGEST(func_rows, ol_func_rows, {
    mv_rows(&m, &x->rows);
    mv_span(&m, &x->at.span);
  });
  DIGEST(param_reads, ol_param_read, {
    mv_int(&m, &x->func, V_FUNCS);
    mv_str(&m, &x->attr);
    mv_str(&m, &x->args);
    mv_span(&m, &x->at.span);
    SCALARS(&m, x->param, x->called, x->rows, x->counted);
    mv_guard(&m, &x->guard);
  });
  DIGEST(calls, ol_call_fact, mv_call(&m, x));
  DIGEST(call_args, ol_call_arg, {
    mv_str(&m, &x->kw);
    mv_index(&m, &x->loop, V_LOOPS);
    mv_rows(&m, &x->rows);
    mv_index(&m, &x->key_loop, V_LOOPS);
    mv_index(&m, &x->via_call, V_CALLS);
    mv_str(&m, &x->key_attr);
    mv_str(&m, &x->self_attr);
    mv_span(&m, &x->rows_call);
    SCALARS(&m, (uint64_t)(int64_t)x->param, x->has_rows, (uint64_t)(int64_t)x->col,
            (uint64_t)(int64_t)x->attr_param, x->one, x->fixed, x->model_arg);
  });
  h = mix(h, f->call_terms.len);
  for (size_t i = 0; i < f->call_terms.len; i++) { /* field by field: it has padding */
    const ol_call_term *x = &f->call_terms.items[i];
    h = mix(mix(mix_str(h, x->text), (uint64_t)x->count << 1 | x->direct),
            (uint64_t)x->at.span.start << 32 | x->at.span.end);
    h = mix(h, (uint64_t)(int64_t)x->loop);
  }
  h = mix(h, f->imports.len);
  for (size_t i = 0; i < f->imports.len; i++) { /* field by field: it has padding */
    const ol_import_fact *x = &f->imports.items[i];
    h = mix(mix_str(mix_str(mix_str(h, x->local), x->module), x->name), x->level);
  }
  DIGEST(count_stmts, ol_count_stmt, mv_count(&m, x));
  DIGEST(commits, ol_commit_site, mv_commit(&m, x));
  DIGEST(lens, ol_len_site, mv_len(&m, x));
  DIGEST(reads, ol_attr_read, mv_read(&m, x));
  DIGEST(loops, ol_loop, mv_loop(&m, x));
  DIGEST(queries, ol_query_site, mv_query(&m, x));
  DIGEST(lookups, ol_lookup, mv_lookup(&m, x));
  DIGEST(self_facts, ol_self_fact, mv_self_fact(&m, x));
  h = mix(h, f->value_refs.len);
  for (size_t i = 0; i < f->value_refs.len; i++)
    h = mix(h, f->value_refs.items[i]);
  h = mix(h, f->attr_writes.len);
  for (size_t i = 0; i < f->attr_writes.len; i++)
    h = mix(h, f->attr_writes.items[i]);
  h = mix(h, f->stmt_starts.len);
  for (size_t i = 0; i < f->stmt_starts.len; i++)
    h = mix(h, f->stmt_starts.items[i]);
  DIGEST(module_names, char *, mv_str(&m, x));
  DIGEST(declarative_bases, char *, mv_str(&m, x));
  DIGEST(base_classes, char *, mv_str(&m, x));
  h = mix(h, f->classes.len);
  for (size_t i = 0; i < f->classes.len; i++)
    h = mix_str(h, f->classes.items[i].name);
  return mix(mix(mix(h, f->import_at), f->parse_errors), f->first_error_byte);
}

static void chunk_free(chunk *c) {
  if (!c)
    return;
  ol_facts_free(&c->facts);
  ol_vec_free(&c->pending_terms);
  ol_vec_free(&c->pending_recvs);
  ol_vec_free(&c->self_assigned);
  ol_free(c);
}

void ol_walk_memo_free(ol_walk_memo *m) {
  if (!m)
    return;
  for (size_t i = 0; i < m->chunks.len; i++)
    chunk_free(m->chunks.items[i]);
  ol_vec_free(&m->chunks);
  ol_free(m);
}

/* ---- during the walk --------------------------------------------------- */

static void count_now(const ol_walker *w, counts *c) {
  count_of(w->out, walker_lists((ol_walker *)w), c);
}

static uint64_t mix_rows(uint64_t h, const ol_rows *r) {
  h = mix_str(mix_str(mix_str(h, r->entity), r->eager), r->origin);
  for (int k = 0; k < 4; k++)
    h = mix_str(h, r->cols[k]);
  h = mix_str(mix_str(mix_str(h, r->dyn_owner), r->dyn_rel), r->options_self);
  h = mix(h, (uint64_t)r->tuples << 1 | r->options_kw | (uint64_t)ol_span_empty(r->get_key) << 2 |
                 (uint64_t)r->options_read << 3 | (uint64_t)r->options_opaque << 4);
  return mix(h, (uint64_t)ol_span_empty(r->query) | (uint64_t)ol_span_empty(r->stmt) << 1 |
                    (uint64_t)ol_span_empty(r->options_args) << 2 |
                    (uint64_t)ol_span_empty(r->last) << 3 |
                    (uint64_t)ol_span_empty(r->assign) << 4);
}

/* A statement's text is most of the file: hashed a word at a time. */
static uint64_t text_hash(const char *s, size_t n) { return ol_hash_words(s, n); }

static bool is_function_statement(const ol_walker *w, TSNode n);

static uint64_t mix_text(uint64_t h, const ol_walker *w, uint32_t a, uint32_t b) {
  return mix(h, b > a ? text_hash(w->src + a, b - a) : 0);
}

/* What a method's walk reads of its class: the class's own text without
 * the bodies of its defs (their names, decorators and parameters are in),
 * but with __init__'s (the constants it binds to self bound loops). */
static uint64_t class_hash(const ol_walker *w, TSNode cls) {
  TSNode body = ol_child(w->sx, cls, OL_F_body);
  uint64_t h = mix_text(0x51ed27, w, ts_node_start_byte(cls), ts_node_start_byte(body));
  uint32_t n = ts_node_named_child_count(body);
  for (uint32_t i = 0; i < n; i++) {
    TSNode st = ts_node_named_child(body, i);
    uint32_t end = ts_node_end_byte(st);
    if (is_function_statement(w, st)) {
      TSNode def = ol_kind_of(w->sx, st) == OL_K_decorated_definition
                       ? ol_child(w->sx, st, OL_F_definition)
                       : st;
      if (!ol_node_text_is(w, ol_child(w->sx, def, OL_F_name), "__init__"))
        end = ts_node_start_byte(ol_child(w->sx, def, OL_F_body));
    }
    h = mix_text(h, w, ts_node_start_byte(st), end);
  }
  return h;
}

/* The classes around the walk's current node (a def in a class body). */
static uint64_t class_context(ol_walker *w) {
  uint64_t h = 0;
  struct ol_memo_run *run = w->memo_run;
  for (size_t i = 0; i < w->path.len; i++) {
    TSNode n = w->path.items[i];
    if (ol_kind_of(w->sx, n) != OL_K_class_definition)
      continue;
    if (run->class_id != n.id) {
      run->class_id = n.id;
      run->class_hash = class_hash(w, n);
    }
    h = mix(h, run->class_hash);
  }
  return h;
}

/* What a def's walk reads of what is around it: the module before it, the
 * classes it is in. */
static uint64_t context_hash(ol_walker *w) {
  struct ol_memo_run *run = w->memo_run;
  const ol_scope *module = &w->scopes.items[0];
  for (; run->scope_names < module->names.len; run->scope_names++) {
    const ol_binding *b = &module->names.items[run->scope_names];
    uint64_t h = mix(mix(mix(run->scope_hash, b->hash), b->fixed_hash),
                     (uint64_t)b->bounded << 3 | (uint64_t)b->kind << 4 |
                         (uint64_t)b->external << 1 | b->has_rows);
    run->scope_hash = mix_str(mix_rows(h, &b->rows), b->entity1);
    if (b->has_one)
      run->scope_hash = mix_rows(run->scope_hash, &b->one);
  }
  uint64_t roots = 0;
  ol_calls_roots(w, &roots);
  uint64_t flags = (uint64_t)w->imports_select << 1 | w->flask_session;
  for (size_t i = 0; i < w->aliases.len; i++) /* `a = aliased(Model)` before it */
    flags = mix_str(mix(flags, w->aliases.items[i].hash), w->aliases.items[i].model);
  return mix(mix(mix(mix(run->scope_hash, flags), roots), w->scopes.len), class_context(w));
}

static bool is_function_statement(const ol_walker *w, TSNode n) {
  ol_kind k = ol_kind_of(w->sx, n);
  if (k == OL_K_decorated_definition)
    k = ol_kind_of(w->sx, ol_child(w->sx, n, OL_F_definition));
  return k == OL_K_function_definition;
}

static bool matches(const chunk *c, uint64_t text_hash, uint64_t ctx_hash, uint32_t len) {
  return c && !c->used && c->text_hash == text_hash && c->ctx_hash == ctx_hash && c->len == len;
}

/* Functions keep their order: the chunk after the last match first. */
static chunk *find(struct ol_memo_run *run, uint64_t text_hash, uint64_t ctx_hash, uint32_t len) {
  ol_walk_memo *m = run->old;
  if (!m)
    return NULL;
  if (run->next < m->chunks.len && matches(m->chunks.items[run->next], text_hash, ctx_hash, len))
    return m->chunks.items[run->next++];
  for (size_t i = 0; i < m->chunks.len; i++)
    if (matches(m->chunks.items[i], text_hash, ctx_hash, len)) {
      run->next = i + 1;
      return m->chunks.items[i];
    }
  return NULL;
}

void ol_walk_memo_begin(ol_walker *w, ol_walk_memo **memo) {
  w->memo = memo;
  if (!memo)
    return;
  w->memo_run = ol_calloc(1, sizeof *w->memo_run);
  w->memo_run->old = *memo;
  *memo = NULL;
}

ol_memo_step ol_walk_memo_enter(ol_walker *w, TSNode stmt) {
  /* A statement with a syntax error may parse differently with the same text. */
  if (!w->memo || w->memo_run->recording || !is_function_statement(w, stmt) ||
      ts_node_has_error(stmt))
    return OL_MEMO_NONE;
  /* The def of a decorated statement with an error: its walk reads the decorators (its kind,
   * a memoizer, whether its defaults hold), which are not in its text. */
  if (ol_kind_of(w->sx, stmt) == OL_K_function_definition &&
      ol_kind_of(w->sx, ol_walk_parent(w, stmt)) == OL_K_decorated_definition)
    return OL_MEMO_NONE;
  uint32_t a = ts_node_start_byte(stmt), b = ts_node_end_byte(stmt);
  uint64_t text = text_hash(w->src + a, b - a), ctx = context_hash(w);
  chunk *c = find(w->memo_run, text, ctx, b - a);
  if (c) {
    put(w, c, a);
    c->used = true;
    return OL_MEMO_REPLAYED;
  }
  record r = {.stmt = {a, b},
              .text_hash = text,
              .ctx_hash = ctx,
              .module_names = w->out->module_names.len,
              .classes = w->out->classes.len,
              .bases = w->out->declarative_bases.len + w->out->base_classes.len,
              .terms = w->out->call_terms.len,
              .index_decls = w->out->index_decls.len,
              .renders = w->out->renders.len,
              .aliases = w->aliases.len,
              .class_edits = w->class_edits,
              .outside_reads = w->outside_reads};
  count_now(w, &r.begin);
  ol_vec_push(&w->memo_run->recs, r);
  w->memo_run->recording = true;
  return OL_MEMO_RECORDING;
}

void ol_walk_memo_leave(ol_walker *w) {
  record *r = &w->memo_run->recs.items[w->memo_run->recs.len - 1];
  count_now(w, &r->end);
  r->ok = r->module_names == w->out->module_names.len && r->classes == w->out->classes.len &&
          r->bases == w->out->declarative_bases.len + w->out->base_classes.len &&
          r->terms == w->out->call_terms.len && r->index_decls == w->out->index_decls.len &&
          r->aliases == w->aliases.len &&
          r->renders == w->out->renders.len && /* views are walked every time */
          r->class_edits == w->class_edits && r->outside_reads == w->outside_reads &&
          context_hash(w) == r->ctx_hash;
  w->memo_run->recording = false;
}

/* After the walk resolved its sites and before the file-wide steps: the
 * next memo, from the chunks replayed and the functions walked. */
void ol_walk_memo_finish(ol_walker *w) {
  if (!w->memo)
    return;
  struct ol_memo_run *run = w->memo_run;
  ol_walk_memo *next = ol_calloc(1, sizeof *next);
  for (size_t i = 0; i < run->recs.len; i++) {
    const record *r = &run->recs.items[i];
    if (!r->ok)
      continue;
    chunk *c = ol_calloc(1, sizeof *c);
    c->text_hash = r->text_hash;
    c->ctx_hash = r->ctx_hash;
    c->len = r->stmt.end - r->stmt.start;
    mover m = {.delta = -(int64_t)r->stmt.start, .lo = r->stmt.start, .hi = r->stmt.end};
    m.arena = &c->facts.arena;
    move_part(&m, &c->facts, chunk_lists(c), w->out, walker_lists(w), &r->begin, &r->end);
    bool bad = m.outside;
    for (size_t k = 0; k < c->facts.calls.len && !bad; k++)
      bad = c->facts.calls.items[k].term >= 0; /* made file-wide, later */
    if (bad) {
      chunk_free(c);
      continue;
    }
    ol_vec_push(&next->chunks, c);
  }
  ol_walk_memo *old = run->old;
  for (size_t i = 0; old && i < old->chunks.len; i++) {
    chunk *c = old->chunks.items[i];
    if (c->used) { /* replayed: kept for the next version as it is */
      c->used = false;
      next->replayed++;
      ol_vec_push(&next->chunks, c);
      old->chunks.items[i] = NULL;
    }
  }
  ol_walk_memo_free(old);
  ol_vec_free(&run->recs);
  ol_free(run);
  w->memo_run = NULL;
  *w->memo = next;
}
