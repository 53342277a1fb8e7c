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

/* The editor's walk: the facts of each top-level function of the last
 * version walked, by its text and the module context it was walked in.
 * A one-character edit then walks one function; the facts are the same as
 * ol_walk_file's. */
typedef struct ol_walk_memo ol_walk_memo;
/* Whether src is an Alembic revision (module-level `revision` and
 * `down_revision`): its walk keeps no facts. */
bool ol_walk_is_migration(const char *src, uint32_t len);
/* ol_walk_file, reusing *memo (NULL at first) and leaving the new one there. */
void ol_walk_file_memo(const ol_config *cfg, TSTree *tree, const char *src, uint32_t len,
                       ol_file_facts *facts, ol_walk_memo **memo);
void ol_walk_memo_free(ol_walk_memo *m);
/* How many functions the walk that made m put back from the memo before. */
size_t ol_walk_memo_replayed(const ol_walk_memo *m);
/* A digest of every fact (strings by content), for tests that two walks agree. */
uint64_t ol_facts_digest(const ol_file_facts *f);

#endif
