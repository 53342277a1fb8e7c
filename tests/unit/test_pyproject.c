/* [tool.ormlint] in pyproject.toml (analyzer/pyproject.c) and the config
 * helpers it feeds (analyzer/config.c): every key in every TOML spelling
 * (sub-table, dotted key, inline table), every error with its file, line
 * and key, the config left untouched on error, the walk up to the nearest
 * pyproject.toml holding the table, and input that must neither crash nor
 * hang (random bytes, 5 MB, 80,000-deep nesting, 100,000-part keys). */
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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "config.h"
#include "pyproject.h"
#include "syntax.h"
#include "walk.h"

/* ---- harness ---------------------------------------------------------------- */

typedef struct {
  ol_config cfg;
  ol_error err;
  bool has_table;
  ol_status status;
} loaded;

static loaded *parse_n(const char *text, size_t len) {
  loaded *l = ol_calloc(1, sizeof *l);
  ol_config_init(&l->cfg);
  l->status =
      ol_pyproject_parse("pyproject.toml", "/proj", text, len, &l->cfg, &l->has_table, &l->err);
  return l;
}

static loaded *parse(const char *text) { return parse_n(text, strlen(text)); }

static void done(loaded *l) {
  ol_config_free(&l->cfg);
  ol_free(l);
}

/* text must be refused with exactly this message. */
static void assert_error(const char *text, uint32_t line, const char *message) {
  loaded *l = parse(text);
  assert_int_equal(l->status, OL_ERR_USAGE);
  assert_string_equal(l->err.message, message);
  assert_string_equal(l->err.path, "pyproject.toml");
  assert_int_equal(l->err.line, line);
  assert_false(l->has_table);
  assert_null(l->cfg.select); /* nothing applied */
  assert_null(l->cfg.config_dir);
  done(l);
}

static void assert_list(char **got, size_t n, const char *const *want) {
  size_t i = 0;
  for (; want[i]; i++) {
    assert_true(i < n);
    assert_string_equal(got[i], want[i]);
  }
  assert_int_equal(n, i);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- every key ------------------------------------------------------------------- */

static const char *FULL = "[project]\n"
                          "name = \"app\"\n"
                          "\n"
                          "[tool.ruff]\n"
                          "select = [\"E\"]\n"
                          "\n"
                          "[tool.ormlint]\n"
                          "select = [\"ORM001\", \"ORM00\", 'ALL']  # a comment\n"
                          "ignore = [\n"
                          "  \"ORM004\",  # serial counts are fine here\n"
                          "  \"ORM005\",\n"
                          "]\n"
                          "exclude = [\"migrations\", \"./legacy/\"]\n"
                          "extend-exclude = [\"scripts/*.py\"]\n"
                          "session-names = '(?:^|\\.)(?:session|sess)$'\n"
                          "model-bases = [\"BaseModel\", \"app.base.Record\"]\n"
                          "query-terminals = [\"fetch_all\", \"first_or_abort\"]\n"
                          "dialect = \"postgresql\"\n"
                          "\n"
                          "[tool.ormlint.per-file-ignores]\n"
                          "\"tests/*\" = [\"ORM001\", \"ORM006\"]\n"
                          "'__init__.py' = [\"ALL\"]\n";

/* ol_re_compile does not probe the built-in patterns: they must pass. */
static void test_builtin_patterns_pass_the_probe(void **state) {
  (void)state;
  const char *builtins[] = {OL_DEFAULT_SESSION_NAMES, OL_DEFAULT_DB_NAMES};
  for (size_t i = 0; i < 2; i++) {
    char why[320];
    pcre2_code *re = ol_re_compile(builtins[i], why, sizeof why);
    assert_non_null(re);
    assert_false(ol_re_too_costly(re));
    pcre2_code_free(re);
  }
  char why[320];
  pcre2_code *bad = ol_re_compile("^([a-z_0-9]+)*session$", why, sizeof why);
  assert_null(bad);
}

static void test_every_key(void **state) {
  (void)state;
  loaded *l = parse(FULL);
  assert_int_equal(l->status, OL_OK);
  assert_true(l->has_table);
  ol_config *c = &l->cfg;
  assert_list(c->select, c->n_select, (const char *[]){"ORM001", "ORM00", "ALL", NULL});
  assert_list(c->ignore, c->n_ignore, (const char *[]){"ORM004", "ORM005", NULL});
  assert_list(c->exclude, c->n_exclude, (const char *[]){"migrations", "legacy", NULL});
  assert_list(c->extend_exclude, c->n_extend_exclude, (const char *[]){"scripts/*.py", NULL});
  assert_string_equal(c->session_names, "(?:^|\\.)(?:session|sess)$");
  assert_list(c->model_bases, c->n_model_bases,
              (const char *[]){"BaseModel", "app.base.Record", NULL});
  assert_list(c->query_terminals, c->n_query_terminals,
              (const char *[]){"fetch_all", "first_or_abort", NULL});
  assert_string_equal(c->dialect, "postgresql");
  assert_string_equal(c->config_dir, "/proj");
  assert_int_equal(c->n_per_file_ignores, 2);
  assert_string_equal(c->per_file_ignores[0].glob, "tests/*");
  assert_list(c->per_file_ignores[0].codes, c->per_file_ignores[0].n_codes,
              (const char *[]){"ORM001", "ORM006", NULL});
  assert_string_equal(c->per_file_ignores[1].glob, "__init__.py");
  /* The pattern compiles as the session matcher. */
  ol_error err;
  assert_int_equal(ol_config_compile(c, &err), OL_OK);
  assert_true(ol_re_match(c->session_re, "self.sess", 9));
  assert_false(ol_re_match(c->session_re, "db.session_factory", 18));
  done(l);
}

/* The same table, spelled as dotted keys and inline tables. */
static void test_other_spellings(void **state) {
  (void)state;
  const char *texts[] = {
      "tool.ormlint.select = [\"ORM002\"]\n"
      "tool.ormlint.per-file-ignores.\"tests/*\" = [\"ORM001\"]\n",
      "[tool]\n"
      "ormlint.select = [\"ORM002\"]\n"
      "ormlint.per-file-ignores = { \"tests/*\" = [\"ORM001\"] }\n",
      "[tool]\n"
      "ormlint = { select = [\"ORM002\"], per-file-ignores = { \"tests/*\" = [\"ORM001\"] } }\n",
      "tool = { ormlint = { \"select\" = [\"ORM002\"], per-file-ignores.'tests/*' = "
      "[\"ORM001\"] } }\n",
      "[tool.ormlint]\n"
      "\"select\" = [\"ORM002\"]\n"
      "per-file-ignores.\"tests/*\" = [\"ORM001\"]\n",
  };
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    loaded *l = parse(texts[i]);
    if (l->status != OL_OK)
      fail_msg("%s: %s", texts[i], l->err.message);
    assert_true(l->has_table);
    assert_list(l->cfg.select, l->cfg.n_select, (const char *[]){"ORM002", NULL});
    assert_int_equal(l->cfg.n_per_file_ignores, 1);
    assert_string_equal(l->cfg.per_file_ignores[0].glob, "tests/*");
    done(l);
  }
}

