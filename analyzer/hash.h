/* The two hashes ormlint uses: FNV-1a over bytes (names, keys, contents,
 * continued from a previous hash), and a word-at-a-time one for long texts
 * (a statement's text, a cache record's checksum). */
#ifndef OL_HASH_H
#define OL_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define OL_FNV_OFFSET 1469598103934665603ull

static inline uint64_t ol_fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *s = p;
  for (size_t i = 0; i < n; i++)
    h = (h ^ s[i]) * 1099511628211ull;
  return h;
}

/* 8 bytes a step: for texts of kilobytes, where FNV's byte loop shows. */
static inline uint64_t ol_hash_words(const void *p, size_t n) {
  const char *s = p;
  uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
  for (; n >= 8; s += 8, n -= 8) {
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 32;
  }
  uint64_t w = 0;
  memcpy(&w, s, n);
  h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
  return h ^ (h >> 29);
}

#endif
