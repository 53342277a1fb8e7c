/* `ormlint lsp`: a language server over stdin/stdout (see lsp.c). */
#ifndef OL_LSP_H
#define OL_LSP_H

#include <stdio.h>

#include "config.h"
#include "fsys.h"

/* Serves until `exit` or the end of input; returns the process exit code
 * (0 after shutdown + exit, 1 otherwise, as LSP says). */
int ol_lsp_run(ol_config *cfg, const ol_fs *fs, FILE *in, FILE *out);

#endif
