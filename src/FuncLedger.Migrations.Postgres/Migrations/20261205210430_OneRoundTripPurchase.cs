using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class OneRoundTripPurchase : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A purchase in one statement (the shop's rows and ledger_post's debit), as transfers are.
            migrationBuilder.Sql(SqlFiles.Read("shop_purchase.v1.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION shop_purchase(bigint, text, integer, bigint, bigint, text, text, text, timestamptz);");
        }
    }
}
