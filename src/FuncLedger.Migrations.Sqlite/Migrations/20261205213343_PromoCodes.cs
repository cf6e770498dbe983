using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class PromoCodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "promo_attempts",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    owner_id = table.Column<long>(type: "INTEGER", nullable: false),
                    refusal = table.Column<string>(type: "TEXT", unicode: false, maxLength: 40, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promo_attempts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "promo_campaigns",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    coins = table.Column<long>(type: "INTEGER", nullable: false),
                    items = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    starts_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ends_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    max_redemptions = table.Column<int>(type: "INTEGER", nullable: true),
                    per_player_limit = table.Column<int>(type: "INTEGER", nullable: false),
                    vanity_code = table.Column<string>(type: "TEXT", unicode: false, maxLength: 32, nullable: true),
                    active = table.Column<bool>(type: "INTEGER", nullable: false),
                    redemptions = table.Column<int>(type: "INTEGER", nullable: false),
                    codes_issued = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promo_campaigns", x => x.id);
                    table.CheckConstraint("ck_promo_campaigns_coins_positive", "coins > 0");
                    table.CheckConstraint("ck_promo_campaigns_per_player_limit_positive", "per_player_limit > 0");
                    table.CheckConstraint("ck_promo_campaigns_redemptions", "redemptions >= 0 AND (max_redemptions IS NULL OR redemptions <= max_redemptions)");
                });

            migrationBuilder.CreateTable(
                name: "promo_codes",
                columns: table => new
                {
                    code_hash = table.Column<string>(type: "TEXT", unicode: false, fixedLength: true, maxLength: 64, nullable: false),
                    campaign_id = table.Column<long>(type: "INTEGER", nullable: false),
                    redemption_id = table.Column<long>(type: "INTEGER", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promo_codes", x => x.code_hash);
                    table.ForeignKey(
                        name: "fk_promo_codes_promo_campaigns_campaign_id",
                        column: x => x.campaign_id,
                        principalTable: "promo_campaigns",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "promo_redemptions",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    campaign_id = table.Column<long>(type: "INTEGER", nullable: false),
                    owner_id = table.Column<long>(type: "INTEGER", nullable: false),
                    wallet_id = table.Column<long>(type: "INTEGER", nullable: false),
                    code_hash = table.Column<string>(type: "TEXT", unicode: false, fixedLength: true, maxLength: 64, nullable: true),
                    coins = table.Column<long>(type: "INTEGER", nullable: false),
                    entry_id = table.Column<long>(type: "INTEGER", nullable: false),
                    idempotency_key = table.Column<string>(type: "TEXT", unicode: false, maxLength: 128, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promo_redemptions", x => x.id);
                    table.CheckConstraint("ck_promo_redemptions_coins_positive", "coins > 0");
                    table.ForeignKey(
                        name: "fk_promo_redemptions_ledger_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "ledger_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_promo_redemptions_promo_campaigns_campaign_id",
                        column: x => x.campaign_id,
                        principalTable: "promo_campaigns",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_promo_attempts_owner_id_created_at",
                table: "promo_attempts",
                columns: new[] { "owner_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ux_promo_campaigns_active_vanity_code",
                table: "promo_campaigns",
                column: "vanity_code",
                unique: true,
                filter: "active AND vanity_code IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_promo_codes_campaign_id",
                table: "promo_codes",
                column: "campaign_id");

            migrationBuilder.CreateIndex(
                name: "ix_promo_redemptions_campaign_id_owner_id",
                table: "promo_redemptions",
                columns: new[] { "campaign_id", "owner_id" });

            migrationBuilder.CreateIndex(
                name: "ux_promo_redemptions_entry_id",
                table: "promo_redemptions",
                column: "entry_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_promo_redemptions_idempotency_key",
                table: "promo_redemptions",
                column: "idempotency_key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "promo_attempts");

            migrationBuilder.DropTable(
                name: "promo_codes");

            migrationBuilder.DropTable(
                name: "promo_redemptions");

            migrationBuilder.DropTable(
                name: "promo_campaigns");
        }
    }
}
