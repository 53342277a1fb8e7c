/* Command-line options (see ol_cli_usage). */
#include "cli.h"
#include "requirements.h"

#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "emit_sql.h"
#include "pyproject.h"
#include "rule.h"

const char ol_cli_usage[] =
    "Usage: ormlint [OPTIONS] [PATH ...]\n"
    "       ormlint rule CODE\n"
    "       ormlint lsp [OPTIONS]     a language server on stdin/stdout (for editors)\n"
    "\n"
    "Finds slow SQLAlchemy/Flask ORM patterns (N+1 queries, lazy loads in loops,\n"
    "serial counts) in Python code, with fixes. PATH defaults to '.'.\n"
    "\n"
    "Options:\n"
    "  --format FORMAT        text (default), sarif, json or github\n"
    "  -o, --output FILE      write the report to FILE instead of standard output\n"
    "  --select CODES         only these rules (codes or prefixes, comma-separated; ALL)\n"
    "  --ignore CODES         not these rules\n"
    "  --fix                  apply safe fixes\n"
    "  --unsafe-fixes         with --fix or --diff, apply unsafe fixes too\n"
    "  --diff                 print the fixes as a unified diff; change nothing\n"
    "  --add-noqa             add `# noqa: CODE` to every line with a finding (adopt on legacy "
    "code)\n"
    "  --baseline FILE        report only findings not in FILE (a SARIF log of an earlier run)\n"
    "  --write-baseline FILE  write every finding to FILE as a SARIF baseline, report nothing\n"
    "  --category NAME        SARIF run.automationDetails.id (code scanning's category)\n"
    "  --statistics           count findings per rule instead of listing them\n"
    "  --show-models          print the project's models and relationships as ormlint sees them\n"
    "  --emit-sql FILE        write the recommended indexes (ORM007) to FILE as CREATE INDEX SQL\n"
    "  --dialect NAME         the database for --emit-sql and ORM007: postgresql (default),\n"
    "                         sqlite or mysql (InnoDB indexes foreign keys itself)\n"
    "  --target-sqlalchemy V  write fixes for SQLAlchemy V (1.3, 1.4 or 2.0); default: the\n"
    "                         oldest the project's requirements allow\n"
    "  --exit-zero            exit 0 even when there are findings\n"
    "  -q, --quiet            print findings only\n"
    "  --session-names REGEX  PCRE2 pattern for session receivers (dotted names)\n"
    "  -j, --jobs N           threads (default: one per core)\n"
    "  --no-cache             neither read nor write the project's .ormlint_cache/\n"
    "  --no-prefilter         parse every file, also those with no ORM token or project name\n"
    "  --max-file-size SIZE   skip files larger than SIZE (bytes, or 512K, 10M; default 10M)\n"
    "  --color WHEN           auto (default), always or never\n"
    "  --version              print the version\n"
    "  -h, --help             print this help\n"
    "\n"
    "Settings come from [tool.ormlint] in the nearest pyproject.toml at or above\n"
    "the first PATH (select, ignore, per-file-ignores, exclude, extend-exclude,\n"
    "session-names, model-bases, query-terminals, dialect, max-file-size); flags\n"
    "override them.\n"
    "\n"
    "Exit status: 0 no findings, 1 findings, 2 error.\n";

static char **split_codes(const char *s, size_t *n, ol_error *err, const char *opt) {
  char **out = NULL;
  *n = 0;
  char *copy = ol_strdup(s);
  for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
    while (*tok == ' ')
      tok++;
    size_t len = strlen(tok);
    while (len && tok[len - 1] == ' ')
      tok[--len] = '\0';
    if (!len)
      continue;
    bool known = !strcmp(tok, "ALL");
    for (size_t i = 0; !known && i < ol_rule_count(); i++)
      known = !strncmp(ol_rule_metas()[i].code, tok, len);
    if (!known && strncmp("ORM", tok, len) != 0) {
      ol_error_set(err, "", 0, "%s: unknown rule code or prefix '%s'", opt, tok);
      ol_free(copy);
      for (size_t i = 0; i < *n; i++)
        ol_free(out[i]);
      ol_free(out);
      *n = 0;
      return NULL;
    }
    out = ol_realloc(out, (*n + 1) * sizeof(char *));
    out[(*n)++] = ol_strdup(tok);
  }
  ol_free(copy);
  return out ? out : ol_calloc(1, sizeof(char *));
}

/* --name VALUE or --name=VALUE. */
static const char *value_of(int argc, char **argv, int *i, const char *name) {
  size_t n = strlen(name);
  if (strncmp(argv[*i], name, n) != 0)
    return NULL;
  if (argv[*i][n] == '=')
    return argv[*i] + n + 1;
  if (name[1] != '-' && argv[*i][n] != '\0')
    return argv[*i] + n; /* -j2, -oFILE */
  if (argv[*i][n] != '\0')
    return NULL;
  if (*i + 1 >= argc)
    return "";
  return argv[++*i];
}

