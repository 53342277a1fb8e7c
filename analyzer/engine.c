/* The scan: discovery, pass 1 on every core, the project index, the checks. */
#include "engine_internal.h"
#include "requirements.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "discover.h"
#include "hash.h"
#include "jinja.h"
#include "stats.h"
#include "suppress.h"
#include "walk.h"

ol_engine *ol_engine_new(const ol_config *cfg, const ol_fs *fs) {
  ol_engine *e = ol_calloc(1, sizeof *e);
  e->cfg = cfg;
  e->fs = fs;
  e->parser = ol_parser_new();
  e->sqla = -1;
  pthread_mutex_init(&e->sources_lock, NULL);
  return e;
}

static void unit_free(ol_unit *u) {
  ol_free(u->err_message);
  ol_free(u->path);
  ol_free(u->rel);
  ol_facts_free(&u->facts);
  ol_walk_memo_free(u->memo);
  ol_import_refs_free(&u->refs);
  if (u->have_src)
    ol_source_free(&u->src);
}

void ol_engine_free(ol_engine *e) {
  if (!e)
    return;
  for (size_t i = 0; e->aux && i < e->n_aux; i++)
    if (e->aux[i]) {
      ol_source_free(e->aux[i]);
      ol_free(e->aux[i]);
    }
  ol_free(e->aux);
  for (size_t i = 0; i < e->units.len; i++)
    unit_free(&e->units.items[i]);
  ol_vec_free(&e->units);
  ol_index_free(&e->index);
  ol_resolve_cache_free(&e->resolved);
  pthread_mutex_destroy(&e->sources_lock);
  ts_parser_delete(e->parser);
  ol_free(e->root);
  ol_name_set_free(&e->tokens);
  ol_name_set_free(&e->names);
  ol_name_set_free(&e->classes);
  ol_name_set_free(&e->called);
  ol_name_set_free(&e->probes);
  if (e->cache)
    ol_cache_free(e->cache);
  ol_free(e);
}

void ol_notes_add(ol_notes *notes, ol_note_level level, const char *path, uint32_t line,
                  char *message) {
  ol_notification n = {.level = level, .path = ol_strdup(path), .line = line, .message = message};
  ol_vec_push(notes, n);
}

void ol_engine_facts(const ol_config *cfg, TSParser *p, const ol_source *src,
                     ol_file_facts *facts) {
  TSTree *tree = ol_parse(p, src->bytes, src->len);
  ol_walk_file(cfg, tree, src->bytes, src->len, facts);
  ts_tree_delete(tree);
}

/* A word at a time: every file of the project is hashed when read, and
 * again in each prefilter round it waits. */
uint64_t ol_content_hash(const char *s, uint32_t n) { return ol_hash_words(s, n); }

/* ---- scan ---------------------------------------------------------------- */

static void add_units(ol_engine *e, ol_discovery *d, bool checked) {
  for (size_t i = 0; i < d->files.len; i++) {
    ol_unit u = {.path = ol_strdup(d->files.items[i].path),
                 .rel = ol_path_relative(e->root, d->files.items[i].abs),
                 .checked = checked};
    ol_vec_push(&e->units, u);
  }
}

/* The SQLAlchemy version fixes are written for: the setting, else what the
 * project's requirements allow (read once). */
static int target_sqlalchemy(ol_engine *e) {
  if (e->cfg->target_sqlalchemy > 0)
    return e->cfg->target_sqlalchemy;
  if (e->sqla < 0)
    e->sqla = e->root ? ol_requirements_sqlalchemy(e->fs, e->root) : 0;
  return e->sqla;
}

