"""Vocabularies of the use-of-force and body-worn-camera records.

The force-incident words follow the FBI National Use-of-Force Data Collection's categories as the reference
(docs/policing.md, "Use of force") describes them; our codes are short slugs, and the FBI export writes them as
they are — the collection's own code values were not read (docs/policing.md, "FBI export"). The list of force
types is ours.
"""

from __future__ import annotations

from django.db import models


class ContactReason(models.TextChoices):
    CALL = "call_for_service", "Call for service"
    TRAFFIC = "traffic_stop", "Traffic stop"
    SUSPICIOUS = "suspicious_activity", "Unlawful or suspicious activity"
    WARRANT = "warrant_service", "Warrant service"
    INVESTIGATION = "investigation", "Investigative activity"
    EMERGENCY = "emergency", "Medical or mental-health emergency"
    PATROL = "routine_patrol", "Routine patrol / other non-criminal"
    OTHER = "other", "Other"


class LocationType(models.TextChoices):
    RESIDENCE = "residence", "Residence / home"
    STREET = "street", "Street / highway / road"
    BUSINESS = "business", "Commercial / business"
    PARKING = "parking", "Parking lot / garage"
    PARK = "park", "Park / field / open space"
    SCHOOL = "school", "School"
    JAIL = "jail", "Jail / detention facility"
    HOSPITAL = "hospital", "Hospital / medical facility"
    OTHER = "other", "Other"


class ForceType(models.TextChoices):
    FIREARM = "firearm", "Firearm (discharged)"
    ECW = "ecw", "Electronic control weapon (Taser)"
    CHEMICAL = "chemical", "Chemical agent / pepper spray"
    BATON = "baton", "Baton / blunt instrument"
    CANINE = "canine", "Canine"
    HANDS = "hands", "Hands, fists, feet"
    TAKEDOWN = "takedown", "Takedown"
    PAIN = "pain_compliance", "Pain compliance / joint lock"
    NECK = "neck_restraint", "Neck restraint / chokehold"
    IMPACT = "less_lethal", "Less-lethal projectile"
    VEHICLE = "vehicle", "Vehicle"
    OTHER = "other", "Other"


class Resistance(models.TextChoices):
    NONE = "none", "No resistance"
    PASSIVE = "passive", "Passive resistance"
    ACTIVE = "active", "Active resistance"
    FLED = "fled", "Fled / attempted to flee"
    ASSAULT = "assault", "Physical assault on officer"
    WEAPON = "weapon", "Threatened or used a weapon"
    FIREARM = "firearm", "Threatened or used a firearm"


class Armed(models.TextChoices):
    ARMED = "armed", "Armed"
    BELIEVED = "believed", "Believed to be armed"
    UNARMED = "unarmed", "Unarmed"
    UNKNOWN = "unknown", "Unknown"


class SubjectRace(models.TextChoices):
    WHITE = "white", "White"
    BLACK = "black", "Black or African American"
    AIAN = "american_indian", "American Indian or Alaska Native"
    ASIAN = "asian", "Asian"
    NHPI = "pacific_islander", "Native Hawaiian or Other Pacific Islander"
    UNKNOWN = "unknown", "Unknown"


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    UNKNOWN = "unknown", "Unknown"


class Ethnicity(models.TextChoices):
    HISPANIC = "hispanic", "Hispanic or Latino"
    NOT_HISPANIC = "not_hispanic", "Not Hispanic or Latino"
    UNKNOWN = "unknown", "Unknown"


class RecordingCategory(models.TextChoices):
    """The retention categories; each has a rule in `policing.bwc_retention` (data/bwc_retention.csv)."""

    NON_EVIDENTIARY = "non_evidentiary", "Non-evidentiary"
    TRAFFIC = "traffic", "Traffic stop / citation"
    MISDEMEANOR = "misdemeanor", "Misdemeanor evidence"
    FELONY = "felony", "Felony evidence"
    FORCE = "use_of_force", "Use of force"
    COMPLAINT = "complaint", "Complaint / internal affairs"
    HOMICIDE = "homicide", "Homicide"
