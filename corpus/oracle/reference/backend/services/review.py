"""Review Campaigns: campaign listing, detail and applicants."""
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Campaign, CampaignApplication


def get_campaigns(status=None, category=None):
    """Campaigns newest first, each with its number of applications."""
    application_count = (
        select(func.count(CampaignApplication.id))
        .where(CampaignApplication.campaign_id == Campaign.id)
        .correlate(Campaign)
        .scalar_subquery()
    )
    query = Campaign.query.add_columns(application_count.label("application_count"))
    if status:
        query = query.filter_by(status=status)
    if category:
        query = query.filter_by(category=category)
    rows = query.order_by(Campaign.created_at.desc(), Campaign.id.desc()).all()

    result = []
    for campaign, application_count in rows:
        data = campaign.to_dict()
        data["application_count"] = application_count
        data["slots_left"] = max(campaign.max_reviewers - application_count, 0)
        result.append(data)
    return result


def get_campaign(campaign_id):
    """One campaign with its applications (one lazy load, outside any loop)."""
    campaign = db.get_or_404(Campaign, campaign_id)
    applications = campaign.applications
    data = campaign.to_dict()
    # len() of rows that are used below as well: loading them is the point.
    data["application_count"] = len(applications)
    data["applications"] = [application.to_dict() for application in applications]
    return data


def get_campaign_applicants(campaign_id):
    """Applicants of a campaign, with the applying user's public profile."""
    applications = (
        CampaignApplication.query.options(joinedload(CampaignApplication.user))
        .filter_by(campaign_id=campaign_id)
        .order_by(CampaignApplication.created_at, CampaignApplication.id)
        .all()
    )
    result = []
    for application in applications:
        applicant = application.user
        item = application.to_dict()
        item["username"] = applicant.username
        item["display_name"] = applicant.display_name
        result.append(item)
    return result
