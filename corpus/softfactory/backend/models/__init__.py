"""All models of the platform, one module per product area (18 models)."""
from .platform import Payment, Product, Subscription, User
from .coocook import Booking, BookingPayment, BookingReview, Chef
from .sns import SNSAccount, SNSPost
from .review import Campaign, CampaignApplication
from .ai import AIEmployee, Scenario
from .webapp import BootcampEnrollment, WebApp
from .experience import CrawlerLog, ExperienceListing

__all__ = [
    "User", "Product", "Subscription", "Payment",
    "Chef", "Booking", "BookingPayment", "BookingReview",
    "SNSAccount", "SNSPost",
    "Campaign", "CampaignApplication",
    "AIEmployee", "Scenario",
    "BootcampEnrollment", "WebApp",
    "ExperienceListing", "CrawlerLog",
]
