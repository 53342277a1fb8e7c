/* Reading which SQLAlchemy a project allows, without a TOML or Python
 * parser: every requirement format names the package and then its
 * specifiers (`SQLAlchemy>=1.3,<1.4`, `sqlalchemy = "^1.4"`,
 * `"sqlalchemy[asyncio]~=2.0"`, `SQLAlchemy = {version = ">=1.3"}`), so the
 * text after each whole-word `sqlalchemy` up to the end of its line (or
 * its closing quote) is read as a specifier list, and the lowest lower
 * bound across all of them wins. Another package whose name only contains
 * the word (`flask-sqlalchemy`, `sqlalchemy-utils`) does not count. */
#include "requirements.h"

#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

int ol_sqla_version_parse(const char *s) {
  int major = 0, minor = 0, n = 0;
  if (!s || sscanf(s, "%d%n", &major, &n) != 1)
    return -1;
  if (s[n] == '.' && sscanf(s + n + 1, "%d", &minor) != 1)
    return -1;
  if (major == 1 && minor >= 3 && minor <= 4)
    return major * 10 + minor;
  if (major == 2 && minor == 0)
    return 20;
  return -1;
}

static bool name_char(char c) {
  return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

/* Reads "X.Y" at p; false when p holds no version. */
static bool version_at(const char *p, const char *end, int *major, int *minor) {
  if (p >= end || !isdigit((unsigned char)*p))
    return false;
  *major = *minor = 0;
  while (p < end && isdigit((unsigned char)*p))
    *major = *major * 10 + (*p++ - '0');
  if (p < end && *p == '.' && p + 1 < end && isdigit((unsigned char)p[1]))
    for (p++; p < end && isdigit((unsigned char)*p); p++)
      *minor = *minor * 10 + (*p - '0');
  return true;
}

/* The lowest version the specifiers in [p, end) allow, major * 10 + minor
 * (13 when only an upper bound is given: older forms are not written; 0
 * when there is no specifier), and *below, the lowest exclusive upper
 * bound (0: none): `<2.0` 20, `<=1.4.9` 15, `==1.3.24` 14, `~=1.3.0` 14,
 * `~=1.3` 20, `^1.3` 20. */
static int lowest_allowed(const char *p, const char *end, int *below) {
  int lowest = 0;
  bool upper_only = false;
  *below = 0;
  while (p < end) {
    while (p < end && !strchr("=<>~^!", *p) && !isdigit((unsigned char)*p))
      p++;
    if (p >= end)
      break;
    char op[3] = {0};
    for (int i = 0; i < 2 && p < end && strchr("=<>~^!", *p); i++)
      op[i] = *p++;
    while (p < end && *p == ' ')
      p++;
    int major, minor;
    if (!version_at(p, end, &major, &minor))
      continue;
    int parts = 1;
    for (; p < end && (isalnum((unsigned char)*p) || *p == '.' || *p == '*'); p++)
      parts += *p == '.';
    if (!strcmp(op, "!="))
      continue;
    int v = major * 10 + minor, up = 0;
    if (!strcmp(op, "<"))
      up = v;
    else if (!strcmp(op, "<="))
      up = v + 1;
    else if (!strcmp(op, "==") || !op[0])
      up = v + 1;
    else if (!strcmp(op, "~=") || op[0] == '^')
      up = op[0] == '~' && parts >= 3 ? v + 1 : (major + 1) * 10;
    if (up && (!*below || up < *below))
      *below = up;
    if (op[0] == '<') {
      upper_only = true;
      continue;
    }
    if (major == 1 && minor < 3)
      v = 13;
    if (major >= 2)
      v = 20; /* the 2.x forms */
    if (!lowest || v < lowest)
      lowest = v;
  }
  return lowest ? lowest : upper_only ? 13 : 0;
}

int ol_requirements_text_sqlalchemy(const char *text, size_t len) {
  const char *end = text + len;
  int lowest = 0, below = 0;
  for (const char *p = text; p + 10 <= end; p++) {
    if (strncasecmp(p, "sqlalchemy", 10) || (p > text && name_char(p[-1])) ||
        (p + 10 < end && name_char(p[10])))
      continue;
    const char *q = p + 10;
    if (q < end && *q == '[') /* extras: sqlalchemy[asyncio] */
      while (q < end && *q != ']' && *q != '\n')
        q++;
    char quote = p > text && (p[-1] == '"' || p[-1] == '\'') ? p[-1] : 0;
    /* `"sqlalchemy>=1.4"` ends at its quote; a line (requirements.txt,
     * `sqlalchemy = "^1.4"`, `"sqlalchemy" = {version = ...}`) at its end. */
    bool spec_in_quotes = quote && q < end && *q != quote;
    if (quote && q < end && *q == quote) { /* `"sqlalchemy" = ...` a key, or `"sqlalchemy",` bare */
      const char *k = q + 1;
      while (k < end && (*k == ' ' || *k == '\t'))
        k++;
      if (k >= end || (*k != '=' && *k != ':'))
        continue;
    }
    const char *stop = q;
    while (stop < end && *stop != '\n' && *stop != '#' && *stop != ';' &&
           !(spec_in_quotes && *stop == quote))
      stop++;
    int b, v = lowest_allowed(q, stop, &b);
    if (v && (!lowest || v < lowest))
      lowest = v;
    if (v && b && (!below || b < below))
      below = b;
    p = q > p ? q - 1 : p;
  }
  /* From 1.3 through 2.0: no select() spelling works on both. */
  return lowest == 13 && (!below || below > 20) ? OL_SQLA_13_TO_20 : lowest;
}

/* The older of two answers; 1.3-through-2.0 counts as 1.3 and wins ties. */
static int older(int a, int b) {
  int ka = a == OL_SQLA_13_TO_20 ? 13 : a, kb = b == OL_SQLA_13_TO_20 ? 13 : b;
  if (!a || !b)
    return a ? a : b;
  if (ka != kb)
    return ka < kb ? a : b;
  return a == OL_SQLA_13_TO_20 ? a : b;
}

static int scan_file(const ol_fs *fs, const char *path, int lowest) {
  char *bytes;
  size_t len;
  struct stat st;
  if (fs->read_all(path, (size_t)1 << 20, &bytes, &len, &st) != 0)
    return lowest;
  int v = ol_requirements_text_sqlalchemy(bytes, len);
  ol_free(bytes);
  return older(lowest, v);
}

static bool requirement_file(const char *name) {
  static const char *const FIXED[] = {"pyproject.toml", "setup.cfg", "setup.py", "Pipfile", NULL};
  for (const char *const *f = FIXED; *f; f++)
    if (!strcmp(name, *f))
      return true;
  size_t n = strlen(name);
  return !strncmp(name, "requirements", 12) && n > 4 && !strcmp(name + n - 4, ".txt");
}

int ol_requirements_sqlalchemy(const ol_fs *fs, const char *root) {
  int lowest = 0;
  static const char *const DIRS[] = {"", "/requirements", NULL};
  for (const char *const *d = DIRS; *d; d++) {
    char *dir = ol_format("%s%s", root, *d);
    DIR *dp = fs->opendir(dir);
    for (struct dirent *de; dp && (de = readdir(dp));) {
      bool in_sub = **d != '\0';
      size_t n = strlen(de->d_name);
      if (!requirement_file(de->d_name) &&
          !(in_sub && n > 4 && !strcmp(de->d_name + n - 4, ".txt")))
        continue;
      char *path = ol_format("%s/%s", dir, de->d_name);
      lowest = scan_file(fs, path, lowest);
      ol_free(path);
    }
    if (dp)
      closedir(dp);
    ol_free(dir);
  }
  return lowest;
}
