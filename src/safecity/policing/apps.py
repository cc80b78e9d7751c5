from django.apps import AppConfig


class PolicingConfig(AppConfig):
    name = "safecity.policing"
    label = "policing"
    verbose_name = "Community policing"

    def ready(self) -> None:
        from safecity.core import audit_labels, nav
        from safecity.core.roles import Module

        nav.register(
            nav.NavLink(nav.RECORDS, "Officers", "policing:list", Module.POLICING, order=20),
        )
        audit_labels.register(
            actions={
                "unit.create": "Unit created",
                "officer.create": "Officer added",
                "officer.update": "Officer changed",
                "assignment.start": "Officer reassigned",
            },
            objects={
                "policing.unit": "Unit",
                "policing.officer": "Officer",
                "policing.assignment": "Assignment",
            },
        )

        # Community problem solving: SARA projects, meetings, surveys (and the survey import).
        from safecity.core.importing import spec as importing

        nav.register(
            nav.NavLink(nav.RECORDS, "Problem-solving projects", "policing_sara:list", Module.POLICING, order=60),
            nav.NavLink(nav.RECORDS, "Community meetings", "policing_meetings:list", Module.POLICING, order=61),
            nav.NavLink(nav.ANALYSIS, "Resident surveys", "policing_surveys:results", Module.POLICING, order=60),
        )
        audit_labels.register(
            actions={
                "sara.create": "Problem-solving project opened",
                "sara.update": "Problem-solving project changed",
                "sara.assessment": "Project assessment set",
                "sara.advance": "Project moved to the next SARA step",
                "sara.activity": "Project response activity added",
                "meeting.create": "Community meeting recorded",
                "meeting.update": "Community meeting changed",
                "meeting.concern": "Meeting concern added",
                "meeting.followup": "Meeting follow-up added",
                "meeting.followup_update": "Meeting follow-up status changed",
                "survey.wave_create": "Survey wave added",
                "survey.wave_update": "Survey wave changed",
                "survey.result": "Survey result entered",
            },
            objects={
                "policing.problemproject": "Problem-solving project",
                "policing.projectactivity": "Project activity",
                "policing.meeting": "Community meeting",
                "policing.meetingconcern": "Meeting concern",
                "policing.followup": "Meeting follow-up",
                "policing.surveywave": "Survey wave",
                "policing.surveyresult": "Survey result",
                "policing.surveyimportbatch": "Survey import",
            },
        )
        importing.register("safecity.policing.import_surveys:SURVEYS", name="surveys")
