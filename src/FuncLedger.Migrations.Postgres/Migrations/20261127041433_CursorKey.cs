using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class CursorKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ledger_settings",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(64)", unicode: false, maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "character varying(128)", unicode: false, maxLength: 128, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ledger_settings", x => x.name);
                });

            // The key that signs history cursors: random, from the engine's own generator, never in a setting or a file.
            migrationBuilder.Sql("INSERT INTO ledger_settings (name, value) VALUES ('cursor_key', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''));");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ledger_settings");
        }
    }
}