static ol_status parse_option(int argc, char **argv, int *i, ol_cli *c, ol_error *err) {
  const char *a = argv[*i], *v = NULL;
  if (!strcmp(a, "--fix"))
    c->fix = true;
  else if (!strcmp(a, "--unsafe-fixes"))
    c->unsafe_fixes = true;
  else if (!strcmp(a, "--diff"))
    c->config.diff = true;
  else if (!strcmp(a, "--statistics"))
    c->statistics = true;
  else if (!strcmp(a, "--show-models"))
    c->show_models = true;
  else if (!strcmp(a, "--no-prefilter"))
    c->config.no_prefilter = true;
  else if (!strcmp(a, "--no-cache"))
    c->config.no_cache = true;
  else if (!strcmp(a, "--add-noqa"))
    c->add_noqa = true;
  else if (!strcmp(a, "--exit-zero"))
    c->exit_zero = true;
  else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
    c->quiet = true;
  else if (!strcmp(a, "-h") || !strcmp(a, "--help"))
    c->command = OL_CMD_HELP;
  else if (!strcmp(a, "--version"))
    c->command = OL_CMD_VERSION;
  else if ((v = value_of(argc, argv, i, "--format")))
    c->format = v;
  else if ((v = value_of(argc, argv, i, "--baseline")))
    c->baseline = v;
  else if ((v = value_of(argc, argv, i, "--write-baseline")))
    c->write_baseline = v;
  else if ((v = value_of(argc, argv, i, "--category")))
    c->category = v;
  else if ((v = value_of(argc, argv, i, "--emit-sql")))
    c->emit_sql = v;
  else if ((v = value_of(argc, argv, i, "--target-sqlalchemy"))) {
    if ((c->target_sqlalchemy = ol_sqla_version_parse(v)) < 0) {
      ol_error_set(err, "", 0, "--target-sqlalchemy: expected 1.3, 1.4 or 2.0, got '%s'", v);
      return OL_ERR_USAGE;
    }
  } else if ((v = value_of(argc, argv, i, "--dialect"))) {
    if (*v && !ol_sql_dialect_known(v)) {
      ol_error_set(err, "", 0, "--dialect: expected postgresql, sqlite or mysql, got '%s'", v);
      return OL_ERR_USAGE;
    }
    c->dialect_arg = v;
  } else if ((v = value_of(argc, argv, i, "--output")) || (v = value_of(argc, argv, i, "-o")))
    c->output = v;
  else if ((v = value_of(argc, argv, i, "--select"))) {
    if (!(c->config.select = split_codes(v, &c->config.n_select, err, "--select")))
      return OL_ERR_USAGE;
    c->select_arg = v;
  } else if ((v = value_of(argc, argv, i, "--ignore"))) {
    if (!(c->config.ignore = split_codes(v, &c->config.n_ignore, err, "--ignore")))
      return OL_ERR_USAGE;
    c->ignore_arg = v;
  } else if ((v = value_of(argc, argv, i, "--session-names"))) {
    ol_free(c->config.session_names);
    c->config.session_names = ol_strdup(v);
    c->session_arg = v;
  } else if ((v = value_of(argc, argv, i, "--jobs")) || (v = value_of(argc, argv, i, "-j"))) {
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < 1 || n > 256) {
      ol_error_set(err, "", 0, "--jobs: expected a number from 1 to 256, got '%s'", v);
      return OL_ERR_USAGE;
    }
    c->config.jobs = (int)n;
  } else if ((v = value_of(argc, argv, i, "--max-file-size"))) {
    if (*v && !ol_size_parse(v, &c->max_file_size)) {
      ol_error_set(err, "", 0,
                   "--max-file-size: expected a size from 1 byte to 1G (bytes, or 512K, 10M), got "
                   "'%s'",
                   v);
      return OL_ERR_USAGE;
    }
  } else if ((v = value_of(argc, argv, i, "--color"))) {
    if (!strcmp(v, "auto"))
      c->color = -1;
    else if (!strcmp(v, "always"))
      c->color = 1;
    else if (!strcmp(v, "never"))
      c->color = 0;
    else {
      ol_error_set(err, "", 0, "--color: expected auto, always or never, got '%s'", v);
      return OL_ERR_USAGE;
    }
  } else {
    ol_error_set(err, "", 0, "unknown option '%s' (see ormlint --help)", a);
    return OL_ERR_USAGE;
  }
  if (v && !*v) {
    ol_error_set(err, "", 0, "%s needs a value", a);
    return OL_ERR_USAGE;
  }
  return OL_OK;
}

