using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FuncLedger.Migrations.Postgres.Migrations
{
    /// <summary>The shop's checkouts and their lines, and funcledger_app's grants on them (Sql/app_role.v4.sql).</summary>
    public partial class ShopCheckouts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "shop_checkouts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    owner_id = table.Column<long>(type: "bigint", nullable: false),
                    wallet_id = table.Column<long>(type: "bigint", nullable: false),
                    hold_id = table.Column<long>(type: "bigint", nullable: false),
                    total = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<short>(type: "smallint", nullable: false),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: false),
                    request_fingerprint = table.Column<string>(type: "character(64)", unicode: false, fixedLength: true, maxLength: 64, nullable: false),
                    closed_key = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shop_checkouts", x => x.id);
                    table.CheckConstraint("ck_shop_checkouts_total_positive", "total > 0");
                    table.ForeignKey(
                        name: "fk_shop_checkouts_ledger_holds_hold_id",
                        column: x => x.hold_id,
                        principalTable: "ledger_holds",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_shop_checkouts_wallets_wallet_id",
                        column: x => x.wallet_id,
                        principalTable: "wallets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "shop_checkout_lines",
                columns: table => new
                {
                    checkout_id = table.Column<long>(type: "bigint", nullable: false),
                    line = table.Column<int>(type: "integer", nullable: false),
                    sku = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    price = table.Column<long>(type: "bigint", nullable: false),
                    purchase_id = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shop_checkout_lines", x => new { x.checkout_id, x.line });
                    table.CheckConstraint("ck_shop_checkout_lines_price_positive", "price > 0");
                    table.CheckConstraint("ck_shop_checkout_lines_quantity_positive", "quantity > 0");
                    table.ForeignKey(
                        name: "fk_shop_checkout_lines_shop_checkouts_checkout_id",
                        column: x => x.checkout_id,
                        principalTable: "shop_checkouts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_shop_checkout_lines_shop_items_sku",
                        column: x => x.sku,
                        principalTable: "shop_items",
                        principalColumn: "sku",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_shop_checkout_lines_shop_purchases_purchase_id",
                        column: x => x.purchase_id,
                        principalTable: "shop_purchases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_shop_checkout_lines_purchase_id",
                table: "shop_checkout_lines",
                column: "purchase_id");

            migrationBuilder.CreateIndex(
                name: "ix_shop_checkout_lines_sku",
                table: "shop_checkout_lines",
                column: "sku");

            migrationBuilder.CreateIndex(
                name: "IX_shop_checkouts_wallet_id",
                table: "shop_checkouts",
                column: "wallet_id");

            migrationBuilder.CreateIndex(
                name: "ix_shop_checkouts_owner_id_status",
                table: "shop_checkouts",
                columns: new[] { "owner_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_shop_checkouts_status_expires_at",
                table: "shop_checkouts",
                columns: new[] { "status", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ux_shop_checkouts_hold_id",
                table: "shop_checkouts",
                column: "hold_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_shop_checkouts_idempotency_key",
                table: "shop_checkouts",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.Sql(SqlFiles.Read("app_role.v4.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "shop_checkout_lines");

            migrationBuilder.DropTable(
                name: "shop_checkouts");
        }
    }
}
