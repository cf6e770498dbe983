using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class PurchaseIndexBySku : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_shop_purchases_sku",
                table: "shop_purchases");

            migrationBuilder.DropIndex(
                name: "ix_shop_purchases_owner_id_sku",
                table: "shop_purchases");

            migrationBuilder.CreateIndex(
                name: "ix_shop_purchases_sku_owner_id",
                table: "shop_purchases",
                columns: new[] { "sku", "owner_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_shop_purchases_sku_owner_id",
                table: "shop_purchases");

            migrationBuilder.CreateIndex(
                name: "IX_shop_purchases_sku",
                table: "shop_purchases",
                column: "sku");

            migrationBuilder.CreateIndex(
                name: "ix_shop_purchases_owner_id_sku",
                table: "shop_purchases",
                columns: new[] { "owner_id", "sku" });
        }
    }
}