static void test_strings(void **state) {
  (void)state;
  loaded *l = parse("[tool.ormlint]\n"
                    "session-names = \"\\\\bsess\\u00e9\\tx\\\"\"\n"
                    "model-bases = [\"\"\"\n"
                    "Base\\\n"
                    "   Model\"\"\", '''\n"
                    "Raw\\Name''']\n");
  assert_int_equal(l->status, OL_ERR_USAGE); /* "Raw\Name" is not a class name */
  assert_string_equal(l->err.message, "pyproject.toml:5: [tool.ormlint] 'model-bases': "
                                      "'Raw\\Name' is not a class name");
  done(l);
  l = parse("[tool.ormlint]\n"
            "session-names = \"\\\\bsess\\u00e9\\tx\\\"\"\n"
            "model-bases = [\"\"\"\n"
            "Base\\\n"
            "   Model\"\"\", '''\n"
            "Raw'''] # multi-line strings\n");
  assert_int_equal(l->status, OL_OK);
  assert_string_equal(l->cfg.session_names, "\\bsess\xc3\xa9\tx\"");
  assert_list(l->cfg.model_bases, l->cfg.n_model_bases, (const char *[]){"BaseModel", "Raw", NULL});
  done(l);
  /* A byte-order mark and CRLF line endings. */
  l = parse("\xef\xbb\xbf[tool.ormlint]\r\nselect = [\"ORM003\"]\r\n");
  assert_int_equal(l->status, OL_OK);
  assert_list(l->cfg.select, l->cfg.n_select, (const char *[]){"ORM003", NULL});
  done(l);
}

static void test_empty_arrays_are_given(void **state) {
  (void)state;
  loaded *l = parse("[tool.ormlint]\nexclude = []\n");
  assert_int_equal(l->status, OL_OK);
  assert_non_null(l->cfg.exclude); /* given: the built-in skip list is dropped */
  assert_int_equal(l->cfg.n_exclude, 0);
  done(l);
  l = parse("[tool.ormlint]\n");
  assert_int_equal(l->status, OL_OK);
  assert_true(l->has_table);
  assert_null(l->cfg.exclude); /* not given: the built-in list stays */
  assert_string_equal(l->cfg.config_dir, "/proj");
  done(l);
}

/* Keys given replace what the config held; keys not given leave it. */
static void test_keys_replace(void **state) {
  (void)state;
  ol_config c;
  ol_config_init(&c);
  c.ignore = ol_calloc(2, sizeof(char *));
  c.ignore[0] = ol_strdup("ORM005");
  c.n_ignore = 1;
  ol_error err;
  assert_int_equal(ol_config_compile(&c, &err), OL_OK);
  bool has;
  const char *t = "[tool.ormlint]\nselect = [\"ORM001\"]\nsession-names = \"^s$\"\n";
  assert_int_equal(ol_pyproject_parse("p", "/d", t, strlen(t), &c, &has, &err), OL_OK);
  assert_list(c.select, c.n_select, (const char *[]){"ORM001", NULL});
  assert_list(c.ignore, c.n_ignore, (const char *[]){"ORM005", NULL});
  assert_true(ol_re_match(c.session_re, "s", 1)); /* compiled again */
  assert_false(ol_re_match(c.session_re, "session", 7));
  ol_config_free(&c);
}

