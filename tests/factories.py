"""Plain factory functions with keyword defaults (see STYLE.md §7.6)."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from chorus.simulator.seed_data import DEMO_PASSWORD as CHORUS_PASSWORD
from chorus.simulator.seed_data import (
    GARONNE_LOGIN as CHORUS_LOGIN,  # the simulator's Garonne technical account
)
from clients.models import Category, Client, Contact, Dossier, WorkFamily
from geoprod.models import Cabinet, Membership, Role

_seq = itertools.count(1)

PASSWORD = "motdepasse-de-test"


def make_cabinet(**kw) -> Cabinet:
    defaults = dict(
        raison_sociale=f"Cabinet Test {next(_seq)}",
        siret="81234567600017",
        tva_intracom="FR19812345676",
        adresse="12 allée Jean Jaurès",
        code_postal="31000",
        ville="Toulouse",
        rcs="RCS Toulouse 812 345 676",
        capital="10000.00",
        forme_juridique="SELARL",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
    )
    defaults.update(kw)
    return Cabinet.objects.create(**defaults)


def make_user(cabinet: Cabinet | None, *, role: str = Role.COMPTABLE, username: str | None = None, **kw):
    user = get_user_model().objects.create_user(
        username=username or f"user{next(_seq)}", password=PASSWORD, **kw
    )
    if cabinet is not None:
        Membership.objects.create(user=user, cabinet=cabinet, role=role)
    return user


def make_client(cabinet: Cabinet, **kw) -> Client:
    defaults = dict(
        nom=f"Client {next(_seq)}",
        ville="Toulouse",
        code_postal="31000",
        categorie=Category.ENTREPRISE,
        siret="73282932000074",  # a French company is invoiced with its SIRET
    )
    defaults.update(kw)
    return Client.objects.create(cabinet=cabinet, **defaults)


def make_public_client(cabinet: Cabinet, **kw) -> Client:
    defaults = dict(
        nom="Mairie de Toulouse",
        categorie=Category.COLLECTIVITE,
        siret="21310555400017",
        adresse="Place du Capitole",
        code_postal="31000",
        ville="Toulouse",
    )
    defaults.update(kw)
    return make_client(cabinet, **defaults)


def make_contact(client: Client, **kw) -> Contact:
    defaults = dict(nom=f"Contact {next(_seq)}", fonction="Secrétariat", email="contact@example.fr")
    defaults.update(kw)
    return Contact.objects.create(client=client, **defaults)


def make_family(cabinet: Cabinet, libelle: str = "Topographie") -> WorkFamily:
    return WorkFamily.objects.get_or_create(cabinet=cabinet, libelle=libelle)[0]


def make_dossier(cabinet: Cabinet, client: Client | None = None, **kw) -> Dossier:
    from clients import services

    client = client or make_client(cabinet)
    defaults = dict(objet=f"Bornage parcelle {next(_seq)}", famille=make_family(cabinet))
    defaults.update(kw)
    return services.create_dossier(cabinet=cabinet, client=client, **defaults)


# --- Invoicing -----------------------------------------------------------------------------------

DEFAULT_LINES = [("Bornage amiable contradictoire", "1", "1300.00", "20.00")]


def make_invoice(
    cabinet: Cabinet,
    lines=None,
    *,
    issued: bool = False,
    client: Client | None = None,
    dossier: Dossier | None = None,
    today=None,
    **kw,
):
    """A draft (or, with issued=True, an issued) invoice; lines are (designation, qty, unit price, rate)."""
    from decimal import Decimal

    from invoices import services

    client = client or (dossier.client if dossier else make_client(cabinet))
    lines = [
        services.LineInput(designation=d, quantity=Decimal(q), unit_price=Decimal(p), vat_rate=r)
        for d, q, p, r in (lines or DEFAULT_LINES)
    ]
    invoice = services.create_invoice(cabinet=cabinet, client=client, dossier=dossier, lines=lines, **kw)
    if issued:
        invoice = services.issue_invoice(invoice=invoice, today=today)
    return invoice


def make_payment(invoice, amount=None, *, mode: str = "virement", date=None):
    from decimal import Decimal

    from django.utils import timezone

    from invoices import services

    amount = Decimal(amount) if amount is not None else invoice.amount_due
    return services.record_payment(
        cabinet=invoice.cabinet,
        client=invoice.client,
        date=date or timezone.localdate(),
        amount=amount,
        mode=mode,
        allocations=[(invoice, amount)],
    )


def make_quote(cabinet: Cabinet, lines=None, *, client: Client | None = None, accepted: bool = False, **kw):
    from decimal import Decimal

    from invoices import services

    client = client or make_client(cabinet)
    lines = [
        services.LineInput(designation=d, quantity=Decimal(q), unit_price=Decimal(p), vat_rate=r)
        for d, q, p, r in (lines or DEFAULT_LINES)
    ]
    kw.setdefault("objet", "Bornage et division")
    quote = services.create_quote(cabinet=cabinet, client=client, lines=lines, **kw)
    if accepted:
        quote = services.decide_quote(quote=quote, accepted=True)
    return quote


def make_submission(
    invoice, account, *, lookup: bool = False, service_code: str | None = None, submit: bool = False
):
    """« Chorus Pro : Envoyer » on `invoice` through the real services (started, PDF deposited); then, if
    asked, the loupe, a service chosen, and « Soumettre ». Returns the row as stored."""
    from chorus import services
    from chorus.models import ChorusSubmission

    sub = services.start_submission(invoice=invoice, account=account)
    services.deposit_invoice_pdf(submission_id=sub.pk)
    if lookup:
        services.lookup_recipient(
            submission=ChorusSubmission.objects.get(pk=sub.pk), siret=sub.destinataire_siret
        )
    if service_code is not None:
        ChorusSubmission.objects.filter(pk=sub.pk).update(service_code=service_code)
    if submit:
        services.submit_invoice(submission_id=sub.pk)
    return ChorusSubmission.objects.get(pk=sub.pk)


def make_chorus_account(cabinet: Cabinet, *, ready: bool = True, **kw):
    from chorus.models import ChorusAccount
    from chorus.simulator.seed_data import MOTIFS_EXONERATION, TYPES_PJ

    defaults = dict(siret_fournisseur=cabinet.siret, login=CHORUS_LOGIN)
    if ready:
        defaults.update(
            id_structure=25000001,
            structure_designation=cabinet.raison_sociale,
            services=[{"id": 11, "code": "COMPTA", "libelle": "Comptabilité", "actif": True}],
            banks=[{"id": 501, "nom": "Compte courant Crédit Agricole"}],
            attachment_types=[{"code": code, "libelle": libelle} for _, code, libelle in TYPES_PJ],
            exemption_motives=[{"code": code, "libelle": libelle} for code, libelle in MOTIFS_EXONERATION],
        )
    defaults.update(kw)
    account = ChorusAccount(cabinet=cabinet, **defaults)
    account.set_password(CHORUS_PASSWORD)
    account.save()
    return account


def make_statement(cabinet: Cabinet, invoices, *, label: str = "Compte courant"):
    """An imported CAMT.053 statement with one credit line per invoice, paying it by its number."""
    from invoices.models import BankAccount
    from invoices.services import bank
    from tests.bank_samples import Entry, camt053

    account, _ = BankAccount.objects.get_or_create(cabinet=cabinet, label=label)
    data = camt053(
        [Entry(i.amount_due, f"FACTURE {i.number}", ref=f"R{i.pk}") for i in invoices], msg_id=label
    )
    return bank.import_statement(
        cabinet=cabinet, account=account, filename="releve.xml", data=data, fmt="camt053"
    ).statement


def make_one_of_each(cabinet: Cabinet) -> dict:
    """One object of every kind a URL takes the id of, all in `cabinet`, keyed by the URL-name word that
    designates it; the most specific words come first (« attachment » before « submission »…)."""
    import datetime

    from chorus import services as chorus_services
    from chorus.models import ChorusAttachment, SendBatch, SendBatchItem
    from invoices import services as invoicing

    mairie = make_public_client(cabinet)
    # Issued in date order: a series never goes back in time.
    overdue = make_invoice(
        cabinet, client=mairie, issued=True, today=datetime.date.today() - datetime.timedelta(days=90)
    )
    invoice = make_invoice(cabinet, client=mairie, issued=True)
    submission = chorus_services.start_submission(invoice=invoice, account=make_chorus_account(cabinet))
    attachment = ChorusAttachment.objects.create(
        submission=submission,
        designation="Plan",
        type="PJ_PLAN",
        filename="plan.pdf",
        size=10,
        piece_jointe_id=1,
    )
    from invoices.services import reminder_plan

    reminder = invoicing.send_reminder(invoice=overdue)
    hold = reminder_plan.hold(cabinet=cabinet, invoice=overdue, reason="litige")
    batch = SendBatch.objects.create(cabinet=cabinet)
    SendBatchItem.objects.create(batch=batch, invoice=invoice, submission=submission)
    statement = make_statement(cabinet, [invoice])
    email, outbox = make_sent_email(invoice)
    make_einvoice(invoice, code=207)
    return {
        "outgoing-status": make_outgoing_status(invoice),
        "received": make_received(cabinet),
        "hold-lift": hold,
        "reminder-mark": reminder,
        "batch": batch,
        "bankline": statement.lines.get(),
        "statement": statement,
        "outbox": outbox,
        "email": email,
        "attachment": attachment,
        "submission": submission,
        "contact": make_contact(mairie),
        "reminder": overdue,
        "payment": make_payment(invoice),
        "quote": make_quote(cabinet, client=mairie),
        "invoice": invoice,
        "dossier": make_dossier(cabinet, mairie),
        "family": make_family(cabinet),
        "client": mairie,
    }


def make_einvoice(invoice, *, code: int | None = None):
    """The invoice's transmission to the PA, with one lifecycle status (a dispute by default, with its reason)."""
    from django.utils import timezone

    from einvoicing import lifecycle_in
    from einvoicing.models import EInvoice, EInvoiceStatus

    einvoice = EInvoice.objects.create(
        cabinet=invoice.cabinet, invoice=invoice, state="transmise", flow_id=f"flow-{invoice.pk}",
        submitted_at=timezone.now(), ack_status="Ok",
    )  # fmt: skip
    if code:
        EInvoiceStatus.objects.create(
            einvoice=einvoice, code=code, at=timezone.now(), source_flow_id=f"lc-{invoice.pk}-{code}",
            reason_code="TX_TVA_ERR", reason_text="Taux de TVA erroné", comment="Merci de corriger.",
        )  # fmt: skip
        lifecycle_in.update_current(einvoice)
    return einvoice


