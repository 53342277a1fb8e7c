/* Which SQLAlchemy a project's requirement files allow: the oldest version,
 * in each format's spelling; other packages that contain the word do not
 * count; the setting's values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "requirements.h"

static int of(const char *text) { return ol_requirements_text_sqlalchemy(text, strlen(text)); }

static void test_formats(void **state) {
  (void)state;
  assert_int_equal(of("Flask==2.0\nSQLAlchemy>=1.3.0,<1.4\n"), 13); /* requirements.txt */
  assert_int_equal(of("SQLAlchemy>=1.3.0,<2.1.0\n"), OL_SQLA_13_TO_20);
  assert_int_equal(of("SQLAlchemy>=1.3\n"), OL_SQLA_13_TO_20);
  assert_int_equal(of("sqlalchemy = \"^1.3\"\n"), 13);
  assert_int_equal(of("SQLAlchemy~=1.3.0\n"), 13);
  assert_int_equal(of("SQLAlchemy==1.4.46  # pinned\n"), 14);
  assert_int_equal(of("[tool.poetry.dependencies]\nsqlalchemy = \"^2.0\"\n"), 20);
  assert_int_equal(of("dependencies = [\"flask>=1.0\", \"SQLAlchemy[asyncio]~=1.4.2\"]\n"), 14);
  assert_int_equal(of("SQLAlchemy = {version = \">=1.3.24,<1.4\", optional = true}\n"), 13);
  assert_int_equal(of("install_requires =\n    sqlalchemy<2.0\n"), 13); /* setup.cfg: 1.3 and 1.4 */
  assert_int_equal(of("install_requires=['SQLAlchemy>=1.4,!=1.4.0', 'alembic>=1.0']\n"), 14);
  assert_int_equal(of("sqlalchemy = \"*\"\n"), 0); /* Pipfile, any version */
}

static void test_other_packages(void **state) {
  (void)state;
  assert_int_equal(of("Flask-SQLAlchemy==2.5.1\nsqlalchemy-utils>=0.36\n"), 0);
  assert_int_equal(of("plugins = [\"sqlalchemy.ext.mypy.plugin\"]\n"), 0);
  assert_int_equal(of("dependencies = [\"sqlalchemy\", \"flask>=1.0\"]\n"), 0);
  assert_int_equal(of("target-sqlalchemy = \"1.3\"\n"), 0);
}

static void test_setting_values(void **state) {
  (void)state;
  assert_int_equal(ol_sqla_version_parse("1.3"), 13);
  assert_int_equal(ol_sqla_version_parse("1.4.46"), 14);
  assert_int_equal(ol_sqla_version_parse("2.0"), 20);
  assert_int_equal(ol_sqla_version_parse("2"), 20);
  assert_int_equal(ol_sqla_version_parse("1.5"), -1);
  assert_int_equal(ol_sqla_version_parse("x"), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_formats),
      cmocka_unit_test(test_other_packages),
      cmocka_unit_test(test_setting_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