/* ---- what is not ours ------------------------------------------------------------ */

static void test_no_table(void **state) {
  (void)state;
  const char *texts[] = {
      "",
      "[project]\nname = \"x\"\n",
      "[tool.ruff]\nselect = [\"E\"]\n[tool.ormlint-extra]\nx = 1\n",
      "[project]\ndependencies = [\"ormlint>=0.1\"]\n", /* mentions it, no table */
      "[tool]\normlintx = 1\n[ormlint]\nselect = 3\n[other.tool.ormlint]\nselect = 3\n",
      "[[tool.other]]\normlint = 1\n",
      "tool.other.ormlint.select = 1\n",
      "this is not TOML at all = = [\n", /* never parsed: it does not mention us */
  };
  for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
    loaded *l = parse(texts[i]);
    if (l->status != OL_OK)
      fail_msg("%s: %s", texts[i], l->err.message);
    assert_false(l->has_table);
    assert_null(l->cfg.select);
    assert_null(l->cfg.config_dir);
    assert_string_equal(l->cfg.session_names, OL_DEFAULT_SESSION_NAMES);
    done(l);
  }
}

/* ---- errors: file, line, key -------------------------------------------------------- */

static void test_unknown_keys(void **state) {
  (void)state;
  assert_error("[project]\nname = 'x'\n\n[tool.ormlint]\nselect = [\"ORM001\"]\nselct = []\n", 6,
               "pyproject.toml:6: [tool.ormlint] unknown key 'selct' (did you mean 'select'?)");
  assert_error(
      "[tool.ormlint]\nline-length = 88\n", 2,
      "pyproject.toml:2: [tool.ormlint] unknown key 'line-length' (known: select, "
      "ignore, per-file-ignores, exclude, extend-exclude, session-names, model-bases, "
      "memoizers, query-terminals, dialect, max-file-size, target-sqlalchemy, template-dirs)");
  assert_error(
      "[tool.ormlint.rules]\nx = 1\n", 1,
      "pyproject.toml:1: [tool.ormlint] unknown key 'rules' (known: select, ignore, "
      "per-file-ignores, exclude, extend-exclude, session-names, model-bases, "
      "memoizers, query-terminals, dialect, max-file-size, target-sqlalchemy, template-dirs)");
  assert_error("[tool]\normlint.Select = []\n", 2,
               "pyproject.toml:2: [tool.ormlint] unknown key 'Select' (did you mean 'select'?)");
  assert_error("tool.ormlint.extend_exclude = []\n", 1,
               "pyproject.toml:1: [tool.ormlint] unknown key 'extend_exclude' (did you mean "
               "'extend-exclude'?)");
}

static void test_wrong_types(void **state) {
  (void)state;
  assert_error("[tool.ormlint]\n\nselect = \"ORM001\"\n", 3,
               "pyproject.toml:3: [tool.ormlint] 'select' must be an array of rule codes, not a "
               "string");
  assert_error("[tool.ormlint]\nignore = [\n  \"ORM001\",\n  2,\n]\n", 4,
               "pyproject.toml:4: [tool.ormlint] 'ignore' must be an array of rule codes: found "
               "an integer");
  assert_error("[tool.ormlint]\nexclude = [[\"a\"]]\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'exclude' must be an array of globs: found an "
               "array");
  assert_error("[tool.ormlint]\nsession-names = ['a']\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'session-names' must be a string (a PCRE2 "
               "pattern), not an array");
  assert_error("[tool.ormlint]\ndialect = true\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'dialect' must be \"postgresql\", \"sqlite\" or "
               "\"mysql\", not a boolean");
  assert_error("[tool.ormlint]\ndialect = \"oracle\"\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'dialect' must be \"postgresql\", \"sqlite\" or "
               "\"mysql\", not 'oracle'");
  assert_error("[tool.ormlint]\nper-file-ignores = [\"a\"]\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'per-file-ignores' must be a table of glob = "
               "[rule codes], not an array");
  assert_error("[tool.ormlint]\nselect = 1979-05-27\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'select' must be an array of rule codes, not a "
               "date or time");
  assert_error("[tool.ormlint.select]\nx = 1\n", 1,
               "pyproject.toml:1: [tool.ormlint] 'select' must be an array of rule codes, not a "
               "table");
  assert_error("[tool.ormlint]\nselect.x = [\"ORM001\"]\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'select' must be an array of rule codes, not a "
               "table");
  assert_error("[tool]\normlint = 3\n", 2,
               "pyproject.toml:2: [tool.ormlint] must be a table, not an integer");
  assert_error(
      "[[tool.ormlint]]\nselect = []\n", 1,
      "pyproject.toml:1: [tool.ormlint] must be a table, not an array of tables ([[...]])");
  assert_error("[tool.ormlint.per-file-ignores]\n\"a\" = \"ORM001\"\n", 2,
               "pyproject.toml:2: [tool.ormlint.per-file-ignores] 'a' must be an array of rule "
               "codes, not a string");
  assert_error("[tool.ormlint.per-file-ignores.tests]\nx = 1\n", 1,
               "pyproject.toml:1: [tool.ormlint.per-file-ignores] 'tests' must be an array of "
               "rule codes, not a table");
}