def make_outgoing_status(invoice, *, state: str = "erreur"):
    """A lifecycle message about `invoice` (in error by default, so it can be retried)."""
    from einvoicing.models import OutgoingStatus

    return OutgoingStatus.objects.create(
        cabinet=invoice.cabinet,
        invoice=invoice,
        tracking_id=f"ENC-T{invoice.pk}",
        code=212,
        sender_role="SE",
        invoice_number=invoice.number,
        amounts=[["20.00", "100.00"]],
        xml=b"<x/>",
        state=state,
        flow_id="flow-status-1",
        last_error="La plateforme a refusé le message de cycle de vie (InvalidSchema : essai).",
    )
def make_platform_account(cabinet: Cabinet, **kw):
    from einvoicing.models import PlatformAccount

    defaults = {
        "name": "Plateforme de test",
        "flow_url": "https://pa.example.test/flow-service",
        "directory_url": "https://pa.example.test/directory-service",
        "token_url": "https://pa.example.test/oauth/token",
        "client_id": f"client-{cabinet.pk}",
    } | kw
    account, created = PlatformAccount.objects.get_or_create(cabinet=cabinet, defaults=defaults)
    if created:
        account.set_client_secret("secret-de-test")
        account.save()
    return account


_RECEIVED_PDF: dict[str, bytes] = {}


