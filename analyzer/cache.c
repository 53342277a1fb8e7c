/* .ormlint_cache/facts: the header (magic, key, payload length, checksum),
 * then the payload: the prefilter's name set, and one entry per file (path,
 * size, mtime, length, content hash, error lines, and the facts record of
 * analyzer/cache_facts.c for a parsed file). */
#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "hash.h"
#include "stats.h"

#define CACHE_DIR ".ormlint_cache"
/* 2: the four-lane checksum; 3: strings end with their NUL; 4: parameter guards, defaults and
 * call arguments; 5: guards of parameter reads; 6: generic reads (OL_READ_EVERY), loops over a
 * parameter's collection, `p.attr` arguments, options splatted from a class attribute, class
 * attributes bound to any value; 7: gets by an invariant key or the loop's own row, loops bounded
 * by a class attribute and the attributes each file writes, a function's decorators by name,
 * transparent decorators; 8, 9: call arguments that hold what a project call returns, properties
 * that hand back one of their collections, helpers returning a query of the model passed in
 * or the rows of another helper's query, loops over a name bound once; 10: `self.attr` reads that
 * may be deferred count columns (ORM004) */
#define MAGIC "OLCACH12"
#define HEADER_BYTES 32
#define MAX_CACHE_BYTES (1u << 30)
#define RACY_NS 2000000000ll /* an mtime this close to the write may not tell a later change */

typedef struct {
  const char *rel; /* into the loaded bytes, not NUL-terminated */
  uint32_t rel_len;
  int64_t size, mtime_ns;
  ol_cache_meta meta;
  const char *facts; /* the record, in the loaded bytes */
  uint32_t facts_len;
} entry;

struct ol_cache {
  const ol_fs *fs;
  char *root;
  int dirfd; /* .ormlint_cache, opened once without following a link; -1 until there is one */
  uint64_t key;
  const char *bytes; /* the loaded file: mapped (map_len bytes), else read */
  size_t map_len;
  bool mapped;
  OL_VEC(entry) entries;
  int32_t *slots; /* open addressing over rel: index into entries */
  size_t n_slots;
  ol_name_set names;
  size_t write_limit; /* the largest cache written: what a later run can read */
  /* Where the facts read back keep their tables: room for every record,
   * mapped once (large pages where the kernel gives them), handed out a
   * record's size at a time; NULL: the heap. */
  char *region;
  size_t region_len, region_map;
  void *region_base;
  atomic_size_t region_used;
};

/* A checksum over 8 bytes at a time in four independent lanes (a warm run
 * reads megabytes of cache: one multiply chain would be its slowest loop):
 * any flipped bit or cut changes it. */
uint64_t ol_cache_checksum(const char *s, size_t n) {
  uint64_t h[4] = {0x9e3779b97f4a7c15ull ^ n, 0xbf58476d1ce4e5b9ull, 0x94d049bb133111ebull,
                   0x2545f4914f6cdd1dull};
  size_t i = 0;
  for (; n - i >= 32; i += 32)
    for (int l = 0; l < 4; l++) {
      uint64_t w;
      memcpy(&w, s + i + 8 * l, 8);
      h[l] = (h[l] ^ w) * 0xff51afd7ed558ccdull;
      h[l] ^= h[l] >> 32;
    }
  uint64_t t = ol_hash_words(s + i, n - i);
  for (int l = 0; l < 4; l++)
    t = (t ^ h[l]) * 0xc4ceb9fe1a85ec53ull, t ^= t >> 29;
  return t;
}

static uint64_t checksum(const char *s, size_t n) { return ol_cache_checksum(s, n); }

static uint64_t mix(uint64_t h, const void *p, size_t n) { return ol_fnv(h, p, n); }

static uint64_t mix_str(uint64_t h, const char *s) {
  return s ? mix(h, s, strlen(s) + 1) : mix(h, "\xff", 1);
}

