using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.SqlServer.Migrations
{
    /// <summary>What each redemption granted (promo_grants: one row per item, and the units its revocation took back), which
    /// the shop's drift check counts; with funcledger_app's grants (Sql/app_role.v8.sql).</summary>
    public partial class PromoGrants : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "promo_grants",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    redemption_id = table.Column<long>(type: "bigint", nullable: false),
                    owner_id = table.Column<long>(type: "bigint", nullable: false),
                    sku = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false, collation: "Latin1_General_100_BIN2"),
                    quantity = table.Column<int>(type: "int", nullable: false),
                    taken = table.Column<int>(type: "int", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_promo_grants", x => x.id);
                    table.CheckConstraint("ck_promo_grants_quantity_positive", "quantity > 0");
                    table.CheckConstraint("ck_promo_grants_taken", "taken IS NULL OR (taken >= 0 AND taken <= quantity)");
                    table.ForeignKey(
                        name: "fk_promo_grants_promo_redemptions_redemption_id",
                        column: x => x.redemption_id,
                        principalTable: "promo_redemptions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_promo_grants_shop_items_sku",
                        column: x => x.sku,
                        principalTable: "shop_items",
                        principalColumn: "sku",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_promo_grants_sku",
                table: "promo_grants",
                column: "sku");

            migrationBuilder.CreateIndex(
                name: "ix_promo_grants_owner_id_sku",
                table: "promo_grants",
                columns: new[] { "owner_id", "sku" });

            migrationBuilder.CreateIndex(
                name: "ix_promo_grants_redemption_id",
                table: "promo_grants",
                column: "redemption_id");

            migrationBuilder.Sql(SqlFiles.Read("app_role.v8.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "promo_grants");
        }
    }
}
