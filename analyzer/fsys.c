/* The POSIX implementation of ol_fs. */
#include "fsys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"

/* Reads fd whole (at most limit bytes); closes it. */
static int read_fd(int fd, size_t limit, char **bytes, size_t *len, struct stat *st) {
  if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
    int e = S_ISREG(st->st_mode) ? errno : EINVAL;
    close(fd);
    return e;
  }
  if ((size_t)st->st_size > limit) {
    close(fd);
    return EFBIG;
  }
  size_t cap = (size_t)st->st_size + 1, n = 0;
  char *buf = ol_malloc(cap + 1);
  for (;;) {
    if (n == cap) {
      if (n > limit) {
        ol_free(buf);
        close(fd);
        return EFBIG;
      }
      cap *= 2;
      buf = ol_realloc(buf, cap + 1);
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      int e = errno;
      ol_free(buf);
      close(fd);
      return e;
    }
    if (r == 0)
      break;
    n += (size_t)r;
  }
  close(fd);
  buf[n] = '\0';
  *bytes = buf;
  *len = n;
  return 0;
}

static int read_all(const char *path, size_t limit, char **bytes, size_t *len, struct stat *st) {
  /* Not even opened unless regular: opening a socket or /dev/tty fails
   * (ENXIO), a device may block or have side effects. fstat in read_fd
   * closes the race with a file replaced in between. */
  if (stat(path, st) == 0 && !S_ISREG(st->st_mode))
    return EINVAL;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return errno;
  return read_fd(fd, limit, bytes, len, st);
}

static int read_at(int dirfd, const char *name, size_t limit, char **bytes, size_t *len) {
  int fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
  if (fd < 0)
    return errno;
  struct stat st;
  return read_fd(fd, limit, bytes, len, &st);
}

static int map_at(int dirfd, const char *name, size_t limit, const char **bytes, size_t *len) {
  int fd = openat(dirfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
  if (fd < 0)
    return errno;
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    int e = S_ISREG(st.st_mode) ? errno : EINVAL;
    close(fd);
    return e;
  }
  if ((size_t)st.st_size > limit) {
    close(fd);
    return EFBIG;
  }
  *bytes = NULL;
  *len = (size_t)st.st_size;
  if (*len) {
    /* every page is read (the checksum): mapped at once, not a fault each */
    void *p = mmap(NULL, *len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED) {
      int e = errno;
      close(fd);
      return e;
    }
    *bytes = p;
  }
  close(fd);
  return 0;
}

static int write_fully(int fd, const char *bytes, size_t len) {
  while (len) {
    ssize_t w = write(fd, bytes, len);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      return errno;
    bytes += w;
    len -= (size_t)w;
  }
  return 0;
}

static int replace(const char *path, const char *bytes, size_t len, mode_t mode) {
  char *tmp = ol_format("%s.ormlint-XXXXXX", path);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    int e = errno;
    ol_free(tmp);
    return e;
  }
  int e = write_fully(fd, bytes, len);
  if (!e && fchmod(fd, mode & 07777) != 0)
    e = errno;
  if (!e && fsync(fd) != 0)
    e = errno;
  if (close(fd) != 0 && !e)
    e = errno;
  if (!e && rename(tmp, path) != 0)
    e = errno;
  if (e)
    unlink(tmp);
  ol_free(tmp);
  return e;
}

/* A temporary name beside name in dirfd, created exclusively (never an
 * existing file or link); returns its descriptor or -1 with errno. */
static int create_temp_at(int dirfd, const char *name, char **tmp) {
  static unsigned counter;
  for (int attempt = 0; attempt < 100; attempt++) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned salt = (unsigned)ts.tv_nsec ^ ((unsigned)getpid() << 12) ^ (counter++ * 2654435761u);
    *tmp = ol_format("%s.ormlint-%08x", name, salt);
    int fd = openat(dirfd, *tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0 || errno != EEXIST)
      return fd;
    ol_free(*tmp);
  }
  *tmp = NULL;
  errno = EEXIST;
  return -1;
}

static int replace_at(int dirfd, const char *name, const char *bytes, size_t len, mode_t mode) {
  char *tmp;
  int fd = create_temp_at(dirfd, name, &tmp);
  if (fd < 0)
    return errno;
  int e = write_fully(fd, bytes, len);
  if (!e && fchmod(fd, mode & 07777) != 0)
    e = errno;
  if (close(fd) != 0 && !e)
    e = errno;
  if (!e && renameat(dirfd, tmp, dirfd, name) != 0) /* replaces a link, never follows it */
    e = errno;
  if (e)
    unlinkat(dirfd, tmp, 0);
  ol_free(tmp);
  return e;
}

static int cache_dir(const char *root, const char *name, bool create, const char **why) {
  int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) {
    *why = "unreadable";
    return -1;
  }
  int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  int fd = openat(rootfd, name, flags);
  if (fd < 0 && errno == ENOENT && create && mkdirat(rootfd, name, 0777) == 0)
    fd = openat(rootfd, name, flags);
  struct stat st;
  if (fd < 0) {
    int err = errno;
    bool link = fstatat(rootfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode);
    close(rootfd);
    *why = link             ? "it is a symbolic link"
           : err == ENOENT  ? "missing"
           : err == ENOTDIR ? "it is not a directory"
                            : "unreadable";
    return -1;
  }
  close(rootfd);
  if (fstat(fd, &st) != 0 || st.st_uid != geteuid()) {
    close(fd);
    *why = "it belongs to another user";
    return -1;
  }
  return fd;
}

static char *real_path(const char *path) {
  char *r = realpath(path, NULL);
  if (!r)
    return NULL;
  char *out = ol_strdup(r);
  free(r);
  return out;
}

const ol_fs ol_fs_posix = {
    .lstat = lstat,
    .stat = stat,
    .read_all = read_all,
    .replace = replace,
    .opendir = opendir,
    .mkdir = mkdir,
    .real_path = real_path,
    .cache_dir = cache_dir,
    .read_at = read_at,
    .map_at = map_at,
    .replace_at = replace_at,
};
