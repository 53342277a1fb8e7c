/* The fix writer against a fake file system: a file that changes between
 * read and write is refused, a failed write (full disk) leaves the file and
 * the findings as they were, a good write goes through replace() once. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "alloc.h"
#include "engine.h"

static const char *VIEW = "from models import Chef\n"
                          "def names(rows):\n"
                          "    for r in rows:\n"
                          "        print(r, Chef.query.filter_by(id=1).first())\n";

static int reads, writes, write_error;
static const char *second_read; /* content from read number change_from on, NULL = same */
static int change_from;
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
  const char *text = (++reads >= change_from && second_read) ? second_read : VIEW;
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
  change_from = 2; /* pass 1 is read 1, the check before fixing read 2 */
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
  assert_non_null(strstr(written, "chef = Chef.query.filter_by(id=1).first()"));
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

static void test_changed_while_fixing_is_refused(void **state) {
  (void)state;
  change_from = 3; /* after the fixes were built, before they are written */
  second_read = VIEW + 1;
  ol_report r;
  ol_fix_stats st;
  run(&r, &st);
  assert_int_equal(writes, 0);
  assert_int_equal(st.fixed, 0);
  assert_true(has_note(&r, "changed since it was read"));
  assert_int_equal(r.n_findings, 1);
  ol_report_free(&r);
}

/* A full disk, a read-only directory or file system: the file stays as it
 * was (replace() promises it), the finding and its fix are still reported. */
static void test_write_errors_keep_findings(void **state) {
  static const int errors[] = {ENOSPC, EACCES, EROFS, EDQUOT};
  for (size_t i = 0; i < sizeof errors / sizeof *errors; i++) {
    reset(state);
    write_error = errors[i];
    ol_report r;
    ol_fix_stats st;
    run(&r, &st);
    assert_int_equal(writes, 1);
    assert_int_equal(st.fixed, 0);
    assert_int_equal(st.refused, 1);
    char *note = ol_format("not fixed: cannot write: %s", strerror(errors[i]));
    assert_true(has_note(&r, note));
    ol_free(note);
    assert_int_equal(r.n_findings, 1);
    assert_non_null(r.findings[0].fix);
    ol_report_free(&r);
  }
}

/* The real replace(): a temporary file beside the target, renamed over it
 * with the mode kept; on any error the target is as it was and no
 * temporary file is left behind. */
static size_t entries(const char *dir) {
  DIR *d = opendir(dir);
  size_t n = 0;
  for (struct dirent *e; d && (e = readdir(d));)
    n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
  if (d)
    closedir(d);
  return n;
}

static void test_posix_replace(void **state) {
  (void)state;
  char dir[] = "/tmp/ormlint-test-apply-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char *file = ol_format("%s/app.py", dir), *sub = ol_format("%s/pkg.py", dir);
  FILE *f = fopen(file, "w");
  fputs("old\n", f);
  fclose(f);
  chmod(file, 0640);
  assert_int_equal(ol_fs_posix.replace(file, "new\n", 4, 0640), 0);
  char *bytes;
  size_t len;
  struct stat st;
  assert_int_equal(ol_fs_posix.read_all(file, 100, &bytes, &len, &st), 0);
  assert_string_equal(bytes, "new\n");
  assert_int_equal(st.st_mode & 07777, 0640);
  ol_free(bytes);
  assert_int_equal(entries(dir), 1);
  /* rename() over a directory fails (EISDIR): nothing is left behind. */
  assert_int_equal(mkdir(sub, 0755), 0);
  assert_int_equal(ol_fs_posix.replace(sub, "x", 1, 0644), EISDIR);
  assert_int_equal(entries(dir), 2);
  /* A missing directory: mkstemp fails, the error comes back. */
  char *nowhere = ol_format("%s/missing/app.py", dir);
  assert_int_equal(ol_fs_posix.replace(nowhere, "x", 1, 0644), ENOENT);
  assert_int_equal(entries(dir), 2);
  rmdir(sub);
  unlink(file);
  rmdir(dir);
  ol_free(file);
  ol_free(sub);
  ol_free(nowhere);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_good_write, reset),
      cmocka_unit_test_setup(test_changed_file_is_refused, reset),
      cmocka_unit_test_setup(test_changed_while_fixing_is_refused, reset),
      cmocka_unit_test(test_write_errors_keep_findings),
      cmocka_unit_test(test_posix_replace),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  ol_free(written);
  return rc;
}
