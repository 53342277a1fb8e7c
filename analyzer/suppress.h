/* Suppression comments: `# noqa` and `# noqa: ORM001,ORM002` on any line
 * of the reported expression silence it (ruff's convention). */
#ifndef OL_SUPPRESS_H
#define OL_SUPPRESS_H

#include <stdbool.h>

#include "source.h"

/* Whether a noqa comment on lines first..last (1-based) covers code. */
bool ol_suppressed(const ol_source *src, uint32_t first, uint32_t last, const char *code);

#endif
