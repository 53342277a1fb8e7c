"""The services the oracle proves: endpoint, the rules whose fixes cover it,
and the SQL statement counts expected before and after the fix.

`code` names the function of the app the endpoint runs ("module:function");
`rules` lists the ormlint rule codes of the markers (`# expect: ORM00N`) in
it, and test_markers checks the two agree. A service with no rules is a
control: correct code that any fix must leave working, with the same number
of queries.
`after` is an exact count, or None where only "fewer than before" is
defined (ORM006: how many UPDATEs a flush sends depends on the driver's
executemany support).
"""
import os

import seeddata as s

HERE = os.path.dirname(os.path.abspath(__file__))
APP = os.path.normpath(os.path.join(HERE, "..", "softfactory"))  # the app as written
REFERENCE = os.path.join(HERE, "reference")  # hand-written fixes, laid over a copy of APP

_DISTINCT_CHEFS = len(set(s.MY_BOOKING_CHEFS))
_MY_BOOKINGS = len(s.MY_BOOKING_CHEFS)
_APPLICANTS_CAMPAIGN = 7  # the campaign with 5 applications, 5 different users
_RUN_EMPLOYEE = 1
_OWNERS = [(s.ME, chef) for chef in s.MY_BOOKING_CHEFS] + s.OTHER_BOOKINGS
_ALL_BOOKING_CHEFS = len({chef for _, chef in _OWNERS})
_ALL_BOOKING_USERS = len({user for user, _ in _OWNERS})
_RUN_ACTIVE = s.AI_EMPLOYEES[_RUN_EMPLOYEE - 1][3].count("active")


def _changes(keys):
    """How many times a key differs from the one before it (the first counts)."""
    return sum(1 for i, key in enumerate(keys) if i == 0 or key != keys[i - 1])


class Service:
    def __init__(self, name, path, code, rules, before, after, method="GET", user=None,
                 state=None, max_commits=None, template=None):
        self.template = template  # the page's template (its markers are the service's too)
        self.name = name
        self.path = path
        self.code = code
        self.rules = tuple(rules)
        self.before = before
        self.after = after
        self.method = method
        self.user = user
        self.state = state  # name of a runner.STATE function: DB state after the call
        self.max_commits = max_commits