static void test_max_file_size(void **state) {
  (void)state;
  static const struct {
    const char *text;
    size_t bytes;
  } good[] = {{"max-file-size = 1_048_576\n", 1u << 20},
              {"max-file-size = \"10M\"\n", 10u << 20},
              {"max-file-size = \"512KiB\"\n", 512u << 10},
              {"max-file-size = '1gb'\n", 1u << 30},
              {"max-file-size = \"100\"\n", 100}};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
    char *text = ol_format("[tool.ormlint]\n%s", good[i].text);
    loaded *l = parse(text);
    assert_int_equal(l->status, OL_OK);
    assert_int_equal(l->cfg.max_file_size, good[i].bytes);
    done(l);
    ol_free(text);
  }
  loaded *l = parse("[tool.ormlint]\nselect = []\n");
  assert_int_equal(l->cfg.max_file_size, OL_DEFAULT_MAX_FILE_SIZE);
  done(l);
  assert_error("[tool.ormlint]\nmax-file-size = true\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'max-file-size' must be a number of bytes or a "
               "string with a unit (\"10M\"), not a boolean");
  assert_error("[tool.ormlint]\nmax-file-size = 0\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'max-file-size' must be from 1 byte to 1 GiB (a "
               "number of bytes, or \"10M\", \"512K\"), not '0'");
  assert_error("[tool.ormlint]\nmax-file-size = \"2G\"\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'max-file-size' must be from 1 byte to 1 GiB (a "
               "number of bytes, or \"10M\", \"512K\"), not '2G'");
  assert_error("[tool.ormlint]\nmax-file-size = -5\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'max-file-size' must be from 1 byte to 1 GiB (a "
               "number of bytes, or \"10M\", \"512K\"), not '-5'");
  assert_error("[tool.ormlint]\nmax-file-size = 99999999999999999999999999\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'max-file-size' must be from 1 byte to 1 GiB (a "
               "number of bytes, or \"10M\", \"512K\"), not '99999999999999999999999999'");
  assert_error("[tool.ormlint]\nmax-file-size = 1.5\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'max-file-size' must be a number of bytes or a "
               "string with a unit (\"10M\"), not a float");
  size_t n;
  assert_false(ol_size_parse("", &n));
  assert_false(ol_size_parse("M", &n));
  assert_false(ol_size_parse("10MX", &n));
  assert_false(ol_size_parse("1025M", &n));
  assert_true(ol_size_parse("1024M", &n));
  assert_int_equal(n, 1u << 30);
}

static void test_bad_values(void **state) {
  (void)state;
  assert_error("[tool.ormlint]\nselect = [\"ORM001\", \"ORM999\"]\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'select': unknown rule code or prefix 'ORM999'");
  assert_error("[tool.ormlint]\nignore = [\"E501\"]\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'ignore': unknown rule code or prefix 'E501'");
  assert_error("[tool.ormlint]\nselect = [\"\"]\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'select': unknown rule code or prefix ''");
  assert_error("[tool.ormlint.per-file-ignores]\n\"tests/*\" = [\"ORM001\", \"X1\"]\n", 2,
               "pyproject.toml:2: [tool.ormlint.per-file-ignores] 'tests/*': unknown rule code "
               "or prefix 'X1'");
  assert_error("[tool.ormlint]\nsession-names = \"(unclosed\"\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'session-names': invalid pattern '(unclosed' at "
               "offset 9: missing closing parenthesis");
  assert_error("[tool.ormlint]\nmodel-bases = [\"Base Model\"]\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'model-bases': 'Base Model' is not a class name");
  assert_error("[tool.ormlint]\nmodel-bases = [\"app..Base\"]\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'model-bases': 'app..Base' is not a class name");
  assert_error("[tool.ormlint]\nquery-terminals = [\"q.all\"]\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'query-terminals': 'q.all' is not a method name");
  assert_error("[tool.ormlint]\nquery-terminals = [\"a_very_long_terminal_name\"]\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'query-terminals': 'a_very_long_terminal_name' "
               "is longer than 23 characters");
  assert_error("[tool.ormlint]\nexclude = [\"./\"]\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'exclude': empty glob");
  assert_error("[tool.ormlint]\nselect = [\"ORM\\u0000\"]\n", 2,
               "pyproject.toml:2: [tool.ormlint] 'select': invalid escape sequence or NUL "
               "character");
}

