/* Pass 1 on every core (DESIGN.md "Pipeline": read -> prefilter -> parse):
 * each file's facts from the cache, or read and, unless the prefilter finds
 * nothing in it, parsed; then the prefilter's rounds over the names the
 * index knows to matter; the index; and the cache written back. */
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "engine_internal.h"
#include "jinja.h"

/* Whether any rule could report on these facts: only then is the source kept. */
static bool ol_facts_may_report(const ol_file_facts *f) {
  if (f->queries.len || f->reads.len || f->commits.len || f->lens.len || f->count_stmts.len ||
      f->macro_calls.len)
    return true;
  for (size_t i = 0; i < f->classes.len; i++)
    for (size_t j = 0; j < f->classes.items[i].n_rels; j++)
      if (f->classes.items[i].rels[j].lazy == OL_LAZY_IMMEDIATE)
        return true;
  return false;
}

/* Pass 1 frees every source (memory stays flat over a large tree); the
 * check reads again the few files that may get findings. With fixes to
 * apply, those are kept: a fix must be built on the very text pass 1 saw.
 * Takes src. */
static void parse_unit(ol_engine *e, TSParser *p, ol_unit *u, ol_source *src) {
  if (ol_jinja_has_template_ext(u->rel))
    ol_jinja_facts(src->bytes, src->len, &u->facts);
  else
    ol_engine_facts(e->cfg, p, src, &u->facts);
  u->parsed = true;
  u->gen++; /* new facts: calls resolved before are not theirs */
  u->pending = u->cached = false;
  u->error_line = u->facts.parse_errors ? ol_source_line(src, u->facts.first_error_byte) : 0;
  u->may_report = ol_facts_may_report(&u->facts);
  if (u->checked && u->may_report && e->cfg->fix_mode != OL_FIXMODE_NONE) {
    u->src = *src;
    u->have_src = true;
    u->src.rel = ol_strdup(u->rel);
  } else {
    ol_source_free(src);
  }
}

static bool read_unit(ol_engine *e, ol_unit *u, ol_source *src) {
  ol_error err;
  u->status = ol_source_read(e->fs, u->path, e->cfg->max_file_size, src, &err);
  if (u->status != OL_OK) {
    u->err_message = ol_strdup(err.message);
    u->err_line = err.line;
    u->pending = false;
    return false;
  }
  return true;
}

static void take_cached(ol_unit *u, const ol_cache_meta *m) {
  u->status = OL_OK;
  u->gen++;
  u->cached = true;
  u->len = m->len;
  u->hash = m->hash;
  u->error_line = m->error_line;
  u->bad_utf8_line = m->bad_utf8_line;
  u->orm_noqa = m->orm_noqa;
  u->parsed = m->parsed;
  u->pending = u->cache_skip = !m->parsed;
  u->may_report = m->parsed && ol_facts_may_report(&u->facts);
}

/* Pass 1 for one file: its cache entry when size and mtime (or the
 * content) are unchanged; else read, and parse unless the prefilter finds
 * no ORM token in it (then it waits for the rounds). */
static bool cache_hit(ol_engine *e, ol_unit *u) {
  ol_cache_meta m;
  struct stat st;
  if (ol_jinja_has_template_ext(u->rel) || e->fs->stat(u->path, &st) != 0)
    return false;
  u->size = st.st_size;
  u->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
  if (!ol_cache_find(e->cache, u->rel, u->size, u->mtime_ns, false, 0, 0, &m, &u->facts) ||
      (!m.parsed && !e->prefilter))
    return false;
  take_cached(u, &m);
  return true;
}

/* What pass 1 keeps of the text it read: its length, hash and identity
 * (what was read, should the file change after a stat), what rules need
 * besides the facts. */
static void note_read(ol_unit *u, const ol_source *src) {
  u->len = src->len;
  u->hash = ol_content_hash(src->bytes, src->len);
  u->bad_utf8_line = src->first_bad_utf8;
  u->orm_noqa = ol_prefilter_has_orm_noqa(src->bytes, src->len);
  u->size = S_ISREG(src->st.st_mode) ? src->st.st_size : -1;
  u->mtime_ns = (int64_t)src->st.st_mtim.tv_sec * 1000000000 + src->st.st_mtim.tv_nsec;
}

