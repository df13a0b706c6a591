from django import template

from audit.selectors import application_access_history

register = template.Library()


@register.inclusion_tag("audit/access_history.html")
def access_history(application):
    """The "who has looked at your application" section of the applicant's page."""
    return {"entries": application_access_history(application_id=application.id, applicant_id=application.applicant_id)}
