"""The « Envoyer par e-mail » form and Paramètres > E-mails, with French messages."""

from __future__ import annotations

from django import forms

from mailing import services, templates
from mailing.models import EmailSettings


class SendEmailForm(forms.Form):
    to = forms.CharField(
        label="Destinataires",
        max_length=2000,
        help_text="Plusieurs adresses séparées par des virgules ou des points-virgules.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "size": 60}),
    )
    cc = forms.CharField(label="Copie à", max_length=2000, required=False)
    subject = forms.CharField(label="Objet", max_length=200)
    body = forms.CharField(label="Message", max_length=20000, widget=forms.Textarea(attrs={"rows": 12}))

    error_messages = {"required": "Ce champ est obligatoire."}

    def clean_to(self) -> list[str]:
        try:
            return services.parse_addresses(self.cleaned_data["to"], field="to")
        except services.MailingError as e:
            raise forms.ValidationError(e.message) from None

    def clean_cc(self) -> list[str]:
        try:
            return services.parse_addresses(self.cleaned_data["cc"], field="cc", required=False)
        except services.MailingError as e:
            raise forms.ValidationError(e.message) from None


class EmailSettingsForm(forms.ModelForm):
    """Paramètres > E-mails: sender name, reply-to and the wording of each kind of message."""

    class Meta:
        model = EmailSettings
        fields = [
            "sender_name",
            "reply_to",
            "quote_subject",
            "quote_body",
            "invoice_subject",
            "invoice_body",
            "credit_subject",
            "credit_body",
            "reminder_subject",
            "reminder_body",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in fields if name.endswith("_body")}
        error_messages = {"reply_to": {"invalid": "Saisissez une adresse e-mail valide."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in (
            templates.Kind.QUOTE,
            templates.Kind.INVOICE,
            templates.Kind.CREDIT,
            templates.Kind.REMINDER,
        ):
            default = templates.DEFAULTS[kind]
            self.fields[f"{kind}_subject"].widget.attrs["placeholder"] = default.subject
            self.fields[f"{kind}_body"].widget.attrs["placeholder"] = templates.render(
                default.body, {"piece": "facture"}
            )
            self.fields[f"{kind}_subject"].help_text = "Vide : le texte par défaut affiché en grisé."

    def clean_sender_name(self) -> str:
        name = self.cleaned_data["sender_name"]
        if any(ch in name for ch in '\r\n<>"@'):
            raise forms.ValidationError(
                "Le nom de l'expéditeur ne peut contenir ni retour à la ligne, ni < > \" @."
            )
        return name

    def clean(self):
        cleaned = super().clean()
        for name in self.Meta.fields:
            if name.endswith(("_subject", "_body")) and cleaned.get(name):
                unknown = templates.unknown_placeholders(cleaned[name])
                if unknown:
                    names = ", ".join("{" + u + "}" for u in dict.fromkeys(unknown))
                    self.add_error(
                        name,
                        f"Variable inconnue : {names}. Variables possibles : {templates.known_list()}.",
                    )
        return cleaned
