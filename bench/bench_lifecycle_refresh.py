"""The lifecycle refresh against a Plateforme Agréée holding 10 000 flows (simulated with `responses`).

Usage (repo root): .venv/bin/python bench/bench_lifecycle_refresh.py
Runs on a throwaway test database (in-memory SQLite, or test_<name> of DATABASE_URL). The PA holds, for 2 000
transmitted invoices, each invoice's flow (Out, CustomerInvoice) and 4 lifecycle messages (In,
CustomerInvoiceLC: 200, 202, 203, 204) = 10 000 flows, with updatedAt values repeating (3 flows per
millisecond) as the reference warns. A first run reads them all; then, for K = 0, 1, 99, 100, 250, 1 000 and
5 000, K invoices get their 205 « Approuvée » and the refresh runs again from the stored cursor. For each run it
prints the search calls (goal ≤ ⌈K/100⌉ + 1), the GETs of new CDAR documents (one per new message), the
statuses recorded and the time.

The first run (10 000 flows at once) takes 102 search calls, one over ⌈10 000/100⌉ + 1: each page restarts 1 ms
before its last stamp (the cursor is exclusive and stamps repeat, reference.md §2), so a page brings 97 to 99
new flows when 3 share a millisecond. Runs of changes (K ≤ 5 000) meet the goal.
"""

from __future__ import annotations

import bisect
import datetime
import json
import math
import re
import time
from urllib.parse import parse_qs, urlparse

from _common import setup_django, throwaway_db

setup_django()

import responses  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402

INVOICES = 2_000
FLOW = "https://pa.bench/flow-service"
TOKEN = "https://pa.bench/token"
BASE = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)


