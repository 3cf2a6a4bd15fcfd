#!/usr/bin/env python3
"""Builds Tests/Fixtures/pii/: a labelled fixture for `charter profile`'s direct-identifier detector.

A copy of examples/data/gbsg2.csv (686 real, public rows) with identifier columns added whose values
are FAKE, generated here from a fixed seed: every e-mail is at a reserved domain (RFC 2606 .example
and .test), phone numbers use the 555-01xx fiction range and Ofcom's drama range (020 7946 0xxx),
SSN-like numbers start with 9 (never issued), names are drawn from short lists, postcodes and MRNs
are made up. A few clinical distractors (a diagnosis date, a lab value, small codes) are added so
that false positives can be measured too.

Writes gbsg2-pii.csv and labels.csv, and a second fixture on actg175 (`second`) (column,kind; kind "none" for ordinary columns). Deterministic:
Python's random.Random with an integer seed gives the same stream on every CPython 3 release.
Run from the repository root: python3 scripts/make-pii-fixture.py
"""
import csv
import datetime
import random

SEED = 22
FIRST = ["Anna", "Maria", "Sofia", "Laura", "Julia", "Emma", "Hannah", "Lea", "Sarah", "Katharina",
         "Ingrid", "Petra", "Monika", "Sabine", "Claudia", "Ursula", "Helga", "Renate", "Brigitte", "Karin",
         "Olivia", "Amelia", "Isla", "Ava", "Mia", "Grace", "Chloe", "Lucy", "Ruth", "Margaret"]
LAST = ["Muller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
        "Koch", "Richter", "Klein", "Wolf", "Neumann", "Schwarz", "Zimmermann", "Braun", "Hartmann", "Lange",
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Evans", "Thomas"]
DOMAINS = ["example.org", "example.com", "mail.test", "clinic.example"]
WORDS = ["patient", "reports", "mild", "pain", "after", "surgery", "follow", "up", "in", "three", "months",
         "no", "signs", "of", "recurrence", "tolerating", "therapy", "well", "discussed", "options", "with",
         "family", "referred", "to", "oncology", "scan", "scheduled", "next", "week", "stable"]
OUTWARD = ["SW1A", "EC1V", "N1", "M1", "B33", "LS6", "CR2", "W1A", "E14", "NW3", "G2", "EH8"]


def main():
    rng = random.Random(SEED)
    with open("examples/data/gbsg2.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    header, data = rows[0], rows[1:]
    added = [
        ("patient_name", "name"), ("first_name", "name"), ("email", "email"), ("secondary_contact", "email"),
        ("home_phone", "phone"), ("mobile", "phone"), ("tel_uk", "phone"), ("ssn", "national_id"),
        ("nino", "national_id"), ("mrn", "medical_record_number"), ("hospital_number", "medical_record_number"),
        ("dob", "date_of_birth"), ("birth_date", "date_of_birth"), ("d1", "date_of_birth"),
        ("postcode", "postcode"), ("zip", "postcode"), ("record_id", "near_unique_identifier"),
        ("clinical_note", "free_text"), ("diagnosis_date", "none"), ("visit_code", "none"), ("hba1c", "none"),
        ("ward", "none"),
    ]
    used = set()

    def unique(make):
        while True:
            value = make()
            if value not in used:
                used.add(value)
                return value

    out = []
    for index, row in enumerate(data):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        born = datetime.date(1925, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 60))
        born2 = datetime.date(1925, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 60))
        born3 = datetime.date(1925, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 60))
        diagnosed = datetime.date(2012, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 8))
        words = [rng.choice(WORDS) for _ in range(rng.randrange(6, 18))]
        values = [
            f"{first} {last}",
            first,
            unique(lambda: f"{first.lower()}.{last.lower()}{rng.randrange(1, 999)}@{rng.choice(DOMAINS)}"),
            unique(lambda: f"{last.lower()}{rng.randrange(10, 9999)}@{rng.choice(DOMAINS)}"),
            f"(555) 01{rng.randrange(0, 10)}-{rng.randrange(0, 10000):04d}",
            f"+1 555-01{rng.randrange(0, 10)}-{rng.randrange(0, 10000):04d}",
            f"020 7946 0{rng.randrange(0, 1000):03d}",
            unique(lambda: f"9{rng.randrange(0, 100):02d}-{rng.randrange(1, 100):02d}-{rng.randrange(1, 10000):04d}"),
            unique(lambda: "".join(rng.choice("ABCEGHJKLMNPRSTWXYZ") for _ in range(2))
                   + f"{rng.randrange(0, 1000000):06d}" + rng.choice("ABCD")),
            unique(lambda: f"MRN{rng.randrange(0, 10**7):07d}"),
            unique(lambda: f"{rng.randrange(0, 10**8):08d}"),
            born.isoformat(),
            born2.strftime("%d/%m/%Y"),
            born3.isoformat(),
            f"{rng.choice(OUTWARD)} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            f"{rng.randrange(1000, 99999):05d}",
            str(100000 + index),
            " ".join(words).capitalize() + ".",
            diagnosed.isoformat(),
            str(rng.randrange(1, 6)),
            f"{rng.uniform(4.5, 12.0):.1f}",
            rng.choice(["A", "B", "C", "D"]),
        ]
        out.append(row + values)
    with open("Tests/Fixtures/pii/gbsg2-pii.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header + [name for name, _ in added])
        writer.writerows(out)
    with open("Tests/Fixtures/pii/labels.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["column", "kind"])
        for name in header:
            writer.writerow([name, "none"])
        for name, kind in added:
            writer.writerow([name, kind])


def second():
    """A second fixture on actg175, written after the rules with other headers and formats, to see how
    the rules carry over to what they were not written against (labels-actg175.csv)."""
    rng = random.Random(SEED + 1)
    with open("examples/data/actg175.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    header, data = rows[0], rows[1:601]  # the first 600 rows keep the fixture small
    added = [
        ("surname", "name"), ("e_mail", "email"), ("contact_no", "phone"), ("nhs_number", "national_id"),
        ("date_of_birth", "date_of_birth"), ("post_code", "postcode"), ("patient_ref", "medical_record_number"),
        ("comments", "free_text"), ("admission_date", "none"), ("bmi", "none"), ("ecog", "none"),
        ("site_name", "none"),
    ]
    out = []
    for index, row in enumerate(data):
        born = datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 55))
        admitted = datetime.date(2018, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 5))
        values = [
            rng.choice(LAST),
            f"{rng.choice(FIRST)[0].lower()}{rng.choice(LAST).lower()}{index}@example.net",
            f"07700 9{rng.randrange(0, 100000):05d}",
            f"9{rng.randrange(0, 100):02d} {rng.randrange(0, 1000):03d} {rng.randrange(0, 10000):04d}",
            born.strftime("%d.%m.%Y"),
            f"{rng.choice(OUTWARD)}{rng.randrange(1, 10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            f"P-{index:06d}",
            " ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 9))),
            admitted.strftime("%d/%m/%Y"),
            f"{rng.uniform(17.0, 38.0):.1f}",
            str(rng.randrange(0, 5)),
            rng.choice(["North General", "St Mary", "City Clinic", "Riverside"]),
        ]
        out.append(row + values)
    with open("Tests/Fixtures/pii/actg175-pii.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header + [name for name, _ in added])
        writer.writerows(out)
    with open("Tests/Fixtures/pii/labels-actg175.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["column", "kind"])
        for name in header:
            writer.writerow([name, "near_unique_identifier" if name == "pidnum" else "none"])
        for name, kind in added:
            writer.writerow([name, kind])


if __name__ == "__main__":
    main()
    second()