/* Units: the checked files, then the rest of the project (index only). */
static void gather(ol_engine *e, char *const *paths, size_t n, ol_notes *notes, bool *io_error) {
  ol_discovery check = {.cfg = e->cfg, .root = e->root}, project = check;
  for (size_t i = 0; i < n; i++)
    ol_discover(e->fs, paths[i], &check);
  ol_discovery_finish(&check);
  add_units(e, &check, true);
  char *first_abs = ol_path_absolute(paths[0]);
  bool whole = !e->root_marked || (n == 1 && !strcmp(first_abs, e->root));
  ol_free(first_abs);
  if (!whole) {
    if (e->early_ok) /* the staged files' parse, while the project is walked */
      ol_engine_pass1_early(e, false);
    ol_discover(e->fs, e->root, &project);
    ol_discovery_finish(&project);
    for (size_t i = 0; i < project.files.len; i++) {
      const ol_found *f = &project.files.items[i];
      bool dup = false;
      for (size_t j = 0; j < check.files.len && !dup; j++)
        dup = !strcmp(check.files.items[j].abs, f->abs);
      if (dup)
        continue;
      ol_unit u = {.path = ol_strdup(f->path), .rel = ol_path_relative(e->root, f->abs)};
      ol_vec_push(&e->units, u);
    }
  }
  for (size_t i = 0; i < check.notes.len; i++) {
    ol_notification note = check.notes.items[i];
    char *abs = ol_path_absolute(note.path);
    ol_free(note.path);
    note.path = ol_path_relative(e->root, abs); /* every path in a report is root-relative */
    ol_free(abs);
    ol_vec_push(notes, note);
  }
  check.notes.len = 0;
  *io_error = check.io_error;
  ol_discovery_free(&check);
  ol_discovery_free(&project);
}

static void unit_notes(const ol_unit *u, ol_notes *notes, bool *io_error) {
  if (!u->checked)
    return;
  if (u->status == OL_ERR_IO) {
    ol_notes_add(notes, OL_NOTE_ERROR, u->rel, 0, ol_strdup(u->err_message));
    *io_error = true;
    return;
  }
  if (u->status == OL_ERR_SKIP) {
    ol_notes_add(notes, OL_NOTE_WARNING, u->rel, u->err_line, ol_strdup(u->err_message));
    return;
  }
  uint32_t bad = u->bad_utf8_line;
  if (bad)
    ol_notes_add(notes, OL_NOTE_WARNING, u->rel, bad,
                 ol_format("invalid UTF-8 on line %u: analysed as far as it parses", bad));
  uint32_t errors = u->facts.parse_errors, line = u->error_line;
  if (errors) {
    ol_notes_add(
        notes, OL_NOTE_WARNING, u->rel, line,
        ol_format("syntax error on line %u (%u error node%s): the rest of the file was analysed",
                  line, errors, errors == 1 ? "" : "s"));
  }
}

static const ol_source *source_unlocked(ol_engine *e, uint32_t file, uint32_t *parse_errors);

const ol_source *ol_engine_source(ol_engine *e, uint32_t file, uint32_t *parse_errors) {
  if (!e->checks_apart)
    return source_unlocked(e, file, parse_errors);
  pthread_mutex_lock(&e->sources_lock);
  const ol_source *s = source_unlocked(e, file, parse_errors);
  pthread_mutex_unlock(&e->sources_lock);
  return s;
}

static const ol_source *source_unlocked(ol_engine *e, uint32_t file, uint32_t *parse_errors) {
  ol_unit *u = &e->units.items[file];
  if (!u->checked || u->status != OL_OK)
    return NULL;
  const ol_fixing *fx = e->fixing ? e->fixing[file] : NULL;
  if (fx && fx->changed) {
    *parse_errors = fx->facts.parse_errors;
    return &fx->cur;
  }
  if (!u->have_src) { /* read again: the facts are of the text pass 1 read */
    ol_error err;
    if (u->changed)
      return NULL;
    if (ol_source_read(e->fs, u->path, e->cfg->max_file_size, &u->src, &err) != OL_OK) {
      u->changed = true; /* gone or unreadable since pass 1: reported, never silently lost */
      return NULL;
    }
    if (u->src.len != u->len || ol_content_hash(u->src.bytes, u->src.len) != u->hash) {
      ol_source_free(&u->src);
      u->changed = true;
      return NULL;
    }
    u->src.rel = ol_strdup(u->rel);
    u->have_src = true;
  }
  *parse_errors = u->facts.parse_errors;
  return &u->src;
}

