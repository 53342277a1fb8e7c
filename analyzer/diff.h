/* Unified diffs of whole files, `git apply`-able (a/ and b/ prefixes). */
#ifndef OL_DIFF_H
#define OL_DIFF_H

#include <stdint.h>
#include <stdio.h>

/* Writes the diff turning a into b for path; nothing when they are equal. */
void ol_diff_write(FILE *out, const char *path, const char *a, uint32_t alen, const char *b,
                   uint32_t blen);

#endif
