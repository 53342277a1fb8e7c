/* Pass 1: one iterative walk over a file's tree that records its facts.
 * The tree can be freed as soon as ol_walk_file returns. */
#ifndef OL_WALK_H
#define OL_WALK_H

#include <tree_sitter/api.h>

#include "config.h"
#include "facts.h"

/* Fills facts (zero-initialised by the caller) from the tree of src[0..len). */
void ol_walk_file(const ol_config *cfg, TSTree *tree, const char *src, uint32_t len,
                  ol_file_facts *facts);

#endif
