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
        self._ready_training()

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
