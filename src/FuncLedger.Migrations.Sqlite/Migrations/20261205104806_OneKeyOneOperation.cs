using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class OneKeyOneOperation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_wallets_balance_non_negative",
                table: "wallets");

            migrationBuilder.AddColumn<long>(
                name: "overdraft_floor",
                table: "wallets",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "entry_id",
                table: "wallet_changes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "reason",
                table: "wallet_changes",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "closed_fingerprint",
                table: "ledger_holds",
                type: "TEXT",
                unicode: false,
                fixedLength: true,
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "closed_key",
                table: "ledger_holds",
                type: "TEXT",
                unicode: false,
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "client_keys",
                columns: table => new
                {
                    idempotency_key = table.Column<string>(type: "TEXT", unicode: false, maxLength: 128, nullable: false),
                    operation = table.Column<short>(type: "INTEGER", nullable: false),
                    request_fingerprint = table.Column<string>(type: "TEXT", unicode: false, fixedLength: true, maxLength: 64, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_client_keys", x => x.idempotency_key);
                });

            migrationBuilder.CreateTable(
                name: "postings",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    key_stem = table.Column<string>(type: "TEXT", unicode: false, maxLength: 128, nullable: false),
                    legs = table.Column<int>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_postings", x => x.id);
                    table.CheckConstraint("ck_postings_legs", "legs >= 2 AND legs <= 1000");
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_wallets_balance_above_floor",
                table: "wallets",
                sql: "allow_overdraft OR cached_balance >= overdraft_floor");

            migrationBuilder.AddCheckConstraint(
                name: "ck_wallets_overdraft_floor_non_positive",
                table: "wallets",
                sql: "overdraft_floor <= 0");

            migrationBuilder.CreateIndex(
                name: "ux_ledger_holds_closed_key",
                table: "ledger_holds",
                column: "closed_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_postings_key_stem",
                table: "postings",
                column: "key_stem",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "client_keys");

            migrationBuilder.DropTable(
                name: "postings");

            migrationBuilder.DropCheckConstraint(
                name: "ck_wallets_balance_above_floor",
                table: "wallets");

            migrationBuilder.DropCheckConstraint(
                name: "ck_wallets_overdraft_floor_non_positive",
                table: "wallets");

            migrationBuilder.DropIndex(
                name: "ux_ledger_holds_closed_key",
                table: "ledger_holds");

            migrationBuilder.DropColumn(
                name: "overdraft_floor",
                table: "wallets");

            migrationBuilder.DropColumn(
                name: "entry_id",
                table: "wallet_changes");

            migrationBuilder.DropColumn(
                name: "reason",
                table: "wallet_changes");

            migrationBuilder.DropColumn(
                name: "closed_fingerprint",
                table: "ledger_holds");

            migrationBuilder.DropColumn(
                name: "closed_key",
                table: "ledger_holds");

            migrationBuilder.AddCheckConstraint(
                name: "ck_wallets_balance_non_negative",
                table: "wallets",
                sql: "allow_overdraft OR cached_balance >= 0");
        }
    }
}
