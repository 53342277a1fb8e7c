/* Configuration defaults, pattern compilation, rule selection. */
#include "config.h"

#include <string.h>

#include "alloc.h"

void ol_config_init(ol_config *c) {
  memset(c, 0, sizeof *c);
  c->session_names = ol_strdup(OL_DEFAULT_SESSION_NAMES);
  c->jobs = 0;
}

static pcre2_code *compile(const char *pattern, const char *what, ol_error *err) {
  int code;
  PCRE2_SIZE off;
  pcre2_code *re =
      pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code, &off, NULL);
  if (!re) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(code, msg, sizeof msg);
    ol_error_set(err, "", 0, "invalid %s pattern '%s' at offset %zu: %s", what, pattern,
                 (size_t)off, msg);
    return NULL;
  }
  pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
  return re;
}

ol_status ol_config_compile(ol_config *c, ol_error *err) {
  if (c->session_re)
    pcre2_code_free(c->session_re);
  if (c->db_re)
    pcre2_code_free(c->db_re);
  c->db_re = NULL;
  c->session_re = compile(c->session_names, "--session-names", err);
  if (!c->session_re)
    return OL_ERR_USAGE;
  c->db_re = compile(OL_DEFAULT_DB_NAMES, "db-names", err);
  return c->db_re ? OL_OK : OL_ERR_USAGE;
}

static void free_list(char **l, size_t n) {
  for (size_t i = 0; i < n; i++)
    ol_free(l[i]);
  ol_free(l);
}

void ol_config_free(ol_config *c) {
  free_list(c->select, c->n_select);
  free_list(c->ignore, c->n_ignore);
  ol_free(c->session_names);
  if (c->session_re)
    pcre2_code_free(c->session_re);
  if (c->db_re)
    pcre2_code_free(c->db_re);
  memset(c, 0, sizeof *c);
}

static bool matches_any(char **list, size_t n, const char *code) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i], "ALL") == 0 || strncmp(code, list[i], strlen(list[i])) == 0)
      return true;
  return false;
}

bool ol_config_selects(const ol_config *c, const char *code) {
  if (c->n_select && !matches_any(c->select, c->n_select, code))
    return false;
  return !matches_any(c->ignore, c->n_ignore, code);
}

bool ol_re_match(const pcre2_code *re, const char *text, size_t len) {
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
  int rc = pcre2_match(re, (PCRE2_SPTR)text, len, 0, 0, md, NULL);
  pcre2_match_data_free(md);
  return rc >= 0;
}
