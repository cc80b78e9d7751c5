"""Forms for training records; each turns valid input into its action's keyword arguments."""

from __future__ import annotations

from typing import Any

from django import forms

from safecity.core import selectors as core_selectors
from safecity.core.roles import ADD, Module
from safecity.policing import selectors
from safecity.policing.models import Course, Delivery, Topic

DATE = {"type": "date"}


def _agency_choices(form: forms.Form, user: Any) -> None:
    agencies = list(core_selectors.agencies_where(user=user, module=Module.POLICING, action=ADD))
    field: Any = form.fields["agency"]
    field.choices = [(a.ori, f"{a.name} ({a.ori})") for a in agencies]
    if len(agencies) == 1:
        form.initial["agency"] = agencies[0].ori


class CourseCreateForm(forms.Form):
    agency = forms.ChoiceField(label="Agency")
    code = forms.CharField(label="Course code", max_length=30, help_text="As attendance files name it.")
    title = forms.CharField(label="Title", max_length=200)
    topic = forms.ChoiceField(label="Topic", choices=Topic.choices)
    hours = forms.DecimalField(label="Hours credited", max_digits=5, decimal_places=2, min_value=0.25)
    delivery = forms.ChoiceField(label="Delivery", choices=Delivery.choices)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        self.user = user
        _agency_choices(self, user)

    def action_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["agency"] = core_selectors.agency_by_ori(user=self.user, ori=data["agency"])
        return data


class CourseEditForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    topic = forms.ChoiceField(label="Topic", choices=Topic.choices)
    hours = forms.DecimalField(label="Hours credited", max_digits=5, decimal_places=2, min_value=0.25,
                               help_text="Completions already recorded keep the hours they were credited.")
    delivery = forms.ChoiceField(label="Delivery", choices=Delivery.choices)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(label="Still offered", required=False)

    def __init__(self, data: Any = None, *, user: Any, instance: Course) -> None:
        super().__init__(data, initial={name: getattr(instance, name) for name in self.base_fields})
        self.user, self.instance = user, instance

    def action_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.changed_data}


class AttendanceCreateForm(forms.Form):
    """A completion typed in by hand; files of them go through the training import."""

    employee_id = forms.CharField(label="Officer employee id", max_length=30)
    course = forms.ChoiceField(label="Course")
    completed_on = forms.DateField(label="Completed on", help_text="YYYY-MM-DD",
                                   widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))
    hours = forms.DecimalField(label="Hours credited", required=False, max_digits=5, decimal_places=2,
                               help_text="Leave empty to credit the course's hours.")
    score = forms.DecimalField(label="Score", required=False, max_digits=5, decimal_places=2, min_value=0,
                               max_value=100)
    passed = forms.BooleanField(label="Passed", required=False, initial=True)

    def __init__(self, data: Any = None, *, user: Any) -> None:
        super().__init__(data)
        self.user = user
        courses = selectors.course_list(user=user, action=ADD)
        field: Any = self.fields["course"]
        field.choices = [(str(c.public_id), f"{c.title} ({c.code}, {c.agency.ori})") for c in courses]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = data.get("course")
        course = selectors.course_list(user=self.user, action=ADD).filter(public_id=chosen).first() \
            if chosen else None
        data["course_obj"] = course
        if course is not None and data.get("employee_id"):
            officer = selectors.officer_list(user=self.user, action=ADD).filter(
                agency=course.agency, employee_id=data["employee_id"].strip()).first()
            if officer is None:
                self.add_error("employee_id", f"No officer with this employee id at {course.agency.ori}.")
            data["officer_obj"] = officer
        return data

    def action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"officer": data["officer_obj"], "course": data["course_obj"], "completed_on": data["completed_on"],
                "hours": data["hours"], "score": data["score"], "passed": data["passed"]}
