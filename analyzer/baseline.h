/* A baseline: the findings of an earlier run (a SARIF log), by rule, path
 * and line-hash fingerprint, so that only new findings are reported. Moving
 * a line does not change its fingerprint; changing it does. */
#ifndef OL_BASELINE_H
#define OL_BASELINE_H

#include "finding.h"
#include "status.h"

typedef struct ol_baseline ol_baseline;

/* Reads the SARIF log at path. OL_ERR_USAGE with err filled when it cannot
 * be read or is not a SARIF log with fingerprints. */
ol_status ol_baseline_load(const char *path, ol_baseline **out, ol_error *err);
/* Drops the findings of report that the baseline holds; returns how many. */
size_t ol_baseline_filter(const ol_baseline *b, ol_report *report);
void ol_baseline_free(ol_baseline *b);

#endif
