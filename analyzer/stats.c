/* ORMLINT_STATS: counts of work (stats.h). */
#include "stats.h"

_Atomic uint64_t ol_stats[OL_STAT_N];

void ol_stats_print(FILE *out) {
  static const char *const names[OL_STAT_N] = {
      "dirs walked",  "dir set probes", "files read",           "files parsed",
      "index builds", "binding bytes",  "cache records refused"};
  fprintf(out, "ormlint stats:");
  for (int i = 0; i < OL_STAT_N; i++)
    fprintf(out, "%s %s %llu", i ? "," : "", names[i],
            (unsigned long long)atomic_load_explicit(&ol_stats[i], memory_order_relaxed));
  fputc('\n', out);
}
