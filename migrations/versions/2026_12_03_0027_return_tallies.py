"""Campaign tallies: each return's figures per standard and theme, a campaign's rated criteria per question and
rating, and its practitioner survey's answers per statement and option, kept as they change
(app/selfassessment/tally_models.py), so a campaign's findings are worked out from one row per return and a few
hundred counts.

Campaigns that exist already are not counted here: `campaign.tallied` is false and `campaign.survey_counted_from`
empty for them, and their figures are worked out from their answers as before until `flask campaigns tally`
counts them (or the next change in the campaign does). The columns are added with ALTER TABLE ... ADD COLUMN,
never a batch rebuild.

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "return_tally",
        sa.Column("return_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("layout", sa.String(length=16), nullable=False),
        sa.Column("figures", sa.LargeBinary(), nullable=False),
        sa.Column("rerated", sa.JSON(), nullable=True),
        sa.Column("ratings", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_return_tally_campaign_id_campaign"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["return_id"], ["sa_return.id"], name=op.f("fk_return_tally_return_id_sa_return"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("return_id", name=op.f("pk_return_tally")),
    )
    op.create_index(op.f("ix_return_tally_campaign_id"), "return_tally", ["campaign_id"], unique=False)
    op.create_table(
        "campaign_rating_tally",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=100), nullable=False),
        sa.Column("rag", sa.String(length=8), nullable=False),
        sa.Column("agreed_rag", sa.String(length=8), nullable=False),
        sa.Column("criteria", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_campaign_rating_tally_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "campaign_id", "question_key", "rag", "agreed_rag", name=op.f("pk_campaign_rating_tally")
        ),
    )
    op.create_table(
        "campaign_survey_tally",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaign.id"],
            name=op.f("fk_campaign_survey_tally_campaign_id_campaign"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign_id", "question_key", "value", name=op.f("pk_campaign_survey_tally")),
    )
    op.add_column("campaign", sa.Column("survey_counted_from", sa.Integer(), nullable=True))
    op.add_column("campaign", sa.Column("tallied", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column("campaign", "tallied")  # (ALTER TABLE ... DROP COLUMN on SQLite too: no rebuild)
    op.drop_column("campaign", "survey_counted_from")
    op.drop_table("campaign_survey_tally")
    op.drop_table("campaign_rating_tally")
    op.drop_index(op.f("ix_return_tally_campaign_id"), table_name="return_tally")
    op.drop_table("return_tally")
