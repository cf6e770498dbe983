using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.SqlServer.Migrations
{
    /// <summary>A player's use of items it holds (shop_consumptions, one row per use under its key) and the units a refund took
    /// back (shop_refunds.taken), which the drift check counts; with funcledger_app's grants (Sql/app_role.v7.sql).</summary>
    public partial class ShopConsumptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "taken",
                table: "shop_refunds",
                type: "int",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "shop_consumptions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    owner_id = table.Column<long>(type: "bigint", nullable: false),
                    sku = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false, collation: "Latin1_General_100_BIN2"),
                    quantity = table.Column<int>(type: "int", nullable: false),
                    remaining = table.Column<long>(type: "bigint", nullable: false),
                    idempotency_key = table.Column<string>(type: "varchar(128)", unicode: false, maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2"),
                    request_fingerprint = table.Column<string>(type: "char(64)", unicode: false, fixedLength: true, maxLength: 64, nullable: false, collation: "Latin1_General_100_BIN2"),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shop_consumptions", x => x.id);
                    table.CheckConstraint("ck_shop_consumptions_quantity_positive", "quantity > 0");
                    table.CheckConstraint("ck_shop_consumptions_remaining_non_negative", "remaining >= 0");
                    table.ForeignKey(
                        name: "fk_shop_consumptions_shop_items_sku",
                        column: x => x.sku,
                        principalTable: "shop_items",
                        principalColumn: "sku",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_shop_consumptions_sku",
                table: "shop_consumptions",
                column: "sku");

            migrationBuilder.CreateIndex(
                name: "ix_shop_consumptions_owner_id_id",
                table: "shop_consumptions",
                columns: new[] { "owner_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ux_shop_consumptions_idempotency_key",
                table: "shop_consumptions",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.Sql(SqlFiles.Read("app_role.v7.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "shop_consumptions");

            migrationBuilder.DropColumn(
                name: "taken",
                table: "shop_refunds");
        }
    }
}