static void pass1_unit_first(ol_engine *e, TSParser *p, ol_unit *u) {
  ol_cache_meta m;
  ol_source src;
  if (!read_unit(e, u, &src))
    return;
  note_read(u, &src);
  if (ol_jinja_has_template_ext(u->rel)) { /* templates: no ORM token, not cached, always read */
    parse_unit(e, p, u, &src);
    return;
  }
  if (e->cache && u->size >= 0) {
    if (ol_cache_find(e->cache, u->rel, -1, -1, true, u->len, u->hash, &m, &u->facts) &&
        (m.parsed || e->prefilter)) {
      take_cached(u, &m);
      ol_source_free(&src);
      return;
    }
  }
  if (e->prefilter && !ol_prefilter_has_token(&e->tokens, src.bytes, src.len)) {
    u->pending = true;
    ol_source_free(&src);
    return;
  }
  parse_unit(e, p, u, &src);
}

/* A prefilter round for a file not parsed yet: parse it when it names what
 * the index now knows to matter. A file the cache says holds none of the
 * cache's names is not read while every name is one of those. */
static void pass1_unit_round(ol_engine *e, TSParser *p, ol_unit *u) {
  ol_source src;
  if (!read_unit(e, u, &src))
    return;
  bool token = false;
  if (src.len != u->len || ol_content_hash(src.bytes, src.len) != u->hash) {
    if (u->checked) { /* not what pass 1 saw: it is not analysed */
      u->changed = true;
      u->pending = false;
      ol_source_free(&src);
      return;
    }
    note_read(u, &src); /* the index takes it as it is now */
    token = ol_prefilter_has_token(&e->tokens, src.bytes, src.len);
  }
  u->cache_skip = false; /* checked against the names of this run */
  if (token || e->rounds_exhausted || ol_prefilter_has_name(&e->names, src.bytes, src.len))
    parse_unit(e, p, u, &src);
  else
    ol_source_free(&src);
}

/* Read and parse: the language server's reload, no prefilter. */
void ol_engine_pass1_unit(ol_engine *e, TSParser *p, ol_unit *u) {
  ol_source src;
  if (!read_unit(e, u, &src))
    return;
  note_read(u, &src);
  parse_unit(e, p, u, &src);
}

typedef void (*unit_fn)(ol_engine *e, TSParser *p, ol_unit *u);

typedef struct {
  ol_engine *e;
  unit_fn fn;
  const size_t *which; /* the units to run fn on, NULL: all */
  size_t n;
  atomic_size_t next;
} pass1_job;

static void *pass1_worker(void *arg) {
  pass1_job *job = arg;
  TSParser *p = ol_parser_new();
  for (;;) {
    size_t i = atomic_fetch_add(&job->next, 1);
    if (i >= job->n)
      break;
    job->fn(job->e, p, &job->e->units.items[job->which ? job->which[i] : i]);
  }
  ts_parser_delete(p);
  return NULL;
}

/* fn on units (which[0..n), or every unit when which is NULL), on every core. */
static void run_units(ol_engine *e, unit_fn fn, const size_t *which, size_t count) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  size_t n = e->cfg->jobs > 0 ? (size_t)e->cfg->jobs : (size_t)(cores > 0 ? cores : 1);
  if (n > count)
    n = count ? count : 1;
  pass1_job job = {.e = e, .fn = fn, .which = which, .n = count};
  atomic_init(&job.next, 0);
  if (n <= 1) {
    pass1_worker(&job);
    return;
  }
  pthread_t *t = ol_calloc(n, sizeof *t);
  size_t started = 0;
  for (; started < n; started++)
    if (pthread_create(&t[started], NULL, pass1_worker, &job) != 0)
      break;
  if (!started)
    pass1_worker(&job);
  for (size_t i = 0; i < started; i++)
    pthread_join(t[i], NULL);
  ol_free(t);
}

/* The prefilter's rounds: index what is parsed so far, then parse the
 * files that name what it made matter, until a round parses nothing new.
 * The index of the last round is the project's. Each round reads every
 * pending file and indexes the project again: a chain of calls across
 * 10,000 files would take 10,000 rounds (12 s where parsing everything
 * takes 0.3 s), so after OL_MAX_ROUNDS the files still pending are parsed,
 * as --no-prefilter would (the findings are the same either way). */
