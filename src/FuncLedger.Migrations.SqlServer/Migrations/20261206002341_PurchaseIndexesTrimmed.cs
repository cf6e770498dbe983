using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
