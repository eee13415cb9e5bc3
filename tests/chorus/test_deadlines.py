"""The public payment deadline and moratory interest (chorus/deadlines.py), on worked examples."""

from __future__ import annotations

import datetime
from decimal import Decimal

from chorus import deadlines

D = datetime.date


def received(day: datetime.date) -> deadlines.Start:
    return deadlines.Start(day, estimated=False)


def test_deadline_is_thirty_days_after_the_start_by_default():
    assert deadlines.deadline(D(2025, 3, 3)) == D(2025, 4, 2)
    assert deadlines.deadline(D(2025, 12, 15), 30) == D(2026, 1, 14)


def test_fifty_days_for_a_public_health_establishment_sixty_for_a_public_company():
    assert deadlines.deadline(D(2025, 3, 3), 50) == D(2025, 4, 22)
    assert deadlines.deadline(D(2025, 3, 3), 60) == D(2025, 5, 2)


def test_the_term_starts_on_the_first_mise_a_disposition():
    changes = [
        ("DEPOSEE", D(2025, 3, 3)),
        ("EN_COURS_ACHEMINEMENT", D(2025, 3, 3)),
        ("MISE_A_DISPOSITION", D(2025, 3, 5)),
        ("SERVICE_FAIT", D(2025, 3, 20)),
    ]
    assert deadlines.start(D(2025, 3, 3), changes) == deadlines.Start(D(2025, 3, 5), estimated=False)
    assert deadlines.deadline(deadlines.start(D(2025, 3, 3), changes).on) == D(2025, 4, 4)


def test_a_later_status_stands_for_a_mise_a_disposition_never_seen():
    """The first refresh already saw « Service fait »: its date is the first known sign of reception."""
    changes = [("SERVICE_FAIT", D(2025, 3, 12)), ("MANDATEE", D(2025, 3, 25)), ("DEPOSEE", D(2025, 3, 3))]
    assert deadlines.start(D(2025, 3, 3), changes) == deadlines.Start(D(2025, 3, 12), estimated=False)


def test_estimated_from_the_deposit_while_not_made_available():
    changes = [("DEPOSEE", D(2025, 3, 3)), ("EN_COURS_ACHEMINEMENT", D(2025, 3, 4))]
    assert deadlines.start(D(2025, 3, 3), changes) == deadlines.Start(D(2025, 3, 3), estimated=True)
    assert deadlines.start(D(2025, 3, 3), []) == deadlines.Start(D(2025, 3, 3), estimated=True)


def test_a_recycled_invoice_starts_again_from_its_new_deposit():
    """Made available to the wrong service on 05/03, « À recycler », deposited anew on 10/03: the first
    reception is the one after the new deposit."""
    changes = [
        ("MISE_A_DISPOSITION", D(2025, 3, 5)),
        ("A_RECYCLER", D(2025, 3, 7)),
        ("DEPOSEE", D(2025, 3, 10)),
        ("MISE_A_DISPOSITION", D(2025, 3, 11)),
    ]
    assert deadlines.start(D(2025, 3, 10), changes) == deadlines.Start(D(2025, 3, 11), estimated=False)
    assert deadlines.start(D(2025, 3, 10), changes[:3]) == deadlines.Start(D(2025, 3, 10), estimated=True)


def test_no_day_late_on_the_deadline_itself():
    assert deadlines.days_late(D(2025, 4, 2), D(2025, 4, 2)) == 0
    assert deadlines.days_late(D(2025, 4, 2), D(2025, 3, 20)) == 0
    assert deadlines.days_late(D(2025, 4, 2), D(2025, 4, 3)) == 1


def test_worked_example_first_half_year():
    """Made available 03/03/2025, deadline 02/04/2025; on 02/05/2025 it is 30 days late.
    Interest starts on 03/04/2025, in the first half of 2025: ECB rate in force on 01/01/2025 = 3,15 %
    (since 18/12/2024), so 3,15 + 8 = 11,15 %.
    1 560,00 × 11,15 % = 173,94 a year; × 30 / 365 = 14,2964… → 14,30 €. Plus 40 € indemnity."""
    claim = deadlines.claim(
        start=received(D(2025, 3, 3)),
        term_days=30,
        amount_due=Decimal("1560.00"),
        ecb_rate=Decimal("3.15"),
        on=D(2025, 5, 2),
    )
    assert claim.deadline == D(2025, 4, 2)
    assert claim.days_late == 30
    assert claim.rate_day == D(2025, 1, 1)
    assert claim.rate == Decimal("11.15")
    assert claim.interest == Decimal("14.30")
    assert claim.indemnity == Decimal("40.00")
    assert claim.total == Decimal("54.30")


