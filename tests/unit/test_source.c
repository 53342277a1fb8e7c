/* The line index and the UTF-16 columns of analyzer/source.c: every line
 * ending Python accepts (\n, \r\n, a lone \r), round trips between byte
 * offsets and (line, UTF-16 column), characters of every UTF-8 length
 * (astral ones count two UTF-16 units), invalid bytes (one unit each, as
 * the writers print one U+FFFD per byte), and the UTF-8 decoder's limits. */
/* cmocka.h needs these first. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "config.h"
#include "source.h"

/* A source over a copy of len bytes of text (which may hold NULs). */
static ol_source source_n(const char *text, size_t len) {
  ol_source src;
  memset(&src, 0, sizeof src);
  char *bytes = ol_malloc(len + 1);
  memcpy(bytes, text, len);
  bytes[len] = '\0';
  ol_source_init(&src, bytes, (uint32_t)len);
  return src;
}

static ol_source source(const char *text) { return source_n(text, strlen(text)); }

/* Byte offset of the first occurrence of needle in the source. */
static uint32_t at(const ol_source *src, const char *needle) {
  const char *p = strstr(src->bytes, needle);
  assert_non_null(p);
  return (uint32_t)(p - src->bytes);
}

static void assert_line_text(const ol_source *src, uint32_t line, const char *want) {
  char *got = ol_source_line_text(src, line);
  assert_string_equal(got, want);
  ol_free(got);
}

/* ---- line index ---------------------------------------------------------- */

static void test_lf_lines(void **state) {
  (void)state;
  ol_source s = source("a = 1\nbb = 2\n\nccc\n");
  assert_int_equal(s.n_lines, 5); /* the empty line after the last newline counts */
  assert_int_equal(s.line_starts[0], 0);
  assert_int_equal(s.line_starts[1], 6);
  assert_int_equal(s.line_starts[2], 13);
  assert_int_equal(s.line_starts[3], 14);
  assert_int_equal(s.line_starts[4], 18);
  assert_int_equal(ol_source_line(&s, 0), 1);
  assert_int_equal(ol_source_line(&s, 5), 1); /* the newline belongs to the line it ends */
  assert_int_equal(ol_source_line(&s, 6), 2);
  assert_int_equal(ol_source_line(&s, 13), 3);
  assert_int_equal(ol_source_line(&s, 14), 4);
  assert_int_equal(ol_source_line(&s, 18), 5); /* end of file */
  assert_int_equal(ol_source_line_start(&s, 9), 6);
  assert_int_equal(s.first_bad_utf8, 0);
  ol_source_free(&s);
}

static void test_crlf_lines(void **state) {
  (void)state;
  ol_source s = source("a = 1\r\nbb = 2\r\n\r\nccc");
  assert_int_equal(s.n_lines, 4);
  assert_int_equal(s.line_starts[1], 7);
  assert_int_equal(s.line_starts[2], 15);
  assert_int_equal(s.line_starts[3], 17);
  assert_int_equal(ol_source_line(&s, 5), 1); /* the \r */
  assert_int_equal(ol_source_line(&s, 6), 1); /* the \n of the same ending */
  assert_int_equal(ol_source_line(&s, 7), 2);
  assert_int_equal(ol_source_line(&s, at(&s, "ccc")), 4);
  assert_line_text(&s, 1, "a = 1");
  assert_line_text(&s, 2, "bb = 2");
  assert_line_text(&s, 3, "");
  assert_line_text(&s, 4, "ccc");
  ol_source_free(&s);
}

static void test_lone_cr_lines(void **state) {
  (void)state;
  ol_source s = source("a = 1\rbb = 2\r\rccc\r");
  assert_int_equal(s.n_lines, 5);
  assert_int_equal(s.line_starts[1], 6);
  assert_int_equal(s.line_starts[2], 13);
  assert_int_equal(s.line_starts[3], 14);
  assert_int_equal(s.line_starts[4], 18);
  assert_int_equal(ol_source_line(&s, at(&s, "bb")), 2);
  assert_int_equal(ol_source_line(&s, at(&s, "ccc")), 4);
  assert_int_equal(ol_source_col16(&s, at(&s, "ccc") + 2), 3);
  assert_line_text(&s, 2, "bb = 2");
  assert_line_text(&s, 3, "");
  assert_line_text(&s, 4, "ccc");
  assert_line_text(&s, 5, "");
  ol_source_free(&s);
}

