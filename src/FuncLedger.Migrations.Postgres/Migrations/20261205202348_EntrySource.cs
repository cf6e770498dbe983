using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class EntrySource : Migration
    {
        private const string DropV3 =
            "DROP FUNCTION ledger_capture(bigint, bigint, bigint, text, text, text, text, text, boolean, timestamptz);\n"
            + "DROP FUNCTION ledger_post(bigint[], bigint[], text[], text[], text[], text[], boolean[], boolean[], boolean[], timestamptz, "
            + "bigint, bigint, text, text, smallint, text, text);";

        private const string DropV4 =
            "DROP FUNCTION ledger_capture(bigint, bigint, bigint, text, text, text, text, text, boolean, timestamptz);\n"
            + "DROP FUNCTION ledger_post(bigint[], bigint[], text[], text[], text[], text[], smallint[], boolean[], boolean[], boolean[], "
            + "timestamptz, bigint, bigint, text, text, smallint, text, text);";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<short>(
                name: "source",
                table: "ledger_entries",
                type: "smallint",
                nullable: false,
                defaultValue: (short)0);

            // Every entry records what wrote it: ledger_post takes each entry's source, and a capture's entries say so.
            migrationBuilder.Sql(DropV3);
            migrationBuilder.Sql(SqlFiles.Read("ledger_post.v4.sql"));
            migrationBuilder.Sql(SqlFiles.Read("ledger_capture.v3.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(DropV4);
            migrationBuilder.Sql(SqlFiles.Read("ledger_post.v3.sql"));
            migrationBuilder.Sql(SqlFiles.Read("ledger_capture.v2.sql"));
            migrationBuilder.DropColumn(
                name: "source",
                table: "ledger_entries");
        }
    }
}