def test_worked_example_second_half_year():
    """Made available 10/06/2025, deadline 10/07/2025; on 24/08/2025 it is 45 days late (21 in July + 24 in August).
    Interest starts on 11/07/2025, second half of 2025: ECB rate on 01/07/2025 = 2,15 % → 10,15 %.
    1 234,56 × 10,15 % × 45 / 365 = 15,4489… → 15,45 €."""
    claim = deadlines.claim(
        start=received(D(2025, 6, 10)),
        term_days=30,
        amount_due=Decimal("1234.56"),
        ecb_rate=Decimal("2.15"),
        on=D(2025, 8, 24),
    )
    assert (claim.days_late, claim.rate_day, claim.rate) == (45, D(2025, 7, 1), Decimal("10.15"))
    assert claim.interest == Decimal("15.45")


def test_the_half_year_is_the_one_in_which_interest_starts():
    """Deadline 29/06 → interest from 30/06: first half-year. Deadline 30/06 → interest from 01/07: second."""
    assert deadlines.rate_day(deadlines.deadline(D(2025, 5, 30))) == D(2025, 1, 1)
    assert deadlines.rate_day(deadlines.deadline(D(2025, 5, 31))) == D(2025, 7, 1)
    assert deadlines.rate_day(D(2025, 12, 31)) == D(2026, 1, 1)


def test_one_day_late_rounds_half_up_to_the_cent():
    """1 560,00 × 11,15 % / 365 = 0,47654… → 0,48 € ; at 10,15 %: 0,43380… → 0,43 €."""
    assert deadlines.interest(amount_due=Decimal("1560.00"), annual_rate=Decimal("11.15"), days=1) == Decimal(
        "0.48"
    )
    assert deadlines.interest(amount_due=Decimal("1560.00"), annual_rate=Decimal("10.15"), days=1) == Decimal(
        "0.43"
    )


def test_not_late_owes_nothing():
    claim = deadlines.claim(
        start=received(D(2025, 3, 3)),
        term_days=30,
        amount_due=Decimal("1560.00"),
        ecb_rate=Decimal("3.15"),
        on=D(2025, 4, 2),
    )
    assert (claim.days_late, claim.interest, claim.indemnity) == (0, Decimal("0.00"), Decimal("0.00"))


def test_interest_runs_from_the_day_after_the_right_deadline():
    """A hospital (50 days), invoice made available 03/03/2025: deadline 22/04/2025, so on 02/05/2025 it is 10
    days late, not 30. 1 560,00 × 11,15 % × 10 / 365 = 4,7654… → 4,77 €, plus 40 €.
    A public company (60 days): deadline 02/05/2025, nothing owed yet on that day."""
    hospital = deadlines.claim(
        start=received(D(2025, 3, 3)),
        term_days=50,
        amount_due=Decimal("1560.00"),
        ecb_rate=Decimal("3.15"),
        on=D(2025, 5, 2),
    )
    assert (hospital.deadline, hospital.days_late, hospital.rate_day) == (D(2025, 4, 22), 10, D(2025, 1, 1))
    assert (hospital.interest, hospital.indemnity) == (Decimal("4.77"), Decimal("40.00"))
    company = deadlines.claim(
        start=received(D(2025, 3, 3)),
        term_days=60,
        amount_due=Decimal("1560.00"),
        ecb_rate=Decimal("3.15"),
        on=D(2025, 5, 2),
    )
    assert (company.deadline, company.days_late, company.total) == (D(2025, 5, 2), 0, Decimal("0.00"))


def test_interest_runs_from_the_mise_a_disposition_not_the_deposit():
    """Deposited 03/03/2025 but made available on 10/03/2025: deadline 09/04/2025, 23 days late on 02/05/2025.
    1 560,00 × 11,15 % × 23 / 365 = 10,9605… → 10,96 €."""
    start = deadlines.start(
        D(2025, 3, 3), [("DEPOSEE", D(2025, 3, 3)), ("MISE_A_DISPOSITION", D(2025, 3, 10))]
    )
    claim = deadlines.claim(
        start=start, term_days=30, amount_due=Decimal("1560.00"), ecb_rate=Decimal("3.15"), on=D(2025, 5, 2)
    )
    assert (claim.deadline, claim.days_late, claim.interest) == (D(2025, 4, 9), 23, Decimal("10.96"))