static void test_duplicates(void **state) {
  (void)state;
  assert_error("[tool.ormlint]\nselect = []\nignore = []\nselect = [\"ORM001\"]\n", 4,
               "pyproject.toml:4: [tool.ormlint] duplicate key 'select' (first on line 2)");
  assert_error("[tool.ormlint]\nselect = []\n[tool.other]\n[tool.ormlint]\nignore = []\n", 4,
               "pyproject.toml:4: [tool.ormlint] defined twice (first on line 1)");
  assert_error("[tool.ormlint]\nper-file-ignores = {}\n[tool.ormlint.per-file-ignores]\n", 3,
               "pyproject.toml:3: [tool.ormlint] duplicate key 'per-file-ignores' (first on line "
               "2)");
  assert_error("[tool.ormlint.per-file-ignores]\n\"a/*\" = []\n\"./a/*\" = []\n", 3,
               "pyproject.toml:3: [tool.ormlint.per-file-ignores] './a/*': duplicate glob");
}

static void test_syntax_errors(void **state) {
  (void)state;
  assert_error("[tool.ormlint]\nselect = [\"ORM001\"\nignore = []\n", 3,
               "pyproject.toml:3: invalid TOML near 'ignore = ['");
  assert_error("[project]\nname = \"x\n[tool.ormlint]\n", 2,
               "pyproject.toml:2: invalid TOML near 'name = \"x...'");
  assert_error("[tool.ormlint\nselect = []\n", 1,
               "pyproject.toml:1: invalid TOML at the end of the line");
}

static void test_encoding_errors(void **state) {
  (void)state;
  assert_error("[tool.ormlint]\nselect = [\"ORM001\"]\n# caf\xe9\n", 3,
               "pyproject.toml:3: invalid UTF-8");
  static const char nul[] = "[tool.ormlint]\n\nselect = [\"\0\"]\n";
  loaded *l = parse_n(nul, sizeof nul - 1);
  assert_int_equal(l->status, OL_ERR_USAGE);
  assert_string_equal(l->err.message, "pyproject.toml:3: not a text file (NUL byte)");
  done(l);
  assert_error("[tool.ormlint]\nselect = [\"\\q\"]\n", 2,
               "pyproject.toml:2: invalid TOML near '\\'");
}

/* ---- size and shape limits ------------------------------------------------------------- */

static char *repeat(const char *head, const char *unit, size_t times, const char *tail) {
  size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
  char *s = ol_malloc(hl + ul * times + tl + 1);
  memcpy(s, head, hl);
  for (size_t i = 0; i < times; i++)
    memcpy(s + hl + i * ul, unit, ul);
  memcpy(s + hl + ul * times, tail, tl + 1);
  return s;
}

static void test_five_megabytes(void **state) {
  (void)state;
  /* Mentions ormlint: refused at once, without parsing. */
  char *big = repeat("[tool.ormlint]\nselect = [\"ORM001\"]\n", "[t]\nk = \"vvvvvvvvvvvv\"\n",
                     5 * 1024 * 1024 / 22, "");
  double t0 = now_s();
  loaded *l = parse(big);
  assert_true(now_s() - t0 < 1.0);
  assert_int_equal(l->status, OL_ERR_USAGE);
  assert_string_equal(l->err.path, "pyproject.toml");
  assert_int_equal(l->err.line, 0);
  assert_non_null(strstr(l->err.message, "pyproject.toml: too large to read"));
  done(l);
  ol_free(big);
  /* Does not: nothing to read in it, so no error either. */
  big = repeat("[project]\n", "[t]\nk = \"vvvvvvvvvvvv\"\n", 5 * 1024 * 1024 / 22, "");
  l = parse(big);
  assert_int_equal(l->status, OL_OK);
  assert_false(l->has_table);
  done(l);
  ol_free(big);
  /* Just under the limit, the table at the end: read. */
  static const char unit[] = "[tool.x]\nk = [\"vvvvvvvvvvv\", 1]\n";
  big = repeat("", unit, (OL_PYPROJECT_MAX_BYTES - 40) / (sizeof unit - 1),
               "[tool.ormlint]\nselect = [\"ORM002\"]\n");
  t0 = now_s();
  l = parse(big);
  double took = now_s() - t0;
  assert_int_equal(l->status, OL_OK);
  assert_list(l->cfg.select, l->cfg.n_select, (const char *[]){"ORM002", NULL});
  print_message("      %u KB pyproject.toml read in %.0f ms\n", OL_PYPROJECT_MAX_BYTES >> 10,
                took * 1e3);
  done(l);
  ol_free(big);
}

