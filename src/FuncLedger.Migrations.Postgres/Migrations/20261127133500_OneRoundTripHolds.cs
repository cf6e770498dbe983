using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.Postgres.Migrations
{
    /// <summary>
    /// Holds, captures and voids in one round trip: ledger_hold places a hold (key, lock, frozen and available checks with the exact
    /// held sum, a kept refusal, the hold and its wallet's held coins, the hold as it stands) as one statement; ledger_post
    /// takes the hold a capture releases (p_hold, p_captured): under the wallet's lock the hold must still be pending and not
    /// expired, its coins leave the held coins before the debit is checked, and it is marked captured and linked to the debit
    /// entry in the same statement; ledger_capture reads a hold and, when the capture's checks pass on it, runs ledger_post
    /// with the capture's postings (one round trip for the whole capture); ledger_void locks the hold's wallet, checks the hold is pending and not expired, voids it
    /// and answers with it as it stands. FuncLedger.Core's PostgresHoldCommand and PostgresPostCommand call them.
    /// </summary>
    public partial class OneRoundTripHolds : Migration
    {
        private const string OldPost =
            "DROP FUNCTION ledger_post(bigint[], bigint[], text[], text[], text[], text[], boolean[], boolean[], boolean[], timestamptz);";

        private const string NewPost =
            "DROP FUNCTION ledger_post(bigint[], bigint[], text[], text[], text[], text[], boolean[], boolean[], boolean[], timestamptz, "
            + "bigint, bigint);";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(OldPost);
            migrationBuilder.Sql(SqlFiles.Read("ledger_post.v2.sql"));
            migrationBuilder.Sql(SqlFiles.Read("ledger_capture.v1.sql"));
            migrationBuilder.Sql(SqlFiles.Read("ledger_void.v1.sql"));
            migrationBuilder.Sql(SqlFiles.Read("ledger_hold.v1.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION ledger_hold(bigint, bigint, text, text, text, text, timestamptz, timestamptz);");
            migrationBuilder.Sql("DROP FUNCTION ledger_void(bigint, timestamptz);");
            migrationBuilder.Sql("DROP FUNCTION ledger_capture(bigint, bigint, bigint, text, text, text, text, timestamptz);");
            migrationBuilder.Sql(NewPost);
            migrationBuilder.Sql(OneRoundTripPost.Function);
        }
    }
}
