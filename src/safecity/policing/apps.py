from django.apps import AppConfig


class PolicingConfig(AppConfig):
    name = "safecity.policing"
    label = "policing"
    verbose_name = "Community policing"

    def ready(self) -> None:
        # One method per record family, so each registers its menus, audit words, rule packs and import
        # types in one place.
        self._ready_roster()
        self._ready_stops()
        self._ready_cameras_force()
        self._ready_complaints()
        self._ready_eis()
        self._ready_training()
        self._ready_community()

    def _ready_roster(self) -> None:
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
    def _ready_cameras_force(self) -> None:
        """Body-worn cameras and use of force (issue 9, items 3 and 4)."""
        from safecity.core import audit_labels, nav, rules
        from safecity.core.importing import spec as importing
        from safecity.core.roles import Module
        from safecity.policing.retention import RETENTION_PACK

        rules.register(RETENTION_PACK)
        importing.register("safecity.policing.importers_recordings:RECORDINGS_IMPORT", name="recordings")
        nav.register(
            nav.NavLink(nav.RECORDS, "Use of force", "policing_force:list", Module.POLICING, order=22),
            nav.NavLink(nav.RECORDS, "Body-worn cameras", "policing_cameras:list", Module.POLICING, order=23),
            nav.NavLink(nav.RECORDS, "Camera recordings", "policing_recordings:list", Module.POLICING,
                        order=24),
            nav.NavLink(nav.ANALYSIS, "Camera activation", "policing_cameras:compliance", Module.POLICING,
                        order=40),
            nav.NavLink(nav.ANALYSIS, "Use of force summary", "policing_force:summary", Module.POLICING, order=41),
        )
        audit_labels.register(
            actions={
                "force.create": "Use-of-force incident recorded",
                "force.update": "Use-of-force incident changed",
                "force.bulk_create": "Use-of-force incidents loaded",
                "camera.create": "Body-worn camera added",
                "camera.update": "Body-worn camera changed",
                "camera.bulk_create": "Body-worn cameras loaded",
                "camera.assign": "Body-worn camera issued or returned",
                "recording.create": "Camera recording added",
                "recording.bulk_create": "Camera recordings loaded",
                "recording.import": "Camera recordings imported from a file",
                "recording.hold": "Camera recording put on legal hold",
                "recording.release": "Legal hold on a camera recording lifted",
                "recording.purge": "Camera recordings purged",
                "officer_event.create": "Officer linked to an event",
                "officer_event.bulk_create": "Officers linked to events",
            },
            objects={
                "policing.useofforceincident": "Use-of-force incident",
                "policing.useofforcesubject": "Use-of-force subject",
                "policing.useofforceofficer": "Officer in a use of force",
                "policing.camera": "Body-worn camera",
                "policing.cameraassignment": "Camera assignment",
                "policing.recording": "Camera recording",
                "policing.recordingimportbatch": "Camera recording import",
                "policing.officerevent": "Officer at an event",
            },
        )

    def _ready_eis(self) -> None:
        """Early intervention (pursuits, flags, the supervisory review, the evaluation)."""
        from safecity.core import audit_labels, nav, rules
        from safecity.core.roles import Module, Sensitivity
        from safecity.policing.eis_rules import RULE_PACK

        rules.register(RULE_PACK)
        nav.register(
            nav.NavLink(nav.RECORDS, "Vehicle pursuits", "policing_pursuits:list", Module.POLICING, order=60),
            nav.NavLink(nav.RECORDS, "Early-intervention flags", "policing_eis:list", Module.POLICING, order=61,
                        clearance=Sensitivity.PERSONNEL),
            nav.NavLink(nav.ANALYSIS, "Early-intervention evaluation", "policing_eis:evaluation", Module.POLICING,
                        order=61, clearance=Sensitivity.PERSONNEL),
        )
        audit_labels.register(
            actions={
                "pursuit.create": "Vehicle pursuit recorded",
                "eiflag.run": "Early-intervention scoring run",
                "eiflag.assign": "Early-intervention flag: supervisor assigned",
                "eiflag.intervene": "Early-intervention flag: intervention chosen",
                "eiflag.follow_up": "Early-intervention flag: follow-up recorded",
            },
            objects={
                "policing.pursuit": "Vehicle pursuit",
                "policing.eiflag": "Early-intervention flag",
                "policing.eiflagstep": "Early-intervention review step",
            },
        )

    def _ready_stops(self) -> None:
        # Stops and equity (issue 9 item 7): the import type, the list and equity pages, audit words.
        from safecity.core import audit_labels, nav
        from safecity.core.importing import spec as importing
        from safecity.core.roles import Module

        importing.register("safecity.policing.imports_stops:STOPS", name="stops")
        nav.register(
            nav.NavLink(nav.RECORDS, "Stops", "policing_stops:list", Module.POLICING, order=24),
            nav.NavLink(nav.ANALYSIS, "Stops and equity", "policing_stops:equity", Module.POLICING, order=24),
        )
        audit_labels.register(
            actions={"stop.bulk_create": "Stops added in bulk"},
            objects={"policing.stop": "Stop", "policing.stopimportbatch": "Stop import"},
        )

    def _ready_complaints(self) -> None:
        """The complaints area: menu, audit words, its rule packs and the import."""
        from safecity.core import audit_labels, nav, rules
        from safecity.core.importing import spec as importing
        from safecity.core.roles import Module, Sensitivity
        from safecity.policing.complaint_rules import CATEGORY_PACK, DEADLINE_PACK

        rules.register(DEADLINE_PACK)
        rules.register(CATEGORY_PACK)
        importing.register("safecity.policing.importers_complaints:COMPLAINTS_IMPORT", name="complaints")
        nav.register(
            nav.NavLink(nav.RECORDS, "Complaints", "policing_complaints:list", Module.POLICING, order=24,
                        clearance=Sensitivity.PERSONNEL),
        )
        audit_labels.register(
            actions={
                "complaint.create": "Complaint received",
                "complaint.transition": "Complaint moved to another stage",
                "complaint.extend": "Complaint deadline extended",
                "complaint.assign": "Complaint investigator assigned",
                "complaint.comment": "Comment added to a complaint",
                "complaint.bulk_load": "Complaints loaded in bulk",
                "complaint.import": "Complaints imported from a file",
                "complaint.status_lookup": "Complaint status looked up by reference",
                "allegation.finding": "Allegation finding recorded",
                "complainant.read": "Complainant identity read",
            },
            objects={
                "policing.complaint": "Complaint",
                "policing.allegation": "Allegation",
                "policing.complainant": "Complainant",
                "policing.complaintevent": "Complaint timeline entry",
                "policing.complaintcomment": "Complaint comment",
                "policing.complaintimportbatch": "Complaint import",
            },
        )

    def _ready_training(self) -> None:
        """Training and the roster's extra pages: menu links, audit words, the requirement pack, the import."""
        from safecity.core import audit_labels, nav, rules
        from safecity.core.importing import spec as importing
        from safecity.core.roles import Module
        from safecity.policing.training_rules import TRAINING_PACK

        rules.register(TRAINING_PACK)
        importing.register("safecity.policing.importers_training:TRAINING", name="training")
        importing.register("safecity.policing.importers_roster:OFFICERS_IMPORT", name="officers")
        nav.register(
            nav.NavLink(nav.RECORDS, "Police units", "policing_units:list", Module.POLICING, order=21),
            nav.NavLink(nav.RECORDS, "Training courses", "policing_training:list", Module.POLICING, order=22),
            nav.NavLink(nav.RECORDS, "Training sessions", "policing_sessions:list", Module.POLICING, order=22),
            nav.NavLink(nav.RECORDS, "Training attendance", "policing_attendance:list", Module.POLICING, order=23),
            nav.NavLink(nav.ANALYSIS, "Training compliance", "policing_training:compliance", Module.POLICING,
                        order=40),
        )
        audit_labels.register(
            actions={
                "training.course.create": "Training course added",
                "training.course.update": "Training course changed",
                "training.session.create": "Training session scheduled",
                "training.session.bulk_create": "Training sessions scheduled in bulk",
                "training.attendance.record": "Training completion recorded",
                "training.attendance.bulk_record": "Training completions recorded in bulk",
            },
            objects={
                "policing.course": "Training course",
                "policing.trainingsession": "Training session",
                "policing.attendance": "Training completion",
                "policing.trainingimportbatch": "Training import",
                "policing.rosterimportbatch": "Officer roster import",
                "policing.training_compliance": "Training compliance report",
            },
        )

    def _ready_community(self) -> None:
        """Community problem solving: SARA projects, meetings, surveys (and the survey import)."""
        from safecity.core import audit_labels, nav
        from safecity.core.importing import spec as importing
        from safecity.core.roles import Module

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