static void test_deep_nesting(void **state) {
  (void)state;
  /* 80,000 nested arrays where a list of codes belongs: refused before
   * parsing, at the line where the nesting passes the limit. */
  char *open = repeat("[tool.ormlint]\nselect = ", "[\n", 80000, "");
  char *deep = repeat(open, "]", 80000, "\n");
  assert_error(deep, 2 + OL_PYPROJECT_MAX_DEPTH,
               "pyproject.toml:258: nested more than 256 levels deep");
  ol_free(open);
  ol_free(deep);
  /* Unclosed, 70,000 deep: what makes libtree-sitter 0.20.7 free an invalid pointer. */
  deep = repeat("[tool.ormlint]\nselect = ", "[", 70000, "\n");
  assert_error(deep, 2, "pyproject.toml:2: nested more than 256 levels deep");
  ol_free(deep);
  /* Nested inline tables, and closing brackets that never opened. */
  open = repeat("[tool.ormlint]\nselect = ", "{a=", 60000, "1");
  deep = repeat(open, "}", 60000, "\n");
  assert_error(deep, 2, "pyproject.toml:2: nested more than 256 levels deep");
  ol_free(open);
  ol_free(deep);
  deep = repeat("[tool.ormlint]\nselect = [\"ORM001\"", "]", 20000, "\n");
  loaded *l = parse(deep);
  assert_int_equal(l->status, OL_ERR_USAGE);
  assert_non_null(strstr(l->err.message, "invalid TOML near ']"));
  done(l);
  ol_free(deep);
  /* As deep as allowed: read, and a wrong type. */
  open = repeat("[tool.ormlint]\nselect = ", "[", OL_PYPROJECT_MAX_DEPTH - 1, "");
  deep = repeat(open, "]", OL_PYPROJECT_MAX_DEPTH - 1, "\n");
  assert_error(deep, 2,
               "pyproject.toml:2: [tool.ormlint] 'select' must be an array of rule codes: found "
               "an array");
  ol_free(open);
  ol_free(deep);
}

static void test_long_dotted_key(void **state) {
  (void)state;
  char *key = repeat("tool.ormlint.select", ".x", 100000, " = 1\n");
  assert_error(key, 1,
               "pyproject.toml:1: [tool.ormlint] 'select' must be an array of rule codes, not a "
               "table");
  ol_free(key);
  key = repeat("[tool.ormlint", ".per-file-ignores.x", 10000, "]\n");
  assert_error(key, 1,
               "pyproject.toml:1: [tool.ormlint.per-file-ignores] 'x' must be an array of rule "
               "codes, not a table");
  ol_free(key);
}

/* Random bytes and random TOML punctuation: an answer, quickly, every time. */
static void test_malformed(void **state) {
  (void)state;
  srand(7);
  static const char alphabet[] = "[]{}=\"'.,#\n \\tool.ormlint select ORM001 ";
  double worst = 0;
  for (int round = 0; round < 40; round++) {
    size_t len = round < 2 ? OL_PYPROJECT_MAX_BYTES : (size_t)(rand() % 20000) + 15;
    char *s = ol_malloc(len + 1);
    memcpy(s, "[tool.ormlint]\n", 15 < len ? 15 : len);
    for (size_t i = 15; i < len; i++)
      s[i] = round % 2 ? (char)(rand() % 256) : alphabet[rand() % (sizeof alphabet - 1)];
    double t0 = now_s();
    loaded *l = parse_n(s, len);
    double took = now_s() - t0;
    worst = took > worst ? took : worst;
    assert_true(l->status == OL_OK || l->status == OL_ERR_USAGE);
    if (l->status == OL_ERR_USAGE)
      assert_non_null(strstr(l->err.message, "pyproject.toml"));
    done(l);
    ol_free(s);
  }
  print_message("      slowest malformed input (up to %u KB): %.0f ms\n",
                OL_PYPROJECT_MAX_BYTES >> 10, worst * 1e3);
  assert_true(worst < 10.0);
}

/* ---- finding the file ---------------------------------------------------------------- */

static char tmp_root[256];

static void write_file(const char *rel, const char *text) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", tmp_root, rel);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void make_dir(const char *rel) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", tmp_root, rel);
  assert_int_equal(mkdir(path, 0755), 0);
}

static int setup_tree(void **state) {
  (void)state;
  snprintf(tmp_root, sizeof tmp_root, "/tmp/ol_pyproject_XXXXXX");
  assert_non_null(mkdtemp(tmp_root));
  make_dir("repo");
  make_dir("repo/pkg");
  make_dir("repo/pkg/sub");
  make_dir("repo/bad");
  make_dir("repo/dirfile");
  make_dir("repo/dirfile/pyproject.toml"); /* a directory by that name: passed over */
  write_file("repo/pyproject.toml", "[tool.ormlint]\nselect = [\"ORM002\"]\n");
  write_file("repo/pkg/pyproject.toml", "[project]\nname = \"pkg\"\n"); /* no table */
  write_file("repo/pkg/sub/views.py", "x = 1\n");
  write_file("repo/bad/pyproject.toml", "[tool.ormlint]\nselct = []\n");
  return 0;
}

static int teardown_tree(void **state) {
  (void)state;
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp_root);
  return system(cmd);
}

static void load_from(const char *rel, ol_status want, const char *found_rel) {
  char start[512], want_found[512];
  snprintf(start, sizeof start, "%s/%s", tmp_root, rel);
  ol_config c;
  ol_config_init(&c);
  ol_error err = {0};
  char *found = (char *)"unset";
  ol_status st = ol_pyproject_load(start, &c, &found, &err);
  if (st != want)
    fail_msg("%s: %s", rel, err.message);
  if (found_rel) {
    snprintf(want_found, sizeof want_found, "%s/%s", tmp_root, found_rel);
    assert_non_null(found);
    assert_string_equal(found, want_found);
    *strrchr(want_found, '/') = '\0';
    assert_string_equal(c.config_dir, want_found);
    assert_list(c.select, c.n_select, (const char *[]){"ORM002", NULL});
  } else {
    assert_null(found);
    assert_null(c.select);
  }
  ol_free(found);
  ol_config_free(&c);
}

