from django.contrib import admin

from mailing.models import EmailSettings, OutboxMessage, OutgoingEmail


@admin.register(EmailSettings)
class EmailSettingsAdmin(admin.ModelAdmin):
    list_display = ["cabinet", "sender_name", "reply_to"]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "cabinet", "subject", "status", "sent_by_name"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "cabinet", "recipients", "subject"]
    exclude = ["message"]
    readonly_fields = ["cabinet", "email", "from_email", "recipients", "subject", "created_at"]

    def has_add_permission(self, request):
        return False
