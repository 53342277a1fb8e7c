/* Text helpers for fix writers. */
#include "fixtext.h"
#include "source.h"

#include <ctype.h>
#include <string.h>

char *ol_fixtext_snake(const char *camel) {
  ol_buf b = {0};
  size_t n = strlen(camel);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)camel[i];
    if (isupper(c) && i > 0) {
      bool prev_lower =
          islower((unsigned char)camel[i - 1]) || isdigit((unsigned char)camel[i - 1]);
      bool next_lower = i + 1 < n && islower((unsigned char)camel[i + 1]);
      if (prev_lower || (isupper((unsigned char)camel[i - 1]) && next_lower))
        ol_buf_putc(&b, '_');
    }
    ol_buf_putc(&b, (char)tolower(c));
  }
  return ol_buf_take(&b);
}

char *ol_fixtext_plural(const char *name) {
  size_t n = strlen(name);
  if (n > 1 && name[n - 1] == 'y' && !strchr("aeiou", name[n - 2]))
    return ol_format("%.*sies", (int)(n - 1), name);
  if ((n && (name[n - 1] == 's' || name[n - 1] == 'x')) ||
      (n > 1 && name[n - 1] == 'h' && strchr("cs", name[n - 2])))
    return ol_format("%ses", name);
  return ol_format("%ss", name);
}

static bool is_ident_char(char c) {
  return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

char *ol_fixtext_free_name(const ol_rule_ctx *ctx, ol_span scope, const char *base) {
  char *name = ol_strdup(base);
  for (int i = 2; ol_fixtext_count_uses(ctx, scope, name) > 0; i++) {
    ol_free(name);
    name = ol_format("%s_%d", base, i);
  }
  return name;
}

uint32_t ol_fixtext_line_start(const ol_rule_ctx *ctx, uint32_t off) {
  while (off > 0 && ctx->src[off - 1] != '\n' && ctx->src[off - 1] != '\r')
    off--;
  return off;
}

uint32_t ol_fixtext_line_end(const ol_rule_ctx *ctx, uint32_t off) {
  while (off < ctx->len && ctx->src[off] != '\n' && ctx->src[off] != '\r')
    off++;
  return off;
}

char *ol_fixtext_indent(const ol_rule_ctx *ctx, uint32_t off) {
  uint32_t start = ol_fixtext_line_start(ctx, off), end = start;
  while (end < off && (ctx->src[end] == ' ' || ctx->src[end] == '\t'))
    end++;
  return ol_strndup(ctx->src + start, end - start);
}

const char *ol_fixtext_unit(const char *indent) { return strchr(indent, '\t') ? "\t" : "    "; }

char *ol_fixtext_expr(const ol_rule_ctx *ctx, ol_span span) {
  const char *s = ctx->src + span.start;
  size_t n = span.end - span.start;
  if (memchr(s, '\n', n) || memchr(s, '\r', n))
    return ol_format("(%.*s)", (int)n, s);
  return ol_strndup(s, n);
}

char *ol_fixtext_brief(const ol_rule_ctx *ctx, ol_span span, size_t max) {
  return ol_text_brief(ctx->src + span.start, span.end - span.start, max);
}

int ol_fixtext_count_uses(const ol_rule_ctx *ctx, ol_span scope, const char *name) {
  int n = 0;
  size_t nl = strlen(name);
  const char *p = ctx->src + scope.start, *end = ctx->src + scope.end;
  while (p < end) {
    if (*p == '#') {
      while (p < end && *p != '\n')
        p++;
    } else if (*p == '"' || *p == '\'') {
      char q = *p;
      bool triple = end - p >= 3 && p[1] == q && p[2] == q;
      p += triple ? 3 : 1;
      while (p < end && !(triple ? (end - p >= 3 && p[0] == q && p[1] == q && p[2] == q)
                                 : (*p == q || *p == '\n')))
        p += *p == '\\' ? 2 : 1;
      p += triple ? 3 : 1;
    } else if (is_ident_char(*p)) {
      bool after_dot = p > ctx->src && p[-1] == '.';
      if (!after_dot && (size_t)(end - p) >= nl && !memcmp(p, name, nl) &&
          (p + nl == end || !is_ident_char(p[nl])))
        n++;
      while (p < end && is_ident_char(*p))
        p++;
    } else {
      p++;
    }
  }
  return n;
}

bool ol_fixtext_module_binds(const ol_rule_ctx *ctx, const char *name) {
  for (size_t i = 0; i < ctx->facts->module_names.len; i++)
    if (!strcmp(ctx->facts->module_names.items[i], name))
      return true;
  return false;
}

void ol_fixtext_import(const ol_rule_ctx *ctx, ol_fix_draft *f, const char *module,
                       const char *const *names) {
  ol_buf imp = {0};
  for (const char *const *n = names; *n; n++)
    if (!ol_fixtext_module_binds(ctx, *n))
      ol_buf_printf(&imp, "%s%s", imp.len ? ", " : "", *n);
  if (!imp.len)
    return;
  uint32_t at = ctx->facts->import_at;
  while (at && at < ctx->len && ctx->src[at - 1] != '\n')
    at++;
  bool eof = at && ctx->src[at - 1] != '\n';
  ol_fix_draft_edit(f, at, at, ol_format("%sfrom %s import %s\n", eof ? "\n" : "", module, imp.s));
  ol_buf_free(&imp);
}

char *ol_fixtext_select(const ol_rule_ctx *ctx, const char *cols) {
  return ctx->sqla == 13 ? ol_format("select([%s])", cols) : ol_format("select(%s)", cols);
}

const char *ol_fixtext_scalar_subquery(const ol_rule_ctx *ctx) {
  return ctx->sqla == 13 ? "as_scalar" : "scalar_subquery";
}

char *ol_fixtext_splice(const ol_rule_ctx *ctx, ol_span span, const ol_splice *s, size_t n) {
  ol_buf b = {0};
  uint32_t at = span.start;
  for (size_t i = 0; i < n; i++) {
    if (ol_span_empty(s[i].at) && !s[i].text)
      continue;
    ol_buf_add(&b, ctx->src + at, s[i].at.start - at);
    ol_buf_puts(&b, s[i].text ? s[i].text : "");
    at = s[i].at.end;
  }
  ol_buf_add(&b, ctx->src + at, span.end - at);
  return ol_buf_take(&b);
}
