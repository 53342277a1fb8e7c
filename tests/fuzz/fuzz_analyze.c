/* libFuzzer: the whole analysis of one in-memory file, as `ormlint --fix
 * --unsafe-fixes --format sarif` runs it: read, parse, facts, index, every
 * rule, the fix builder (fixes applied in rounds, each result re-parsed,
 * written as a diff) and the SARIF and text writers. The file is served by a
 * fake ol_fs (fsys.h) from the fuzzer's buffer, so nothing touches the disk. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "engine.h"
#include "rule.h"
#include "writer.h"

#define DIR_PATH "/fuzz"
#define FILE_PATH "/fuzz/input.py"

static const uint8_t *input;
static size_t input_len;

static int fake_stat(const char *path, struct stat *st) {
  memset(st, 0, sizeof *st);
  if (!strcmp(path, DIR_PATH) || !strcmp(path, "/"))
    st->st_mode = S_IFDIR | 0755;
  else if (!strcmp(path, FILE_PATH))
    st->st_mode = S_IFREG | 0644, st->st_size = (off_t)input_len;
  else
    return errno = ENOENT, -1;
  return 0;
}

static int fake_read_all(const char *path, size_t limit, char **bytes, size_t *len,
                         struct stat *st) {
  if (strcmp(path, FILE_PATH) != 0)
    return ENOENT;
  if (input_len > limit)
    return EFBIG;
  *bytes = ol_strndup((const char *)input, input_len);
  *len = input_len;
  fake_stat(path, st);
  return 0;
}

static int fake_replace(const char *path, const char *bytes, size_t len, mode_t mode) {
  (void)path, (void)bytes, (void)len, (void)mode;
  return 0;
}

static DIR *fake_opendir(const char *path) {
  (void)path;
  errno = ENOENT;
  return NULL;
}

static const ol_fs fake_fs = {.lstat = fake_stat,
                              .stat = fake_stat,
                              .read_all = fake_read_all,
                              .replace = fake_replace,
                              .opendir = fake_opendir};

static FILE *sink(void) {
  static FILE *null;
  if (!null)
    null = fopen("/dev/null", "w");
  return null;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static ol_config cfg;
  static bool ready;
  if (!ready) {
    ol_error err;
    ol_config_init(&cfg);
    if (ol_config_compile(&cfg, &err) != OL_OK)
      return 0;
    cfg.fix_mode = OL_FIXMODE_UNSAFE;
    cfg.diff = true;
    cfg.jobs = 1;
    ready = true;
  }
  input = data;
  input_len = size;
  ol_write_opts opts = {.tool_version = "fuzz",
                        .show_fixes = true,
                        .rules = ol_rule_metas(),
                        .n_rules = ol_rule_count()};
  ol_engine *e = ol_engine_new(&cfg, &fake_fs);
  ol_report report;
  char *paths[] = {FILE_PATH};
  ol_engine_scan(e, paths, 1, &report);
  ol_writer_sarif.write(sink(), &report, &opts); /* the findings with their fixes */
  ol_fix_stats stats;
  ol_engine_apply(e, &report, sink(), &stats); /* every fix, in rounds, as a diff */
  ol_writer_text.write(sink(), &report, &opts);
  ol_report_free(&report);
  ol_engine_free(e);
  return 0;
}
