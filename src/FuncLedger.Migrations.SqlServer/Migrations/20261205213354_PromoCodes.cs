using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    /// <summary>Promo campaigns, their single-use codes (kept as hashes), redemptions and failed attempts, and funcledger_app's
    /// grants on them (Sql/app_role.v5.sql).</summary>
    public partial class PromoCodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "promo_attempts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    owner_id = table.Column<long>(type: "bigint", nullable: false),
                    refusal = table.Column<string>(type: "varchar(40)", unicode: false, maxLength: 40, nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promo_attempts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "promo_campaigns",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    name = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    coins = table.Column<long>(type: "bigint", nullable: false),
                    items = table.Column<string>(type: "nvarchar(2048)", maxLength: 2048, nullable: true),
                    starts_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    ends_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    max_redemptions = table.Column<int>(type: "int", nullable: true),
                    per_player_limit = table.Column<int>(type: "int", nullable: false),
                    vanity_code = table.Column<string>(type: "varchar(32)", unicode: false, maxLength: 32, nullable: true, collation: "Latin1_General_100_BIN2"),
                    active = table.Column<bool>(type: "bit", nullable: false),
                    redemptions = table.Column<int>(type: "int", nullable: false),
                    codes_issued = table.Column<int>(type: "int", nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    updated_at = table.Column<DateTime>(type: "datetime2", nullable: false)
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
                    code_hash = table.Column<string>(type: "char(64)", unicode: false, fixedLength: true, maxLength: 64, nullable: false, collation: "Latin1_General_100_BIN2"),
                    campaign_id = table.Column<long>(type: "bigint", nullable: false),
                    redemption_id = table.Column<long>(type: "bigint", nullable: true),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false)
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    campaign_id = table.Column<long>(type: "bigint", nullable: false),
                    owner_id = table.Column<long>(type: "bigint", nullable: false),
                    wallet_id = table.Column<long>(type: "bigint", nullable: false),
                    code_hash = table.Column<string>(type: "char(64)", unicode: false, fixedLength: true, maxLength: 64, nullable: true, collation: "Latin1_General_100_BIN2"),
                    coins = table.Column<long>(type: "bigint", nullable: false),
                    entry_id = table.Column<long>(type: "bigint", nullable: false),
                    idempotency_key = table.Column<string>(type: "varchar(128)", unicode: false, maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2"),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false)
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
                filter: "[active] = 1 AND [vanity_code] IS NOT NULL");

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

            migrationBuilder.Sql(SqlFiles.Read("app_role.v5.sql"));
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
