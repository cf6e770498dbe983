using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.Postgres.Migrations
{
    /// <summary>shop_purchases keeps four indexes where it kept six (each purchase writes every one): a purchase is found by its
    /// key through its entry, and an owner's purchases are listed by wallet, whose index also serves the wallet's foreign key;
    /// shop_purchase v2 finds a replay's purchase through its entry (Sql/shop_purchase.v2.sql).</summary>
    public partial class PurchaseIndexesTrimmed : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_shop_purchases_wallet_id",
                table: "shop_purchases");

            migrationBuilder.DropIndex(
                name: "ix_shop_purchases_owner_id_id",
                table: "shop_purchases");

            migrationBuilder.DropIndex(
                name: "ux_shop_purchases_idempotency_key",
                table: "shop_purchases");

            migrationBuilder.CreateIndex(
                name: "ix_shop_purchases_wallet_id_id",
                table: "shop_purchases",
                columns: new[] { "wallet_id", "id" });

            migrationBuilder.Sql("DROP FUNCTION shop_purchase(bigint, text, integer, bigint, bigint, text, text, text, timestamptz);");
            migrationBuilder.Sql(SqlFiles.Read("shop_purchase.v2.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION shop_purchase(bigint, text, integer, bigint, bigint, text, text, text, timestamptz);");
            migrationBuilder.Sql(SqlFiles.Read("shop_purchase.v1.sql"));

            migrationBuilder.DropIndex(
                name: "ix_shop_purchases_wallet_id_id",
                table: "shop_purchases");

            migrationBuilder.CreateIndex(
                name: "IX_shop_purchases_wallet_id",
                table: "shop_purchases",
                column: "wallet_id");

            migrationBuilder.CreateIndex(
                name: "ix_shop_purchases_owner_id_id",
                table: "shop_purchases",
                columns: new[] { "owner_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ux_shop_purchases_idempotency_key",
                table: "shop_purchases",
                column: "idempotency_key",
                unique: true);
        }
    }
}
