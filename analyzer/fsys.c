/* The POSIX implementation of ol_fs. */
#include "fsys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"

static int read_all(const char *path, size_t limit, char **bytes, size_t *len, struct stat *st) {
  /* Not even opened unless regular: opening a socket or /dev/tty fails
   * (ENXIO), a device may block or have side effects. fstat below closes
   * the race with a file replaced in between. */
  if (stat(path, st) == 0 && !S_ISREG(st->st_mode))
    return EINVAL;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return errno;
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

static int replace_with(const char *path, const char *bytes, size_t len, mode_t mode, bool sync) {
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
  if (!e && sync && fsync(fd) != 0)
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

static int replace(const char *path, const char *bytes, size_t len, mode_t mode) {
  return replace_with(path, bytes, len, mode, true);
}

static int replace_unsynced(const char *path, const char *bytes, size_t len, mode_t mode) {
  return replace_with(path, bytes, len, mode, false);
}

const ol_fs ol_fs_posix = {
    .lstat = lstat,
    .stat = stat,
    .read_all = read_all,
    .replace = replace,
    .opendir = opendir,
    .replace_unsynced = replace_unsynced,
    .mkdir = mkdir,
};