#define OL_MAX_ROUNDS 8
static void prefilter_rounds(ol_engine *e) {
  size_t *which = ol_malloc((e->units.len ? e->units.len : 1) * sizeof(size_t));
  for (;;) {
    ol_engine_reindex(e);
    ol_prefilter_names(&e->index, e->cfg, &e->names); /* grows: a name once found stays */
    e->names_cached = e->cache && ol_name_set_subset(&e->names, ol_cache_names(e->cache));
    size_t n = 0;
    for (size_t i = 0; i < e->units.len; i++) {
      const ol_unit *u = &e->units.items[i];
      if (u->pending && !(u->cache_skip && e->names_cached))
        which[n++] = i;
    }
    if (!n)
      break;
    e->rounds_exhausted = e->rounds >= OL_MAX_ROUNDS;
    e->rounds++;
    run_units(e, pass1_unit_round, which, n);
    size_t parsed = 0;
    for (size_t i = 0; i < n; i++)
      parsed += e->units.items[which[i]].parsed;
    if (!parsed)
      break;
  }
  ol_free(which);
  for (size_t i = 0; i < e->units.len; i++)
    e->skipped += e->units.items[i].pending;
}

/* Pass 1, and the index: with the prefilter, its rounds build the index. */
void ol_engine_pass1(ol_engine *e) {
  if (!e->prefilter && !e->cache) {
    run_units(e, ol_engine_pass1_unit, NULL, e->units.len);
    malloc_trim(0); /* the trees are gone: give their pages back before the index grows */
    ol_engine_reindex(e);
    return;
  }
  if (e->prefilter)
    ol_prefilter_tokens(e->cfg, &e->tokens);
  /* Cache hits first, on this thread: a stat and a copy each, not worth a
   * thread; then the files to read, on every core. */
  size_t *which = ol_malloc((e->units.len ? e->units.len : 1) * sizeof(size_t)), n = 0;
  for (size_t i = 0; i < e->units.len; i++)
    if (!e->cache || !cache_hit(e, &e->units.items[i]))
      which[n++] = i;
  run_units(e, pass1_unit_first, which, n);
  ol_free(which);
  malloc_trim(0);
  if (e->prefilter)
    prefilter_rounds(e);
  else
    ol_engine_reindex(e);
  for (size_t i = 0; i < e->units.len; i++)
    e->from_cache += e->units.items[i].cached && e->units.items[i].parsed;
}

#define FEW_CHECKED 16

/* Writes the cache when this run learnt anything it does not hold. */
void ol_engine_save_cache(ol_engine *e) {
  ol_cache_item *items = ol_malloc((e->units.len ? e->units.len : 1) * sizeof *items);
  size_t n = 0, fresh_checked = 0;
  bool fresh = !ol_name_set_subset(&e->names, ol_cache_names(e->cache));
  for (size_t i = 0; i < e->units.len; i++) {
    const ol_unit *u = &e->units.items[i];
    if (u->status != OL_OK || u->changed || (!u->parsed && !u->pending) || u->size < 0 ||
        u->facts.template)
      continue;
    if (!u->cached && u->checked)
      fresh_checked++;
    else
      fresh |= !u->cached || (u->pending && !u->cache_skip && !e->names_cached);
    items[n++] = (ol_cache_item){.rel = u->rel,
                                 .size = u->size,
                                 .mtime_ns = u->mtime_ns,
                                 .meta = {.parsed = u->parsed,
                                          .len = u->len,
                                          .hash = u->hash,
                                          .error_line = u->error_line,
                                          .bad_utf8_line = u->bad_utf8_line,
                                          .orm_noqa = u->orm_noqa},
                                 .facts = u->cached ? NULL : &u->facts};
  }
  /* A few files parsed because they are checked (pre-commit's staged files)
   * are not worth writing the whole cache for: the next run parses them
   * again in less time. */
  if (fresh || fresh_checked > FEW_CHECKED || n != ol_cache_count(e->cache))
    ol_cache_save(e->cache, items, n, &e->names);
  ol_free(items);
}
