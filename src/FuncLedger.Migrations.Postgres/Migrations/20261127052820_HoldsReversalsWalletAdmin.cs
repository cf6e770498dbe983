using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FuncLedger.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class HoldsReversalsWalletAdmin : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "frozen",
                table: "wallets",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<long>(
                name: "held",
                table: "wallets",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "ledger_holds",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    wallet_id = table.Column<long>(type: "bigint", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false),
                    captured = table.Column<long>(type: "bigint", nullable: false),
                    capture_entry_id = table.Column<long>(type: "bigint", nullable: true),
                    reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    meta = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    idempotency_key = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: false),
                    request_fingerprint = table.Column<string>(type: "character(64)", unicode: false, fixedLength: true, maxLength: 64, nullable: false),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_holds", x => x.id);
                    table.CheckConstraint("ck_ledger_holds_amount_positive", "amount > 0");
                    table.CheckConstraint("ck_ledger_holds_captured", "captured >= 0 AND captured <= amount");
                    table.ForeignKey(
                        name: "fk_ledger_holds_wallets_wallet_id",
                        column: x => x.wallet_id,
                        principalTable: "wallets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ledger_reversals",
                columns: table => new
                {
                    entry_id = table.Column<long>(type: "bigint", nullable: false),
                    original_entry_id = table.Column<long>(type: "bigint", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_reversals", x => x.entry_id);
                    table.CheckConstraint("ck_ledger_reversals_amount_positive", "amount > 0");
                    table.ForeignKey(
                        name: "fk_ledger_reversals_entry_id",
                        column: x => x.entry_id,
                        principalTable: "ledger_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_ledger_reversals_original_entry_id",
                        column: x => x.original_entry_id,
                        principalTable: "ledger_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "wallet_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    wallet_id = table.Column<long>(type: "bigint", nullable: false),
                    change = table.Column<string>(type: "character varying(16)", unicode: false, maxLength: 16, nullable: false),
                    actor = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_wallet_changes", x => x.id);
                    table.ForeignKey(
                        name: "fk_wallet_changes_wallets_wallet_id",
                        column: x => x.wallet_id,
                        principalTable: "wallets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_wallets_held_non_negative",
                table: "wallets",
                sql: "held >= 0");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_holds_status_expires_at",
                table: "ledger_holds",
                columns: new[] { "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_holds_wallet_id_status_expires_at",
                table: "ledger_holds",
                columns: new[] { "wallet_id", "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ux_ledger_holds_idempotency_key",
                table: "ledger_holds",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ledger_reversals_original_entry_id",
                table: "ledger_reversals",
                column: "original_entry_id");

            migrationBuilder.CreateIndex(
                name: "ix_wallet_changes_wallet_id_id",
                table: "wallet_changes",
                columns: new[] { "wallet_id", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ledger_holds");

            migrationBuilder.DropTable(
                name: "ledger_reversals");

            migrationBuilder.DropTable(
                name: "wallet_changes");

            migrationBuilder.DropCheckConstraint(
                name: "ck_wallets_held_non_negative",
                table: "wallets");

            migrationBuilder.DropColumn(
                name: "frozen",
                table: "wallets");

            migrationBuilder.DropColumn(
                name: "held",
                table: "wallets");
        }
    }
}