class FakePa:
    """The PA's flows, sorted by (updatedAt, flowId), searched the way the Flow Service does."""

    def __init__(self, facts_for) -> None:
        self.rows: list[tuple[datetime.datetime, str, dict]] = []
        self.docs: dict[str, tuple[str, int]] = {}
        self.facts_for = facts_for
        self.searches = 0
        self.gets = 0
        self.clock = BASE

    def tick(self) -> datetime.datetime:
        self.clock += datetime.timedelta(microseconds=333)  # 3 flows per millisecond share its stamp
        return self.clock.replace(microsecond=self.clock.microsecond // 1000 * 1000)

    def add(self, flow_id: str, *, direction: str, flow_type: str, number: str, code: int = 0) -> None:
        from einvoicing.client.values import format_datetime

        stamp = self.tick()
        body = {
            "flowId": flow_id,
            "submittedAt": format_datetime(stamp),
            "updatedAt": format_datetime(stamp),
            "flowSyntax": "CDAR" if code else "Factur-X",
            "flowType": flow_type,
            "flowDirection": direction,
            "acknowledgement": {"status": "Ok"},
        }
        if not code:
            body["trackingId"] = number
        else:
            self.docs[flow_id] = (number, code)
        bisect.insort(self.rows, (stamp, flow_id, body))

    def search(self, request):
        from einvoicing.client.values import parse_datetime

        self.searches += 1
        where = json.loads(request.body)["where"]
        after = parse_datetime(where["updatedAfter"])
        types = set(where.get("flowType") or ())
        start = bisect.bisect_right(self.rows, (after, "\uffff"))
        found = []
        for stamp, _, body in self.rows[start:]:
            if stamp > after and (not types or body["flowType"] in types):
                found.append(body)
                if len(found) == json.loads(request.body)["limit"]:
                    break
        return 200, {}, json.dumps({"limit": 100, "filters": where, "results": found})

    def document(self, request):
        from einvoicing.simulator import lifecycle

        self.gets += 1
        flow_id = urlparse(request.url).path.rsplit("/", 1)[1]
        assert parse_qs(urlparse(request.url).query)["docType"] == ["Original"]
        number, code = self.docs[flow_id]
        at = BASE + datetime.timedelta(days=1)
        content = lifecycle.message(self.facts_for(number), code, at=at, deposited_at=at)
        return 200, {"Content-Disposition": f"attachment;filename={flow_id}.xml"}, content


def populate():
    from django.utils import timezone

    from einvoicing.models import EInvoice, EInvoiceState, PlatformAccount
    from invoices.models import Invoice, InvoiceStatus
    from tests import factories

    cabinet = factories.make_cabinet(raison_sociale="Cabinet Banc d'essai")
    client = factories.make_client(cabinet, categorie="entreprise", siret="55210055400013", nom="SCI Banc")
    day = datetime.date(2026, 10, 1)
    invoices = Invoice.objects.bulk_create(
        [
            Invoice(
                cabinet=cabinet,
                client=client,
                objet="Bornage",
                status=InvoiceStatus.ISSUED,
                number=f"F2610-{i + 1:05d}",
                issue_date=day,
                due_date=day + datetime.timedelta(days=30),
            )
            for i in range(INVOICES)
        ],
        batch_size=500,
    )
    EInvoice.objects.bulk_create(
        [
            EInvoice(
                cabinet=cabinet,
                invoice=invoice,
                state=EInvoiceState.SENT,
                flow_id=f"out-{invoice.number}",
                submitted_at=timezone.now(),
            )
            for invoice in invoices
        ],
        batch_size=500,
    )
    account = PlatformAccount(
        cabinet=cabinet, name="PA", flow_url=FLOW, directory_url=FLOW, token_url=TOKEN, client_id="c"
    )
    account.set_client_secret("s")
    account.lifecycle_cursor = BASE - datetime.timedelta(seconds=1)
    account.save()
    return cabinet, account, [i.number for i in invoices]


def main() -> None:
    from chorus.client.transport import RetryPolicy
    from einvoicing import client, lifecycle_in
    from einvoicing.simulator.lifecycle import Facts

    with throwaway_db():
        cabinet, account, numbers = populate()
        siren = cabinet.siret[:9]

        def facts_for(number: str) -> Facts:
            return Facts(
                number, "380", "20261001", siren, "Cabinet", siren, "552100554", "SCI Banc", "552100554"
            )

        pa_state = FakePa(facts_for)
        for number in numbers:
            pa_state.add(f"out-{number}", direction="Out", flow_type="CustomerInvoice", number=number)
        for code in (200, 202, 203, 204):
            for number in numbers:
                pa_state.add(
                    f"lc-{number}-{code}",
                    direction="In",
                    flow_type="CustomerInvoiceLC",
                    number=number,
                    code=code,
                )
        print(f"{connection.vendor}: {len(pa_state.rows)} flows at the PA for {INVOICES} e-invoices")
        cache.clear()
        pa = client.PlatformClient(
            endpoints=client.PlatformEndpoints(flow_base=FLOW, directory_base=FLOW, token_url=TOKEN),
            credentials=client.PlatformCredentials(client_id="c", client_secret="s"),
            token_cache=cache,
            retry=RetryPolicy(attempts=1),
            sleep=lambda s: None,
        )
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            mock.add(responses.POST, TOKEN, json={"access_token": "t", "expires_in": 3600})
            mock.add_callback(responses.POST, f"{FLOW}/v1/flows/search", callback=pa_state.search)
            mock.add_callback(
                responses.GET, re.compile(rf"{FLOW}/v1/flows/[^/?]+"), callback=pa_state.document
            )

            def run(label: str, changed: int) -> None:
                pa_state.searches = pa_state.gets = 0
                started = time.perf_counter()
                result = lifecycle_in.refresh_account(account, pa=pa)
                elapsed = time.perf_counter() - started
                goal = math.ceil(changed / 100) + 1
                verdict = "ok" if pa_state.searches <= goal else "OVER"
                print(
                    f"{label:<28} changed {changed:>6}: {pa_state.searches:>4} search calls (goal ≤ {goal}, "
                    f"{verdict}), {pa_state.gets:>5} CDAR GETs, {result.recorded:>6} statuses recorded, "
                    f"{elapsed:6.2f} s"
                )

            run("first run (everything)", len(pa_state.rows))
            done = 0
            for k in (0, 1, 99, 100, 250, 1_000, 5_000):
                for i in range(k):
                    number = numbers[(done + i) % INVOICES]
                    code = 205 if done + i < INVOICES else 211  # then « Paiement transmis »
                    pa_state.add(
                        f"lc-{number}-{code}-{done + i}",
                        direction="In",
                        flow_type="CustomerInvoiceLC",
                        number=number,
                        code=code,
                    )
                done += k
                run(f"next run, K = {k}", k)


if __name__ == "__main__":
    main()