/* What makes every entry invalid when it changes: the binary (its size and
 * mtime: a rebuild may record other facts), ormlint's version, the layout of
 * the facts, the settings pass 1 reads, and the project directory itself
 * (its device and inode): a cache committed to a repository or copied from
 * another checkout is stale in every clone, never a source of facts. */
static uint64_t cache_key(const ol_fs *fs, const char *root, const ol_config *cfg) {
  uint64_t h = mix_str(1469598103934665603ull, OL_VERSION);
  struct stat rst;
  if (fs->stat(root, &rst) == 0) {
    uint64_t id[] = {(uint64_t)rst.st_dev, (uint64_t)rst.st_ino};
    h = mix(h, id, sizeof id);
  }
  size_t sizes[] = {sizeof(ol_file_facts), sizeof(ol_loop),      sizeof(ol_query_site),
                    sizeof(ol_class_fact), sizeof(ol_func_fact), sizeof(ol_call_fact)};
  h = mix(h, sizes, sizeof sizes);
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  struct stat st;
  if (n > 0) {
    exe[n] = '\0';
    if (fs->stat(exe, &st) == 0) {
      int64_t id[] = {st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (int64_t)st.st_ino};
      h = mix(h, id, sizeof id);
    }
  }
  h = mix_str(h, cfg->session_names);
  for (size_t i = 0; i < cfg->n_model_bases; i++)
    h = mix_str(h, cfg->model_bases[i]);
  h = mix_str(h, "|");
  for (size_t i = 0; i < cfg->n_memoizers; i++)
    h = mix_str(h, cfg->memoizers[i]);
  h = mix_str(h, "|");
  for (size_t i = 0; i < cfg->n_query_terminals; i++)
    h = mix_str(h, cfg->query_terminals[i]);
  return mix_str(h, cfg->dialect);
}

/* ---- reading ----------------------------------------------------------- */

typedef struct {
  const char *s;
  size_t n, at;
  bool bad;
} cursor;

static const char *take(cursor *c, size_t n) {
  if (c->bad || c->n - c->at < n) {
    c->bad = true;
    return NULL;
  }
  const char *p = c->s + c->at;
  c->at += n;
  return p;
}

static uint64_t take_u64(cursor *c) {
  uint64_t v = 0;
  const char *p = take(c, 8);
  if (p)
    memcpy(&v, p, 8);
  return v;
}

static uint32_t take_u32(cursor *c) {
  uint32_t v = 0;
  const char *p = take(c, 4);
  if (p)
    memcpy(&v, p, 4);
  return v;
}

static uint64_t rel_hash(const char *s, size_t n) { return mix(1469598103934665603ull, s, n); }

static void index_entries(ol_cache *c) {
  c->n_slots = 16;
  while (c->n_slots < c->entries.len * 2)
    c->n_slots *= 2;
  c->slots = ol_malloc(c->n_slots * sizeof(int32_t));
  memset(c->slots, 0xff, c->n_slots * sizeof(int32_t));
  for (size_t i = 0; i < c->entries.len; i++) {
    const entry *e = &c->entries.items[i];
    for (size_t s = rel_hash(e->rel, e->rel_len) & (c->n_slots - 1);;
         s = (s + 1) & (c->n_slots - 1))
      if (c->slots[s] < 0) {
        c->slots[s] = (int32_t)i;
        break;
      }
  }
}

static bool parse_payload(ol_cache *c, const char *s, size_t n) {
  cursor cur = {.s = s, .n = n};
  uint32_t n_names = take_u32(&cur);
  for (uint32_t i = 0; i < n_names && !cur.bad; i++) {
    uint64_t h = take_u64(&cur);
    if (h)
      ol_name_set_add(&c->names, h);
  }
  uint32_t n_entries = take_u32(&cur);
  for (uint32_t i = 0; i < n_entries && !cur.bad; i++) {
    entry e = {0};
    e.rel_len = take_u32(&cur);
    e.rel = take(&cur, e.rel_len);
    e.size = (int64_t)take_u64(&cur);
    e.mtime_ns = (int64_t)take_u64(&cur);
    e.meta.len = take_u32(&cur);
    e.meta.hash = take_u64(&cur);
    e.meta.error_line = take_u32(&cur);
    e.meta.bad_utf8_line = take_u32(&cur);
    uint32_t flags = take_u32(&cur);
    e.meta.parsed = flags & 1;
    e.meta.orm_noqa = (flags & 2) != 0;
    e.facts_len = take_u32(&cur);
    e.facts = take(&cur, e.facts_len);
    /* Lines the notifications point at: at most one past the last newline. */
    cur.bad |= e.meta.error_line > (uint64_t)e.meta.len + 1 ||
               e.meta.bad_utf8_line > (uint64_t)e.meta.len + 1 || flags > 3;
    if (!cur.bad)
      ol_vec_push(&c->entries, e);
  }
  return !cur.bad && cur.at == n;
}