SERVICES = [
    # The seed's three critical issues and its bookings list.
    Service("campaigns", "/api/review/campaigns", "backend/services/review.py:get_campaigns",
            ["ORM003"], before=1 + len(s.CAMPAIGN_APPLICATIONS), after=1),
    Service("dashboard", "/api/platform/stats", "backend/metrics.py:get_dashboard_stats",
            ["ORM004"], before=6, after=1, user=s.ME),
    # A dashboard of counts side by side in one dict literal, each with its filter.
    Service("coocook_overview", "/api/platform/overview", "backend/metrics.py:get_coocook_overview",
            ["ORM004"], before=4, after=1),
    Service("sns_accounts", "/api/sns-auto/accounts", "backend/services/sns_auto.py:get_my_accounts",
            ["ORM003"], before=1 + len(s.MY_ACCOUNT_POSTS), after=1, user=s.ME),
    # chef: a many-to-one, answered from the identity map once that chef is
    # loaded (the booking holds it); payment, review: one-to-one, a SELECT per
    # booking each.
    Service("bookings", "/api/coocook/bookings", "backend/services/coocook.py:list_bookings",
            ["ORM002"], before=1 + _DISTINCT_CHEFS + 2 * _MY_BOOKINGS, after=1, user=s.ME),
    # The other rules.
    Service("campaign_applicants", f"/api/review/campaigns/{_APPLICANTS_CAMPAIGN}/applicants",
            "backend/services/review.py:get_campaign_applicants", ["ORM002"],
            before=1 + s.CAMPAIGN_APPLICATIONS[_APPLICANTS_CAMPAIGN - 1], after=1),
    # A collection of one row got by its key: the campaign, its applications
    # (one lazy load), then the user of each (all different).
    Service("campaign_reviewers", f"/api/review/campaigns/{_APPLICANTS_CAMPAIGN}/reviewers",
            "backend/services/reviewers.py:get_campaign_reviewers", ["ORM002"],
            before=2 + s.CAMPAIGN_APPLICATIONS[_APPLICANTS_CAMPAIGN - 1], after=2),
    Service("enrollments", "/api/webapp/enrollments",
            "backend/services/webapp_builder.py:list_enrollments", ["ORM001"],
            before=1 + len(s.ENROLLMENT_USERS), after=2),
    Service("listings", "/api/experience/listings", "backend/services/experience.py:list_listings",
            ["ORM001"], before=1 + s.PUBLISHED_LISTINGS, after=2),
    # session.get answers a key from the identity map only while the object is
    # still referenced (the map holds weak references): here only when the
    # previous row had the same product, as the loop variable still holds it.
    Service("subscriptions", "/api/platform/subscriptions",
            "backend/services/platform.py:list_subscriptions", ["ORM001"],
            before=1 + _changes([row[2] for row in s.SUBSCRIPTIONS]), after=2, user=s.ME),
    Service("profile", "/api/platform/me", "backend/services/platform.py:get_profile",
            ["ORM005"], before=2, after=2, user=s.ME),
    # 1 SELECT, then per scenario an UPDATE, and a refresh SELECT of every
    # object the previous commit expired (all but the first, twice each).
    Service("scenario_run", f"/api/ai/employees/{_RUN_EMPLOYEE}/run",
            "backend/services/ai_automation.py:run_scenarios", ["ORM006"],
            before=1 + _RUN_ACTIVE + (2 * _RUN_ACTIVE - 1), after=None, method="POST",
            user=s.ME, state="scenarios", max_commits=1),
    # Pages: the view loads the rows, its template reads their relationships
    # (the markers are in the template; the fix goes to the view's query).
    # chef and user: many-to-one, one SELECT per distinct one; payment: one
    # per booking.
    Service("bookings_page", "/pages/bookings", "backend/pages.py:bookings_page", ["ORM002"],
            before=1 + _ALL_BOOKING_CHEFS + _ALL_BOOKING_USERS + s.TOTAL_BOOKINGS, after=1,
            template="backend/templates/pages/bookings.html"),
    Service("campaigns_page", "/pages/campaigns", "backend/pages.py:campaigns_page", ["ORM002"],
            before=1 + len(s.CAMPAIGN_APPLICATIONS), after=2,
            template="backend/templates/pages/campaigns.html"),
    # Controls: already right; must stay right and no slower.
    Service("content_summary", "/api/platform/summary", "backend/metrics.py:get_content_summary",
            [], before=1, after=1),
    Service("chefs", "/api/coocook/chefs", "backend/services/coocook.py:list_chefs",
            [], before=1, after=1),
    Service("chef_schedule", "/api/coocook/chefs/1/schedule",
            "backend/services/coocook.py:get_chef_schedule", [], before=2, after=2),
    Service("campaign_detail", "/api/review/campaigns/1", "backend/services/review.py:get_campaign",
            [], before=2, after=2),
    Service("account_posts", "/api/sns-auto/accounts/4/posts",
            "backend/services/sns_auto.py:get_account_posts", [], before=3, after=3, user=s.ME),
    Service("ai_employees", "/api/ai/employees", "backend/services/ai_automation.py:list_employees",
            [], before=2, after=2, user=s.ME),
    Service("webapps", "/api/webapp/apps", "backend/services/webapp_builder.py:list_webapps",
            [], before=1, after=1),
    Service("crawler_summary", "/api/experience/crawler/summary",
            "backend/services/experience.py:crawler_summary", [], before=2, after=2),
]

BY_NAME = {service.name: service for service in SERVICES}
