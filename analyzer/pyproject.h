/* pyproject.toml's [tool.ormlint] table: found by walking up from the first
 * path, parsed with the tree-sitter TOML grammar, validated key by key, and
 * applied to an ol_config before the command-line flags go over it
 * (DESIGN.md "Configuration").
 *
 * Keys: select, ignore (arrays of rule codes or prefixes, or "ALL"),
 * per-file-ignores (a table: glob -> array of codes), exclude, extend-exclude
 * (arrays of globs, relative to the file's directory; `exclude` replaces the
 * built-in list of skipped directory names, as ruff's does, `extend-exclude`
 * adds to it), session-names (a PCRE2 pattern, replaces the default),
 * model-bases (array of base-class names that make a class a model),
 * query-terminals (array of method names that run a query), dialect
 * ("postgresql", "sqlite" or "mysql"), max-file-size (bytes, or a string with
 * a unit: "10M"; larger files are skipped with a notification). */
#ifndef OL_PYPROJECT_H
#define OL_PYPROJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "fsys.h"
#include "status.h"

/* A pyproject.toml larger than this is an error when it mentions ormlint at
 * all (one that does not is never parsed): the TOML parser takes up to
 * about 4 us and 180 bytes of memory per byte of hostile input (0.7 s and
 * 45 MB at this size), and a real pyproject.toml is a few kilobytes. */
#define OL_PYPROJECT_MAX_BYTES (256u << 10)
/* Deepest nesting of brackets and braces accepted (counted over the whole
 * text, strings and comments too): Debian's libtree-sitter 0.20.7 frees an
 * invalid pointer when error recovery unwinds a parse stack deeper than
 * about 65,000 entries (an unclosed 65,527-deep nesting). Real files nest
 * two or three levels. */
#define OL_PYPROJECT_MAX_DEPTH 256
/* Longest query-terminals name (the facts keep method names in 24 bytes). */
#define OL_PYPROJECT_MAX_TERMINAL 23

/* Finds the nearest pyproject.toml at or above start_path (a file or a
 * directory; a missing one counts as a file) that holds a [tool.ormlint]
 * table, up to the file-system root, as ruff finds [tool.ruff]: a
 * pyproject.toml without the table is passed over (a file that does not
 * mention ormlint at all is not even parsed). Fills cfg with the table's
 * keys, replacing what cfg held for each key given, and sets
 * cfg->config_dir; *found_path (may be NULL) gets the file's absolute path
 * (caller frees), or NULL when no table was found.
 * No file or no table: OL_OK, cfg unchanged.
 * An unreadable or oversized file, invalid UTF-8, a TOML syntax error, an
 * unknown key, a wrong type, an unknown rule code, a bad pattern:
 * OL_ERR_USAGE, cfg unchanged, and err filled: err->path is the file (as
 * seen from the current directory), err->line the 1-based line (0 when not
 * about a line), and err->message the whole sentence, ready to print:
 * "pyproject.toml:12: [tool.ormlint] unknown key 'selct' (...)". */
ol_status ol_pyproject_load(const char *start_path, ol_config *cfg, char **found_path,
                            ol_error *err);
/* The same through fs (tests fake the file system with it). */
ol_status ol_pyproject_load_fs(const ol_fs *fs, const char *start_path, ol_config *cfg,
                               char **found_path, ol_error *err);

/* Reads text[0..len) as the pyproject.toml called path (for messages) in
 * directory dir (absolute; becomes cfg->config_dir). *has_table tells
 * whether it holds [tool.ormlint]; cfg changes only when it does and the
 * result is OL_OK. Errors as for ol_pyproject_load. */
ol_status ol_pyproject_parse(const char *path, const char *dir, const char *text, size_t len,
                             ol_config *cfg, bool *has_table, ol_error *err);

#endif