static void test_mixed_endings(void **state) {
  (void)state;
  /* \n\r is two endings (LF, then a lone CR), \r\n is one. */
  ol_source s = source("one\n\rtwo\r\nthree\rfour\n");
  assert_int_equal(s.n_lines, 6);
  assert_int_equal(ol_source_line(&s, at(&s, "two")), 3);
  assert_int_equal(ol_source_line(&s, at(&s, "three")), 4);
  assert_int_equal(ol_source_line(&s, at(&s, "four")), 5);
  assert_line_text(&s, 2, "");
  assert_line_text(&s, 3, "two");
  assert_line_text(&s, 4, "three");
  ol_source_free(&s);
}

static void test_empty_source(void **state) {
  (void)state;
  ol_source s = source("");
  assert_int_equal(s.n_lines, 1);
  assert_int_equal(ol_source_line(&s, 0), 1);
  assert_int_equal(ol_source_col16(&s, 0), 1);
  assert_int_equal(ol_source_offset(&s, 1, 1), 0);
  assert_int_equal(ol_source_offset(&s, 1, 50), 0);
  assert_line_text(&s, 1, "");
  ol_source_free(&s);
}

static void test_no_trailing_newline(void **state) {
  (void)state;
  ol_source s = source("x = 1\ny = 2");
  assert_int_equal(s.n_lines, 2);
  assert_int_equal(ol_source_line(&s, s.len), 2);
  assert_int_equal(ol_source_col16(&s, s.len), 6);
  assert_line_text(&s, 2, "y = 2");
  ol_source_free(&s);
}

static void test_many_lines_grow_index(void **state) {
  (void)state;
  /* More lines than the index's first allocation, each ending a different way. */
  ol_buf b = {0};
  const char *endings[] = {"\n", "\r\n", "\r"};
  for (int i = 0; i < 1000; i++)
    ol_buf_printf(&b, "line_%d = %d%s", i + 1, i, endings[i % 3]);
  ol_source s = source_n(b.s, b.len);
  assert_int_equal(s.n_lines, 1001);
  for (uint32_t line = 1; line <= 1000; line += 37) {
    char want[32];
    snprintf(want, sizeof want, "line_%u = %u", line, line - 1);
    assert_line_text(&s, line, want);
    assert_int_equal(ol_source_line(&s, s.line_starts[line - 1]), line);
    assert_int_equal(ol_source_offset(&s, line, 1), s.line_starts[line - 1]);
  }
  ol_source_free(&s);
  ol_buf_free(&b);
}

/* ---- columns and round trips -------------------------------------------- */

/* Every offset that starts a character maps to (line, col16) and back. */
static void assert_round_trips(const ol_source *s) {
  const unsigned char *b = (const unsigned char *)s->bytes;
  for (uint32_t off = 0; off <= s->len;) {
    uint32_t line = ol_source_line(s, off), col = ol_source_col16(s, off);
    bool at_line_end = off < s->len && (b[off] == '\n' || b[off] == '\r');
    if (!at_line_end)
      assert_int_equal(ol_source_offset(s, line, col), off);
    if (off == s->len)
      break;
    int n = b[off] < 0x80 ? 1 : ol_utf8_len(b + off, s->len - off);
    off += n ? (uint32_t)n : 1;
  }
}

static void test_ascii_round_trip(void **state) {
  (void)state;
  ol_source s = source("def f(x):\n\treturn x.query.all()\r\n  y\r");
  assert_round_trips(&s);
  assert_int_equal(ol_source_col16(&s, at(&s, "return")), 2); /* a tab is one unit */
  assert_int_equal(ol_source_col16(&s, at(&s, "  y") + 2), 3);
  assert_int_equal(ol_source_offset(&s, 2, 2), at(&s, "return"));
  ol_source_free(&s);
}

static void test_two_byte_chars(void **state) {
  (void)state;
  ol_source s = source("caf\xC3\xA9 = Chef.query\n"); /* é: 2 bytes, 1 unit */
  assert_int_equal(ol_source_col16(&s, at(&s, " =")), 5);
  assert_int_equal(ol_source_col16(&s, at(&s, "Chef")), 8);
  assert_int_equal(at(&s, "Chef"), 8);
  assert_int_equal(ol_source_offset(&s, 1, 8), 8);
  assert_round_trips(&s);
  ol_source_free(&s);
}

static void test_three_byte_chars(void **state) {
  (void)state;
  ol_source s =
      source("x = '\xE2\x82\xAC\xE4\xB8\xAD'; Chef.query\n"); /* € and 中: 3 bytes, 1 unit each */
  assert_int_equal(at(&s, "Chef"), 14);
  assert_int_equal(ol_source_col16(&s, at(&s, "Chef")), 11);
  assert_int_equal(ol_source_offset(&s, 1, 11), 14);
  assert_round_trips(&s);
  ol_source_free(&s);
}

