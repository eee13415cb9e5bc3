"""Forms of the Chorus Pro screens, with French messages; nothing here calls Chorus."""

from __future__ import annotations

from pathlib import PurePath

from django import forms

from chorus import selectors
from chorus.client.files import ALLOWED_EXTENSIONS, MAX_ATTACHMENT_NAME, MAX_FILE_BYTES
from chorus.models import (
    DRAFT_FIELDS,
    ORIGIN_INVALID,
    ChorusAccount,
    ChorusSubmission,
    DepositFormat,
    TvaType,
    service_label,
)
from chorus.services import remembered
from geoprod.validators import compact_siret, validate_siret, validate_siret_digits


class AccountForm(forms.ModelForm):
    """Paramètres > Pièces > bloc Chorus Pro. The password is never rendered back; empty keeps it."""

    siret_fournisseur = forms.CharField(label="Identifiant fournisseur (SIRET)", max_length=20)
    password = forms.CharField(
        label="Mot de passe",
        required=False,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text="Laissez vide pour conserver le mot de passe enregistré.",
    )
    # Not required: a form posted without it (older screens, scripts) keeps the account's format.
    deposit_format = forms.ChoiceField(
        label="Format de dépôt",
        choices=DepositFormat.choices,
        required=False,
        help_text="Factur-X : la facture est déposée comme flux structuré, lu par Chorus Pro sans ressaisie.",
    )

    class Meta:
        model = ChorusAccount
        fields = ["siret_fournisseur", "login", "deposit_format"]
        labels = {"login": "Compte technique"}
        error_messages = {"login": {"required": "Saisissez le login du compte technique Chorus Pro."}}

    def clean_deposit_format(self) -> str:
        return self.cleaned_data.get("deposit_format") or self.instance.deposit_format or DepositFormat.PDF

    def clean_siret_fournisseur(self) -> str:
        siret = compact_siret(self.cleaned_data["siret_fournisseur"])
        validate_siret_digits(siret)  # the checksum depends on the environment: ChorusAccount.clean()
        return siret

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("password") and not self.instance.has_password:
            self.add_error("password", "Saisissez le mot de passe du compte technique.")
        return cleaned

    def save(self, commit: bool = True) -> ChorusAccount:
        account = super().save(commit=False)
        if self.cleaned_data.get("password"):
            account.set_password(self.cleaned_data["password"])
        if commit:
            account.save()
        return account


class SubmissionForm(forms.ModelForm):
    """The editable part of « Envoi de la facture vers Chorus Pro ». Saving keeps a draft; the
    recipient-specific rules are checked by the service at « Soumettre »."""

    destinataire_siret = forms.CharField(label="Destinataire", max_length=20, required=False)
    service_code = forms.ChoiceField(label="Service", required=False)
    id_service_fournisseur = forms.TypedChoiceField(
        label="Service fournisseur", required=False, coerce=int, empty_value=None
    )
    id_coordonnee_bancaire = forms.TypedChoiceField(
        label="Réf. bancaires", required=False, coerce=int, empty_value=None
    )
    type_tva = forms.ChoiceField(label="Type de TVA", choices=TvaType.choices, required=False)
    motif_exoneration = forms.ChoiceField(label="Motif exonération de TVA", required=False)
    numero_facture_origine = forms.ChoiceField(
        label="N° facture d'origine",
        required=False,
        error_messages={"invalid_choice": ORIGIN_INVALID},
    )

    class Meta:
        model = ChorusSubmission
        fields = DRAFT_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sub: ChorusSubmission = self.instance
        services = [(s["code"], service_label(s)) for s in sub.destinataire_services]
        current = sub.service_code
        if current and current not in {code for code, _ in services}:
            services.append((current, current))  # keep what was chosen even if the list changed since
        self.fields["service_code"].choices = [("", "—")] + services
        account = sub.account
        self.fields["id_service_fournisseur"].choices = [("", "—")] + [
            (s["id"], service_label(s)) for s in account.active_services()
        ]
        self.fields["id_coordonnee_bancaire"].choices = [("", "—")] + [
            (b["id"], b["nom"]) for b in account.banks
        ]
        motives = account.exemption_motive_choices()
        if sub.motif_exoneration and sub.motif_exoneration not in {code for code, _ in motives}:
            motives.append((sub.motif_exoneration, sub.motif_exoneration))  # flagged by check_submission
        self.fields["motif_exoneration"].choices = [("", "—")] + motives
        # The recipient typed in this very post counts: the list is read for it, then the choice is checked.
        siret = (
            compact_siret(self.data.get("destinataire_siret", ""))
            if self.is_bound
            else sub.destinataire_siret
        )
        origins = (
            selectors.origin_invoices(cabinet_id=sub.cabinet_id, siret=siret)
            if sub.invoice.is_credit_note
            else []
        )
        self.fields["numero_facture_origine"].choices = [("", "—")] + origins
        remembered.mark_widgets(self)

    def save(self, commit: bool = True) -> ChorusSubmission:
        """Keeps the typed fields as a draft through save_draft (never a whole-row save, which could put back
        a state that « Soumettre » changed meanwhile)."""
        from chorus.services import save_draft

        self.saved = save_draft(submission=super().save(commit=False))
        return self.instance

    def clean_destinataire_siret(self) -> str:
        siret = compact_siret(self.cleaned_data.get("destinataire_siret") or "")
        if siret:
            validate_siret(siret)
        return siret