const ol_file_facts *ol_engine_facts_of(const ol_engine *e, uint32_t file) {
  const ol_fixing *fx = e->fixing ? e->fixing[file] : NULL;
  return fx && fx->changed ? &fx->facts : &e->units.items[file].facts;
}

static const ol_source *aux_unlocked(ol_engine *e, uint32_t file);

const ol_source *ol_engine_aux_source(ol_engine *e, uint32_t file) {
  if (!e->checks_apart)
    return aux_unlocked(e, file);
  pthread_mutex_lock(&e->sources_lock);
  const ol_source *s = aux_unlocked(e, file);
  pthread_mutex_unlock(&e->sources_lock);
  return s;
}

static const ol_source *aux_unlocked(ol_engine *e, uint32_t file) {
  ol_unit *u = &e->units.items[file];
  const ol_fixing *fx = e->fixing ? e->fixing[file] : NULL;
  if (fx && fx->changed)
    return &fx->cur;
  if (u->have_src)
    return &u->src;
  if (u->status != OL_OK || u->changed)
    return NULL;
  if (e->n_aux < e->units.len) { /* units grow in a workspace */
    e->aux = ol_realloc(e->aux, e->units.len * sizeof(ol_source *));
    memset(e->aux + e->n_aux, 0, (e->units.len - e->n_aux) * sizeof(ol_source *));
    e->n_aux = e->units.len;
  }
  if (!e->aux[file]) {
    ol_source *src = ol_calloc(1, sizeof *src);
    ol_error err;
    if (ol_source_read(e->fs, u->path, e->cfg->max_file_size, src, &err) != OL_OK ||
        src->len != u->len || ol_content_hash(src->bytes, src->len) != u->hash) {
      if (src->bytes)
        ol_source_free(src);
      ol_free(src);
      return NULL;
    }
    e->aux[file] = src;
  }
  return e->aux[file];
}

static uint32_t line_of(void *ud, uint32_t file, uint32_t off) {
  const ol_source *src = ol_engine_aux_source(ud, file);
  return src ? ol_source_line(src, off) : 0;
}

static const ol_source *source_of(void *ud, uint32_t file) {
  uint32_t errors;
  return ol_engine_source(ud, file, &errors);
}

static int by_position(const void *a, const void *b) {
  const ol_draft *x = a, *y = b;
  if (x->span.start != y->span.start)
    return x->span.start < y->span.start ? -1 : 1;
  if (x->span.end != y->span.end)
    return x->span.end < y->span.end ? -1 : 1;
  return strcmp(x->rule->code, y->rule->code);
}

