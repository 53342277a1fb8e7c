/* --emit-sql: the index advice findings carry, rendered as a SQL script
 * (CREATE INDEX per column, composite indexes where one query filters on
 * several columns of a table, a comment naming the lookups behind each).
 * Like a writer it only formats: it never knows which rule advised. */
#ifndef OL_EMIT_SQL_H
#define OL_EMIT_SQL_H

#include <stdbool.h>
#include <stdio.h>

#include "finding.h"

/* Whether dialect is one --emit-sql knows: postgresql, sqlite, mysql. */
bool ol_sql_dialect_known(const char *dialect);
/* Writes the script for report's advice; dialect NULL means postgresql.
 * Returns 0, or -1 when writing failed. */
int ol_emit_sql(FILE *out, const ol_report *report, const char *dialect);

#endif
