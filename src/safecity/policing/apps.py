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
        self._ready_cameras_force()

    def _ready_cameras_force(self) -> None:
        """Body-worn cameras and use of force (issue 9, items 3 and 4)."""
        from safecity.core import audit_labels, nav, rules
        from safecity.core.roles import Module
        from safecity.policing.retention import RETENTION_PACK

        rules.register(RETENTION_PACK)
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
                "policing.officerevent": "Officer at an event",
            },
        )
