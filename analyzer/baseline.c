/* Baselines: the (rule, path, fingerprint) triples of a SARIF log, matched
 * against a report's findings. A triple matches at most as many findings
 * as the baseline had of it. */
#include "baseline.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "fsys.h"

#define MAX_BASELINE_BYTES (256u << 20)

typedef struct {
  char *key; /* "rule\npath\nfingerprint" */
  size_t count;
} entry;

struct ol_baseline {
  OL_VEC(entry) entries; /* sorted by key */
};

static int by_key(const void *a, const void *b) {
  return strcmp(((const entry *)a)->key, ((const entry *)b)->key);
}

static char *key_of(const char *rule, const char *path, const char *fingerprint) {
  return ol_format("%s\n%s\n%s", rule, path, fingerprint);
}

/* A SARIF artifact URI is percent-encoded (`my%20views.py`); findings carry
 * the path itself. A "%" not followed by two hex digits is kept as it is. */
static char *uri_decoded(const char *uri) {
  ol_buf b = {0};
  for (const char *p = uri; *p; p++) {
    if (p[0] == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2])) {
      char hex[3] = {p[1], p[2], 0};
      ol_buf_putc(&b, (char)strtol(hex, NULL, 16));
      p += 2;
    } else {
      ol_buf_putc(&b, *p);
    }
  }
  return ol_buf_take(&b);
}

static const char *string_at(const cJSON *o, const char *name) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
  return cJSON_IsString(v) ? v->valuestring : NULL;
}

ol_status ol_baseline_load(const char *path, ol_baseline **out, ol_error *err) {
  char *text = NULL;
  size_t len = 0;
  struct stat st;
  if (ol_fs_posix.read_all(path, MAX_BASELINE_BYTES, &text, &len, &st) != 0) {
    ol_error_set(err, path, 0, "--baseline %s: cannot read it", path);
    return OL_ERR_USAGE;
  }
  cJSON *log = cJSON_ParseWithLength(text, len);
  ol_free(text);
  const cJSON *runs = log ? cJSON_GetObjectItemCaseSensitive(log, "runs") : NULL;
  if (!cJSON_IsArray(runs)) {
    cJSON_Delete(log);
    ol_error_set(err, path, 0, "--baseline %s: not a SARIF log (no runs)", path);
    return OL_ERR_USAGE;
  }
  ol_baseline *b = ol_calloc(1, sizeof *b);
  const cJSON *run;
  cJSON_ArrayForEach(run, runs) {
    const cJSON *result, *results = cJSON_GetObjectItemCaseSensitive(run, "results");
    cJSON_ArrayForEach(result, results) {
      const cJSON *fps = cJSON_GetObjectItemCaseSensitive(result, "partialFingerprints");
      const char *rule = string_at(result, "ruleId");
      const char *fp = fps ? string_at(fps, "primaryLocationLineHash") : NULL;
      const cJSON *locs = cJSON_GetObjectItemCaseSensitive(result, "locations");
      const cJSON *phys =
          cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(locs, 0), "physicalLocation");
      const char *uri =
          string_at(cJSON_GetObjectItemCaseSensitive(phys, "artifactLocation"), "uri");
      if (!rule || !fp || !uri)
        continue;
      char *file = uri_decoded(uri);
      entry e = {.key = key_of(rule, file, fp), .count = 1};
      ol_free(file);
      ol_vec_push(&b->entries, e);
    }
  }
  cJSON_Delete(log);
  if (b->entries.len > 1)
    qsort(b->entries.items, b->entries.len, sizeof(entry), by_key);
  /* Equal keys (the same line text twice is numbered, so rare): one entry, counted. */
  size_t kept = 0;
  for (size_t i = 0; i < b->entries.len; i++) {
    if (kept && !strcmp(b->entries.items[kept - 1].key, b->entries.items[i].key)) {
      b->entries.items[kept - 1].count++;
      ol_free(b->entries.items[i].key);
    } else {
      b->entries.items[kept++] = b->entries.items[i];
    }
  }
  b->entries.len = kept;
  *out = b;
  return OL_OK;
}

size_t ol_baseline_filter(const ol_baseline *b, ol_report *report) {
  size_t *used = ol_calloc(b->entries.len ? b->entries.len : 1, sizeof(size_t));
  size_t kept = 0, dropped = 0;
  for (size_t i = 0; i < report->n_findings; i++) {
    ol_finding *f = &report->findings[i];
    entry probe = {.key = key_of(f->rule->code, f->path, f->fingerprint ? f->fingerprint : "")};
    const entry *hit =
        b->entries.len ? bsearch(&probe, b->entries.items, b->entries.len, sizeof(entry), by_key)
                       : NULL;
    ol_free(probe.key);
    size_t at = hit ? (size_t)(hit - b->entries.items) : 0;
    if (hit && used[at] < hit->count) {
      used[at]++;
      ol_finding_free(f);
      dropped++;
      continue;
    }
    report->findings[kept++] = *f;
  }
  report->n_findings = kept;
  ol_free(used);
  return dropped;
}

void ol_baseline_free(ol_baseline *b) {
  if (!b)
    return;
  for (size_t i = 0; i < b->entries.len; i++)
    ol_free(b->entries.items[i].key);
  ol_vec_free(&b->entries);
  ol_free(b);
}
