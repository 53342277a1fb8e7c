/* ormlint: parse the command line, run the engine, write the report, map
 * the outcome to an exit code (0 no findings, 1 findings, 2 error). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "baseline.h"
#include "cli.h"
#include "discover.h"
#include "emit_sql.h"
#include "engine.h"
#include "fsys.h"
#include "lsp.h"
#include "rule.h"
#include "writer.h"

static int usage_error(const ol_error *err) {
  fprintf(stderr, "ormlint: %s\n", err->message);
  return 2;
}

static int print_rule(const char *code) {
  const ol_rule_meta *m = ol_rule_meta_find(code);
  if (!m) {
    fprintf(stderr, "ormlint: unknown rule '%s'\n", code);
    return 2;
  }
  fputs(m->doc_md, stdout);
  return 0;
}

/* A file ormlint writes (-o, --write-baseline, --emit-sql) is replaced
 * whole or not at all: the text is gathered in memory and renamed into
 * place through a temporary file, as --fix does, so a full disk leaves the
 * previous baseline as it was. Standard output, and a path that is not a
 * regular file (/dev/stdout, a FIFO), are written directly. */
typedef struct {
  FILE *f;
  char *path; /* where the text goes (a symbolic link's target); NULL: written directly */
  char *text;
  size_t len;
} output;

static bool output_open(output *o, const char *path) {
  struct stat st;
  *o = (output){.f = stdout};
  if (!path || !strcmp(path, "-"))
    return true;
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
    o->f = fopen(path, "w");
  } else {
    /* A symbolic link is written through, as fopen would; one to nowhere fails. */
    o->path = lstat(path, &st) == 0 && S_ISLNK(st.st_mode) ? realpath(path, NULL) : strdup(path);
    o->f = o->path ? open_memstream(&o->text, &o->len) : NULL;
  }
  if (!o->f) {
    perror(path);
    free(o->path);
  }
  return o->f != NULL;
}

/* Returns 0, or -1 when the text could not be written (the file untouched). */
static int output_close(output *o, int written) {
  if (o->f == stdout)
    return written;
  bool ok = fclose(o->f) == 0 && written == 0;
  if (ok && o->path) {
    struct stat st;
    mode_t mask = umask(0);
    umask(mask);
    mode_t mode = stat(o->path, &st) == 0 ? st.st_mode : (0666 & ~mask);
    int e = ol_fs_posix.replace(o->path, o->text, o->len, mode);
    if (e)
      fprintf(stderr, "ormlint: %s: %s\n", o->path, strerror(e));
    ok = e == 0;
  }
  free(o->text); /* open_memstream's and realpath's, from malloc */
  free(o->path);
  return ok ? 0 : -1;
}

static void report_fixes(const ol_cli *cli, const ol_fix_stats *st) {
  if (cli->quiet || cli->config.diff)
    return;
  fprintf(stderr, "ormlint: fixed %zu finding%s in %zu file%s", st->fixed,
          st->fixed == 1 ? "" : "s", st->files, st->files == 1 ? "" : "s");
  if (st->refused)
    fprintf(stderr, "; %zu fix%s refused (see the notifications)", st->refused,
            st->refused == 1 ? "" : "es");
  fputc('\n', stderr);
}

static ol_write_opts write_opts(const ol_cli *cli) {
  ol_write_opts opts = {.tool_version = OL_VERSION,
                        .statistics = cli->statistics,
                        .show_fixes = true,
                        .quiet = cli->quiet,
                        .category = cli->category,
                        .rules = ol_rule_metas(),
                        .n_rules = ol_rule_count()};
  return opts;
}

/* --write-baseline: every finding, as SARIF, to the file; nothing else. */
static int write_baseline(const ol_cli *cli, const ol_report *report) {
  output out;
  ol_write_opts opts = write_opts(cli);
  if (!output_open(&out, cli->write_baseline) ||
      output_close(&out, ol_writer_sarif.write(out.f, report, &opts)) != 0) {
    fprintf(stderr, "ormlint: cannot write the baseline to %s\n", cli->write_baseline);
    return 2;
  }
  if (!cli->quiet)
    fprintf(stderr, "ormlint: wrote %zu finding%s to the baseline %s\n", report->n_findings,
            report->n_findings == 1 ? "" : "s", cli->write_baseline);
  return report->execution_successful ? 0 : 2;
}