def received_pdf(supplier_index: int = 0) -> bytes:
    """A supplier's Factur-X as the offline PA delivers it (built once per test run)."""
    import datetime

    from einvoicing.simulator import incoming

    key = str(supplier_index)
    if key not in _RECEIVED_PDF:
        _RECEIVED_PDF[key] = incoming.facturx_pdf(
            incoming.SUPPLIERS[supplier_index],
            number=f"FR-TEST-{supplier_index + 1}",
            issue_date=datetime.date(2026, 11, 5),
            buyer_siren="732829320",
            buyer_name="Géomètres Experts Garonne",
        )
    return _RECEIVED_PDF[key]


def make_received(cabinet: Cabinet, *, content: bytes | None = None, **kw):
    """A received supplier invoice as receiving.store() keeps it (Factur-X of the simulator by default)."""
    import uuid

    from einvoicing import client, receiving

    account = make_platform_account(cabinet)
    content = received_pdf() if content is None else content
    flow = client.Flow(flow_id=str(uuid.uuid4()), flow_syntax="Factur-X")
    row = receiving.store(
        account=account,
        flow=flow,
        file=client.FlowFile(content=content, content_type="application/pdf", filename="f.pdf"),
    )
    if kw:
        for key, value in kw.items():
            setattr(row, key, value)
        row.save()
    return row


def make_sent_email(invoice, *, status: str = "echec"):
    """An e-mail of `invoice` (failed by default, so it can be retried) and its copy kept in the outbox."""
    from django.core.mail import EmailMessage

    from mailing.backends import OutboxBackend
    from mailing.models import OutboxMessage, OutgoingEmail

    email = OutgoingEmail.objects.create(
        cabinet=invoice.cabinet,
        invoice=invoice,
        to=["compta@example.fr"],
        subject=f"Facture {invoice.number}",
        body="Veuillez trouver ci-joint notre facture.",
        status=status,
        error="Serveur de messagerie injoignable (Connection refused)" if status == "echec" else "",
    )
    message = EmailMessage(email.subject, email.body, "factures@example.fr", email.to)
    message.attach(invoice.pdf_filename(), b"%PDF-1.7 test", "application/pdf")
    message.geoprod_cabinet_id, message.geoprod_email_id = invoice.cabinet_id, email.id
    OutboxBackend().send_messages([message])
    return email, OutboxMessage.objects.filter(email=email).latest("id")
