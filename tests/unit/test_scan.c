/* The scan against a fake file system (fsys.h), for the races a real one
 * cannot stage deterministically: a file that vanishes, turns into a FIFO,
 * grows past the size limit or fails to read between discovery and reading,
 * and one that changes between pass 1 and the check. Each is a notification
 * naming the file; every other file's findings are still reported. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <errno.h>
#include <string.h>

#include "alloc.h"
#include "engine.h"

static const char *LOOP = "def names(rows):\n"
                          "    for r in rows:\n"
                          "        print(Chef.query.filter_by(id=r.chef_id).first())\n";

/* /proj/good.py always reads as LOOP; /proj/bad.py fails its nth read (1-based) with
 * bad_error, or reads as bad_text from that read on. */
static int bad_reads, bad_fail_at, bad_error;
static const char *bad_text;

static int fake_stat(const char *path, struct stat *st) {
  memset(st, 0, sizeof *st);
  if (!strcmp(path, "/proj"))
    st->st_mode = S_IFDIR | 0755;
  else if (!strcmp(path, "/proj/good.py") || !strcmp(path, "/proj/bad.py") ||
           !strcmp(path, "/proj/pyproject.toml"))
    st->st_mode = S_IFREG | 0644;
  else
    return errno = ENOENT, -1;
  return 0;
}

static int fake_read_all(const char *path, size_t limit, char **bytes, size_t *len,
                         struct stat *st) {
  (void)limit;
  const char *text = LOOP;
  if (!strcmp(path, "/proj/bad.py")) {
    if (++bad_reads >= bad_fail_at && bad_error)
      return bad_error;
    if (bad_reads >= bad_fail_at && bad_text)
      text = bad_text;
  } else if (strcmp(path, "/proj/good.py") != 0) {
    return ENOENT;
  }
  *bytes = ol_strdup(text);
  *len = strlen(text);
  fake_stat(path, st);
  return 0;
}

static int fake_replace(const char *path, const char *bytes, size_t len, mode_t mode) {
  (void)path, (void)bytes, (void)len, (void)mode;
  return EROFS;
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

static ol_status scan(ol_report *r) {
  ol_config cfg;
  ol_error err;
  ol_config_init(&cfg);
  assert_int_equal(ol_config_compile(&cfg, &err), OL_OK);
  cfg.jobs = 1;
  ol_engine *e = ol_engine_new(&cfg, &fake_fs);
  char *paths[] = {"/proj/bad.py", "/proj/good.py"};
  ol_status st = ol_engine_scan(e, paths, 2, r);
  ol_engine_free(e);
  ol_config_free(&cfg);
  return st;
}

/* The one notification, about bad.py, at level, containing text. */
static void assert_one_note(const ol_report *r, ol_note_level level, const char *text) {
  assert_int_equal(r->n_notes, 1);
  assert_string_equal(r->notes[0].path, "bad.py");
  assert_int_equal(r->notes[0].level, level);
  assert_non_null(strstr(r->notes[0].message, text));
}

/* good.py's finding, and bad.py's only when it was read whole. */
static void assert_good_reported(const ol_report *r, size_t n) {
  assert_int_equal(r->n_findings, n);
  assert_string_equal(r->findings[n - 1].path, "good.py");
}

static int reset(void **state) {
  (void)state;
  bad_reads = 0, bad_fail_at = 1, bad_error = 0, bad_text = NULL;
  return 0;
}

static void test_vanished_before_reading(void **state) {
  (void)state;
  bad_error = ENOENT;
  ol_report r;
  assert_int_equal(scan(&r), OL_ERR_IO);
  assert_false(r.execution_successful); /* exit 2: a path that cannot be read */
  assert_one_note(&r, OL_NOTE_ERROR, "cannot read: No such file or directory");
  assert_good_reported(&r, 1);
  ol_report_free(&r);
}

static void test_unreadable(void **state) {
  (void)state;
  bad_error = EIO;
  ol_report r;
  assert_int_equal(scan(&r), OL_ERR_IO);
  assert_one_note(&r, OL_NOTE_ERROR, "cannot read: Input/output error");
  assert_good_reported(&r, 1);
  ol_report_free(&r);
}

static void test_became_a_fifo(void **state) {
  (void)state;
  bad_error = EINVAL; /* read_all's answer for what is no longer a regular file */
  ol_report r;
  assert_int_equal(scan(&r), OL_OK);
  assert_true(r.execution_successful); /* skipped: a notification only */
  assert_one_note(&r, OL_NOTE_WARNING, "skipped: not a regular file");
  assert_good_reported(&r, 1);
  ol_report_free(&r);
}

static void test_grew_past_the_limit(void **state) {
  (void)state;
  bad_error = EFBIG;
  ol_report r;
  assert_int_equal(scan(&r), OL_OK);
  assert_one_note(&r, OL_NOTE_WARNING, "larger than max-file-size (10 MiB)");
  assert_good_reported(&r, 1);
  ol_report_free(&r);
}

static void test_changed_between_pass1_and_check(void **state) {
  (void)state;
  bad_fail_at = 2; /* pass 1 reads LOOP; the check reads it again for the findings */
  bad_text = "# rewritten meanwhile\n";
  ol_report r;
  assert_int_equal(scan(&r), OL_ERR_IO);
  assert_one_note(&r, OL_NOTE_ERROR, "changed or vanished while it was being analysed");
  assert_good_reported(&r, 1);
  ol_report_free(&r);
}

static void test_vanished_between_pass1_and_check(void **state) {
  (void)state;
  bad_fail_at = 2;
  bad_error = ENOENT;
  ol_report r;
  assert_int_equal(scan(&r), OL_ERR_IO);
  assert_one_note(&r, OL_NOTE_ERROR, "changed or vanished while it was being analysed");
  assert_good_reported(&r, 1); /* bad.py's finding cannot be placed: a note says so */
  ol_report_free(&r);
}

static void test_unchanged_reports_both(void **state) {
  (void)state;
  ol_report r;
  assert_int_equal(scan(&r), OL_OK);
  assert_int_equal(r.n_notes, 0);
  assert_int_equal(r.n_findings, 2);
  assert_string_equal(r.findings[0].path, "bad.py");
  ol_report_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_unchanged_reports_both, reset),
      cmocka_unit_test_setup(test_vanished_before_reading, reset),
      cmocka_unit_test_setup(test_unreadable, reset),
      cmocka_unit_test_setup(test_became_a_fifo, reset),
      cmocka_unit_test_setup(test_grew_past_the_limit, reset),
      cmocka_unit_test_setup(test_changed_between_pass1_and_check, reset),
      cmocka_unit_test_setup(test_vanished_between_pass1_and_check, reset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
