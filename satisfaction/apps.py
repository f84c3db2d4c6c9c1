from django.apps import AppConfig


class SatisfactionConfig(AppConfig):
    name = "satisfaction"
    verbose_name = "Satisfaction"

    def ready(self) -> None:
        # Satisfaction joins the question's moments and page through tickets' hooks. Imported
        # here: models may not load before the app registry is ready.
        from helpdesk.accounts import hooks as account_hooks
        from helpdesk.hooks import Panel
        from satisfaction import person_data, receivers
        from tickets import hooks

        hooks.ticket_resolved.connect(receivers.survey_request_on_resolve)
        hooks.question_facts.add(Panel("rating", "satisfaction/_rating_fact.html", receivers.rating_fact))
        hooks.follow_panels.add(Panel("survey", "satisfaction/_follow_link.html", receivers.survey_invitation))
        hooks.ticket_anonymised.connect(person_data.ticket_comment_remove)
        account_hooks.person_data.connect(person_data.person_ratings)
