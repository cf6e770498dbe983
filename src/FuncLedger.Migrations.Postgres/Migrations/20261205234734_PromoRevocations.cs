using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.Postgres.Migrations
{
    /// <summary>Revocations of promo redemptions (who, when, why, the reversal's entry, the slot given back) and items-only
    /// campaigns (a redemption without coins has no entry), with funcledger_app's grants (Sql/app_role.v6.sql).</summary>
    public partial class PromoRevocations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_promo_redemptions_entry_id",
                table: "promo_redemptions");

            migrationBuilder.DropCheckConstraint(
                name: "ck_promo_redemptions_coins_positive",
                table: "promo_redemptions");

            migrationBuilder.DropCheckConstraint(
                name: "ck_promo_campaigns_coins_positive",
                table: "promo_campaigns");

            migrationBuilder.AlterColumn<long>(
                name: "entry_id",
                table: "promo_redemptions",
                type: "bigint",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "bigint");

            migrationBuilder.AddColumn<long>(
                name: "reversal_entry_id",
                table: "promo_redemptions",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "revoke_idempotency_key",
                table: "promo_redemptions",
                type: "character varying(128)",
                unicode: false,
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "revoke_reason",
                table: "promo_redemptions",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "revoked_at",
                table: "promo_redemptions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "revoked_by",
                table: "promo_redemptions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "slot_released",
                table: "promo_redemptions",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateIndex(
                name: "IX_promo_redemptions_reversal_entry_id",
                table: "promo_redemptions",
                column: "reversal_entry_id");

            migrationBuilder.CreateIndex(
                name: "ux_promo_redemptions_entry_id",
                table: "promo_redemptions",
                column: "entry_id",
                unique: true,
                filter: "entry_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ux_promo_redemptions_revoke_idempotency_key",
                table: "promo_redemptions",
                column: "revoke_idempotency_key",
                unique: true,
                filter: "revoke_idempotency_key IS NOT NULL");

            migrationBuilder.AddCheckConstraint(
                name: "ck_promo_redemptions_coins",
                table: "promo_redemptions",
                sql: "coins >= 0");

            migrationBuilder.AddCheckConstraint(
                name: "ck_promo_redemptions_entry",
                table: "promo_redemptions",
                sql: "(coins = 0 AND entry_id IS NULL) OR (coins > 0 AND entry_id IS NOT NULL)");

            migrationBuilder.AddCheckConstraint(
                name: "ck_promo_campaigns_coins",
                table: "promo_campaigns",
                sql: "coins >= 0");

            migrationBuilder.AddForeignKey(
                name: "fk_promo_redemptions_ledger_entries_reversal_entry_id",
                table: "promo_redemptions",
                column: "reversal_entry_id",
                principalTable: "ledger_entries",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.Sql(SqlFiles.Read("app_role.v6.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_promo_redemptions_ledger_entries_reversal_entry_id",
                table: "promo_redemptions");

            migrationBuilder.DropIndex(
                name: "IX_promo_redemptions_reversal_entry_id",
                table: "promo_redemptions");

            migrationBuilder.DropIndex(
                name: "ux_promo_redemptions_entry_id",
                table: "promo_redemptions");

            migrationBuilder.DropIndex(
                name: "ux_promo_redemptions_revoke_idempotency_key",
                table: "promo_redemptions");

            migrationBuilder.DropCheckConstraint(
                name: "ck_promo_redemptions_coins",
                table: "promo_redemptions");

            migrationBuilder.DropCheckConstraint(
                name: "ck_promo_redemptions_entry",
                table: "promo_redemptions");

            migrationBuilder.DropCheckConstraint(
                name: "ck_promo_campaigns_coins",
                table: "promo_campaigns");

            migrationBuilder.DropColumn(
                name: "reversal_entry_id",
                table: "promo_redemptions");

            migrationBuilder.DropColumn(
                name: "revoke_idempotency_key",
                table: "promo_redemptions");

            migrationBuilder.DropColumn(
                name: "revoke_reason",
                table: "promo_redemptions");

            migrationBuilder.DropColumn(
                name: "revoked_at",
                table: "promo_redemptions");

            migrationBuilder.DropColumn(
                name: "revoked_by",
                table: "promo_redemptions");

            migrationBuilder.DropColumn(
                name: "slot_released",
                table: "promo_redemptions");

            migrationBuilder.AlterColumn<long>(
                name: "entry_id",
                table: "promo_redemptions",
                type: "bigint",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "bigint",
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "ux_promo_redemptions_entry_id",
                table: "promo_redemptions",
                column: "entry_id",
                unique: true);

            migrationBuilder.AddCheckConstraint(
                name: "ck_promo_redemptions_coins_positive",
                table: "promo_redemptions",
                sql: "coins > 0");

            migrationBuilder.AddCheckConstraint(
                name: "ck_promo_campaigns_coins_positive",
                table: "promo_campaigns",
                sql: "coins > 0");
        }
    }
}
