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
#include "stats.h"

/* Checked files few enough to parse whatever the prefilter says, and not
 * worth writing the whole cache for. */
#define FEW_CHECKED 16

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

/* An early unit (ol_engine_pass1_early): what its thread read, and the
 * facts it recorded of that text. */
typedef struct ol_early {
  size_t unit;
  char *path; /* its own copy: the units grow while the thread reads */
  ol_status status;
  ol_error err;
  ol_source src; /* status OL_OK and not taken */
  ol_file_facts facts;
  bool have_src, have_facts;
} ol_early;

/* The early read of u, once its thread is joined; NULL when none. */
static ol_early *early_of(ol_engine *e, const ol_unit *u) {
  size_t i = (size_t)(u - e->units.items);
  for (size_t k = 0; k < e->n_early && !e->early_running; k++)
    if (e->early[k].unit == i)
      return &e->early[k];
  return NULL;
}

/* Pass 1 frees every source (memory stays flat over a large tree); the
 * check reads again the few files that may get findings. With fixes to
 * apply, those are kept: a fix must be built on the very text pass 1 saw.
 * Takes src; and x's facts, when given (made of src on the early thread). */
static void parse_unit_with(ol_engine *e, TSParser *p, ol_unit *u, ol_source *src, ol_early *x) {
  ol_stat_add(OL_STAT_FILES_PARSED, 1);
  if (x && x->have_facts) {
    u->facts = x->facts;
    memset(&x->facts, 0, sizeof x->facts);
    x->have_facts = false;
  } else if (ol_jinja_has_template_ext(u->rel)) {
    ol_jinja_facts(src->bytes, src->len, &u->facts);
  } else {
    ol_engine_facts(e->cfg, p, src, &u->facts);
  }
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

static void parse_unit(ol_engine *e, TSParser *p, ol_unit *u, ol_source *src) {
  parse_unit_with(e, p, u, src, NULL);
}

/* Reads u; its early read when x is given (taken: x keeps no source). */
static bool read_unit_from(ol_engine *e, ol_unit *u, ol_source *src, ol_early *x) {
  ol_error err;
  ol_stat_add(OL_STAT_FILES_READ, 1);
  if (x) {
    u->status = x->status;
    err = x->err;
    if (x->have_src)
      *src = x->src;
    x->have_src = false;
  } else {
    u->status = ol_source_read(e->fs, u->path, e->cfg->max_file_size, src, &err);
  }
  if (u->status != OL_OK) {
    u->err_message = ol_strdup(err.message);
    u->err_line = err.line;
    u->pending = false;
    return false;
  }
  return true;
}

static bool read_unit(ol_engine *e, ol_unit *u, ol_source *src) {
  return read_unit_from(e, u, src, NULL);
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
  if (!ol_cache_find(e->cache, u->rel, u->size, u->mtime_ns, false, 0, 0, u->checked, &m, &u->facts,
                     &u->cache_refused) ||
      (!m.parsed && !e->prefilter))
    return false;
  take_cached(u, &m);
  return true;
}

/* The cache's entry of a unit, when it holds (else the unit is read). */
static void pass1_unit_cached(ol_engine *e, TSParser *p, ol_unit *u) {
  (void)p;
  cache_hit(e, u);
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

/* The byte scan of a file the tokens did not make parsed: its import lines
 * and weak tokens, for the rounds. */
static void scan_unit(ol_unit *u, const ol_source *src) {
  ol_import_refs_free(&u->refs);
  ol_prefilter_imports(src->bytes, src->len, &u->refs);
  u->weak = ol_prefilter_has_weak_token(src->bytes, src->len);
  u->scanned = true;
}

static void pass1_unit_first(ol_engine *e, TSParser *p, ol_unit *u) {
  ol_cache_meta m;
  ol_source src;
  ol_early *x = early_of(e, u);
  if (!read_unit_from(e, u, &src, x))
    return;
  note_read(u, &src);
  if (ol_jinja_has_template_ext(u->rel)) { /* templates: no ORM token, not cached, always read */
    parse_unit(e, p, u, &src);
    return;
  }
  if (e->cache && u->size >= 0 && !u->cache_refused) {
    if (ol_cache_find(e->cache, u->rel, -1, -1, true, u->len, u->hash, u->checked, &m, &u->facts,
                      &u->cache_refused) &&
        (m.parsed || e->prefilter)) {
      take_cached(u, &m);
      ol_source_free(&src);
      return;
    }
  }
  if (e->prefilter && !(u->checked && e->parse_checked) &&
      !ol_prefilter_has_token(&e->tokens, src.bytes, src.len)) {
    scan_unit(u, &src);
    u->pending = true;
    ol_source_free(&src);
    return;
  }
  parse_unit_with(e, p, u, &src, x);
}

/* A pending file's name scans across the rounds: the first read keeps a
 * digest of its identifiers, and names only grow, so a later round reads
 * it again only when a name added since may be in it (or to parse it). */
typedef struct ol_round_memo {
  ol_name_digest d;
  bool have;                      /* d is the file as this run read it */
  bool named, called;             /* it holds a name of names, of called */
  size_t names_seen, called_seen; /* the names those answers cover: log[0..seen) */
} ol_round_memo;

/* Whether a name of set added since *seen may be in the memo's file
 * (false: none is); *seen moves past those that are not. */
static bool may_hold_new(const ol_round_memo *m, const ol_name_set *set, size_t *seen) {
  for (; *seen < set->len; ++*seen)
    if (ol_name_digest_may_have(&m->d, set->log[*seen]))
      return true;
  return false;
}

/* The memo's answers for the names of this round, from the bytes. */
static void memo_read(ol_engine *e, ol_round_memo *m, const ol_source *src) {
  if (!m->have) {
    ol_prefilter_digest(src->bytes, src->len, &m->d, &e->names, &m->named, &e->called,
                        &m->called);
    m->have = true;
  } else {
    m->named = m->named || ol_prefilter_has_name(&e->names, src->bytes, src->len);
    m->called = m->called || ol_prefilter_has_name(&e->called, src->bytes, src->len);
  }
  m->names_seen = e->names.len;
  m->called_seen = e->called.len;
}

/* A prefilter round for a file not parsed yet: parse it when it names what
 * the index now knows to matter. A file the cache says holds none of the
 * cache's names is not read while every name is one of those. A file no
 * import connects to a source is parsed only for a class statement that
 * derives from a class name, or a name any call links (prefilter.h; the
 * rest reaches a rule through imports): remembered, that it is not cached
 * as holding no name. A file read in an earlier round is read again only
 * when its memo cannot answer: a name added since may be in it, or it is
 * parsed. */
static void pass1_unit_round(ol_engine *e, TSParser *p, ol_unit *u) {
  size_t i = (size_t)(u - e->units.items);
  ol_round_memo *m = &e->memo[i]; /* the rounds' (prefilter_rounds) */
  bool linked = false;
  if (m->have && u->scanned && !e->rounds_exhausted) {
    linked = e->linked[i] || ol_modgraph_reaches(e->graph, (uint32_t)i, &u->refs, e->parsed_now);
    bool named = u->weak || m->named; /* else exactly, from the bytes, on a may */
    bool reread = (!named && may_hold_new(m, &e->names, &m->names_seen)) ||
                  (!linked && !m->called && may_hold_new(m, &e->called, &m->called_seen));
    bool parse = (linked && named) ||
                 (!linked && (ol_name_digest_has_class_base(&m->d, &e->classes) || m->called));
    if (!reread && !parse) {
      u->cache_skip = false; /* checked against the names of this run */
      u->unlinked_skip = !linked && named;
      return;
    }
  }
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
    u->scanned = false;
    m->have = false;
  }
  if (!u->scanned)
    scan_unit(u, &src);
  u->cache_skip = false; /* checked against the names of this run */
  u->unlinked_skip = false;
  bool parse = token || e->rounds_exhausted; /* whatever it names */
  bool named = false;
  if (!parse) {
    linked = e->linked[i] || ol_modgraph_reaches(e->graph, (uint32_t)i, &u->refs, e->parsed_now);
    memo_read(e, m, &src);
    named = u->weak || m->named;
    parse = (linked && named) ||
            (!linked && (ol_name_digest_has_class_base(&m->d, &e->classes) || m->called));
  }
  if (parse) {
    ol_name_digest_free(&m->d);
    m->have = false;
    parse_unit(e, p, u, &src);
  } else {
    u->unlinked_skip = !linked && named;
    ol_source_free(&src);
  }
}

/* Reads a pending file the cache skipped for its import lines: the links
 * of the others depend on them. */
static void scan_pending_unit(ol_engine *e, TSParser *p, ol_unit *u) {
  (void)p;
  ol_source src;
  if (!read_unit(e, u, &src))
    return;
  scan_unit(u, &src);
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

/* As ol_engine_pass1_unit, with the early read and facts of u when there are. */
static void pass1_unit_plain(ol_engine *e, TSParser *p, ol_unit *u) {
  ol_source src;
  ol_early *x = early_of(e, u);
  if (!read_unit_from(e, u, &src, x))
    return;
  note_read(u, &src);
  parse_unit_with(e, p, u, &src, x);
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
  if (e->early_running && n > 1)
    n--; /* a core parses the early units */
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

/* ---- the early units ------------------------------------------------------
 * A pre-commit run checks one edited file of a project the cache holds:
 * its parse and walk are most of the run, and need nothing of the cache.
 * They run on a thread of their own while the cache is opened, checked and
 * read back; pass 1 then takes them where it would read and parse the file
 * (the same text, read once), and drops them when the cache holds the file
 * unchanged. The counts of ORMLINT_STATS are those of what pass 1 takes. */

static void *early_worker(void *arg) {
  ol_engine *e = arg;
  TSParser *p = ol_parser_new();
  for (size_t k = 0; k < e->n_early; k++) {
    ol_early *x = &e->early[k];
    x->status = ol_source_read(e->fs, x->path, e->cfg->max_file_size, &x->src, &x->err);
    if (x->status != OL_OK)
      continue;
    x->have_src = true;
    ol_engine_facts(e->cfg, p, &x->src, &x->facts);
    x->have_facts = true;
  }
  ts_parser_delete(p);
  return NULL;
}

/* Whether the checked units are few enough to parse whatever their tokens. */
static bool few_checked(const ol_engine *e) {
  size_t n_checked = 0;
  for (size_t i = 0; i < e->units.len; i++)
    n_checked += e->units.items[i].checked;
  return n_checked <= FEW_CHECKED && n_checked * 8 <= e->units.len;
}

void ol_engine_pass1_early(ol_engine *e, bool project_known) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int jobs = e->cfg->jobs > 0 ? e->cfg->jobs : (int)(cores > 0 ? cores : 1);
  if (jobs < 2 || e->n_early || (project_known && e->prefilter && !few_checked(e)))
    return; /* one core, or the checked files wait for the prefilter's verdict */
  size_t n = 0;
  for (size_t i = 0; i < e->units.len; i++)
    n += e->units.items[i].checked && !ol_jinja_has_template_ext(e->units.items[i].rel);
  if (!n || n > FEW_CHECKED)
    return;
  ol_heap_one_arena(); /* a few megabytes at most: on the main heap's large pages */
  e->early = ol_calloc(n, sizeof *e->early);
  for (size_t i = 0; i < e->units.len; i++)
    if (e->units.items[i].checked && !ol_jinja_has_template_ext(e->units.items[i].rel))
      e->early[e->n_early++] = (ol_early){.unit = i, .path = ol_strdup(e->units.items[i].path)};
  if (pthread_create(&e->early_thread, NULL, early_worker, e) != 0) {
    for (size_t k = 0; k < e->n_early; k++)
      ol_free(e->early[k].path);
    ol_free(e->early);
    e->early = NULL;
    e->n_early = 0;
    return;
  }
  e->early_running = true;
}

static void early_join(ol_engine *e) {
  if (e->early_running)
    pthread_join(e->early_thread, NULL);
  e->early_running = false;
}

/* What pass 1 did not take of the early units. */
static void early_free(ol_engine *e) {
  early_join(e);
  for (size_t k = 0; k < e->n_early; k++) {
    ol_early *x = &e->early[k];
    if (x->have_src)
      ol_source_free(&x->src);
    if (x->have_facts)
      ol_facts_free(&x->facts);
    ol_free(x->path);
  }
  ol_free(e->early);
  e->early = NULL;
  e->n_early = 0;
}

/* The files a parsed file's imports name (its facts: every import
 * statement, at any level), marked in linked[]. */
static size_t mark_imported(const ol_modgraph *g, uint32_t from, const ol_file_facts *f,
                            bool *linked) {
  char buf[1024];
  size_t n = 0;
  for (size_t i = 0; i < f->imports.len; i++) {
    const ol_import_fact *im = &f->imports.items[i];
    if (!im->module)
      continue; /* an alias of a name */
    ol_import_ref r = {.name = im->module, .level = im->level};
    if (*im->module)
      n += ol_modgraph_mark(g, from, &r, linked);
    size_t mn = strlen(im->module), nn = im->name ? strlen(im->name) : 0;
    if (im->name && mn + nn + 2 < sizeof buf) {
      memcpy(buf, im->module, mn);
      if (mn)
        buf[mn++] = '.';
      memcpy(buf + mn, im->name, nn + 1);
      r.name = buf;
      n += ol_modgraph_mark(g, from, &r, linked);
    }
  }
  return n;
}

/* Per unit, before a round: sources[], the parsed files the links start
 * at — those that hold ORM code or what a name that matters is of
 * (ol_prefilter_names' seeds; before the first names, those whose facts
 * hold ORM code) —
 * and linked[]: imported by a source, or by a file so linked, transitively
 * (a helper with no name that matters yet may pass a source's rows on to
 * a module that reads their relationships: that module is judged by every
 * name). A file parsed for a token that holds nothing of the ORM (a
 * `session` in a comment, a `select` of its own) is not a source: the code
 * base around it is no likelier to matter. A pending file whose imports are
 * not known (skipped as the cache says, not read) may link anything: then
 * every file is linked. */
static void snapshot_links(ol_engine *e, const ol_modgraph *g, bool *sources, bool *linked) {
  size_t n = e->units.len;
  bool unknown = false;
  for (size_t i = 0; i < n; i++) {
    const ol_unit *u = &e->units.items[i];
    sources[i] =
        u->parsed && (e->seeds_known ? e->seeds[i] : ol_prefilter_facts_hold_orm(&u->facts));
    unknown |= u->pending && !u->scanned;
  }
  memset(linked, unknown, n * sizeof *linked);
  if (unknown)
    return;
  for (size_t i = 0; i < n; i++)
    if (sources[i])
      mark_imported(g, (uint32_t)i, &e->units.items[i].facts, linked);
  for (bool grew = true; grew;) { /* the closure through the files that are not sources */
    grew = false;
    for (size_t i = 0; i < n; i++) {
      const ol_unit *u = &e->units.items[i];
      if (!linked[i] || sources[i])
        continue;
      if (u->parsed)
        grew |= mark_imported(g, (uint32_t)i, &u->facts, linked) > 0;
      else
        for (size_t r = 0; u->scanned && r < u->refs.len; r++)
          grew |= ol_modgraph_mark(g, (uint32_t)i, &u->refs.items[r], linked) > 0;
    }
  }
}

/* The prefilter's rounds: index what is parsed so far, then parse the
 * files that name what it made matter, until a round parses nothing new.
 * The index of the last round is the project's. Each round reads every
 * pending file and indexes the project again: a chain of calls across
 * 10,000 files would take 10,000 rounds (12 s where parsing everything
 * takes 0.3 s), so after OL_MAX_ROUNDS the files still pending are parsed,
 * as --no-prefilter would (the findings are the same either way). */
#define OL_MAX_ROUNDS 8

/* The names that matter now; grows: a name once found stays. */
static void round_names(ol_engine *e) { /* the index holds every unit: its files are theirs */
  ol_prefilter_names(&e->index, e->cfg, &e->names, &e->classes, &e->called, &e->probes,
                     e->seeds);
  e->seeds_known = true;
}

static void prefilter_rounds(ol_engine *e) {
  size_t *which = ol_malloc((e->units.len ? e->units.len : 1) * sizeof(size_t));
  size_t nu = e->units.len ? e->units.len : 1;
  const char **rels = ol_malloc(nu * sizeof *rels);
  for (size_t i = 0; i < e->units.len; i++)
    rels[i] = e->units.items[i].rel;
  ol_modgraph graph;
  ol_modgraph_build(&graph, rels, e->units.len);
  ol_free(rels);
  bool *was_parsed = ol_calloc(nu, sizeof *was_parsed), *linked = ol_calloc(nu, sizeof *linked);
  e->graph = &graph;
  e->seeds = ol_calloc(nu, sizeof *e->seeds);
  e->memo = ol_calloc(nu, sizeof *e->memo);
  e->seeds_known = false;
  e->parsed_now = was_parsed;
  e->linked = linked;
  /* Round 0, before any index: the files with a weak token that an import
   * connects to a file the tokens parsed (their verdict needs no name). */
  size_t n0 = 0;
  bool unscanned = false;
  for (size_t i = 0; i < e->units.len; i++) {
    const ol_unit *u = &e->units.items[i];
    unscanned |= u->pending && !u->scanned;
    if (u->pending && u->scanned && u->weak)
      which[n0++] = i;
  }
  if (n0 && !unscanned) {
    snapshot_links(e, &graph, was_parsed, linked);
    run_units(e, pass1_unit_round, which, n0);
  }
  for (;;) {
    /* the names read classes, relations and summaries; never the lookups' keys */
    ol_engine_reindex_beside(e, round_names);
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
    /* the imports of the files the cache skipped, as a run without it reads them */
    size_t *unread = ol_malloc(nu * sizeof *unread), n_unread = 0;
    for (size_t i = 0; i < e->units.len; i++)
      if (e->units.items[i].pending && !e->units.items[i].scanned)
        unread[n_unread++] = i;
    run_units(e, scan_pending_unit, unread, n_unread);
    ol_free(unread);
    snapshot_links(e, &graph, was_parsed, linked);
    run_units(e, pass1_unit_round, which, n);
    size_t parsed = 0;
    for (size_t i = 0; i < n; i++)
      parsed += e->units.items[which[i]].parsed;
    if (!parsed)
      break;
  }
  ol_free(which);
  e->graph = NULL;
  e->parsed_now = e->linked = NULL;
  ol_free(e->seeds);
  e->seeds = NULL;
  for (size_t i = 0; i < e->units.len; i++)
    ol_name_digest_free(&e->memo[i].d);
  ol_free(e->memo);
  e->memo = NULL;
  e->seeds_known = false;
  ol_free(was_parsed);
  ol_free(linked);
  ol_modgraph_free(&graph);
  for (size_t i = 0; i < e->units.len; i++)
    e->skipped += e->units.items[i].pending;
}

/* Pass 1, and the index: with the prefilter, its rounds build the index. */
void ol_engine_pass1(ol_engine *e) {
  if (!e->prefilter && !e->cache) {
    early_join(e);
    run_units(e, pass1_unit_plain, NULL, e->units.len);
    early_free(e);
    malloc_trim(0); /* the trees are gone: give their pages back before the index grows */
    ol_engine_reindex(e);
    return;
  }
  if (e->prefilter)
    ol_prefilter_tokens(e->cfg, &e->tokens);
  /* A few files checked in a larger project (pre-commit's staged files):
   * parsed at once, whatever their tokens, rather than after a round of the
   * index. */
  e->parse_checked = few_checked(e);
  /* Cache hits first (a stat, a record read back and checked: most of a
   * warm run's pass 1), then the files to read, both on every core. */
  size_t *which = ol_malloc((e->units.len ? e->units.len : 1) * sizeof(size_t)), n = 0;
  if (e->cache)
    run_units(e, pass1_unit_cached, NULL, e->units.len);
  for (size_t i = 0; i < e->units.len; i++)
    if (!e->units.items[i].cached)
      which[n++] = i;
  early_join(e);
  run_units(e, pass1_unit_first, which, n);
  early_free(e);
  ol_free(which);
  if (n > FEW_CHECKED) /* a warm run read a few files: its pages would only come back */
    malloc_trim(0);
  if (e->prefilter)
    prefilter_rounds(e);
  else
    ol_engine_reindex(e);
  for (size_t i = 0; i < e->units.len; i++)
    e->from_cache += e->units.items[i].cached && e->units.items[i].parsed;
}

/* Writes the cache when this run learnt anything it does not hold. */
void ol_engine_save_cache(ol_engine *e) {
  ol_cache_item *items = ol_malloc((e->units.len ? e->units.len : 1) * sizeof *items);
  size_t n = 0, fresh_checked = 0;
  bool fresh = !ol_name_set_subset(&e->names, ol_cache_names(e->cache));
  for (size_t i = 0; i < e->units.len; i++) {
    const ol_unit *u = &e->units.items[i];
    if (u->status != OL_OK || u->changed || (!u->parsed && !u->pending) || u->size < 0 ||
        u->facts.template || (u->pending && u->unlinked_skip))
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
  bool facts = fresh || fresh_checked > FEW_CHECKED || n != ol_cache_count(e->cache);
  if (facts)
    ol_cache_save(e->cache, items, n, &e->names);
  ol_free(items);
  /* The resolved calls: when the facts were written, or more than a few
   * files' calls were resolved again. */
  if (facts || !e->calls_cached || e->resolved.resolved > FEW_CHECKED)
    ol_cache_save_calls(e->cache, &e->resolved);
}
