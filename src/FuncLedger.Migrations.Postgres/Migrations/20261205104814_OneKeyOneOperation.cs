using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FuncLedger.Migrations.Postgres.Migrations
{
    /// <summary>One key, one operation: the client keys' registry, a posting's row, the key that closed a hold, the overdraft floor,
    /// a wallet change's reason; the one-round-trip functions' new versions (Sql/*.v3, *.v2) and their grants.</summary>
    public partial class OneKeyOneOperation : Migration
    {
        private const string DropV2 =
            "DROP FUNCTION ledger_capture(bigint, bigint, bigint, text, text, text, text, timestamptz);\n"
            + "DROP FUNCTION ledger_void(bigint, timestamptz);\n"
            + "DROP FUNCTION ledger_hold(bigint, bigint, text, text, text, text, timestamptz, timestamptz);\n"
            + "DROP FUNCTION ledger_post(bigint[], bigint[], text[], text[], text[], text[], boolean[], boolean[], boolean[], timestamptz, "
            + "bigint, bigint);";

        private const string DropV3 =
            "DROP FUNCTION ledger_capture(bigint, bigint, bigint, text, text, text, text, text, boolean, timestamptz);\n"
            + "DROP FUNCTION ledger_void(bigint, text, text, boolean, timestamptz);\n"
            + "DROP FUNCTION ledger_hold(bigint, bigint, text, text, text, text, timestamptz, timestamptz);\n"
            + "DROP FUNCTION ledger_post(bigint[], bigint[], text[], text[], text[], text[], boolean[], boolean[], boolean[], timestamptz, "
            + "bigint, bigint, text, text, smallint, text, text);";

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
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "closed_fingerprint",
                table: "ledger_holds",
                type: "character(64)",
                unicode: false,
                fixedLength: true,
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "closed_key",
                table: "ledger_holds",
                type: "character varying(128)",
                unicode: false,
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "client_keys",
                columns: table => new
                {
                    idempotency_key = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: false),
                    operation = table.Column<short>(type: "smallint", nullable: false),
                    request_fingerprint = table.Column<string>(type: "character(64)", unicode: false, fixedLength: true, maxLength: 64, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    key_stem = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: false),
                    legs = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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

            migrationBuilder.Sql(DropV2);
            migrationBuilder.Sql(SqlFiles.Read("ledger_post.v3.sql"));
            migrationBuilder.Sql(SqlFiles.Read("ledger_capture.v2.sql"));
            migrationBuilder.Sql(SqlFiles.Read("ledger_void.v2.sql"));
            migrationBuilder.Sql(SqlFiles.Read("ledger_hold.v2.sql"));
            migrationBuilder.Sql(SqlFiles.Read("app_role.v2.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(DropV3);
            migrationBuilder.Sql(SqlFiles.Read("ledger_post.v2.sql"));
            migrationBuilder.Sql(SqlFiles.Read("ledger_capture.v1.sql"));
            migrationBuilder.Sql(SqlFiles.Read("ledger_void.v1.sql"));
            migrationBuilder.Sql(SqlFiles.Read("ledger_hold.v1.sql"));
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
