using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FuncLedger.Migrations.Postgres.Migrations
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
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "shop_consumptions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    owner_id = table.Column<long>(type: "bigint", nullable: false),
                    sku = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    remaining = table.Column<long>(type: "bigint", nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: false),
                    request_fingerprint = table.Column<string>(type: "character(64)", unicode: false, fixedLength: true, maxLength: 64, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
