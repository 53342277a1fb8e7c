/* libFuzzer: the cache reader, as a repository that commits a crafted
 * .ormlint_cache attacks everyone who clones it. An input is a file and the
 * facts record the cache holds for it: [u32 n][n bytes of input.py][record].
 * The harness wraps the record in a cache with a valid header, key and
 * checksum, an entry matching the file on disk (size, mtime, hash), and
 * serves it from memory in place of .ormlint_cache/facts; then the whole
 * scan runs on it (pass 1 takes the facts from the cache, the index, every
 * rule, the fixes as a diff, the writers). A record the checks refuse makes
 * the file be parsed instead; none may crash or hang the scan. Then the
 * resolved calls that scan wrote (.ormlint_cache/calls) are served back
 * with bytes of their record changed as the input says (header and
 * checksum made valid again) and the scan runs once more: an entry
 * ol_resolved_calls_valid refuses is resolved again, none may crash.
 *
 * Seeds: run with FUZZ_CACHE_SEEDS=<dir> and Python files as arguments, it
 * writes one input per file (the file and the record the walker makes of
 * it) and exits: the Makefile builds them from the fixtures and the corpus. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "cache.h"
#include "engine.h"
#include "engine_internal.h"
#include "hash.h"
#include "rule.h"
#include "syntax.h"
#include "walk.h"
#include "writer.h"

static char dir[64]; /* the project: pyproject.toml and input.py */
static uint64_t key; /* the cache key of this binary and config */
static ol_buf cache; /* the cache served to this run */
static ol_buf calls; /* .ormlint_cache/calls served to this run; what the last run wrote */
static ol_buf calls_written;
static ol_fs fs; /* the real file system, the cache from memory */
static ol_config cfg;

static int fake_cache_dir(const char *root, const char *name, bool create, const char **why) {
  (void)root, (void)name, (void)create, (void)why;
  return open("/dev/null", O_RDONLY | O_CLOEXEC); /* closed by ol_cache_free; never read */
}

static int fake_read_at(int dirfd, const char *name, size_t limit, char **bytes, size_t *len) {
  (void)dirfd, (void)limit;
  const ol_buf *b = !strcmp(name, "facts") ? &cache : !strcmp(name, "calls") ? &calls : NULL;
  if (!b || !b->len)
    return ENOENT;
  *bytes = ol_strndup(b->s, b->len);
  *len = b->len;
  return 0;
}

/* Keeps what a run writes: the first run's header gives the key. */
static int fake_replace_at(int dirfd, const char *name, const char *bytes, size_t len,
                           mode_t mode) {
  (void)dirfd, (void)mode;
  if (!strcmp(name, "facts") && len >= 16 && !key)
    memcpy(&key, bytes + 8, 8);
  if (!strcmp(name, "calls")) {
    calls_written.len = 0;
    ol_buf_add(&calls_written, bytes, len);
  }
  return 0;
}

static FILE *sink(void) {
  static FILE *null;
  if (!null)
    null = fopen("/dev/null", "w");
  return null;
}

static void put_u32(ol_buf *b, uint32_t v) { ol_buf_add(b, (const char *)&v, 4); }
static void put_u64(ol_buf *b, uint64_t v) { ol_buf_add(b, (const char *)&v, 8); }

/* A cache holding one parsed entry for input.py: its record is rec. */
static void build_cache(const char *src, uint32_t n, const char *rec, uint32_t rec_len) {
  struct stat st;
  char *path = ol_format("%s/input.py", dir);
  stat(path, &st);
  ol_free(path);
  cache.len = 0;
  ol_buf_add(&cache, "OLCACHE3", 8);
  put_u64(&cache, key);
  put_u64(&cache, 0);
  put_u64(&cache, 0);
  put_u32(&cache, 0); /* no names */
  put_u32(&cache, 1);
  put_u32(&cache, 8);
  ol_buf_add(&cache, "input.py", 8);
  put_u64(&cache, (uint64_t)st.st_size);
  put_u64(&cache, (uint64_t)st.st_mtim.tv_sec * 1000000000 + (uint64_t)st.st_mtim.tv_nsec);
  put_u32(&cache, n);
  put_u64(&cache, ol_content_hash(src, n));
  put_u32(&cache, 0);
  put_u32(&cache, 0);
  put_u32(&cache, 1); /* parsed */
  put_u32(&cache, rec_len);
  ol_buf_add(&cache, rec, rec_len);
  uint64_t len = cache.len - 32, sum = ol_cache_checksum(cache.s + 32, len);
  memcpy(cache.s + 16, &len, 8);
  memcpy(cache.s + 24, &sum, 8);
}

