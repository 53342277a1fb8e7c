"""Deterministic data for the oracle: the same rows on SQLite and PostgreSQL.

Rows are written with explicit primary keys, table by table in foreign-key
order, so every variant of the app sees byte-identical data. The numbers the
oracle's expectations depend on are module constants below.
"""
from datetime import date, datetime, timedelta

T0 = datetime(2026, 1, 5, 9, 0, 0)
D0 = date(2026, 3, 2)

# The signed-in user of the authenticated endpoints.
ME = 1

USERS = [
    (1, "minji", "Kim Minji", "admin"),
    (2, "junho", "Lee Junho", "member"),
    (3, "seoyeon", "Park Seoyeon", "member"),
    (4, "dohyun", "Choi Dohyun", "member"),
    (5, "jiwoo", "Jung Jiwoo", "member"),
    (6, "hana", "Kang Hana", "host"),
    (7, "taeyang", "Yoon Taeyang", "host"),
    (8, "sora", "Han Sora", "member"),
]

PRODUCTS = [
    # id, code, name, monthly price, fee percent
    (1, "basic", "SoftFactory Basic", 9900, 0),
    (2, "pro", "SoftFactory Pro", 29000, 0),
    (3, "coocook", "CooCook Marketplace", 0, 5),
    (4, "experience", "Experience Marketplace", 0, 10),
]

SUBSCRIPTIONS = [
    # id, user, product, status
    (1, 1, 2, "active"),
    (2, 2, 1, "active"),
    (3, 3, 1, "cancelled"),
    (4, 4, 2, "active"),
    (5, 5, 1, "past_due"),
]
ACTIVE_SUBSCRIPTIONS = 3

PAYMENTS = [
    # id, user, subscription, amount, status
    (1, 1, 1, 29000, "paid"),
    (2, 1, 1, 29000, "paid"),
    (3, 1, None, 15000, "refunded"),
    (4, 2, 2, 9900, "paid"),
    (5, 4, 4, 29000, "paid"),
    (6, 4, 4, 29000, "failed"),
]
MY_PAYMENTS = 3

CHEFS = [
    # id, name, cuisine, city, price per person
    (1, "Chef Kim", "korean", "Seoul", 55000),
    (2, "Chef Lee", "french", "Busan", 90000),
    (3, "Chef Park", "italian", "Seoul", 70000),
    (4, "Chef Choi", "japanese", "Jeju", 80000),
]

# Bookings of ME: chef of each, and which have a payment / a review.
MY_BOOKING_CHEFS = [1, 2, 1, 3, 2, 1, 3, 1]
MY_BOOKINGS_PAID = {0, 1, 2, 4, 6}
MY_BOOKINGS_REVIEWED = {0, 2, 4, 5}
OTHER_BOOKINGS = [(2, 4), (2, 4), (3, 2)]  # (user, chef)
TOTAL_BOOKINGS = len(MY_BOOKING_CHEFS) + len(OTHER_BOOKINGS)

# SNS accounts of ME and their number of posts (one account has none).
MY_ACCOUNT_POSTS = [3, 0, 2, 5, 1]
MY_ACCOUNT_STATUS = ["connected", "connected", "expired", "connected", "connected"]
OTHER_ACCOUNT_POSTS = 2  # one account of user 2, connected
CONNECTED_ACCOUNTS = MY_ACCOUNT_STATUS.count("connected") + 1

# 12 campaigns and their number of applications (three have none).
CAMPAIGN_APPLICATIONS = [3, 0, 1, 4, 0, 2, 5, 1, 0, 2, 3, 1]
CAMPAIGN_STATUS = ["active"] * 8 + ["closed"] * 4
CATEGORIES = ["beauty", "food", "tech"]
APPLICANT_POOL = [2, 3, 4, 5, 8, 6, 7]
ACTIVE_CAMPAIGNS = CAMPAIGN_STATUS.count("active")

# AI employees: (id, owner, status, [(scenario status), ...])
AI_EMPLOYEES = [
    (1, ME, "active", ["active", "active", "paused", "active"]),
    (2, ME, "active", ["active", "active"]),
    (3, ME, "paused", []),
    (4, 2, "active", ["active"]),
]
ACTIVE_AI_EMPLOYEES = 3

ENROLLMENT_USERS = [2, 3, 2, 4, 5, 3, 2, 6, 4, 5]
WEBAPPS = [
    # id, owner, enrollment, name, status
    (1, 2, 1, "Coffee Stamp", "live"),
    (2, 3, 2, "Study Buddy", "draft"),
    (3, 4, None, "Jeju Trails", "live"),
    (4, 2, 7, "Pet Diary", "review"),
]

