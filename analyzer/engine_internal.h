/* Engine state shared by engine.c (scan), fixes.c (drafts -> findings) and
 * apply.c (writing fixes). Not a public header. */
#ifndef OL_ENGINE_INTERNAL_H
#define OL_ENGINE_INTERNAL_H

#include <pthread.h>

#include "engine.h"
#include "facts.h"
#include "index.h"
#include "prefilter.h"
#include "rule.h"
#include "source.h"
#include "syntax.h"
#include "walk.h"

typedef OL_VEC(ol_finding) ol_findings;
typedef OL_VEC(ol_notification) ol_notes;

typedef struct {
  char *path;   /* as opened */
  char *rel;    /* relative to the root */
  bool checked; /* reported on (else only indexed) */
  ol_status status;
  char *err_message; /* why it could not be read (status not OL_OK) */
  uint32_t err_line;
  uint32_t error_line, bad_utf8_line; /* first syntax error / invalid UTF-8, 0 if none */
  ol_file_facts facts;
  ol_source src; /* kept for checked files that may have findings (read again when needed) */
  bool have_src;
  bool may_report; /* pass 1 found something a rule may report */
  bool changed;    /* read again, it was no longer what pass 1 saw */
  uint32_t len;    /* what pass 1 read: length and hash, to tell a changed file */
  uint64_t hash;
  ol_walk_memo *memo; /* the editor's: its top-level functions' facts, for the next edit */
  uint64_t gen;       /* bumped whenever its facts are made again (the resolve cache) */
  bool parsed;        /* facts is what a parse of it recorded (now or, cached, in an earlier run) */
  bool pending;       /* not parsed: no ORM token, no name that matters (yet) */
  bool cache_skip;    /* pending as the cache says: no name of the cached name set in it */
  bool cached;        /* its entry came from the cache */
  bool cache_refused; /* its cache record failed the checks: parsed, not looked up again */
  bool orm_noqa;      /* a `# noqa` names an ORM code: ORM100 judges it, whatever else is there */
  int64_t size, mtime_ns; /* when read or found in the cache: the cache's key */
  /* The prefilter's byte scan of a pending file: the modules its import
   * lines name, and whether it holds a weak token (prefilter.h). */
  ol_import_refs refs;
  bool scanned, weak;
  /* Left unparsed only because no import connects it: it holds a weak token
   * or a name that matters, so the cache must not record it as skipped. */
  bool unlinked_skip;
} ol_unit;

/* A file while fixes are applied to it: its text and facts as fixed so far. */
typedef struct {
  ol_source cur;
  ol_file_facts facts;
  bool changed, refused;
  size_t fixed; /* fixes applied */
  uint32_t base_errors;
} ol_fixing;

struct ol_engine {
  const ol_config *cfg;
  const ol_fs *fs;
  char *root;
  bool root_marked; /* a project marker was found: index the whole root */
  OL_VEC(ol_unit) units;
  ol_index index;
  ol_resolve_cache resolved;     /* calls resolved by the last re-index (the editor's) */
  TSParser *parser;              /* the calling thread's */
  double ms_index, ms_summaries; /* time spent building the index and the call summaries */
  ol_fixing **fixing;            /* per unit while ol_engine_apply runs, else NULL */
  ol_source **aux;               /* per unit: read again for positions in it, else NULL */
  size_t n_aux;
  int sqla;           /* the SQLAlchemy fixes are written for (requirements.h), -1 until read */
  bool lazy_fixes;    /* findings without their fixes (the editor asks for them one by one) */
  bool prefilter;     /* parse only what may matter (prefilter.h) */
  bool parse_checked; /* the checked files are few: parsed whatever their tokens */
  ol_name_set tokens, names; /* the ORM tokens; the names that matter, as the last round saw them */
  ol_name_set classes;       /* of names, those a class statement links by name alone */
  ol_name_set called;        /* of names, those any call or read links by name alone */
  ol_name_set probes;        /* of names, what commits' loops call unresolved (prefilter.h) */
  const ol_modgraph *graph;  /* during the prefilter's rounds: the project's modules */
  const bool *linked;        /* during a round, per unit: a source (pass1.c) imports it */
  const bool *parsed_now;    /* during a round, per unit: a source when the round began */
  bool *seeds;               /* during the rounds, per unit: what ol_prefilter_names says */
  struct ol_round_memo *memo; /* during the rounds, per unit: its name scans so far (pass1.c) */
  bool seeds_known;          /* seeds are those of the last names */
  struct ol_cache *cache;    /* .ormlint_cache/ of the project, NULL when not used */
  bool names_cached;         /* every name of names is in the cache's name set */
  bool rounds_exhausted;     /* past OL_MAX_ROUNDS: every file still pending is parsed */
  bool calls_cached;         /* resolved came from .ormlint_cache/calls */
  size_t rounds, skipped, from_cache;
  /* The few checked files read and parsed on a thread of their own while
   * the cache is opened and read (pass1.c, ol_engine_pass1_early). */
  struct ol_early *early;
  size_t n_early;
  pthread_t early_thread;
  bool early_running;
  bool early_ok; /* a scan with a cache: the early units may start */
  /* While the checks run on several threads: held by ol_engine_source and
   * ol_engine_aux_source, which read files for any of them. */
  pthread_mutex_t sources_lock;
  bool checks_apart;
};

