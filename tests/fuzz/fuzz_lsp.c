/* libFuzzer: the language server's message reader and dispatcher over one
 * input stream (Content-Length framing, JSON-RPC, every method it serves:
 * didOpen/didChange with range edits, codeAction, hover, watched files).
 * The workspace is a fake ol_fs that holds nothing, so no message can make
 * the server read or write the real disk; responses go to /dev/null. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "lsp.h"

static int no_stat(const char *path, struct stat *st) {
  (void)path;
  memset(st, 0, sizeof *st);
  return errno = ENOENT, -1;
}

static int no_read_all(const char *path, size_t limit, char **bytes, size_t *len, struct stat *st) {
  (void)path, (void)limit, (void)bytes, (void)len, (void)st;
  return ENOENT;
}

static int no_replace(const char *path, const char *bytes, size_t len, mode_t mode) {
  (void)path, (void)bytes, (void)len, (void)mode;
  return EACCES;
}

static DIR *no_opendir(const char *path) {
  (void)path;
  errno = ENOENT;
  return NULL;
}

static const ol_fs empty_fs = {.lstat = no_stat,
                               .stat = no_stat,
                               .read_all = no_read_all,
                               .replace = no_replace,
                               .opendir = no_opendir};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FILE *null;
  if (!null)
    null = fopen("/dev/null", "w");
  if (!size)
    return 0; /* fmemopen refuses an empty buffer */
  FILE *in = fmemopen((void *)data, size, "r");
  if (!in)
    return 0;
  ol_config cfg;
  ol_error err;
  ol_config_init(&cfg);
  if (ol_config_compile(&cfg, &err) == OL_OK) {
    cfg.jobs = 1;
    ol_lsp_run(&cfg, NULL, NULL, &empty_fs, in, null);
  }
  ol_config_free(&cfg);
  fclose(in);
  return 0;
}
