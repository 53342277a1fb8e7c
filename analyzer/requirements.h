/* The SQLAlchemy version a project's fixes are written for: the oldest its
 * requirements allow (requirements*.txt, pyproject.toml's dependencies or
 * Poetry's, setup.cfg/setup.py install_requires, Pipfile), or the
 * `target-sqlalchemy` setting. Versions are major * 10 + minor: 13, 14, 20;
 * 0 is unknown (fixes then use forms that work on 1.4 and 2.0);
 * OL_SQLA_13_TO_20 is a range from 1.3 through 2.x, where no select()
 * spelling works on both ends (fixes then use the legacy Query API, which
 * all of them have, or are withheld). */
#ifndef OL_REQUIREMENTS_H
#define OL_REQUIREMENTS_H

#include "fsys.h"

#define OL_SQLA_13_TO_20 1

/* "1.3", "1.4", "2.0" (also "2", "1.4.46") -> 13, 14, 20; -1 for anything else. */
int ol_sqla_version_parse(const char *s);
/* The oldest SQLAlchemy the requirement files at the top of root allow; 0
 * when none names it (or names it without a version). */
int ol_requirements_sqlalchemy(const ol_fs *fs, const char *root);
/* The same, over one file's text (for tests). */
int ol_requirements_text_sqlalchemy(const char *text, size_t len);

#endif
