from __future__ import annotations

import pytest
from django.db import transaction

from geoprod.services import next_counter_value

pytestmark = pytest.mark.django_db


def test_counter_increments_per_name_and_cabinet(cabinet, other_cabinet):
    with transaction.atomic():
        values = [next_counter_value(cabinet=cabinet, name="x") for _ in range(3)]
        other = next_counter_value(cabinet=other_cabinet, name="x")
        another = next_counter_value(cabinet=cabinet, name="y")
    assert (values, other, another) == ([1, 2, 3], 1, 1)


@pytest.mark.django_db(transaction=True)
def test_counter_refuses_to_run_outside_a_transaction(cabinet):
    with pytest.raises(RuntimeError):
        next_counter_value(cabinet=cabinet, name="x")


def test_rolled_back_number_is_reused(cabinet):
    with pytest.raises(RuntimeError, match="abandon"), transaction.atomic():
        next_counter_value(cabinet=cabinet, name="x")
        raise RuntimeError("abandon")
    with transaction.atomic():
        assert next_counter_value(cabinet=cabinet, name="x") == 1
