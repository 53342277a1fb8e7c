"""Experience: listings with the platform fee, and crawler health."""
from ..models import CrawlerLog, ExperienceListing, Product


def list_listings(city=None):
    """Published listings with the price the guest pays (price + platform fee)."""
    query = ExperienceListing.query.filter_by(status="published")
    if city:
        query = query.filter_by(city=city)
    listings = query.order_by(ExperienceListing.id).all()
    product = Product.query.filter_by(code="experience").first()
    result = []
    for listing in listings:
        fee_percent = product.fee_percent if product is not None else 0
        item = listing.to_dict()
        item["fee_cents"] = listing.price_cents * fee_percent // 100
        item["guest_price_cents"] = listing.price_cents + item["fee_cents"]
        result.append(item)
    return result


def crawler_summary(limit=20):
    """Recent crawler runs per source, and the number of failed runs (one count, after the loop)."""
    logs = (
        CrawlerLog.query.order_by(CrawlerLog.started_at.desc(), CrawlerLog.id.desc())
        .limit(limit)
        .all()
    )
    items_by_source = {}
    for log in logs:
        # dict.get, not a query
        items_by_source[log.source] = items_by_source.get(log.source, 0) + log.items_found
    failed_runs = CrawlerLog.query.filter_by(status="error").count()
    return {
        "runs": len(logs),
        "items_by_source": items_by_source,
        "failed_runs": failed_runs,
        "latest": [log.to_dict() for log in logs[:3]],
    }
