"""What the offline Plateforme Agréée remembers: flows (sent and received), the Directory's lines, and fault
switches tests turn on. Rows, so a simulator served by another process sees the same state."""

from __future__ import annotations

from django.db import models


class SimFlow(models.Model):
    flow_id = models.CharField(max_length=36, unique=True)
    owner = models.CharField(max_length=200)  # the OAuth client the flow belongs to
    tracking_id = models.CharField(max_length=36, blank=True)
    name = models.CharField(max_length=255, blank=True)
    flow_syntax = models.CharField(max_length=20)
    flow_profile = models.CharField(max_length=20, blank=True)
    processing_rule = models.CharField(max_length=20, blank=True)
    processing_rule_source = models.CharField(max_length=10, default="Input")
    flow_type = models.CharField(max_length=40)
    direction = models.CharField(max_length=3)  # Out: from the product, In: to it
    sha256 = models.CharField(max_length=64)
    declared_sha256 = models.CharField(max_length=64, blank=True)
    content = models.BinaryField()
    content_type = models.CharField(max_length=60, default="application/pdf")
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField(db_index=True)
    ack_status = models.CharField(max_length=10, default="Pending")
    ack_details = models.JSONField(default=list, blank=True)
    # The lifecycle clock of an accepted B2B invoice flow (simulator/lifecycle.py): its scenario, how many
    # statuses were sent, and when the last one was.
    lifecycle_scenario = models.CharField(max_length=10, blank=True)
    lifecycle_step = models.PositiveSmallIntegerField(default=0)
    lifecycle_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["updated_at", "id"]

    def __str__(self) -> str:
        return f"{self.flow_id} ({self.tracking_id})"


class SimDirectoryLine(models.Model):
    siren = models.CharField(max_length=9, db_index=True)
    siret = models.CharField(max_length=14, blank=True)
    addressing_identifier = models.CharField(max_length=125, unique=True)
    business_name = models.CharField(max_length=200, blank=True)
    entity_type = models.CharField(max_length=20, default="PrivateVatRegistered")
    platform_type = models.CharField(max_length=3, default="WK")
    platform_status = models.CharField(max_length=8, default="Enabled")

    def __str__(self) -> str:
        return self.addressing_identifier


class SimPaFault(models.Model):
    """operation: "token", "flows", "search", "flow", "directory" or "*"; kind: error (503), rate_limit (429),
    lost_reply (the flow is recorded, then the reply is a 502); `remaining` calls are hit (0: all)."""

    operation = models.CharField(max_length=20)
    kind = models.CharField(max_length=20)
    remaining = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.operation}: {self.kind}"
