/* Finding the files to analyse: walk the given paths for .py files, skip
 * VCS, virtualenv and cache directories and the configured excludes, never
 * follow a symlink loop or a symlink whose target is outside the project
 * (explicit paths are walked as given), and find the project root the index is built from. */
#ifndef OL_DISCOVER_H
#define OL_DISCOVER_H

#include <stdbool.h>

#include "alloc.h"
#include "config.h"
#include "finding.h"
#include "fsys.h"

typedef struct {
  char *path;         /* as given, or joined from a given directory */
  char *abs;          /* absolute, normalised */
  bool explicit_file; /* named on the command line */
} ol_found;

typedef struct {
  /* Set by the caller before ol_discover (both borrowed; NULL: none): the
   * config whose exclude/extend-exclude apply, and the project root its
   * globs are relative to when it came from no file (cfg->config_dir). */
  const ol_config *cfg;
  const char *root;
  OL_VEC(ol_found) files; /* sorted by abs, unique */
  OL_VEC(ol_notification) notes;
  bool io_error; /* a path was missing or unreadable */
} ol_discovery;

/* Adds the files under path (a file or a directory). A path the config
 * excludes is skipped silently, even when given explicitly (pre-commit
 * passes every changed file); so is everything under an excluded directory.
 * Directories named in the built-in skip list are skipped while walking,
 * unless the config's `exclude` replaced that list. */
void ol_discover(const ol_fs *fs, const char *path, ol_discovery *d);
/* Sorts and removes duplicates. */
void ol_discovery_finish(ol_discovery *d);
void ol_discovery_free(ol_discovery *d);

/* Absolute, normalised form of path (no symlink resolution); caller frees. */
char *ol_path_absolute(const char *path);
/* The project root for path: nearest directory at or above it holding
 * pyproject.toml, setup.cfg or .git (*marked true), else path itself (its
 * directory for a file; *marked false: the index then holds only the paths
 * given). Caller frees. */
char *ol_project_root(const ol_fs *fs, const char *path, bool *marked);
/* Rewrites every root-relative path of report relative to dir (absolute)
 * instead: what a terminal or a CI log shows next to the command. */
void ol_report_rebase(ol_report *report, const char *dir);
/* Whether real is bound or a path under it (both absolute, normalised). */
bool ol_path_is_within(const char *bound, const char *real);
/* abs relative to root ('/'-separated), or abs itself when outside. Caller frees. */
char *ol_path_relative(const char *root, const char *abs);

#endif