static void test_walks_up(void **state) {
  (void)state;
  /* From a file, a directory, and a path that does not exist: the nearest
   * pyproject.toml holding [tool.ormlint], past one that does not. */
  load_from("repo/pkg/sub/views.py", OL_OK, "repo/pyproject.toml");
  load_from("repo/pkg/sub", OL_OK, "repo/pyproject.toml");
  load_from("repo/pkg/sub/gone.py", OL_OK, "repo/pyproject.toml");
  load_from("repo/pkg", OL_OK, "repo/pyproject.toml");
  load_from("repo", OL_OK, "repo/pyproject.toml");
  load_from("repo/dirfile", OL_OK, "repo/pyproject.toml");
  load_from("", OL_OK, NULL); /* above it: none up to / */
  load_from("repo/bad", OL_ERR_USAGE, NULL);
}

static void test_error_names_file_from_cwd(void **state) {
  (void)state;
  char cwd[512], dir[512];
  assert_non_null(getcwd(cwd, sizeof cwd));
  snprintf(dir, sizeof dir, "%s/repo", tmp_root);
  assert_int_equal(chdir(dir), 0);
  ol_config c;
  ol_config_init(&c);
  ol_error err = {0};
  assert_int_equal(ol_pyproject_load("bad/x.py", &c, NULL, &err), OL_ERR_USAGE);
  assert_string_equal(err.path, "bad/pyproject.toml");
  assert_int_equal(err.line, 2);
  assert_string_equal(err.message,
                      "bad/pyproject.toml:2: [tool.ormlint] unknown key 'selct' (did you mean "
                      "'select'?)");
  assert_null(c.select);
  ol_config_free(&c);
  assert_int_equal(chdir(cwd), 0);
}

/* A pyproject.toml that cannot be read is an error, not a silent default. */
static int deny_read(const char *path, size_t limit, char **bytes, size_t *len, struct stat *st) {
  (void)path, (void)limit, (void)bytes, (void)len, (void)st;
  return EACCES;
}

static void test_unreadable(void **state) {
  (void)state;
  ol_fs fs = ol_fs_posix;
  fs.read_all = deny_read;
  char start[512];
  snprintf(start, sizeof start, "%s/repo/pkg/sub", tmp_root);
  ol_config c;
  ol_config_init(&c);
  ol_error err = {0};
  assert_int_equal(ol_pyproject_load_fs(&fs, start, &c, NULL, &err), OL_ERR_USAGE);
  assert_non_null(strstr(err.message, "pkg/pyproject.toml: cannot read: Permission denied"));
  ol_config_free(&c);
}

/* ---- the config helpers ------------------------------------------------------------- */

static void test_file_ignores(void **state) {
  (void)state;
  loaded *l = parse("[tool.ormlint.per-file-ignores]\n"
                    "\"tests/*\" = [\"ORM001\"]\n"
                    "\"__init__.py\" = [\"ALL\"]\n"
                    "\"**/migrations/*.py\" = [\"ORM00\"]\n"
                    "\"app/jobs/worker.py\" = [\"ORM006\"]\n");
  assert_int_equal(l->status, OL_OK);
  const ol_config *c = &l->cfg;
  assert_true(ol_config_file_ignores(c, "tests/test_a.py", "ORM001"));
  assert_true(ol_config_file_ignores(c, "tests/deep/test_b.py", "ORM001")); /* '*' crosses '/' */
  assert_false(ol_config_file_ignores(c, "tests/test_a.py", "ORM002"));
  assert_false(ol_config_file_ignores(c, "app/tests/test_a.py", "ORM001"));   /* anchored */
  assert_true(ol_config_file_ignores(c, "app/models/__init__.py", "ORM005")); /* by name */
  assert_true(ol_config_file_ignores(c, "migrations/0001.py", "ORM003")); /* ** + / at the top */
  assert_true(ol_config_file_ignores(c, "app/migrations/0001.py", "ORM007"));
  assert_false(ol_config_file_ignores(c, "app/migrations/0001.py", "ORM100"));
  assert_true(ol_config_file_ignores(c, "app/jobs/worker.py", "ORM006"));
  assert_false(ol_config_file_ignores(c, "other/app/jobs/worker.py", "ORM006"));
  assert_false(ol_config_file_ignores(c, "worker.py", "ORM006")); /* has '/': no name match */
  done(l);
}