static void write_file(const char *name, const char *bytes, size_t n) {
  char *path = ol_format("%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (f) {
    fwrite(bytes, 1, n, f);
    fclose(f);
  }
  ol_free(path);
}

static void scan(void) {
  ol_write_opts opts = {.tool_version = "fuzz",
                        .show_fixes = true,
                        .rules = ol_rule_metas(),
                        .n_rules = ol_rule_count()};
  ol_engine *e = ol_engine_new(&cfg, &fs);
  ol_report report;
  char *paths[] = {dir};
  ol_engine_scan(e, paths, 1, &report);
  ol_writer_sarif.write(sink(), &report, &opts);
  ol_fix_stats stats;
  ol_engine_apply(e, &report, sink(), &stats);
  ol_writer_text.write(sink(), &report, &opts);
  ol_report_free(&report);
  ol_engine_free(e);
}

/* One seed per Python file: the file and the walker's record of it. */
static void write_seeds(const char *out, int argc, char **argv) {
  TSParser *p = ol_parser_new();
  for (int i = 1; i < argc; i++) {
    if (argv[i][0] == '-')
      continue;
    char *src;
    size_t n;
    struct stat st;
    if (ol_fs_posix.read_all(argv[i], 1 << 20, &src, &n, &st) != 0)
      continue;
    ol_file_facts f = {0};
    TSTree *tree = ol_parse(p, src, (uint32_t)n);
    ol_walk_file(&cfg, tree, src, (uint32_t)n, &f);
    ts_tree_delete(tree);
    ol_buf b = {0};
    put_u32(&b, (uint32_t)n);
    ol_buf_add(&b, src, n);
    ol_facts_serialize(&f, &b);
    char *path = ol_format("%s/seed-%03d", out, i);
    FILE *fh = fopen(path, "wb");
    if (fh) {
      fwrite(b.s, 1, b.len, fh);
      fclose(fh);
    }
    ol_free(path);
    ol_buf_free(&b);
    ol_facts_free(&f);
    ol_free(src);
  }
  ts_parser_delete(p);
}

static void remove_project(void) {
  const char *names[] = {"input.py", "pyproject.toml"};
  for (size_t i = 0; i < 2; i++) {
    char *path = ol_format("%s/%s", dir, names[i]);
    unlink(path);
    ol_free(path);
  }
  rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  ol_error err;
  ol_config_init(&cfg);
  if (ol_config_compile(&cfg, &err) != OL_OK)
    abort();
  cfg.fix_mode = OL_FIXMODE_UNSAFE;
  cfg.diff = true;
  cfg.jobs = 1;
  const char *seeds = getenv("FUZZ_CACHE_SEEDS");
  if (seeds) {
    write_seeds(seeds, *argc, *argv);
    exit(0);
  }
  fs = ol_fs_posix;
  fs.cache_dir = fake_cache_dir;
  fs.read_at = fake_read_at;
  fs.map_at = NULL; /* the fake's bytes, read */
  fs.replace_at = fake_replace_at;
  snprintf(dir, sizeof dir, "/tmp/ormlint-fuzz-cache.XXXXXX");
  if (!mkdtemp(dir))
    abort();
  atexit(remove_project);
  write_file("pyproject.toml", "", 0);
  write_file("input.py", "x = 1\n", 6);
  scan(); /* writes a cache: its key */
  if (!key)
    abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint32_t n;
  if (size < 4)
    return 0;
  memcpy(&n, data, 4);
  if (n > size - 4)
    return 0;
  const char *src = (const char *)data + 4, *rec = src + n;
  write_file("input.py", src, n);
  build_cache(src, n, rec, (uint32_t)(size - 4 - n));
  calls.len = calls_written.len = 0;
  scan();
  if (calls_written.len <= 32)
    return 0;
  /* The calls it wrote, changed: up to 16 bytes of the input each give a
   * position and a value. */
  calls.len = 0;
  ol_buf_add(&calls, calls_written.s, calls_written.len);
  size_t payload = calls.len - 32;
  for (size_t i = 0; i + 1 < size && i < 32; i += 2) {
    size_t at = 32 + ((size_t)data[size - 1 - i] * 257u + i * 131u) % payload;
    calls.s[at] ^= (char)(data[size - 2 - i] | 1);
  }
  uint64_t len = payload, sum = ol_cache_checksum(calls.s + 32, len);
  memcpy(calls.s + 16, &len, 8);
  memcpy(calls.s + 24, &sum, 8);
  scan();
  return 0;
}
