/* Command-line parsing into an ol_cli; nothing else. */
#ifndef OL_CLI_H
#define OL_CLI_H

#include <stdbool.h>

#include "config.h"
#include "status.h"

typedef enum { OL_CMD_CHECK, OL_CMD_RULE, OL_CMD_HELP, OL_CMD_VERSION, OL_CMD_LSP } ol_command;

typedef struct {
  ol_command command;
  ol_config config;
  const char *format;         /* text, sarif, json, github */
  const char *output;         /* -o FILE, NULL for stdout */
  const char *rule;           /* for `ormlint rule CODE` */
  const char *baseline;       /* --baseline FILE: report only findings not in it */
  const char *write_baseline; /* --write-baseline FILE */
  const char *category;       /* --category: SARIF run.automationDetails.id */
  const char *emit_sql;       /* --emit-sql FILE: the index advice as a SQL script */
  bool fix, unsafe_fixes, statistics, exit_zero, quiet, show_models, add_noqa;
  const char *select_arg, *ignore_arg, *session_arg, *dialect_arg; /* the flags as given */
  size_t max_file_size;  /* --max-file-size, 0 when not given */
  int target_sqlalchemy; /* --target-sqlalchemy as 13, 14, 20; 0 when not given */
  int color;             /* -1 auto, 0 never, 1 always */
  char **paths;          /* borrowed from argv */
  size_t n_paths;
} ol_cli;

/* Fills cli from argv. OL_ERR_USAGE with err filled on a bad command line. */
ol_status ol_cli_parse(int argc, char **argv, ol_cli *cli, ol_error *err);
void ol_cli_free(ol_cli *cli);
/* The settings of [tool.ormlint] at or above start with cli's flags over
 * them (not yet compiled); OL_ERR_USAGE with err for a bad file. */
ol_status ol_cli_config_at(const ol_cli *cli, const char *start, ol_config *out, ol_error *err);
extern const char ol_cli_usage[];

#endif
