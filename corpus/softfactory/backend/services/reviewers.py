"""Review Campaigns: who applied to a campaign (a collection of one row)."""
from flask import abort

from ..extensions import db
from ..models import Campaign, CampaignApplication


def get_campaign_reviewers(campaign_id):
    """A campaign's applications, each with the applying user's name: the
    campaign is got by its key, its applications are a collection of it."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    result = []
    for application in campaign.applications:
        reviewer = application.user  # expect: ORM002
        result.append(
            {
                "id": application.id,
                "status": application.status,
                "username": reviewer.username,
                # the reverse of campaign.applications: the identity map answers it
                "campaign": application.campaign.title,
            }
        )
    return result
