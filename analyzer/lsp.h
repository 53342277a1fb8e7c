/* `ormlint lsp`: a language server over stdin/stdout (see lsp.c). */
#ifndef OL_LSP_H
#define OL_LSP_H

#include <stdio.h>

#include "config.h"
#include "fsys.h"

/* Settings for a workspace root: [tool.ormlint] there with the command
 * line's flags over it (uncompiled); OL_ERR_USAGE with err for a bad file. */
typedef ol_status (*ol_lsp_settings)(void *ud, const char *root, ol_config *out, ol_error *err);

/* Serves until `exit` or the end of input; returns the process exit code
 * (0 after shutdown + exit, 1 otherwise, as LSP says). settings (may be
 * NULL) is called again when a watched pyproject.toml changes. */
int ol_lsp_run(ol_config *cfg, ol_lsp_settings settings, void *ud, const ol_fs *fs, FILE *in,
               FILE *out);

#endif