static void test_astral_chars(void **state) {
  (void)state;
  /* 😀 (U+1F600) and 𝔘 (U+1D518): 4 bytes, 2 UTF-16 units (a surrogate pair) each. */
  ol_source s = source("s = '\xF0\x9F\x98\x80\xF0\x9D\x94\x98'; Chef.query\n");
  assert_int_equal(at(&s, "Chef"), 16);
  assert_int_equal(ol_source_col16(&s, at(&s, "'") + 1), 6);
  assert_int_equal(ol_source_col16(&s, at(&s, "'") + 5), 8);
  assert_int_equal(ol_source_col16(&s, at(&s, "Chef")), 13);
  assert_int_equal(ol_source_offset(&s, 1, 13), 16);
  assert_round_trips(&s);
  /* A column between the two halves of a pair never splits the character. */
  uint32_t mid = ol_source_offset(&s, 1, 7);
  assert_true(mid == 5 || mid == 9);
  ol_source_free(&s);
}

static void test_invalid_bytes_one_unit_each(void **state) {
  (void)state;
  /* A stray continuation byte, 0xFF, and a truncated 3-byte sequence (E2 82):
   * each invalid byte is one unit, as the writers print one U+FFFD per byte. */
  ol_source s = source("ok\n\x80\xFF = 1; \xE2\x82x = Chef.query\n");
  assert_int_equal(s.n_lines, 3);
  assert_int_equal(s.first_bad_utf8, 2);
  assert_int_equal(ol_source_col16(&s, at(&s, " = 1")), 3);
  assert_int_equal(ol_source_col16(&s, at(&s, "x =")), 11);
  assert_int_equal(ol_source_col16(&s, at(&s, "Chef")), 15);
  assert_int_equal(ol_source_offset(&s, 2, 15), at(&s, "Chef"));
  assert_round_trips(&s);
  ol_source_free(&s);
}

static void test_first_bad_utf8_line(void **state) {
  (void)state;
  ol_source ok = source("a\n\xC3\xA9\n\xF0\x9F\x98\x80\n");
  assert_int_equal(ok.first_bad_utf8, 0);
  ol_source_free(&ok);
  ol_source crlf =
      source("a\r\nb\r\nc = '\xC0\xAF'\r\nd = '\xFF'\r\n"); /* overlong '/' on line 3 */
  assert_int_equal(crlf.first_bad_utf8, 3);
  ol_source_free(&crlf);
  ol_source cr = source("a\rb\r\xED\xA0\x80\r"); /* an encoded surrogate on line 3 */
  assert_int_equal(cr.first_bad_utf8, 3);
  ol_source_free(&cr);
  ol_source tail = source("a\nb\n\xF0\x9F\x98"); /* truncated at end of file */
  assert_int_equal(tail.first_bad_utf8, 3);
  assert_int_equal(tail.n_lines, 3);
  ol_source_free(&tail);
}

static void test_nul_bytes_in_index(void **state) {
  (void)state;
  /* ol_source_read rejects NULs; the index itself treats one as a plain byte. */
  ol_source s = source_n("a\0b\nc", 5);
  assert_int_equal(s.n_lines, 2);
  assert_int_equal(ol_source_col16(&s, 2), 3);
  ol_source_free(&s);
}

static void test_offset_clamps(void **state) {
  (void)state;
  ol_source s = source("ab\r\ncd\n\xF0\x9F\x98\x80");
  assert_int_equal(ol_source_offset(&s, 1, 1), 0);
  assert_int_equal(ol_source_offset(&s, 1, 3), 2);  /* end of line, before \r\n */
  assert_int_equal(ol_source_offset(&s, 1, 99), 2); /* clamped to the line, never into its ending */
  assert_int_equal(ol_source_offset(&s, 2, 99), 6);
  assert_int_equal(ol_source_offset(&s, 3, 3), 11); /* after the astral char */
  assert_int_equal(ol_source_offset(&s, 3, 99), 11);
  assert_int_equal(ol_source_offset(&s, 0, 1), 0);
  assert_int_equal(ol_source_offset(&s, 4, 1), s.len); /* past the last line */
  assert_int_equal(ol_source_col16(&s, s.len + 10), ol_source_col16(&s, s.len));
  ol_source_free(&s);
}

/* ---- line text and regions ----------------------------------------------- */

