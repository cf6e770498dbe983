using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ReconciliationRunsAndPayoutRejections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "payout_rejections",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    message_id = table.Column<string>(type: "TEXT", unicode: false, maxLength: 100, nullable: false),
                    award_type = table.Column<string>(type: "TEXT", unicode: false, maxLength: 16, nullable: true),
                    registration_id = table.Column<long>(type: "INTEGER", nullable: true),
                    place = table.Column<int>(type: "INTEGER", nullable: true),
                    reason_code = table.Column<string>(type: "TEXT", unicode: false, maxLength: 40, nullable: false),
                    detail = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    dequeue_count = table.Column<long>(type: "INTEGER", nullable: false),
                    rejected_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payout_rejections", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "reconciliation_runs",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    started_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    finished_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    trigger = table.Column<string>(type: "TEXT", unicode: false, maxLength: 16, nullable: false),
                    fix = table.Column<bool>(type: "INTEGER", nullable: false),
                    wallets_checked = table.Column<long>(type: "INTEGER", nullable: false),
                    drift_count = table.Column<long>(type: "INTEGER", nullable: false),
                    corrections_applied = table.Column<long>(type: "INTEGER", nullable: false),
                    balances_total = table.Column<long>(type: "INTEGER", nullable: false),
                    entries_total = table.Column<long>(type: "INTEGER", nullable: false),
                    drifted_wallet_ids = table.Column<string>(type: "TEXT", unicode: false, maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reconciliation_runs", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_payout_rejections_rejected_at",
                table: "payout_rejections",
                column: "rejected_at");

            migrationBuilder.CreateIndex(
                name: "ux_payout_rejections_message_id",
                table: "payout_rejections",
                column: "message_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_reconciliation_runs_started_at",
                table: "reconciliation_runs",
                column: "started_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "payout_rejections");

            migrationBuilder.DropTable(
                name: "reconciliation_runs");
        }
    }
}
