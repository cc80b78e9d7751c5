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
        self._ready_complaints()

    def _ready_complaints(self) -> None:
        """The complaints area: menu, audit words and its rule packs."""
        from safecity.core import audit_labels, nav, rules
        from safecity.core.roles import Module
        from safecity.policing.complaint_rules import CATEGORY_PACK, DEADLINE_PACK

        rules.register(DEADLINE_PACK)
        rules.register(CATEGORY_PACK)
        nav.register(
            nav.NavLink(nav.RECORDS, "Complaints", "policing_complaints:list", Module.POLICING, order=24),
        )
        audit_labels.register(
            actions={
                "complaint.create": "Complaint received",
                "complaint.transition": "Complaint moved to another stage",
                "complaint.extend": "Complaint deadline extended",
                "complaint.assign": "Complaint investigator assigned",
                "complaint.comment": "Comment added to a complaint",
                "complaint.bulk_load": "Complaints loaded in bulk",
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
            },
        )
