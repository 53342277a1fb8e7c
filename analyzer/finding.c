/* Freeing findings, fixes, reports, and setting error values. */
#include "finding.h"

#include <stdarg.h>
#include <stdio.h>

#include "alloc.h"
#include "status.h"

void ol_error_set(ol_error *e, const char *path, uint32_t line, const char *fmt, ...) {
  if (!e)
    return;
  snprintf(e->path, sizeof e->path, "%s", path ? path : "");
  e->line = line;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(e->message, sizeof e->message, fmt, ap);
  va_end(ap);
}

void ol_fix_free(ol_fix *fix) {
  if (!fix)
    return;
  ol_free(fix->path);
  ol_free(fix->description);
  ol_free(fix->before);
  ol_free(fix->after);
  for (size_t i = 0; i < fix->n_edits; i++)
    ol_free(fix->edits[i].inserted);
  ol_free(fix->edits);
  ol_free(fix);
}

static void free_locations(ol_location *l, size_t n) {
  for (size_t i = 0; i < n; i++) {
    ol_free(l[i].path);
    ol_free(l[i].message);
  }
  ol_free(l);
}

void ol_advice_free(ol_index_advice *a, size_t n) {
  for (size_t i = 0; i < n; i++) {
    ol_free(a[i].table);
    ol_free(a[i].column);
    for (size_t j = 0; j < a[i].n_uses; j++)
      ol_free(a[i].uses[j].where);
    ol_free(a[i].uses);
  }
  ol_free(a);
}

void ol_finding_free(ol_finding *f) {
  ol_advice_free(f->advice, f->n_advice);
  ol_free(f->path);
  ol_free(f->message);
  ol_free(f->line_text);
  ol_free(f->fingerprint);
  free_locations(f->related, f->n_related);
  free_locations(f->flow, f->n_flow);
  ol_fix_free(f->fix);
}

void ol_report_free(ol_report *r) {
  for (size_t i = 0; i < r->n_findings; i++)
    ol_finding_free(&r->findings[i]);
  ol_free(r->findings);
  for (size_t i = 0; i < r->n_notes; i++) {
    ol_free(r->notes[i].path);
    ol_free(r->notes[i].message);
  }
  ol_free(r->notes);
  ol_free(r->root);
  *r = (ol_report){0};
}
