"""Intake requests and their service labels (predicted and corrected).

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_requests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=False),
        sa.Column("requester", sa.String(200), nullable=True),
        sa.Column("modality", sa.String(100), nullable=True),
        sa.Column("phase", sa.String(100), nullable=True),
        sa.Column("declared_services", sa.JSON(), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("predicted_provider_type", sa.String(16), nullable=False),
        sa.Column("predicted_stage", sa.String(32), nullable=False),
        sa.Column("reviewed_by", sa.String(200), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("corrected_provider_type", sa.String(16), nullable=True),
        sa.Column("corrected_stage", sa.String(32), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
    )
    op.create_index("ix_intake_requests_created_at", "intake_requests", ["created_at"])
    op.create_index("ix_intake_requests_reviewed_at", "intake_requests", ["reviewed_at"])
    op.create_index("ix_intake_requests_text_sha256", "intake_requests", ["text_sha256"])
    op.create_table(
        "request_service_labels",
        sa.Column("request_id", sa.Integer(),
                  sa.ForeignKey("intake_requests.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("service_id", sa.String(64), primary_key=True),
    )
    op.create_index("ix_request_service_labels_service_id", "request_service_labels",
                    ["service_id"])


def downgrade() -> None:
    op.drop_index("ix_request_service_labels_service_id", "request_service_labels")
    op.drop_table("request_service_labels")
    op.drop_index("ix_intake_requests_text_sha256", "intake_requests")
    op.drop_index("ix_intake_requests_reviewed_at", "intake_requests")
    op.drop_index("ix_intake_requests_created_at", "intake_requests")
    op.drop_table("intake_requests")
