from django.apps import AppConfig


class PolicingConfig(AppConfig):
    name = "safecity.policing"
    label = "policing"
    verbose_name = "Community policing"

    def ready(self) -> None:
        from safecity.core import audit_labels, nav
        from safecity.core.roles import Module, Sensitivity

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
        # Early intervention (pursuits, flags, the supervisory review, the evaluation).
        from safecity.core import rules
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