LISTINGS = [
    # id, host, title, city, price, status
    (1, 6, "Hanok tea ceremony", "Seoul", 45000, "published"),
    (2, 6, "Night market food walk", "Seoul", 38000, "published"),
    (3, 7, "Haenyeo diving day", "Jeju", 120000, "published"),
    (4, 7, "Gamcheon village sketching", "Busan", 30000, "draft"),
    (5, 6, "Temple stay weekend", "Gyeongju", 99000, "published"),
    (6, 7, "Busan harbour sunset cruise", "Busan", 51000, "published"),
]
PUBLISHED_LISTINGS = sum(1 for row in LISTINGS if row[5] == "published")

CRAWLER_LOGS = [
    # id, listing, source, status, items
    (1, 1, "airbnb", "ok", 12),
    (2, 2, "klook", "ok", 7),
    (3, None, "myrealtrip", "error", 0),
    (4, 3, "airbnb", "ok", 4),
    (5, None, "klook", "error", 0),
    (6, 5, "myrealtrip", "ok", 9),
    (7, 6, "airbnb", "ok", 3),
    (8, None, "airbnb", "error", 0),
]


def rows():
    """{table name: [row dict, ...]} in foreign-key order."""
    out = {}
    out["users"] = [
        dict(id=i, email=f"{u}@softfactory.example", username=u, display_name=n, role=r,
             locale="ko-KR", created_at=T0 + timedelta(hours=i))
        for i, u, n, r in USERS
    ]
    out["products"] = [
        dict(id=i, code=c, name=n, monthly_price_cents=p, fee_percent=f)
        for i, c, n, p, f in PRODUCTS
    ]
    out["subscriptions"] = [
        dict(id=i, user_id=u, product_id=p, status=s, current_period_end=D0 + timedelta(days=i),
             created_at=T0 + timedelta(days=1, hours=i))
        for i, u, p, s in SUBSCRIPTIONS
    ]
    out["payments"] = [
        dict(id=i, user_id=u, subscription_id=s, amount_cents=a, currency="KRW", status=st,
             created_at=T0 + timedelta(days=2, hours=i))
        for i, u, s, a, st in PAYMENTS
    ]
    out["chefs"] = [
        dict(id=i, user_id=None, name=n, cuisine=c, city=city, price_per_person_cents=p,
             created_at=T0 + timedelta(days=3, hours=i))
        for i, n, c, city, p in CHEFS
    ]
    bookings, booking_payments, booking_reviews = [], [], []
    owners = [(ME, chef) for chef in MY_BOOKING_CHEFS] + OTHER_BOOKINGS
    for n, (user_id, chef_id) in enumerate(owners):
        booking_id = n + 1
        guests = 2 + n % 3
        total = guests * CHEFS[chef_id - 1][4]
        # Two bookings share a date, so the id breaks the tie in ORDER BY.
        bookings.append(dict(
            id=booking_id, user_id=user_id, chef_id=chef_id,
            booking_date=D0 + timedelta(days=(n * 5) % 23 if n != 3 else 0),
            guests=guests, status="completed" if n % 4 else "confirmed", total_cents=total,
            created_at=T0 + timedelta(days=4, hours=n)))
        mine = user_id == ME
        if (mine and n in MY_BOOKINGS_PAID) or not mine:
            booking_payments.append(dict(
                id=len(booking_payments) + 1, booking_id=booking_id, amount_cents=total,
                method="card" if n % 2 else "transfer", status="paid",
                created_at=T0 + timedelta(days=4, hours=n, minutes=5)))
        if mine and n in MY_BOOKINGS_REVIEWED:
            booking_reviews.append(dict(
                id=len(booking_reviews) + 1, booking_id=booking_id, rating=3 + n % 3,
                comment=f"review of booking {booking_id}",
                created_at=T0 + timedelta(days=5, hours=n)))
    out["bookings"] = bookings
    out["booking_payments"] = booking_payments
    out["booking_reviews"] = booking_reviews

    accounts, posts = [], []
    platforms = ["instagram", "x", "threads", "youtube", "tiktok"]
    plan = [(ME, MY_ACCOUNT_STATUS[k], MY_ACCOUNT_POSTS[k]) for k in range(len(MY_ACCOUNT_POSTS))]
    plan.append((2, "connected", OTHER_ACCOUNT_POSTS))
    for k, (user_id, status, post_count) in enumerate(plan):
        account_id = k + 1
        accounts.append(dict(
            id=account_id, user_id=user_id, platform=platforms[k % len(platforms)],
            handle=f"@softfactory_{account_id}", status=status, followers=1000 * (k + 1) + 7,
            created_at=T0 + timedelta(days=6, hours=k)))
        for j in range(post_count):
            posts.append(dict(
                id=len(posts) + 1, account_id=account_id,
                content=f"Post {j} of account {account_id} #softfactory" + " #launch" * (j % 2),
                status="published" if j % 3 != 2 else "scheduled",
                scheduled_at=T0 + timedelta(days=7 + j, hours=account_id) if j % 3 == 2 else None,
                created_at=T0 + timedelta(days=6, hours=k, minutes=10 * (j + 1))))
    out["sns_accounts"] = accounts
    out["sns_posts"] = posts

    campaigns, applications = [], []
    for k, count in enumerate(CAMPAIGN_APPLICATIONS):
        campaign_id = k + 1
        campaigns.append(dict(
            id=campaign_id, brand=f"Brand {chr(65 + k)}", title=f"Campaign {campaign_id}",
            category=CATEGORIES[k % 3], status=CAMPAIGN_STATUS[k], max_reviewers=2 + k % 4,
            deadline=D0 + timedelta(days=10 + k), created_at=T0 + timedelta(days=8 + k)))
        for j in range(count):
            applications.append(dict(
                id=len(applications) + 1, campaign_id=campaign_id,
                user_id=APPLICANT_POOL[(k + j) % len(APPLICANT_POOL)],
                status="approved" if j == 0 else "pending", message=f"I'd love to review {campaign_id}",
                created_at=T0 + timedelta(days=8 + k, hours=j + 1)))
    out["campaigns"] = campaigns
    out["campaign_applications"] = applications

    employees, scenarios = [], []
    for employee_id, owner_id, status, scenario_statuses in AI_EMPLOYEES:
        employees.append(dict(
            id=employee_id, owner_id=owner_id, name=f"Agent {employee_id}",
            role=["marketer", "support", "analyst", "writer"][employee_id - 1], status=status,
            created_at=T0 + timedelta(days=20, hours=employee_id)))
        for j, scenario_status in enumerate(scenario_statuses):
            scenarios.append(dict(
                id=len(scenarios) + 1, employee_id=employee_id,
                name=f"Scenario {employee_id}.{j + 1}",
                trigger="schedule" if j % 2 else "manual", status=scenario_status,
                run_count=j, last_run_at=None if j == 0 else T0 + timedelta(days=21, hours=j),
                created_at=T0 + timedelta(days=20, hours=employee_id, minutes=j)))
    out["ai_employees"] = employees
    out["scenarios"] = scenarios

    out["bootcamp_enrollments"] = [
        dict(id=k + 1, user_id=user_id, cohort="2026-01" if k < 6 else "2026-02",
             status="graduated" if k % 4 == 0 else "enrolled", progress_percent=(k * 17) % 101,
             created_at=T0 + timedelta(days=25, hours=k))
        for k, user_id in enumerate(ENROLLMENT_USERS)
    ]
    out["webapps"] = [
        dict(id=i, owner_id=o, enrollment_id=e, name=n, subdomain=n.lower().replace(" ", "-"),
             status=s, created_at=T0 + timedelta(days=26, hours=i))
        for i, o, e, n, s in WEBAPPS
    ]
    out["experience_listings"] = [
        dict(id=i, host_id=h, title=t, city=c, price_cents=p, status=s,
             created_at=T0 + timedelta(days=27, hours=i))
        for i, h, t, c, p, s in LISTINGS
    ]
    out["crawler_logs"] = [
        dict(id=i, listing_id=l, source=src, status=st, items_found=n,
             started_at=T0 + timedelta(days=28, hours=i))
        for i, l, src, st, n in CRAWLER_LOGS
    ]
    return out


def seed(db):
    """Insert every row (Core inserts, one executemany per table) and commit."""
    metadata = db.metadata
    tables = rows()
    for table_name, table_rows in tables.items():
        if table_rows:
            # One INSERT per table is the point here, not an N+1.
            db.session.execute(metadata.tables[table_name].insert(), table_rows)  # noqa: ORM001
    if db.engine.dialect.name == "postgresql":
        # Explicit ids leave the serial sequences at 1: move them past the rows.
        db.session.execute(db.text("SELECT " + ", ".join(
            f"setval(pg_get_serial_sequence('{name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
            for name in tables)))
    db.session.commit()