void ol_engine_check_unit(ol_engine *e, const ol_source *src, uint32_t file,
                          const ol_file_facts *facts, ol_findings *out, ol_notes *notes) {
  ol_drafts drafts = {0};
  const char *rel = e->index.files.items[file].path;
  ol_rule_ctx ctx = {.path = rel,
                     .file = file,
                     .source = src,
                     .src = src->bytes,
                     .len = src->len,
                     .facts = facts,
                     .index = &e->index,
                     .out = &drafts,
                     .source_of = source_of,
                     .line_of = line_of,
                     .ud = e,
                     .dialect = e->cfg->dialect ? e->cfg->dialect : "postgresql",
                     .sqla = target_sqlalchemy(e)};
  ol_noqas noqas = {0};
  ol_noqa_scan(src, &noqas);
  char *cfg_rel = e->cfg->n_per_file_ignores ? ol_config_rel_path(e->cfg, e->root, rel) : NULL;
  const char *ran[64];
  size_t n_ran = 0, kept = 0;
  /* Rules on the facts; then the noqa comments; then the rules that judge
   * the comments (ORM100), whose findings a noqa may silence in turn. */
  for (int phase = 0; phase < 2; phase++) {
    for (size_t r = 0; ol_rules[r]; r++) {
      const ol_rule_meta *meta = &ol_rule_metas()[r];
      if (ol_rules[r]->after_suppression != (phase == 1) ||
          !ol_config_selects(e->cfg, meta->code) || (ol_rules[r]->default_off && !e->cfg->n_select))
        continue;
      if (phase == 1) {
        ctx.noqas = &noqas;
        ctx.ran = ran;
        ctx.n_ran = n_ran;
      } else if (n_ran < sizeof ran / sizeof *ran) {
        ran[n_ran++] = meta->code;
      }
      ol_rules[r]->check(&ctx, meta);
    }
    /* Suppressed drafts (noqa, then per-file-ignores) move to the end; the rest become findings. */
    for (size_t i = kept; i < drafts.len; i++) {
      ol_draft *d = &drafts.items[i];
      if (ol_noqa_suppresses(src, &noqas, ol_source_line(src, d->span.start),
                             ol_source_line(src, d->span.end), d->rule->code) ||
          (cfg_rel && ol_config_file_ignores(e->cfg, cfg_rel, d->rule->code)))
        continue;
      ol_draft tmp = drafts.items[kept];
      drafts.items[kept++] = *d;
      *d = tmp;
    }
  }
  ol_free(cfg_rel);
  size_t all = drafts.len;
  if (kept > OL_MAX_FILE_RESULTS) {
    qsort(drafts.items, kept, sizeof(ol_draft), by_position);
    ol_notes_add(notes, OL_NOTE_WARNING, rel, 0,
                 ol_format("%zu more findings in this file were left out: at most %d are "
                           "reported per file",
                           kept - OL_MAX_FILE_RESULTS, OL_MAX_FILE_RESULTS));
    kept = OL_MAX_FILE_RESULTS;
  }
  drafts.len = kept;
  ol_fixes_from_drafts(e, file, src, facts, &drafts, out, notes);
  drafts.len = all;
  ol_drafts_free(&drafts);
  ol_vec_free(&noqas);
}

static const char *lazy_name(ol_lazy l) {
  static const char *const names[] = {"select",    "joined",       "selectin", "subquery",
                                      "immediate", "raise/noload", "dynamic",  "write_only"};
  return names[l];
}

/* Names and paths come from the analysed files: printed for a terminal,
 * their control characters are replaced. */
static const char *shown(char **keep, const char *s) {
  ol_free(*keep);
  return *keep = ol_text_printable(s, 0, NULL);
}

