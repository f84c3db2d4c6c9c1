from django.apps import AppConfig


class SatisfactionConfig(AppConfig):
    name = "satisfaction"
    verbose_name = "Satisfaction"

    def ready(self) -> None:
        # Satisfaction joins the question's moments and page through tickets' hooks. Imported
        # here: models may not load before the app registry is ready.
        from helpdesk.hooks import Panel
        from satisfaction import receivers
        from tickets import hooks

        hooks.ticket_resolved.connect(receivers.survey_request_on_resolve)
        hooks.question_facts.add(Panel("rating", "satisfaction/_rating_fact.html", receivers.rating_fact))
        hooks.follow_panels.add(Panel("survey", "satisfaction/_follow_link.html", receivers.survey_invitation))
