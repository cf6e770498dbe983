using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FuncLedger.Migrations.SqlServer.Migrations
{
    /// <summary>Per-owner epochs of the history links (revoking one owner's links), and the application's least-privilege role
    /// (Sql/app_role.v1.sql).</summary>
    public partial class HistoryLinkEpochsAndAppRole : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "history_link_epochs",
                columns: table => new
                {
                    owner_id = table.Column<long>(type: "bigint", nullable: false),
                    epoch = table.Column<int>(type: "int", nullable: false),
                    revoked_at = table.Column<DateTime>(type: "datetime2", nullable: false),
                    revoked_by = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_history_link_epochs", x => x.owner_id);
                });

            migrationBuilder.Sql(SqlFiles.Read("app_role.v1.sql"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SqlFiles.Read("app_role.v1.down.sql"));
            migrationBuilder.DropTable(
                name: "history_link_epochs");
        }
    }
}
