using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.Postgres.Migrations
{
    /// <summary>
    /// ledger_post: a whole write (keys, ordered locks, balances, refusal or entries) as one statement, so a credit, debit,
    /// transfer, posting or award batch costs one round trip (FuncLedger.Core's PostgresPostCommand calls it and holds the
    /// rules it mirrors). Its statements' plans are generic (plan_cache_mode): a custom plan per call cost 0.13 ms. A generic
    /// plan assumes 10 elements in an array parameter, which made a sequential scan of a table of 1,000 holds look cheaper
    /// than the key index under the default random_page_cost (4, spinning disks): 0.3 ms per lookup, kept for the session.
    /// At 1.1 (SSD, as Azure's storage is) the indexes are chosen.
    /// </summary>
    public partial class OneRoundTripPost : Migration
    {
        /// <summary>The function as this migration installs it (OneRoundTripHolds restores it when rolled back).</summary>
        internal static string Function => SqlFiles.Read("ledger_post.v1.sql");

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Function);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS ledger_post(bigint[], bigint[], text[], text[], text[], text[], boolean[], boolean[], boolean[], timestamptz);");
        }
    }
}
