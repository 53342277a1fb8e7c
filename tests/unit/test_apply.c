/* The fix writer against a fake file system: a file that changes between
 * read and write is refused, a failed write (full disk) leaves the file and
 * the findings as they were, a good write goes through replace() once. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "alloc.h"
#include "engine.h"

static const char *VIEW = "from models import Chef\n"
                          "def names(rows):\n"
                          "    for r in rows:\n"
                          "        print(Chef.query.filter_by(id=r.chef_id).first())\n";

static int reads, writes, write_error;
static const char *second_read; /* content of the second read, NULL = same */
static char *written;

static int fake_stat(const char *path, struct stat *st) {
  memset(st, 0, sizeof *st);
  if (!strcmp(path, "/proj") || !strcmp(path, "/proj/"))
    st->st_mode = S_IFDIR | 0755;
  else if (!strcmp(path, "/proj/view.py"))
    st->st_mode = S_IFREG | 0644;
  else if (!strcmp(path, "/proj/pyproject.toml"))
    st->st_mode = S_IFREG | 0644;
  else
    return errno = ENOENT, -1;
  return 0;
}

static int fake_read_all(const char *path, size_t limit, char **bytes, size_t *len,
                         struct stat *st) {
  (void)limit;
  if (strcmp(path, "/proj/view.py") != 0)
    return ENOENT;
  const char *text = (++reads > 1 && second_read) ? second_read : VIEW;
  *bytes = ol_strdup(text);
  *len = strlen(text);
  fake_stat(path, st);
  return 0;
}

static int fake_replace(const char *path, const char *bytes, size_t len, mode_t mode) {
  (void)path, (void)mode;
  writes++;
  if (write_error)
    return write_error;
  ol_free(written);
  written = ol_strndup(bytes, len);
  return 0;
}

static DIR *fake_opendir(const char *path) {
  (void)path;
  errno = EACCES;
  return NULL;
}

static const ol_fs fake_fs = {.lstat = fake_stat,
                              .stat = fake_stat,
                              .read_all = fake_read_all,
                              .replace = fake_replace,
                              .opendir = fake_opendir};

static void run(ol_report *r, ol_fix_stats *st) {
  ol_config cfg;
  ol_error err;
  ol_config_init(&cfg);
  assert_int_equal(ol_config_compile(&cfg, &err), OL_OK);
  cfg.fix_mode = OL_FIXMODE_UNSAFE;
  cfg.jobs = 1;
  ol_engine *e = ol_engine_new(&cfg, &fake_fs);
  char *paths[] = {"/proj/view.py"};
  ol_engine_scan(e, paths, 1, r);
  assert_int_equal(r->n_findings, 1);
  ol_engine_apply(e, r, NULL, st);
  ol_engine_free(e);
  ol_config_free(&cfg);
}

static bool has_note(const ol_report *r, const char *text) {
  for (size_t i = 0; i < r->n_notes; i++)
    if (strstr(r->notes[i].message, text))
      return true;
  return false;
}

static int reset(void **state) {
  (void)state;
  reads = writes = write_error = 0;
  second_read = NULL;
  ol_free(written);
  written = NULL;
  return 0;
}

static void test_good_write(void **state) {
  (void)state;
  ol_report r;
  ol_fix_stats st;
  run(&r, &st);
  assert_int_equal(writes, 1);
  assert_int_equal(st.fixed, 1);
  assert_int_equal(r.n_findings, 0);
  assert_non_null(strstr(written, "chef_by_id.get(r.chef_id)"));
  ol_report_free(&r);
}

static void test_changed_file_is_refused(void **state) {
  (void)state;
  second_read = "# edited meanwhile\n";
  ol_report r;
  ol_fix_stats st;
  run(&r, &st);
  assert_int_equal(writes, 0);
  assert_int_equal(st.refused, 1);
  assert_true(has_note(&r, "changed since it was read"));
  assert_int_equal(r.n_findings, 1); /* still reported */
  ol_report_free(&r);
}

static void test_full_disk_keeps_findings(void **state) {
  (void)state;
  write_error = ENOSPC;
  ol_report r;
  ol_fix_stats st;
  run(&r, &st);
  assert_int_equal(writes, 1);
  assert_int_equal(st.fixed, 0);
  assert_true(has_note(&r, "cannot write"));
  assert_int_equal(r.n_findings, 1);
  assert_non_null(r.findings[0].fix);
  ol_report_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_good_write, reset),
      cmocka_unit_test_setup(test_changed_file_is_refused, reset),
      cmocka_unit_test_setup(test_full_disk_keeps_findings, reset),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  ol_free(written);
  return rc;
}
