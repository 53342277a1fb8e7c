"""Review Campaigns: campaign listing, detail and applicants."""
from ..extensions import db
from ..models import Campaign, CampaignApplication


def get_campaigns(status=None, category=None):
    """Campaigns newest first, each with its number of applications."""
    query = Campaign.query
    if status:
        query = query.filter_by(status=status)
    if category:
        query = query.filter_by(category=category)
    campaigns = query.order_by(Campaign.created_at.desc(), Campaign.id.desc()).all()

    result = []
    for campaign in campaigns:
        data = campaign.to_dict()
        application_count = CampaignApplication.query.filter_by(campaign_id=campaign.id).count()  # expect: ORM003
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
        CampaignApplication.query.filter_by(campaign_id=campaign_id)
        .order_by(CampaignApplication.created_at, CampaignApplication.id)
        .all()
    )
    result = []
    for application in applications:
        applicant = application.user  # expect: ORM002
        item = application.to_dict()
        item["username"] = applicant.username
        item["display_name"] = applicant.display_name
        result.append(item)
    return result