ol_status ol_cli_config_at(const ol_cli *c, const char *start, ol_config *out, ol_error *err) {
  ol_config_init(out);
  if (ol_pyproject_load(start, out, NULL, err) != OL_OK)
    goto fail;
  if (c->select_arg) {
    for (size_t i = 0; i < out->n_select; i++)
      ol_free(out->select[i]);
    ol_free(out->select);
    if (!(out->select = split_codes(c->select_arg, &out->n_select, err, "--select")))
      goto fail;
  }
  if (c->ignore_arg) {
    for (size_t i = 0; i < out->n_ignore; i++)
      ol_free(out->ignore[i]);
    ol_free(out->ignore);
    if (!(out->ignore = split_codes(c->ignore_arg, &out->n_ignore, err, "--ignore")))
      goto fail;
  }
  if (c->session_arg) {
    ol_free(out->session_names);
    out->session_names = ol_strdup(c->session_arg);
  }
  if (c->dialect_arg) {
    ol_free(out->dialect);
    out->dialect = ol_strdup(c->dialect_arg);
  }
  out->fix_mode = c->config.fix_mode;
  out->diff = c->config.diff;
  out->jobs = c->config.jobs;
  out->no_prefilter = c->config.no_prefilter;
  out->no_cache = c->config.no_cache;
  if (c->max_file_size)
    out->max_file_size = c->max_file_size;
  if (c->target_sqlalchemy > 0)
    out->target_sqlalchemy = c->target_sqlalchemy;
  return OL_OK;
fail:
  ol_config_free(out);
  memset(out, 0, sizeof *out);
  return OL_ERR_USAGE;
}

/* [tool.ormlint] of the nearest pyproject.toml at or above the first path
 * (the workspace for `lsp`), with the command-line flags over it. */
static ol_status with_pyproject(ol_cli *c, ol_error *err) {
  ol_config merged;
  if (ol_cli_config_at(c, c->n_paths ? c->paths[0] : ".", &merged, err) != OL_OK)
    return OL_ERR_USAGE;
  ol_config_free(&c->config);
  c->config = merged;
  return OL_OK;
}

ol_status ol_cli_parse(int argc, char **argv, ol_cli *c, ol_error *err) {
  memset(c, 0, sizeof *c);
  ol_config_init(&c->config);
  c->format = "text";
  c->color = -1;
  c->paths = ol_calloc((size_t)argc + 1, sizeof(char *));
  int i = 1;
  if (argc > 1 && !strcmp(argv[1], "rule")) {
    if (argc != 3) {
      ol_error_set(err, "", 0, "usage: ormlint rule CODE");
      return OL_ERR_USAGE;
    }
    c->command = OL_CMD_RULE;
    c->rule = argv[2];
    return OL_OK;
  }
  if (argc > 1 && !strcmp(argv[1], "lsp")) {
    c->command = OL_CMD_LSP;
    i = 2;
  }
  bool options_done = false;
  for (; i < argc; i++) {
    if (!options_done && !strcmp(argv[i], "--"))
      options_done = true;
    else if (c->command == OL_CMD_LSP && !strcmp(argv[i], "--stdio"))
      continue; /* what LSP clients pass by default: stdio is the only transport */
    else if (!options_done && argv[i][0] == '-' && argv[i][1]) {
      if (parse_option(argc, argv, &i, c, err) != OL_OK)
        return OL_ERR_USAGE;
    } else
      c->paths[c->n_paths++] = argv[i];
  }
  if (strcmp(c->format, "text") && strcmp(c->format, "sarif") && strcmp(c->format, "json") &&
      strcmp(c->format, "github")) {
    ol_error_set(err, "", 0, "--format: expected text, sarif, json or github, got '%s'", c->format);
    return OL_ERR_USAGE;
  }
  if (c->add_noqa && (c->fix || c->config.diff)) {
    ol_error_set(err, "", 0, "--add-noqa cannot be combined with --fix or --diff");
    return OL_ERR_USAGE;
  }
  c->config.fix_mode = (c->fix || c->config.diff)
                           ? (c->unsafe_fixes ? OL_FIXMODE_UNSAFE : OL_FIXMODE_SAFE)
                           : OL_FIXMODE_NONE;
  if ((c->command == OL_CMD_CHECK || c->command == OL_CMD_LSP) && with_pyproject(c, err) != OL_OK)
    return OL_ERR_USAGE;
  return ol_config_compile(&c->config, err);
}

void ol_cli_free(ol_cli *c) {
  ol_config_free(&c->config);
  ol_free(c->paths);
}
