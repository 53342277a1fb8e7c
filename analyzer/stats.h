/* Counts of the work a run did, for tests that must tell linear work from
 * quadratic without a clock (machines are shared: a timing flakes). Set
 * ORMLINT_STATS=1 and a scan prints them on stderr at its end, one line:
 * "ormlint stats: dirs walked N, dir set probes N, ...". Relaxed atomic
 * adds: pass 1 and the call summaries run on several threads. Counted where
 * the work is per item, never in a per-byte loop. */
#ifndef OL_STATS_H
#define OL_STATS_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

typedef enum {
  OL_STAT_DIRS_WALKED,   /* directories opened by discovery */
  OL_STAT_DIR_PROBES,    /* slots looked at in discovery's set of walked directories */
  OL_STAT_FILES_READ,    /* files pass 1 read (a cached file is not read) */
  OL_STAT_FILES_PARSED,  /* files pass 1 parsed */
  OL_STAT_INDEX_BUILDS,  /* project indexes built (one per prefilter round) */
  OL_STAT_BINDING_BYTES, /* bytes of module paths made while resolving imported names */
  OL_STAT_CACHE_REFUSED, /* cache records refused (malformed or failing the checks) */
  OL_STAT_N
} ol_stat;

extern _Atomic uint64_t ol_stats[OL_STAT_N];

static inline void ol_stat_add(ol_stat s, uint64_t n) {
  atomic_fetch_add_explicit(&ol_stats[s], n, memory_order_relaxed);
}

/* The line ORMLINT_STATS prints. */
void ol_stats_print(FILE *out);

#endif
