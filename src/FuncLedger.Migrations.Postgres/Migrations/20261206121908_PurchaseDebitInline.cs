using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.Postgres.Migrations
{
    /// <summary>shop_purchase v3 writes the purchase's debit itself, by ledger_post's rules for one posting, instead of through a
    /// nested ledger_post call (Sql/shop_purchase.v3.sql); ledger_post still answers a key it holds. No table changes.</summary>
    public partial class PurchaseDebitInline : Migration
    {
        private const string Drop = "DROP FUNCTION shop_purchase(bigint, text, integer, bigint, bigint, text, text, text, timestamptz);";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Drop);
            migrationBuilder.Sql(SqlFiles.Read("shop_purchase.v3.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Drop);
            migrationBuilder.Sql(SqlFiles.Read("shop_purchase.v2.sql"));
        }
    }
}