/* --emit-sql: the index advice of the findings as a SQL script. */
static int write_sql(const ol_cli *cli, const ol_report *report) {
  output out;
  if (!output_open(&out, cli->emit_sql) ||
      output_close(&out, ol_emit_sql(out.f, report, cli->config.dialect)) != 0) {
    fprintf(stderr, "ormlint: cannot write the SQL to %s\n", cli->emit_sql);
    return -1;
  }
  return 0;
}

static int check(ol_cli *cli) {
  ol_baseline *baseline = NULL;
  ol_error err = {0};
  if (cli->baseline && ol_baseline_load(cli->baseline, &baseline, &err) != OL_OK)
    return usage_error(&err); /* before any analysis */
  ol_engine *engine = ol_engine_new(&cli->config, &ol_fs_posix);
  ol_report report;
  ol_engine_scan(engine, cli->paths, cli->n_paths, &report);
  if (cli->write_baseline) {
    int status = write_baseline(cli, &report);
    ol_report_free(&report);
    ol_engine_free(engine);
    ol_baseline_free(baseline);
    return status;
  }
  size_t known = baseline ? ol_baseline_filter(baseline, &report) : 0;
  if (cli->show_models) {
    ol_engine_write_models(engine, stdout);
    int status = report.execution_successful ? 0 : 2;
    ol_report_free(&report);
    ol_engine_free(engine);
    return status;
  }
  ol_fix_stats stats = {0};
  bool emit_failed = false;
  if (cli->config.fix_mode != OL_FIXMODE_NONE) {
    ol_engine_apply(engine, &report, cli->config.diff ? stdout : NULL, &stats);
    if (baseline) /* the files were analysed again: the baseline applies again */
      ol_baseline_filter(baseline, &report);
    report_fixes(cli, &stats);
  }
  if (cli->add_noqa) {
    ol_engine_add_noqa(engine, &report, &stats);
    if (!cli->quiet)
      fprintf(stderr, "ormlint: added noqa for %zu finding%s in %zu file%s\n", stats.fixed,
              stats.fixed == 1 ? "" : "s", stats.files, stats.files == 1 ? "" : "s");
  }
  if (cli->emit_sql && write_sql(cli, &report) != 0)
    emit_failed = true;
  if (known && !cli->quiet && !cli->config.diff)
    fprintf(stderr, "ormlint: %zu finding%s in the baseline not shown\n", known,
            known == 1 ? "" : "s");
  ol_baseline_free(baseline);
  int status = !report.execution_successful ? 2 : (report.n_findings && !cli->exit_zero) ? 1 : 0;
  if (emit_failed)
    status = 2;
  if (cli->config.diff) {
    if (report.execution_successful && !cli->exit_zero)
      status = stats.fixed ? 1 : 0;
  } else {
    output out;
    bool opened = output_open(&out, cli->output);
    const ol_writer *w = ol_writer_find(cli->format);
    if (!strcmp(cli->format, "text") || !strcmp(cli->format, "github")) {
      /* People and CI logs read paths from where the command ran. */
      char *cwd = ol_path_absolute(".");
      ol_report_rebase(&report, cwd);
      ol_free(cwd);
    }
    ol_write_opts opts = write_opts(cli);
    opts.color = cli->color == 1 || (cli->color == -1 && out.f == stdout &&
                                     isatty(fileno(stdout)) && !getenv("NO_COLOR"));
    if (!opened || output_close(&out, w->write(out.f, &report, &opts)) != 0) {
      fprintf(stderr, "ormlint: cannot write the report to %s\n",
              cli->output ? cli->output : "standard output");
      status = 2;
    }
  }
  ol_report_free(&report);
  ol_engine_free(engine);
  return status;
}

static ol_status lsp_settings(void *ud, const char *root, ol_config *out, ol_error *err) {
  return ol_cli_config_at(ud, root, out, err);
}

int main(int argc, char **argv) {
  ol_cli cli;
  ol_error err = {0};
  int status;
  ol_heap_large_pages((size_t)64 << 20);
  if (ol_cli_parse(argc, argv, &cli, &err) != OL_OK)
    status = usage_error(&err);
  else if (cli.command == OL_CMD_HELP)
    status = (fputs(ol_cli_usage, stdout), 0);
  else if (cli.command == OL_CMD_VERSION)
    status = (printf("ormlint %s\n", OL_VERSION), 0);
  else if (cli.command == OL_CMD_RULE)
    status = print_rule(cli.rule);
  else if (cli.command == OL_CMD_LSP)
    status = ol_lsp_run(&cli.config, lsp_settings, &cli, &ol_fs_posix, stdin, stdout);
  else
    status = check(&cli);
  ol_cli_free(&cli);
  if (fflush(stdout) != 0)
    status = 2;
  return status;
}
