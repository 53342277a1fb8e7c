/* The persistent cache, .ormlint_cache/ at the project root: what pass 1
 * learnt of each file (its facts and syntax errors, or that the prefilter
 * found nothing in it), keyed by path, size and modification time, the
 * content hash deciding when those changed. One file, written whole through
 * a temporary file renamed over it; a checksum over everything, so a
 * truncated or damaged cache is ignored, never trusted, and every record
 * is checked before use (ol_facts_valid). It is invalid as a whole when the
 * binary, ormlint's version, the facts' layout or the settings that shape
 * the facts change, and outside the directory it was written in. Beside
 * it, .ormlint_cache/calls keeps every file's resolved calls (index.h,
 * ol_resolve_cache: reused while what their resolution read is the same),
 * under the same key and checksum. Findings are not cached: the index, the
 * summaries' fixpoint and the checks run on every run. */
#ifndef OL_CACHE_H
#define OL_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "facts.h"
#include "fsys.h"
#include "index.h"
#include "prefilter.h"

typedef struct ol_cache ol_cache;

/* What the cache keeps of a file besides its facts. */
typedef struct {
  bool parsed;  /* else the prefilter skipped it */
  uint32_t len; /* its length and content hash */
  uint64_t hash;
  uint32_t error_line, bad_utf8_line; /* first syntax error, invalid UTF-8; 0 if none */
  bool orm_noqa;                      /* a `# noqa` names an ORM code */
} ol_cache_meta;

/* One file for ol_cache_save (all borrowed). */
typedef struct {
  const char *rel;
  int64_t size, mtime_ns;
  ol_cache_meta meta;
  const ol_file_facts *facts; /* parsed files */
} ol_cache_item;

/* The cache of the project at root, loaded when present and valid (empty
 * otherwise; why says what was wrong, for ORMLINT_TIMINGS: "", "missing",
 * "stale", "corrupt"). NULL when root/.ormlint_cache is there but is no
 * directory of this user's (a symbolic link, a file, another user's):
 * *refused (static) then says which, for a notification. Free with
 * ol_cache_free. Everything it reads and writes is relative to the
 * directory opened here once, without following a link (fs->cache_dir). */
ol_cache *ol_cache_open(const ol_fs *fs, const char *root, const ol_config *cfg, const char **why,
                        const char **refused);
void ol_cache_free(ol_cache *c);
/* The entry of rel when it has this size and mtime, or (hash_known) this
 * length and content hash: fills meta and, for a parsed file, *facts (which
 * the caller frees with ol_facts_free; all of them when checked, else as
 * ol_facts_deserialize_for leaves them). *refused (when not NULL) says the
 * entry matched but its record failed the checks: a lookup of it by the
 * other key would fail them again. Safe to call from several threads. */
bool ol_cache_find(const ol_cache *c, const char *rel, int64_t size, int64_t mtime_ns,
                   bool hash_known, uint32_t len, uint64_t hash, bool checked, ol_cache_meta *meta,
                   ol_file_facts *facts, bool *refused);
/* The names the prefilter checked the skipped files of the cache against. */
const ol_name_set *ol_cache_names(const ol_cache *c);
/* Writes the cache: items, and names (what every skipped item was checked
 * against). Creates the directory and its .gitignore. Returns 0 or an errno
 * value; a cache that cannot be written is only slower next time. */
int ol_cache_save(ol_cache *c, const ol_cache_item *items, size_t n, const ol_name_set *names);
/* A cache larger than the reader accepts (1 GiB) is not written: EFBIG, the
 * previous file left as it was. Tests lower the limit (bytes, at most 1 GiB). */
void ol_cache_set_write_limit(ol_cache *c, size_t bytes);
/* The number of files the cache holds. */
size_t ol_cache_count(const ol_cache *c);

/* The checksum of the cache's files (after their 32-byte header). */
uint64_t ol_cache_checksum(const char *s, size_t n);

/* The resolved calls of the last run (.ormlint_cache/calls) into *out
 * (emptied first); false, *out empty, when missing, stale or damaged. Each
 * entry is checked against the index before use (ol_resolved_calls_valid). */
bool ol_cache_load_calls(ol_cache *c, ol_resolve_cache *out);
/* Writes .ormlint_cache/calls; 0 or an errno value. */
int ol_cache_save_calls(ol_cache *c, const ol_resolve_cache *rc);
/* The record of .ormlint_cache/calls (after its header), and back. */
void ol_calls_serialize(const ol_resolve_cache *rc, ol_buf *out);
bool ol_calls_deserialize(const char *s, size_t n, ol_resolve_cache *out);

/* Serialises facts to a buffer and back (the cache's record format). */
void ol_facts_serialize(const ol_file_facts *f, ol_buf *out);
/* Reads facts from s[0..n); false (facts left empty) when s is malformed.
 * Their strings point into s, which must outlive them (the cache's bytes
 * live until ol_cache_free, after the units that hold its facts). */
bool ol_facts_deserialize(const char *s, size_t n, ol_file_facts *f);
/* As ol_facts_deserialize; unless checked (the file's own checks will run
 * on them), the tables only those checks read are left empty: count_stmts
 * (ORM004's, on ctx->facts). A table read across files (by the index, the
 * summaries, a rule looking at a callee) must never be listed here. */
bool ol_facts_deserialize_for(const char *s, size_t n, ol_file_facts *f, bool checked);
/* As ol_facts_deserialize_for, the tables laid in region (at least n bytes,
 * 8-aligned; NULL: the heap), which must outlive the facts: then
 * f->borrowed is set and ol_facts_free leaves the tables; *used (unless
 * NULL) gets the bytes of region they took (a multiple of 8). A warm run
 * reads megabytes of tables: in one region of large pages, the fresh memory
 * costs a few page faults rather than one per 4 KiB. */
bool ol_facts_deserialize_in(const char *s, size_t n, ol_file_facts *f, bool checked, char *region,
                             size_t *used);
/* Whether facts read back from a record are what the walker could have
 * made of a file of len bytes (analyzer/cache_check.c): indices inside
 * their tables, spans inside the file, enums and flags in range, the
 * names users read unchecked present. */
bool ol_facts_valid(const ol_file_facts *f, uint32_t len);

#endif
