/* GitHub Actions workflow commands: one `::warning file=...::message` line per
 * finding, which the runner turns into an annotation on the pull request.
 * Escaping follows the runner's toolkit: `%`, CR and LF in the message;
 * also `:` and `,` in property values. */
#include "writer.h"

#include "alloc.h"
#include "source.h"

static const char *command_for(ol_level level) {
  switch (level) {
  case OL_LEVEL_ERROR:
    return "error";
  case OL_LEVEL_NOTE:
    return "notice";
  default:
    return "warning";
  }
}

static const char *command_for_note(ol_note_level level) {
  switch (level) {
  case OL_NOTE_ERROR:
    return "error";
  case OL_NOTE_INFO:
    return "notice";
  default:
    return "warning";
  }
}

/* After the runner's own escapes, what is left is shown as it is: any other
 * control character (ESC, BEL) is replaced first, as invalid UTF-8 is. */
static void put_escaped(FILE *out, const char *text, bool property) {
  char *safe = ol_text_printable(text, 0, "\t\r\n");
  for (const char *s = safe; *s; s++) {
    switch (*s) {
    case '%':
      fputs("%25", out);
      break;
    case '\r':
      fputs("%0D", out);
      break;
    case '\n':
      fputs("%0A", out);
      break;
    case ':':
      fputs(property ? "%3A" : ":", out);
      break;
    case ',':
      fputs(property ? "%2C" : ",", out);
      break;
    default:
      putc(*s, out);
    }
  }
  ol_free(safe);
}

static void put_finding(FILE *out, const ol_finding *f) {
  const ol_rule_meta *rule = f->rule;
  const ol_region *r = &f->region;
  fprintf(out, "::%s file=", command_for(rule ? rule->level : OL_LEVEL_WARNING));
  put_escaped(out, f->path, true);
  fprintf(out, ",line=%u,col=%u,endLine=%u,endColumn=%u,title=", (unsigned)r->line,
          (unsigned)r->col, (unsigned)r->end_line, (unsigned)r->end_col);
  if (rule) {
    put_escaped(out, rule->code, true);
    fputs(" (", out);
    put_escaped(out, rule->name, true);
    fputs(")", out);
  }
  fputs("::", out);
  put_escaped(out, f->message, false);
  putc('\n', out);
}

static void put_note(FILE *out, const ol_notification *n) {
  fprintf(out, "::%s", command_for_note(n->level));
  if (n->path) {
    fputs(" file=", out);
    put_escaped(out, n->path, true);
    if (n->line)
      fprintf(out, ",line=%u", (unsigned)n->line);
  }
  fputs("::", out);
  put_escaped(out, n->message, false);
  putc('\n', out);
}

static int write_github(FILE *out, const ol_report *report, const ol_write_opts *opts) {
  (void)opts;
  for (size_t i = 0; i < report->n_findings; i++)
    put_finding(out, &report->findings[i]);
  for (size_t i = 0; i < report->n_notes; i++)
    put_note(out, &report->notes[i]);
  if (report->findings_dropped)
    fprintf(out, "::warning::%zu more findings were left out (at most %zu are reported per run)\n",
            report->findings_dropped, report->n_findings);
  if (fflush(out) == EOF || ferror(out))
    return -1;
  return 0;
}

const ol_writer ol_writer_github = {"github", write_github};