static void test_line_text(void **state) {
  (void)state;
  ol_source s = source("first\n\tsecond \xE2\x82\xAC\r\n\rlast");
  assert_line_text(&s, 1, "first");
  assert_line_text(&s, 2, "\tsecond \xE2\x82\xAC");
  assert_line_text(&s, 3, "");
  assert_line_text(&s, 4, "last");
  assert_line_text(&s, 0, "");
  assert_line_text(&s, 5, "");
  ol_source_free(&s);
}

static void test_region(void **state) {
  (void)state;
  ol_source s =
      source("for b in bs:\r\n    x = '\xF0\x9F\x98\x80'; Chef.query.get(\r\n        b.id)\r\n");
  uint32_t start = at(&s, "Chef"), end = at(&s, "b.id)") + 5;
  ol_region r = ol_source_region(&s, start, end);
  assert_int_equal(r.line, 2);
  assert_int_equal(r.col, 15); /* 4 spaces, "x = '", 2 units, "'; " */
  assert_int_equal(r.end_line, 3);
  assert_int_equal(r.end_col, 14);
  assert_int_equal(r.byte_offset, start);
  assert_int_equal(r.byte_length, end - start);
  assert_int_equal(ol_source_offset(&s, r.line, r.col), start);
  assert_int_equal(ol_source_offset(&s, r.end_line, r.end_col), end);
  ol_region empty = ol_source_region(&s, start, start);
  assert_int_equal(empty.line, empty.end_line);
  assert_int_equal(empty.col, empty.end_col);
  assert_int_equal(empty.byte_length, 0);
  ol_source_free(&s);
}

/* ---- reading through the file-system interface ---------------------------- */

static int fake_errno;
static const char *fake_bytes;
static size_t fake_len;

static int fake_read_all(const char *path, size_t limit, char **bytes, size_t *len,
                         struct stat *st) {
  (void)path;
  (void)limit;
  memset(st, 0, sizeof *st);
  if (fake_errno)
    return fake_errno;
  *bytes = ol_malloc(fake_len + 1);
  memcpy(*bytes, fake_bytes, fake_len);
  (*bytes)[fake_len] = '\0';
  *len = fake_len;
  return 0;
}

static ol_status fake_read(int e, const char *bytes, size_t len, ol_source *src, ol_error *err) {
  ol_fs fs = ol_fs_posix;
  fs.read_all = fake_read_all;
  fake_errno = e;
  fake_bytes = bytes;
  fake_len = len;
  memset(err, 0, sizeof *err);
  return ol_source_read(&fs, "pkg/m.py", OL_DEFAULT_MAX_FILE_SIZE, src, err);
}

static void test_read_outcomes(void **state) {
  (void)state;
  ol_source src;
  ol_error err;
  assert_int_equal(fake_read(0, "a = 1\r\nb = 2\n", 13, &src, &err), OL_OK);
  assert_int_equal(src.n_lines, 3);
  assert_string_equal(src.path, "pkg/m.py");
  ol_source_free(&src);
  assert_int_equal(fake_read(0, "a = 1\nb = '\0'\n", 14, &src, &err), OL_ERR_SKIP);
  assert_int_equal(err.line, 2); /* the NUL's line */
  assert_non_null(strstr(err.message, "binary"));
  assert_int_equal(fake_read(0, "", 0, &src, &err), OL_OK); /* an empty file is a file */
  assert_int_equal(src.n_lines, 1);
  ol_source_free(&src);
  assert_int_equal(fake_read(EINVAL, NULL, 0, &src, &err), OL_ERR_SKIP);
  assert_non_null(strstr(err.message, "not a regular file"));
  assert_int_equal(fake_read(EFBIG, NULL, 0, &src, &err), OL_ERR_SKIP);
  assert_int_equal(fake_read(EACCES, NULL, 0, &src, &err), OL_ERR_IO);
  assert_int_equal(fake_read(ENOENT, NULL, 0, &src, &err), OL_ERR_IO);
  assert_string_equal(err.path, "pkg/m.py");
}

/* ---- the UTF-8 decoder ---------------------------------------------------- */

static int len_of(const char *bytes, size_t avail) {
  return ol_utf8_len((const unsigned char *)bytes, avail);
}

