/* What the engine is told to do: selection, patterns, fix mode. Filled by
 * the CLI (and later pyproject.toml); the engine only reads it. */
#ifndef OL_CONFIG_H
#define OL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "status.h"

typedef enum { OL_FIXMODE_NONE, OL_FIXMODE_SAFE, OL_FIXMODE_UNSAFE } ol_fix_mode;

typedef struct {
  char **select; /* codes or prefixes; NULL/empty = every rule */
  size_t n_select;
  char **ignore;
  size_t n_ignore;
  char *session_names; /* PCRE2 over a receiver's dotted text */
  pcre2_code *session_re;
  pcre2_code *db_re; /* the Flask-SQLAlchemy extension object: db.get_or_404 ... */
  ol_fix_mode fix_mode;
  bool diff; /* print fixes as a diff, write nothing */
  int jobs;
} ol_config;

#define OL_DEFAULT_SESSION_NAMES "(?:^|\\.)(?:session|[A-Za-z_]\\w*_session)$"
#define OL_DEFAULT_DB_NAMES "(?:^|\\.)db$"

/* Fills defaults. */
void ol_config_init(ol_config *c);
/* Compiles the patterns; OL_ERR_USAGE with err filled on a bad pattern. */
ol_status ol_config_compile(ol_config *c, ol_error *err);
void ol_config_free(ol_config *c);
/* Whether rule `code` is selected (select/ignore by code or prefix). */
bool ol_config_selects(const ol_config *c, const char *code);
/* Whether text[0..len) matches re. */
bool ol_re_match(const pcre2_code *re, const char *text, size_t len);

#endif
