using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.SqlServer.Migrations
{
    /// <summary>The coin shop's tables (items, purchases, inventory, refunds) and funcledger_app's grants on them
    /// (Sql/app_role.v3.sql).</summary>
    public partial class Shop : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "shop_items",
                columns: table => new
                {
                    sku = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false, collation: "Latin1_General_100_BIN2"),
                    title = table.Column<string>(type: "nvarchar(120)", maxLength: 120, nullable: false),
                    price = table.Column<long>(type: "bigint", nullable: false),
                    stock = table.Column<long>(type: "bigint", nullable: true),
                    per_player_limit = table.Column<int>(type: "int", nullable: true),
                    starts_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    ends_at = table.Column<DateTime>(type: "datetime2", nullable: true),
                    active = table.Column<bool>(type: "bit", nullable: false),
                    meta = table.Column<string>(type: "nvarchar(2048)", maxLength: 2048, nullable: true),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    updated_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shop_items", x => x.sku);
                    table.CheckConstraint("ck_shop_items_price_positive", "price > 0");
                    table.CheckConstraint("ck_shop_items_stock_non_negative", "stock IS NULL OR stock >= 0");
                });

            migrationBuilder.CreateTable(
                name: "shop_inventory",
                columns: table => new
                {
                    owner_id = table.Column<long>(type: "bigint", nullable: false),
                    sku = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false, collation: "Latin1_General_100_BIN2"),
                    quantity = table.Column<long>(type: "bigint", nullable: false),
                    updated_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shop_inventory", x => new { x.owner_id, x.sku });
                    table.CheckConstraint("ck_shop_inventory_quantity_non_negative", "quantity >= 0");
                    table.ForeignKey(
                        name: "fk_shop_inventory_shop_items_sku",
                        column: x => x.sku,
                        principalTable: "shop_items",
                        principalColumn: "sku",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "shop_purchases",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    owner_id = table.Column<long>(type: "bigint", nullable: false),
                    wallet_id = table.Column<long>(type: "bigint", nullable: false),
                    sku = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false, collation: "Latin1_General_100_BIN2"),
                    title = table.Column<string>(type: "nvarchar(120)", maxLength: 120, nullable: false),
                    quantity = table.Column<int>(type: "int", nullable: false),
                    price = table.Column<long>(type: "bigint", nullable: false),
                    total = table.Column<long>(type: "bigint", nullable: false),
                    refunded_quantity = table.Column<int>(type: "int", nullable: false),
                    entry_id = table.Column<long>(type: "bigint", nullable: false),
                    idempotency_key = table.Column<string>(type: "varchar(128)", unicode: false, maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2"),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shop_purchases", x => x.id);
                    table.CheckConstraint("ck_shop_purchases_quantity_positive", "quantity > 0");
                    table.CheckConstraint("ck_shop_purchases_refunded", "refunded_quantity >= 0 AND refunded_quantity <= quantity");
                    table.CheckConstraint("ck_shop_purchases_total", "total = price * quantity");
                    table.ForeignKey(
                        name: "fk_shop_purchases_ledger_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "ledger_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_shop_purchases_shop_items_sku",
                        column: x => x.sku,
                        principalTable: "shop_items",
                        principalColumn: "sku",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_shop_purchases_wallets_wallet_id",
                        column: x => x.wallet_id,
                        principalTable: "wallets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "shop_refunds",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    purchase_id = table.Column<long>(type: "bigint", nullable: false),
                    quantity = table.Column<int>(type: "int", nullable: false),
                    coins = table.Column<long>(type: "bigint", nullable: false),
                    forced = table.Column<bool>(type: "bit", nullable: false),
                    reason = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    actor = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    entry_id = table.Column<long>(type: "bigint", nullable: false),
                    idempotency_key = table.Column<string>(type: "varchar(128)", unicode: false, maxLength: 128, nullable: false, collation: "Latin1_General_100_BIN2"),
                    request_fingerprint = table.Column<string>(type: "char(64)", unicode: false, fixedLength: true, maxLength: 64, nullable: false, collation: "Latin1_General_100_BIN2"),
                    created_at = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_shop_refunds", x => x.id);
                    table.CheckConstraint("ck_shop_refunds_coins_positive", "coins > 0");
                    table.CheckConstraint("ck_shop_refunds_quantity_positive", "quantity > 0");
                    table.ForeignKey(
                        name: "fk_shop_refunds_ledger_entries_entry_id",
                        column: x => x.entry_id,
                        principalTable: "ledger_entries",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_shop_refunds_shop_purchases_purchase_id",
                        column: x => x.purchase_id,
                        principalTable: "shop_purchases",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_shop_inventory_sku",
                table: "shop_inventory",
                column: "sku");

            migrationBuilder.CreateIndex(
                name: "IX_shop_purchases_sku",
                table: "shop_purchases",
                column: "sku");

            migrationBuilder.CreateIndex(
                name: "IX_shop_purchases_wallet_id",
                table: "shop_purchases",
                column: "wallet_id");

            migrationBuilder.CreateIndex(
                name: "ix_shop_purchases_owner_id_id",
                table: "shop_purchases",
                columns: new[] { "owner_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_shop_purchases_owner_id_sku",
                table: "shop_purchases",
                columns: new[] { "owner_id", "sku" });

            migrationBuilder.CreateIndex(
                name: "ux_shop_purchases_entry_id",
                table: "shop_purchases",
                column: "entry_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_shop_purchases_idempotency_key",
                table: "shop_purchases",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_shop_refunds_purchase_id",
                table: "shop_refunds",
                column: "purchase_id");

            migrationBuilder.CreateIndex(
                name: "ux_shop_refunds_entry_id",
                table: "shop_refunds",
                column: "entry_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_shop_refunds_idempotency_key",
                table: "shop_refunds",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.Sql(SqlFiles.Read("app_role.v3.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "shop_inventory");

            migrationBuilder.DropTable(
                name: "shop_refunds");

            migrationBuilder.DropTable(
                name: "shop_purchases");

            migrationBuilder.DropTable(
                name: "shop_items");
        }
    }
}