/* A cache file, mapped when the file system can (see ol_fs.map_at), else
 * read; released by release(). */
static int open_file(const ol_cache *c, const char *name, const char **bytes, size_t *len,
                     bool *mapped) {
  *mapped = c->fs->map_at != NULL;
  if (*mapped)
    return c->fs->map_at(c->dirfd, name, MAX_CACHE_BYTES, bytes, len);
  char *read;
  int err = c->fs->read_at(c->dirfd, name, MAX_CACHE_BYTES, &read, len);
  *bytes = err ? NULL : read;
  return err;
}

static void release(const char *bytes, size_t len, bool mapped) {
  if (mapped && bytes)
    munmap((void *)bytes, len);
  else if (!mapped)
    ol_free((char *)bytes);
}

#define LARGE_PAGE (2u << 20)

/* The region of the facts' tables: the records' sizes, 8-aligned each. */
static void map_region(ol_cache *c) {
  size_t total = 0;
  for (size_t i = 0; i < c->entries.len; i++)
    if (c->entries.items[i].meta.parsed)
      total += ((size_t)c->entries.items[i].facts_len + 7) & ~(size_t)7;
  if (!total)
    return;
  size_t whole = (total + LARGE_PAGE - 1) & ~(size_t)(LARGE_PAGE - 1);
  c->region_map = whole + LARGE_PAGE; /* room to align its start */
  void *p = mmap(NULL, c->region_map, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return; /* the heap, then */
  c->region_base = p;
  c->region = (char *)(((uintptr_t)p + LARGE_PAGE - 1) & ~(uintptr_t)(LARGE_PAGE - 1));
  c->region_len = total;
#ifdef MADV_HUGEPAGE
  madvise(c->region, whole, MADV_HUGEPAGE); /* a hint: 4 KiB pages work as well */
#endif
  atomic_init(&c->region_used, 0);
}

static const char *load(ol_cache *c) {
  const char *bytes;
  size_t len;
  if (c->dirfd < 0)
    return "missing";
  int err = open_file(c, "facts", &bytes, &len, &c->mapped);
  if (err)
    return err == ENOENT ? "missing" : "unreadable";
  c->bytes = bytes;
  c->map_len = len;
  if (len < HEADER_BYTES || memcmp(bytes, MAGIC, 8) != 0)
    return "corrupt";
  uint64_t key, n, sum;
  memcpy(&key, bytes + 8, 8);
  memcpy(&n, bytes + 16, 8);
  memcpy(&sum, bytes + 24, 8);
  if (key != c->key)
    return "stale";
  if (n != len - HEADER_BYTES || checksum(bytes + HEADER_BYTES, n) != sum ||
      !parse_payload(c, bytes + HEADER_BYTES, n)) {
    ol_vec_free(&c->entries);
    ol_name_set_free(&c->names);
    return "corrupt";
  }
  index_entries(c);
  map_region(c);
  return "";
}

ol_cache *ol_cache_open(const ol_fs *fs, const char *root, const ol_config *cfg, const char **why,
                        const char **refused) {
  *refused = NULL;
  const char *dir_why = "missing";
  int fd = fs->cache_dir ? fs->cache_dir(root, CACHE_DIR, false, &dir_why) : -1;
  if (fd < 0 && strcmp(dir_why, "missing") != 0) {
    *why = *refused = dir_why;
    return NULL;
  }
  ol_cache *c = ol_calloc(1, sizeof *c);
  c->fs = fs;
  c->root = ol_strdup(root);
  c->dirfd = fd;
  c->key = cache_key(fs, root, cfg);
  c->write_limit = MAX_CACHE_BYTES;
  *why = load(c);
  return c;
}

void ol_cache_free(ol_cache *c) {
  if (c->dirfd >= 0)
    close(c->dirfd);
  ol_free(c->root);
  release(c->bytes, c->map_len, c->mapped);
  if (c->region_base)
    munmap(c->region_base, c->region_map);
  ol_vec_free(&c->entries);
  ol_free(c->slots);
  ol_name_set_free(&c->names);
  ol_free(c);
}

static const entry *find(const ol_cache *c, const char *rel) {
  if (!c->n_slots)
    return NULL;
  size_t n = strlen(rel);
  for (size_t s = rel_hash(rel, n) & (c->n_slots - 1);; s = (s + 1) & (c->n_slots - 1)) {
    int32_t i = c->slots[s];
    if (i < 0)
      return NULL;
    const entry *e = &c->entries.items[i];
    if (e->rel_len == n && !memcmp(e->rel, rel, n))
      return e;
  }
}

bool ol_cache_find(const ol_cache *c, const char *rel, int64_t size, int64_t mtime_ns,
                   bool hash_known, uint32_t len, uint64_t hash, bool checked, ol_cache_meta *meta,
                   ol_file_facts *facts, bool *refused) {
  const entry *e = find(c, rel);
  if (!e)
    return false;
  if (hash_known ? e->meta.len != len || e->meta.hash != hash
                 : e->mtime_ns < 0 || e->size != size || e->mtime_ns != mtime_ns)
    return false;
  char *region = NULL;
  size_t at = 0, need = 0, used = 0;
  atomic_size_t *region_used = &((ol_cache *)c)->region_used;
  if (e->meta.parsed && c->region) { /* a record's size of it, or the heap when used up */
    need = ((size_t)e->facts_len + 7) & ~(size_t)7;
    at = atomic_fetch_add(region_used, need);
    if (at <= c->region_len && c->region_len - at >= need)
      region = c->region + at;
  }
  bool ok = !e->meta.parsed ||
            ol_facts_deserialize_in(e->facts, e->facts_len, facts, checked, region, &used);
  if (region) { /* what the tables did not take, back when no one reserved after it */
    size_t expect = at + need;
    /* 8-aligned, for the next record's tables (used <= facts_len: within need) */
    atomic_compare_exchange_strong(region_used, &expect, at + (ok ? (used + 7) & ~(size_t)7 : 0));
  }
  if (ok && e->meta.parsed && !ol_facts_valid(facts, e->meta.len)) { /* crafted: parse the file */
    ol_facts_free(facts);
    memset(facts, 0, sizeof *facts);
    ok = false;
  }
  if (!ok) {
    ol_stat_add(OL_STAT_CACHE_REFUSED, 1);
    if (refused)
      *refused = true;
    return false;
  }
  *meta = e->meta;
  return true;
}

const ol_name_set *ol_cache_names(const ol_cache *c) { return &c->names; }

void ol_cache_set_write_limit(ol_cache *c, size_t bytes) {
  c->write_limit = bytes < MAX_CACHE_BYTES ? bytes : MAX_CACHE_BYTES;
}

size_t ol_cache_count(const ol_cache *c) { return c->entries.len; }

/* ---- writing ------------------------------------------------------------- */

static void put_u32(ol_buf *b, uint32_t v) { ol_buf_add(b, (const char *)&v, 4); }
static void put_u64(ol_buf *b, uint64_t v) { ol_buf_add(b, (const char *)&v, 8); }

static void put_item(ol_buf *b, const ol_cache *c, const ol_cache_item *it, int64_t now) {
  size_t n = strlen(it->rel);
  put_u32(b, (uint32_t)n);
  ol_buf_add(b, it->rel, n);
  put_u64(b, (uint64_t)it->size);
  /* A file changed again within the same clock tick keeps its size and
   * mtime: such an entry is trusted only by its content hash. */
  put_u64(b, (uint64_t)(it->mtime_ns > now - RACY_NS ? -1 : it->mtime_ns));
  put_u32(b, it->meta.len);
  put_u64(b, it->meta.hash);
  put_u32(b, it->meta.error_line);
  put_u32(b, it->meta.bad_utf8_line);
  put_u32(b, (it->meta.parsed ? 1u : 0u) | (it->meta.orm_noqa ? 2u : 0u));
  const entry *old = it->facts ? NULL : find(c, it->rel);
  if (it->meta.parsed && !it->facts && old && old->meta.parsed) { /* unchanged: copy the record */
    put_u32(b, old->facts_len);
    ol_buf_add(b, old->facts, old->facts_len);
  } else if (it->meta.parsed && it->facts) {
    size_t at = b->len;
    put_u32(b, 0);
    ol_facts_serialize(it->facts, b);
    uint32_t rec = (uint32_t)(b->len - at - 4);
    memcpy(b->s + at, &rec, 4);
  } else {
    put_u32(b, 0);
  }
}

int ol_cache_save(ol_cache *c, const ol_cache_item *items, size_t n, const ol_name_set *names) {
  const char *why;
  if (c->dirfd < 0 && (c->dirfd = c->fs->cache_dir(c->root, CACHE_DIR, true, &why)) < 0)
    return EPERM;
  struct stat st;
  int err = fstatat(c->dirfd, ".gitignore", &st, AT_SYMLINK_NOFOLLOW) == 0
                ? 0
                : c->fs->replace_at(c->dirfd, ".gitignore", "*\n", 2, 0644);
  if (err)
    return err;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  int64_t now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
  ol_buf b = {0};
  ol_buf_add(&b, MAGIC, 8);
  put_u64(&b, c->key);
  put_u64(&b, 0);
  put_u64(&b, 0);
  put_u32(&b, (uint32_t)names->len);
  for (size_t i = 0; i < names->n_slots; i++)
    if (names->slots[i])
      put_u64(&b, names->slots[i]);
  put_u32(&b, (uint32_t)n);
  for (size_t i = 0; i < n; i++) {
    put_item(&b, c, &items[i], now);
    if (b.len > c->write_limit) { /* never read back: written on every run for nothing */
      ol_buf_free(&b);
      return EFBIG;
    }
  }
  uint64_t len = b.len - HEADER_BYTES, sum = checksum(b.s + HEADER_BYTES, len);
  memcpy(b.s + 16, &len, 8);
  memcpy(b.s + 24, &sum, 8);
  err = c->fs->replace_at(c->dirfd, "facts", b.s, b.len, 0644);
  ol_buf_free(&b);
  return err;
}

/* ---- .ormlint_cache/calls ----------------------------------------------------
 * The header of facts (magic, key, payload length, checksum), then the
 * record: files_key, classes_key, the number of files, and per file its
 * ol_resolved_calls: gen, iface, n, n_deps, then file[n], func[n],
 * deps[n_deps]. A field added to ol_resolved_calls or ol_resolve_cache is
 * written in ol_calls_serialize and read in ol_calls_deserialize, in the
 * same place; the assertions below fail until then, and test_cache's round
 * trip compares every field. */
_Static_assert(sizeof(ol_resolved_calls) == 48, "ol_resolved_calls changed: update cache.c");
_Static_assert(sizeof(ol_resolve_cache) == 48, "ol_resolve_cache changed: update cache.c");

#define CALLS_MAGIC "OLCALLS2"

void ol_calls_serialize(const ol_resolve_cache *rc, ol_buf *out) {
  put_u64(out, rc->files_key);
  put_u64(out, rc->classes_key);
  put_u32(out, (uint32_t)rc->files.len);
  for (size_t f = 0; f < rc->files.len; f++) {
    const ol_resolved_calls *r = &rc->files.items[f];
    bool none = r->gen == UINT64_MAX;
    put_u64(out, r->gen);
    put_u64(out, r->iface);
    put_u32(out, none ? 0 : r->n);
    put_u32(out, none ? 0 : r->n_deps);
    if (none)
      continue;
    ol_buf_add(out, (const char *)r->file, r->n * sizeof(int32_t));
    ol_buf_add(out, (const char *)r->func, r->n * sizeof(int32_t));
    ol_buf_add(out, (const char *)r->deps, r->n_deps * sizeof(uint32_t));
  }
}

static void *take_array(cursor *c, uint32_t n, size_t elem) {
  const char *p = take(c, (size_t)n * elem);
  void *a = ol_malloc(n ? n * elem : 1);
  if (p)
    memcpy(a, p, (size_t)n * elem);
  return a;
}

bool ol_calls_deserialize(const char *s, size_t n, ol_resolve_cache *out) {
  memset(out, 0, sizeof *out);
  cursor cur = {.s = s, .n = n};
  out->files_key = take_u64(&cur);
  out->classes_key = take_u64(&cur);
  uint32_t nf = take_u32(&cur);
  if (!cur.bad && nf > (n - cur.at) / 24) /* 24 bytes at least per file */
    cur.bad = true;
  for (uint32_t f = 0; f < nf && !cur.bad; f++) {
    ol_resolved_calls r = {0};
    r.gen = take_u64(&cur);
    r.iface = take_u64(&cur);
    r.n = take_u32(&cur);
    r.n_deps = take_u32(&cur);
    if (cur.bad || (uint64_t)r.n * 8 + (uint64_t)r.n_deps * 4 > cur.n - cur.at) {
      cur.bad = true;
      break;
    }
    r.file = take_array(&cur, r.n, sizeof(int32_t));
    r.func = take_array(&cur, r.n, sizeof(int32_t));
    r.deps = take_array(&cur, r.n_deps, sizeof(uint32_t));
    ol_vec_push(&out->files, r);
  }
  if (cur.bad || cur.at != n) {
    ol_resolve_cache_free(out);
    return false;
  }
  return true;
}

bool ol_cache_load_calls(ol_cache *c, ol_resolve_cache *out) {
  const char *bytes;
  size_t len;
  bool mapped;
  memset(out, 0, sizeof *out);
  if (c->dirfd < 0 || open_file(c, "calls", &bytes, &len, &mapped))
    return false;
  bool ok = false;
  uint64_t key, n, sum;
  if (len >= HEADER_BYTES && !memcmp(bytes, CALLS_MAGIC, 8)) {
    memcpy(&key, bytes + 8, 8);
    memcpy(&n, bytes + 16, 8);
    memcpy(&sum, bytes + 24, 8);
    ok = key == c->key && n == len - HEADER_BYTES && checksum(bytes + HEADER_BYTES, n) == sum &&
         ol_calls_deserialize(bytes + HEADER_BYTES, n, out);
  }
  release(bytes, len, mapped);
  return ok;
}

int ol_cache_save_calls(ol_cache *c, const ol_resolve_cache *rc) {
  const char *why;
  if (c->dirfd < 0 && (c->dirfd = c->fs->cache_dir(c->root, CACHE_DIR, true, &why)) < 0)
    return EPERM;
  ol_buf b = {0};
  ol_buf_add(&b, CALLS_MAGIC, 8);
  put_u64(&b, c->key);
  put_u64(&b, 0);
  put_u64(&b, 0);
  ol_calls_serialize(rc, &b);
  if (b.len > c->write_limit) {
    ol_buf_free(&b);
    return EFBIG;
  }
  uint64_t len = b.len - HEADER_BYTES, sum = checksum(b.s + HEADER_BYTES, len);
  memcpy(b.s + 16, &len, 8);
  memcpy(b.s + 24, &sum, 8);
  int err = c->fs->replace_at(c->dirfd, "calls", b.s, b.len, 0644);
  ol_buf_free(&b);
  return err;
}
