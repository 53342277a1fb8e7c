/* The cache writer's size limit (analyzer/cache.c): a cache larger than
 * the reader accepts is never written (it could not be read back, so every
 * run would analyse everything and write it again), and the file already
 * there is left as it was; under the limit it is written and read back. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "cache.h"

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  char *buf = ol_malloc(1 << 16);
  *len = fread(buf, 1, 1 << 16, f);
  fclose(f);
  return buf;
}

/* Items of n files the prefilter skipped: a few dozen bytes each. */
static ol_cache_item *items_of(size_t n, char names[][32]) {
  ol_cache_item *items = ol_calloc(n, sizeof *items);
  for (size_t i = 0; i < n; i++) {
    snprintf(names[i], 32, "pkg/module_%zu.py", i);
    items[i] = (ol_cache_item){.rel = names[i], .size = 100, .mtime_ns = 1, .meta = {.len = 100}};
  }
  return items;
}

static void test_oversized_cache_is_not_written(void **state) {
  (void)state;
  char dir[] = "/tmp/ormlint-cache-limit-XXXXXX";
  assert_non_null(mkdtemp(dir));
  ol_config cfg;
  ol_config_init(&cfg);
  ol_error err = {0};
  assert_int_equal(ol_config_compile(&cfg, &err), OL_OK);
  static char names[200][32];
  ol_cache_item *items = items_of(200, names);
  ol_name_set none = {0};
  const char *why, *refused;

  /* Under the limit: written, and read back. */
  ol_cache *c = ol_cache_open(&ol_fs_posix, dir, &cfg, &why, &refused);
  assert_int_equal(ol_cache_save(c, items, 10, &none), 0);
  ol_cache_free(c);
  char *path = ol_format("%s/.ormlint_cache/facts", dir);
  size_t before_len = 0;
  char *before = read_file(path, &before_len);
  assert_non_null(before);
  c = ol_cache_open(&ol_fs_posix, dir, &cfg, &why, &refused);
  assert_string_equal(why, "");
  assert_int_equal(ol_cache_count(c), 10);

  /* Over it: EFBIG, and the previous cache is untouched. */
  ol_cache_set_write_limit(c, before_len + 100);
  assert_int_equal(ol_cache_save(c, items, 200, &none), EFBIG);
  ol_cache_free(c);
  size_t after_len = 0;
  char *after = read_file(path, &after_len);
  assert_non_null(after);
  assert_int_equal(after_len, before_len);
  assert_memory_equal(after, before, before_len);

  ol_free(before);
  ol_free(after);
  unlink(path);
  ol_free(path);
  char *ignore = ol_format("%s/.ormlint_cache/.gitignore", dir);
  unlink(ignore);
  ol_free(ignore);
  char *sub = ol_format("%s/.ormlint_cache", dir);
  rmdir(sub);
  ol_free(sub);
  rmdir(dir);
  ol_free(items);
  ol_config_free(&cfg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_oversized_cache_is_not_written),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