class AttachmentForm(forms.Form):
    """« Ajouter une pièce jointe complémentaire »: refused here, before any call, when Chorus would refuse."""

    fichier = forms.FileField(
        label="Fichier", error_messages={"required": "Choisissez le fichier à joindre."}
    )
    designation = forms.CharField(
        label="Désignation",
        max_length=100,
        error_messages={"required": "Saisissez la désignation de la pièce."},
    )
    type = forms.ChoiceField(label="Type")

    def __init__(self, *args, types: list[tuple[str, str]] = (), **kwargs):
        """`types`: the account's typespj list as (code, libellé), read from Chorus by « Mettre à jour »."""
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "—"), *types]
        if not types:
            self.fields["type"].help_text = (
                "Liste vide : cliquez sur « Mettre à jour » dans Paramètres > Pièces > Chorus Pro pour la "
                "récupérer."
            )
        self.fields["type"].error_messages["required"] = "Choisissez le type de la pièce (liste Chorus Pro)."

    def clean_fichier(self):
        upload = self.cleaned_data["fichier"]
        name = PurePath(upload.name.replace("\\", "/")).name
        extension = PurePath(name).suffix.lstrip(".").upper()
        if extension not in ALLOWED_EXTENSIONS:
            raise forms.ValidationError(
                f"Ce type de fichier n'est pas accepté par Chorus Pro (.{extension.lower() or '?'}). "
                "Formats acceptés : PDF, images, bureautique, XML, ZIP…"
            )
        if upload.size == 0:
            raise forms.ValidationError("Le fichier est vide.")
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                "Le fichier dépasse 10 Mo, la taille maximale acceptée par Chorus Pro."
            )
        if extension == "PDF" and not upload.read(5).startswith(b"%PDF-"):
            raise forms.ValidationError("Ce fichier porte l'extension .pdf mais n'est pas un PDF.")
        upload.seek(0)
        stem, suffix = PurePath(name).stem, PurePath(name).suffix
        safe_stem = "".join(c for c in stem if c.isprintable() and c not in '/\\:*?"<>|') or "piece"
        upload.safe_name = safe_stem[: MAX_ATTACHMENT_NAME - len(suffix)] + suffix
        upload.extension = extension
        return upload


class CompleteForm(forms.Form):
    """« Compléter » a Suspendue invoice: the comment sent with the attachments added for the buyer."""

    reply_comment = forms.CharField(
        label="Commentaire pour l'acheteur",
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="200 caractères au plus. Un commentaire ou une pièce jointe est nécessaire.",
    )


class RecycleForm(forms.Form):
    """« Recycler » an À recycler invoice: the corrected routing (same number) and a comment."""

    destinataire_siret = forms.CharField(label="Destinataire (SIRET)", max_length=20)
    service_code = forms.ChoiceField(label="Service", required=False)
    numero_engagement = forms.CharField(label="N° d'engagement", max_length=50, required=False)
    reply_comment = forms.CharField(
        label="Commentaire pour l'acheteur",
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, submission: ChorusSubmission, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "destinataire_siret": submission.destinataire_siret,
                "service_code": submission.service_code,
                "numero_engagement": submission.numero_engagement,
                "reply_comment": submission.reply_comment,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["destinataire_siret"].error_messages["required"] = "Le destinataire est obligatoire."
        services = [(s["code"], service_label(s)) for s in submission.destinataire_services]
        typed = self.data.get("service_code") if self.is_bound else submission.service_code
        if typed and typed not in {code for code, _ in services}:
            services.append((typed, typed))  # kept as typed; the recipient's rules say whether it is valid
        self.fields["service_code"].choices = [("", "—")] + services

    def clean_destinataire_siret(self) -> str:
        siret = compact_siret(self.cleaned_data.get("destinataire_siret") or "")
        validate_siret(siret)
        return siret