void ol_engine_write_models(const ol_engine *e, FILE *out) {
  char *a = NULL, *b = NULL, *c = NULL;
  size_t models = 0, rels = 0;
  for (size_t i = 0; i < e->index.classes.len; i++) {
    const ol_model *m = &e->index.classes.items[i];
    if (!m->is_model)
      continue;
    models++;
    fprintf(out, "%s  (%s:%u)\n", shown(&a, m->name), shown(&b, m->path), m->cls->line);
    for (size_t j = 0; j < e->index.relations.len; j++) {
      const ol_relation *r = &e->index.relations.items[j];
      /* Same-named classes in other files own their own relationships. */
      if (strcmp(r->owner, m->name) != 0 ||
          (!r->from_backref && !r->inherited && strcmp(r->path, m->path) != 0))
        continue;
      rels++;
      fprintf(out, "  .%s -> %s  %s, lazy=%s%s  (%s:%u)\n", shown(&a, r->name),
              shown(&b, r->target ? r->target : "?"), r->collection ? "collection" : "scalar",
              lazy_name(r->lazy), r->from_backref ? ", backref" : "", shown(&c, r->path), r->line);
    }
  }
  ol_free(a);
  ol_free(b);
  ol_free(c);
  fprintf(out, "%zu models, %zu relationships\n", models, rels);
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* What a unit's facts are, across runs: a scan's facts are those of its
 * content (the cache's key covers the binary and the settings), or none. */
uint64_t ol_unit_facts_key(const ol_unit *u) {
  if (u->status != OL_OK || !u->parsed)
    return 0;
  uint64_t k = ol_fnv(u->hash, &u->len, sizeof u->len);
  return k == UINT64_MAX || k == 0 ? 1 : k;
}

static void *lookups_worker(void *arg) {
  ol_index_resolve_lookups(arg);
  return NULL;
}

void ol_engine_reindex(ol_engine *e) { ol_engine_reindex_beside(e, NULL); }

void ol_engine_reindex_beside(ol_engine *e, void (*beside)(ol_engine *)) {
  double t0 = now_ms();
  ol_stat_add(OL_STAT_INDEX_BUILDS, 1);
  ol_index_free(&e->index);
  memset(&e->index, 0, sizeof e->index);
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  e->index.jobs = e->cfg->jobs > 0 ? e->cfg->jobs : (int)(cores > 0 ? cores : 1);
  for (size_t i = 0; i < e->cfg->n_model_bases; i++) /* config model-bases: roots like db.Model */
    ol_vec_push(&e->index.declarative_bases, e->cfg->model_bases[i]);
  for (size_t i = 0; i < e->units.len; i++) {
    const ol_fixing *fx = e->fixing ? e->fixing[i] : NULL;
    ol_index_add(&e->index, e->units.items[i].rel,
                 fx && fx->changed ? &fx->facts : &e->units.items[i].facts);
  }
  ol_index_link(&e->index);
  double t1 = now_ms();
  if (e->fixing) { /* facts as fixed so far: no generations for those */
    ol_index_summarize(&e->index);
  } else {
    uint64_t *gen = ol_malloc((e->units.len ? e->units.len : 1) * sizeof *gen);
    for (size_t i = 0; i < e->units.len; i++)
      gen[i] = e->cache ? ol_unit_facts_key(&e->units.items[i]) : e->units.items[i].gen;
    ol_index_summarize_cached(&e->index, &e->resolved, gen);
    ol_free(gen);
  }
  pthread_t t;
  bool apart =
      beside && e->index.jobs > 1 && pthread_create(&t, NULL, lookups_worker, &e->index) == 0;
  if (!apart)
    ol_index_resolve_lookups(&e->index);
  if (beside)
    beside(e);
  if (apart)
    pthread_join(t, NULL);
  e->ms_index += t1 - t0;
  e->ms_summaries += now_ms() - t1;
}

/* Per unit: whether a lookup anywhere in the project keys on a column it
 * declares (ORM007 reports there). Caller frees. */
static bool *units_with_lookup_keys(const ol_engine *e) {
  const ol_index *ix = &e->index;
  bool *has = ol_calloc(e->units.len ? e->units.len : 1, sizeof *has);
  for (size_t k = 0; k < ix->key_uses.len; k++)
    has[ix->classes.items[ix->key_uses.items[k].owner].file] = true;
  return has;
}

/* Whether a call made in a loop of unit i reaches a function of the project. */
static bool calls_in_loops_resolve(const ol_engine *e, size_t i) {
  const ol_index_file *f = &e->index.files.items[i];
  for (size_t c = 0; c < f->facts->calls.len; c++)
    if (f->facts->calls.items[c].loop >= 0 && f->call_target[c] >= 0)
      return true;
  return false;
}

/* Many `x.query(Model)` calls on receivers that are no known session, and
 * few queries recognised: the project names its sessions otherwise. Said
 * once, with the setting that helps (DESIGN.md "Real code"). */
static void note_unknown_sessions(const ol_engine *e, ol_notes *notes) {
  size_t unknown = 0, known = 0;
  for (size_t i = 0; i < e->units.len; i++) {
    unknown += e->units.items[i].facts.unknown_query_calls;
    known += e->units.items[i].facts.queries.len;
  }
  if (unknown < 10 || unknown <= 2 * known)
    return;
  ol_notes_add(
      notes, OL_NOTE_WARNING, ".", 0,
      ol_format("%zu calls of `.query(...)` are on receivers that are no session ormlint "
                "knows, and only %zu queries were recognised: if the project's sessions "
                "go by another name, set `session-names` in [tool.ormlint] (a PCRE2 "
                "pattern over the receiver, e.g. \"(?:^|\\\\.)(?:session|Session|my_sess)$\")",
                unknown, known));
}

/* ---- the checks, on every core ------------------------------------------
 * The units are checked CHECK_CHUNK at a time: their sources read (one
 * thread), then checked on jobs threads, each with its own parser and its
 * own findings and notes, then merged in unit order (what one thread would
 * have made, in that order) and their sources freed. Rules read other files
 * through ol_engine_source and ol_engine_aux_source, under sources_lock. */
#define CHECK_CHUNK 64

typedef struct {
  ol_findings findings;
  ol_notes notes;
  bool todo;
} unit_out;

typedef struct {
  ol_engine *e;
  unit_out *out;
  size_t first, n;
  _Atomic size_t next;
} check_job;

static _Thread_local TSParser *tl_parser;

TSParser *ol_engine_parser(ol_engine *e) { return tl_parser ? tl_parser : e->parser; }

static void check_one(ol_engine *e, size_t i, unit_out *o) {
  ol_unit *u = &e->units.items[i];
  ol_engine_check_unit(e, &u->src, (uint32_t)i, &u->facts, &o->findings, &o->notes);
}

/* The units of the job not taken yet, one by one. */
static void check_share(check_job *j) {
  for (size_t k; (k = atomic_fetch_add(&j->next, 1)) < j->n;)
    if (j->out[k].todo)
      check_one(j->e, j->first + k, &j->out[k]);
}

/* A thread of its own: its parser (the scanning thread's share uses e->parser). */
static void *check_worker(void *arg) {
  tl_parser = ol_parser_new();
  check_share(arg);
  ts_parser_delete(tl_parser);
  tl_parser = NULL;
  return NULL;
}

static void check_units(ol_engine *e, ol_findings *findings, ol_notes *notes, ol_report *out,
                        bool *io_error) {
  bool *keyed = units_with_lookup_keys(e);
  size_t jobs = (size_t)e->index.jobs; /* -j, else the cores (ol_engine_reindex_beside) */
  (void)target_sqlalchemy(e);          /* read once, before the threads */
  unit_out *o = ol_calloc(CHECK_CHUNK, sizeof *o);
  for (size_t first = 0; first < e->units.len; first += CHECK_CHUNK) {
    size_t n = e->units.len - first < CHECK_CHUNK ? e->units.len - first : CHECK_CHUNK, todo = 0;
    for (size_t k = 0; k < n; k++) {
      size_t i = first + k;
      ol_unit *u = &e->units.items[i];
      unit_notes(u, &o[k].notes, io_error);
      if (u->checked && u->status == OL_OK)
        out->files_analyzed++;
      if (u->checked && u->status == OL_OK && u->pending)
        out->files_unparsed++;
      if (!u->have_src && u->checked && u->status == OL_OK &&
          (u->may_report || calls_in_loops_resolve(e, i) || u->orm_noqa || keyed[i])) {
        uint32_t errors; /* read again: it may have findings */
        ol_engine_source(e, (uint32_t)i, &errors);
      }
      o[k].todo = u->have_src;
      todo += o[k].todo;
    }
    check_job job = {.e = e, .out = o, .first = first, .n = n};
    atomic_init(&job.next, 0);
    size_t threads = jobs < todo ? jobs : todo, started = 0;
    pthread_t t[64];
    if (threads > 64)
      threads = 64;
    if (threads > 1) {
      e->checks_apart = true;
      for (; started + 1 < threads; started++)
        if (pthread_create(&t[started], NULL, check_worker, &job) != 0)
          break;
    }
    check_share(&job); /* this thread takes its share, with e->parser */
    for (size_t k = 0; k < started; k++)
      pthread_join(t[k], NULL);
    e->checks_apart = false;
    for (size_t k = 0; k < n; k++) {
      size_t i = first + k;
      ol_unit *u = &e->units.items[i];
      if (!o[k].todo && u->have_src) /* read meanwhile for another file's finding */
        check_one(e, i, &o[k]);
      if (u->changed) {
        ol_notes_add(
            &o[k].notes, OL_NOTE_ERROR, u->rel, 0,
            ol_strdup("not analysed: the file changed or vanished while it was being analysed"));
        *io_error = true;
      }
      for (size_t f = 0; f < o[k].findings.len; f++)
        ol_vec_push(findings, o[k].findings.items[f]);
      for (size_t f = 0; f < o[k].notes.len; f++)
        ol_vec_push(notes, o[k].notes.items[f]);
      ol_vec_free(&o[k].findings);
      ol_vec_free(&o[k].notes);
      o[k].todo = false;
      if (u->have_src && e->cfg->fix_mode == OL_FIXMODE_NONE) {
        ol_source_free(&u->src); /* findings own their text; a fix needs it no more */
        u->have_src = false;
      }
    }
  }
  ol_free(o);
  ol_free(keyed);
}

ol_status ol_engine_scan(ol_engine *e, char *const *paths, size_t n, ol_report *out) {
  static char *const here[] = {"."};
  if (!n)
    paths = here, n = 1;
  memset(out, 0, sizeof *out);
  e->root = ol_project_root(e->fs, paths[0], &e->root_marked);
  ol_notes notes = {0};
  ol_findings findings = {0};
  bool io_error = false;
  double t0 = now_ms();
  e->prefilter = !e->cfg->no_prefilter && ol_prefilter_applies(e->cfg);
  e->early_ok = !e->cfg->no_cache && e->root_marked && e->fs->mkdir && e->fs->cache_dir;
  gather(e, paths, n, &notes, &io_error);
  double t0c = now_ms();
  const char *cache_why = "off";
  if (e->early_ok) {
    const char *refused;
    ol_engine_pass1_early(e, true); /* the edited files' parse, while the cache is read */
    e->cache = ol_cache_open(e->fs, e->root, e->cfg, &cache_why, &refused);
    if (e->cache)
      e->calls_cached = ol_cache_load_calls(e->cache, &e->resolved);
    if (refused) /* a cache the repository planted, or one that is not ours: run without */
      ol_notes_add(&notes, OL_NOTE_WARNING, ".ormlint_cache", 0,
                   ol_format("cache not used: %s (ormlint runs without it)", refused));
  }
  double t1 = now_ms();
  ol_engine_pass1(e);
  double t2 = now_ms();
  if (e->cache)
    ol_engine_save_cache(e);
  double t3 = now_ms();
  note_unknown_sessions(e, &notes);
  check_units(e, &findings, &notes, out, &io_error);
  if (getenv("ORMLINT_TIMINGS")) {
    size_t funcs = e->index.funcs.len, calls = 0, reads = 0, arena = 0;
    for (size_t i = 0; i < e->index.files.len; i++) {
      const ol_file_facts *f = e->index.files.items[i].facts;
      calls += f->calls.len;
      reads += f->param_reads.len;
      arena += ol_arena_bytes(&f->arena);
    }
    fprintf(stderr,
            "ormlint timings: discover %.1f ms (cache read %.1f ms), pass 1 (read, parse, facts; "
            "index) %.1f ms, index %.1f "
            "ms, "
            "call summaries %.1f ms (%zu functions, %zu calls, %zu parameter reads), checks %.1f "
            "ms; %zu files, %.1f MB of fact strings\n"
            "ormlint prefilter: %s, %zu files not parsed (no ORM token, no name that matters), %zu "
            "rounds, %zu names; cache: %s %s, %zu files from it, written in %.1f ms; calls of "
            "%zu of %zu files resolved (%s)\n",
            t0c - t0, t1 - t0c, t2 - t1, e->ms_index, e->ms_summaries, funcs, calls, reads,
            now_ms() - t3, e->units.len, arena / 1048576.0, e->prefilter ? "on" : "off", e->skipped,
            e->rounds, e->names.len, e->cache ? "on" : "off", *cache_why ? cache_why : "",
            e->from_cache, t3 - t2, e->resolved.resolved, e->units.len,
            e->calls_cached ? "the rest from the cache" : "no cache of them");
  }
  if (getenv("ORMLINT_STATS"))
    ol_stats_print(stderr);
  out->findings = findings.items;
  out->n_findings = findings.len;
  out->notes = notes.items;
  out->n_notes = notes.len;
  out->execution_successful = !io_error;
  out->root = ol_strdup(e->root);
  ol_report_sort(out);
  return io_error ? OL_ERR_IO : OL_OK;
}

/* ---- a workspace for the language server --------------------------------- */

ol_status ol_engine_open(ol_engine *e, const char *root) {
  ol_free(e->root);
  e->root = ol_path_absolute(root);
  e->root_marked = true;
  ol_discovery d = {.cfg = e->cfg, .root = e->root}; /* exclude applies in the editor too */
  ol_discover(e->fs, e->root, &d);
  ol_discovery_finish(&d);
  add_units(e, &d, true); /* every file may get a fix from an open one */
  ol_discovery_free(&d);
  ol_engine_pass1(e);
  return OL_OK;
}

int ol_engine_unit_of(ol_engine *e, const char *abs_path, bool create) {
  char *rel = ol_path_relative(e->root, abs_path);
  for (size_t i = 0; i < e->units.len; i++)
    if (!strcmp(e->units.items[i].rel, rel)) {
      ol_free(rel);
      return (int)i;
    }
  if (!create) {
    ol_free(rel);
    return -1;
  }
  ol_unit u = {.path = ol_strdup(abs_path), .rel = rel, .checked = true, .status = OL_ERR_IO};
  ol_vec_push(&e->units, u);
  return (int)e->units.len - 1;
}

TSTree *ol_engine_set_text(ol_engine *e, int unit, const char *text, uint32_t len,
                           const TSTree *old) {
  ol_unit *u = &e->units.items[unit];
  if (u->have_src)
    ol_source_free(&u->src);
  ol_facts_free(&u->facts);
  memset(&u->facts, 0, sizeof u->facts);
  ol_source_init(&u->src, ol_strndup(text, len), len);
  u->src.path = ol_strdup(u->path);
  u->src.rel = ol_strdup(u->rel);
  u->have_src = true;
  u->status = OL_OK;
  u->changed = false;
  u->len = len;
  u->hash = ol_content_hash(text, len);
  u->gen++;
  if (ol_jinja_has_template_ext(u->rel)) { /* a template: no Python tree to keep */
    ol_jinja_facts(u->src.bytes, len, &u->facts);
    u->may_report = true;
    return NULL;
  }
  TSTree *tree = ol_parse_again(e->parser, old, text, len);
  ol_walk_file_memo(e->cfg, tree, u->src.bytes, len, &u->facts, &u->memo);
  u->may_report = true;
  return tree;
}

void ol_engine_reload(ol_engine *e, int unit) {
  ol_unit *u = &e->units.items[unit];
  u->gen++;
  if (u->have_src)
    ol_source_free(&u->src);
  u->have_src = false;
  ol_facts_free(&u->facts);
  memset(&u->facts, 0, sizeof u->facts);
  ol_free(u->err_message);
  u->err_message = NULL;
  if ((size_t)unit < e->n_aux && e->aux[unit]) {
    ol_source_free(e->aux[unit]);
    ol_free(e->aux[unit]);
    e->aux[unit] = NULL;
  }
  ol_engine_pass1_unit(e, e->parser, u);
}

void ol_engine_set_lazy_fixes(ol_engine *e, bool lazy) { e->lazy_fixes = lazy; }

void ol_engine_check_one(ol_engine *e, int unit, ol_report *out) {
  memset(out, 0, sizeof *out);
  ol_findings findings = {0};
  ol_notes notes = {0};
  ol_unit *u = &e->units.items[unit];
  if (u->have_src)
    ol_engine_check_unit(e, &u->src, (uint32_t)unit, &u->facts, &findings, &notes);
  out->findings = findings.items;
  out->n_findings = findings.len;
  out->notes = notes.items;
  out->n_notes = notes.len;
  out->execution_successful = true;
  out->root = ol_strdup(e->root);
  ol_report_sort(out);
}