static void test_excluded(void **state) {
  (void)state;
  loaded *l = parse("[tool.ormlint]\n"
                    "extend-exclude = [\"migrations\", \"app/legacy\", \"*_pb2.py\", "
                    "\"docs/*.py\"]\n");
  assert_int_equal(l->status, OL_OK);
  const ol_config *c = &l->cfg;
  assert_true(ol_config_has_excludes(c));
  assert_true(ol_config_excluded(c, "migrations"));
  assert_true(ol_config_excluded(c, "migrations/versions/0001.py")); /* under it */
  assert_true(ol_config_excluded(c, "app/migrations/env.py"));       /* by name, anywhere */
  assert_true(ol_config_excluded(c, "app/legacy/views.py"));
  assert_false(ol_config_excluded(c, "src/app/legacy/views.py")); /* has '/': anchored */
  assert_true(ol_config_excluded(c, "api/user_pb2.py"));
  assert_true(ol_config_excluded(c, "docs/conf.py"));
  assert_false(ol_config_excluded(c, "app/views.py"));
  assert_false(ol_config_excluded(c, "migrations_old/x.py"));
  assert_true(ol_config_excluded(c, "/elsewhere/x_pb2.py")); /* outside: its own name only */
  assert_false(ol_config_excluded(c, "/migrations/x.py"));
  done(l);
  ol_config none;
  ol_config_init(&none);
  assert_false(ol_config_has_excludes(&none));
  assert_false(ol_config_excluded(&none, "migrations/x.py"));
  assert_false(ol_config_file_ignores(&none, "x.py", "ORM001"));
  ol_config_free(&none);
}

static void test_rel_path(void **state) {
  (void)state;
  ol_config c;
  ol_config_init(&c);
  char *p = ol_config_rel_path(&c, "/repo", "app/x.py");
  assert_string_equal(p, "app/x.py");
  ol_free(p);
  c.config_dir = ol_strdup("/repo");
  p = ol_config_rel_path(&c, "/repo/sub", "app/x.py"); /* the root below the config's directory */
  assert_string_equal(p, "sub/app/x.py");
  ol_free(p);
  p = ol_config_rel_path(&c, "/repo", "app/x.py");
  assert_string_equal(p, "app/x.py");
  ol_free(p);
  ol_config_free(&c);
}

static void test_rule_codes(void **state) {
  (void)state;
  const char *ok[] = {"ALL", "O", "OR", "ORM", "ORM0", "ORM00", "ORM001", "ORM006", "ORM1", NULL};
  for (const char *const *s = ok; *s; s++)
    assert_true(ol_config_is_rule_code(*s));
  const char *bad[] = {"", "ORM999", "ORM0011", "orm001", "all", "E501", "ORMX", NULL};
  for (const char *const *s = bad; *s; s++)
    assert_false(ol_config_is_rule_code(*s));
}

/* query-terminals reach the walk: a custom terminal in a loop is a query. */
static void test_query_terminals_reach_the_walk(void **state) {
  (void)state;
  const char *src = "for u in users:\n"
                    "    Order.query.filter_by(user_id=u.id).fetch_all()\n";
  for (int extra = 0; extra < 2; extra++) {
    ol_config c;
    ol_config_init(&c);
    ol_error err;
    if (extra) {
      const char *t = "[tool.ormlint]\nquery-terminals = [\"fetch_all\"]\n";
      bool has;
      assert_int_equal(ol_pyproject_parse("p", "/d", t, strlen(t), &c, &has, &err), OL_OK);
    }
    assert_int_equal(ol_config_compile(&c, &err), OL_OK);
    TSParser *p = ol_parser_new();
    TSTree *tree = ol_parse(p, src, (uint32_t)strlen(src));
    ol_file_facts facts;
    memset(&facts, 0, sizeof facts);
    ol_walk_file(&c, tree, src, (uint32_t)strlen(src), &facts);
    assert_int_equal(facts.queries.len, (size_t)extra);
    if (extra) {
      assert_string_equal(facts.queries.items[0].method, "fetch_all");
      assert_int_equal(facts.queries.items[0].loop, 0);
    }
    ol_facts_free(&facts);
    ts_tree_delete(tree);
    ts_parser_delete(p);
    ol_config_free(&c);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_key),
      cmocka_unit_test(test_other_spellings),
      cmocka_unit_test(test_strings),
      cmocka_unit_test(test_empty_arrays_are_given),
      cmocka_unit_test(test_keys_replace),
      cmocka_unit_test(test_no_table),
      cmocka_unit_test(test_unknown_keys),
      cmocka_unit_test(test_wrong_types),
      cmocka_unit_test(test_bad_values),
      cmocka_unit_test(test_duplicates),
      cmocka_unit_test(test_syntax_errors),
      cmocka_unit_test(test_encoding_errors),
      cmocka_unit_test(test_five_megabytes),
      cmocka_unit_test(test_deep_nesting),
      cmocka_unit_test(test_long_dotted_key),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_walks_up),
      cmocka_unit_test(test_error_names_file_from_cwd),
      cmocka_unit_test(test_unreadable),
      cmocka_unit_test(test_file_ignores),
      cmocka_unit_test(test_excluded),
      cmocka_unit_test(test_rel_path),
      cmocka_unit_test(test_rule_codes),
      cmocka_unit_test(test_query_terminals_reach_the_walk),
      cmocka_unit_test(test_max_file_size),
      cmocka_unit_test(test_builtin_patterns_pass_the_probe),
  };
  /* The file-system tests share one temporary tree. */
  return cmocka_run_group_tests_name("pyproject", tests, setup_tree, teardown_tree);
}