/* Pass 1 (analyzer/pass1.c): every unit's facts (from the cache, or read
 * and parsed where the prefilter lets it), and the project index. */
void ol_engine_pass1(ol_engine *e);
/* Before the cache is opened: when a few checked files are parsed whatever
 * the cache says of the rest (pre-commit's staged files), reads and parses
 * them on a thread of their own meanwhile; ol_engine_pass1 takes what that
 * made for each one the cache does not hold unchanged, and drops the rest.
 * Before the rest of the project is discovered (project_known false), on
 * their count alone: facts of the text pass 1 reads are what its parse
 * would make, whether it parses them or not. */
void ol_engine_pass1_early(ol_engine *e, bool project_known);
/* Reads and parses one unit, no prefilter, no cache (the editor's reload). */
void ol_engine_pass1_unit(ol_engine *e, TSParser *p, ol_unit *u);
/* As ol_engine_reindex, then beside(e) while the lookups' keys are
 * resolved (ol_index_resolve_lookups), on two threads when the jobs allow:
 * beside may read the index but none of key_uses, uses_by_query and the
 * lineages, which that step makes. */
void ol_engine_reindex_beside(ol_engine *e, void (*beside)(ol_engine *));
/* Writes the project's cache when the run learnt what it does not hold. */
void ol_engine_save_cache(ol_engine *e);
/* The key of a unit's facts in the resolve cache of a scan with a cache. */
uint64_t ol_unit_facts_key(const ol_unit *u);
/* FNV-1a of a file's bytes: tells a file changed since pass 1 read it. */
uint64_t ol_content_hash(const char *s, uint32_t n);
/* Parses src and records its facts (pass 1 for one file). */
void ol_engine_facts(const ol_config *cfg, TSParser *p, const ol_source *src, ol_file_facts *facts);
/* Runs the selected rules on one file and turns their drafts into findings;
 * file: the unit's index, which is its index in e->index.files. */
void ol_engine_check_unit(ol_engine *e, const ol_source *src, uint32_t file,
                          const ol_file_facts *facts, ol_findings *out, ol_notes *notes);
/* Turns drafts into findings: positions, snippets, fixes validated by re-parsing. */
void ol_fixes_from_drafts(ol_engine *e, uint32_t file, const ol_source *src,
                          const ol_file_facts *facts, ol_drafts *drafts, ol_findings *out,
                          ol_notes *notes);
/* The current source of a checked file (as fixed so far while fixes are
 * applied) and its syntax error count; NULL for a file not checked or unreadable. */
const ol_source *ol_engine_source(ol_engine *e, uint32_t file, uint32_t *parse_errors);
/* The parser of the calling thread: its own while the checks run on several. */
TSParser *ol_engine_parser(ol_engine *e);
/* The facts of the text ol_engine_source gives. */
const ol_file_facts *ol_engine_facts_of(const ol_engine *e, uint32_t file);
/* The current text of any file of the project, for positions (read again
 * and kept until the engine is freed); NULL when unreadable or changed. */
const ol_source *ol_engine_aux_source(ol_engine *e, uint32_t file);
/* src with edits applied (sorted by start, disjoint); caller frees. */
char *ol_fixes_apply_edits(const char *src, uint32_t len, const ol_replacement *edits, size_t n,
                           uint32_t *out_len);
void ol_notes_add(ol_notes *notes, ol_note_level level, const char *path, uint32_t line,
                  char *message);
void ol_report_sort(ol_report *r);

#endif
