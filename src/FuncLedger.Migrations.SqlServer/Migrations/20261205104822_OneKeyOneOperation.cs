using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.SqlServer.Migrations
{
    /// <summary>One key, one operation: the client keys' registry, a posting's row, the key that closed a hold, the overdraft floor,
    /// a wallet change's reason, and funcledger_app's grants on them (Sql/app_role.v2.sql).</summary>
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
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "entry_id",
                table: "wallet_changes",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "reason",
                table: "wallet_changes",
                type: "nvarchar(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "closed_fingerprint",
                table: "ledger_holds",
                type: "char(64)",
                unicode: false,
                fixedLength: true,
                maxLength: 64,
                nullable: true,
                collation: "Latin1_General_100_BIN2");

            migrationBuilder.AddColumn<string>(
                name: "closed_key",
                table: "ledger_holds",
                type: "varchar(128)",
                unicode: false,
                maxLength: 128,
                nullable: true,
                collation: "Latin1_General_100_BIN2");

            migrationBuilder.CreateTable(
                name: "client_keys",
                columns: table => new
                {
                    idempotency_key = table.Column<string>(type: "varchar(128)", unicode: false, maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2"),
                    operation = table.Column<short>(type: "smallint", nullable: false),
                    request_fingerprint = table.Column<string>(type: "char(64)", unicode: false, fixedLength: true, maxLength: 64, nullable: false, collation: "Latin1_General_100_BIN2"),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_client_keys", x => x.idempotency_key);
                });

            migrationBuilder.CreateTable(
                name: "postings",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    key_stem = table.Column<string>(type: "varchar(128)", unicode: false, maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2"),
                    legs = table.Column<int>(type: "int", nullable: false),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_postings", x => x.id);
                    table.CheckConstraint("ck_postings_legs", "legs >= 2 AND legs <= 1000");
                });

            migrationBuilder.AddCheckConstraint(
                name: "ck_wallets_balance_above_floor",
                table: "wallets",
                sql: "allow_overdraft = 1 OR cached_balance >= overdraft_floor");

            migrationBuilder.AddCheckConstraint(
                name: "ck_wallets_overdraft_floor_non_positive",
                table: "wallets",
                sql: "overdraft_floor <= 0");

            migrationBuilder.CreateIndex(
                name: "ux_ledger_holds_closed_key",
                table: "ledger_holds",
                column: "closed_key",
                unique: true,
                filter: "[closed_key] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ux_postings_key_stem",
                table: "postings",
                column: "key_stem",
                unique: true);

            migrationBuilder.Sql(SqlFiles.Read("app_role.v2.sql"));
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
                sql: "allow_overdraft = 1 OR cached_balance >= 0");
        }
    }
}