static void test_utf8_valid(void **state) {
  (void)state;
  assert_int_equal(len_of("A", 1), 1);
  assert_int_equal(len_of("\x7F", 1), 1);
  assert_int_equal(len_of("\xC2\x80", 2), 2);         /* U+0080, smallest 2-byte */
  assert_int_equal(len_of("\xDF\xBF", 2), 2);         /* U+07FF */
  assert_int_equal(len_of("\xE0\xA0\x80", 3), 3);     /* U+0800, smallest 3-byte */
  assert_int_equal(len_of("\xED\x9F\xBF", 3), 3);     /* U+D7FF, just below the surrogates */
  assert_int_equal(len_of("\xEE\x80\x80", 3), 3);     /* U+E000, just above */
  assert_int_equal(len_of("\xEF\xBF\xBF", 3), 3);     /* U+FFFF */
  assert_int_equal(len_of("\xF0\x90\x80\x80", 4), 4); /* U+10000, smallest 4-byte */
  assert_int_equal(len_of("\xF4\x8F\xBF\xBF", 4), 4); /* U+10FFFF, the last code point */
  assert_int_equal(len_of("\xC3\xA9zzz", 5), 2);      /* more bytes available than needed */
}

static void test_utf8_overlong(void **state) {
  (void)state;
  assert_int_equal(len_of("\xC0\x80", 2), 0);         /* NUL in 2 bytes */
  assert_int_equal(len_of("\xC1\xBF", 2), 0);         /* U+007F in 2 bytes */
  assert_int_equal(len_of("\xE0\x80\x80", 3), 0);     /* NUL in 3 bytes */
  assert_int_equal(len_of("\xE0\x9F\xBF", 3), 0);     /* U+07FF in 3 bytes */
  assert_int_equal(len_of("\xF0\x80\x80\x80", 4), 0); /* NUL in 4 bytes */
  assert_int_equal(len_of("\xF0\x8F\xBF\xBF", 4), 0); /* U+FFFF in 4 bytes */
}

static void test_utf8_surrogates_and_range(void **state) {
  (void)state;
  assert_int_equal(len_of("\xED\xA0\x80", 3), 0);     /* U+D800 */
  assert_int_equal(len_of("\xED\xAF\xBF", 3), 0);     /* U+DBFF */
  assert_int_equal(len_of("\xED\xB0\x80", 3), 0);     /* U+DC00 */
  assert_int_equal(len_of("\xED\xBF\xBF", 3), 0);     /* U+DFFF */
  assert_int_equal(len_of("\xF4\x90\x80\x80", 4), 0); /* U+110000 */
  assert_int_equal(len_of("\xF5\x80\x80\x80", 4), 0);
  assert_int_equal(len_of("\xF8\x88\x80\x80\x80", 5), 0); /* old 5-byte form */
  assert_int_equal(len_of("\xFE", 1), 0);
  assert_int_equal(len_of("\xFF", 1), 0);
}

static void test_utf8_truncated_and_bad_continuations(void **state) {
  (void)state;
  assert_int_equal(len_of("\x80", 1), 0); /* a continuation byte alone */
  assert_int_equal(len_of("\xBF", 1), 0);
  assert_int_equal(len_of("\xC3", 1), 0); /* truncated by the end of input */
  assert_int_equal(len_of("\xE2\x82", 2), 0);
  assert_int_equal(len_of("\xF0\x9F\x98", 3), 0);
  assert_int_equal(len_of("\xE2\x82\xAC", 2), 0); /* whole in memory, but avail says 2 */
  assert_int_equal(len_of("\xC3(", 2), 0);        /* a lead byte followed by ASCII */
  assert_int_equal(len_of("\xE2\x82(", 3), 0);
  assert_int_equal(len_of("\xF0\x9F\x98(", 4), 0);
  assert_int_equal(len_of("\xE2\xC3\xA9", 3), 0); /* followed by another lead byte */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lf_lines),
      cmocka_unit_test(test_crlf_lines),
      cmocka_unit_test(test_lone_cr_lines),
      cmocka_unit_test(test_mixed_endings),
      cmocka_unit_test(test_empty_source),
      cmocka_unit_test(test_no_trailing_newline),
      cmocka_unit_test(test_many_lines_grow_index),
      cmocka_unit_test(test_ascii_round_trip),
      cmocka_unit_test(test_two_byte_chars),
      cmocka_unit_test(test_three_byte_chars),
      cmocka_unit_test(test_astral_chars),
      cmocka_unit_test(test_invalid_bytes_one_unit_each),
      cmocka_unit_test(test_first_bad_utf8_line),
      cmocka_unit_test(test_nul_bytes_in_index),
      cmocka_unit_test(test_offset_clamps),
      cmocka_unit_test(test_line_text),
      cmocka_unit_test(test_region),
      cmocka_unit_test(test_read_outcomes),
      cmocka_unit_test(test_utf8_valid),
      cmocka_unit_test(test_utf8_overlong),
      cmocka_unit_test(test_utf8_surrogates_and_range),
      cmocka_unit_test(test_utf8_truncated_and_bad_continuations),
  };
  return cmocka_run_group_tests_name("source", tests, NULL, NULL);
}
