using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Orbital.KitchenBatch.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class KitchenMeasurements : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Devices and pairing codes from before roles are screens; an older instance still running during a
            // rolling deploy inserts without a role and gets the same.
            migrationBuilder.AddColumn<string>(
                name: "role",
                table: "pairing_codes",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Screen");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ready_at",
                table: "order_lines",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "role",
                table: "devices",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Screen");

            migrationBuilder.CreateTable(
                name: "batch_runs",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    batch_item_id = table.Column<long>(type: "bigint", nullable: false),
                    station = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    item_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    completed_quantity = table.Column<int>(type: "integer", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_batch_runs", x => x.id);
                    table.CheckConstraint("ck_batch_runs_completed_within_quantity", "completed_quantity >= 0 AND completed_quantity <= quantity");
                    table.CheckConstraint("ck_batch_runs_quantity_positive", "quantity > 0");
                });

            migrationBuilder.CreateTable(
                name: "surplus_uses",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    batch_item_id = table.Column<long>(type: "bigint", nullable: false),
                    station = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    item_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_surplus_uses", x => x.id);
                    table.CheckConstraint("ck_surplus_uses_quantity_positive", "quantity > 0");
                });

            // Lines cooked before this migration were ready when their order was (or are ready, just not timed).
            migrationBuilder.Sql("""
                UPDATE order_lines l SET ready_at = o.ready_at
                FROM orders o
                WHERE o.id = l.kitchen_order_id AND l.ready_at IS NULL AND o.ready_at IS NOT NULL AND l.completed_quantity >= l.quantity;
                """);

            migrationBuilder.CreateIndex(
                name: "ix_orders_due_at",
                table: "orders",
                column: "due_at");

            migrationBuilder.CreateIndex(
                name: "ix_orders_ready_at_all",
                table: "orders",
                column: "ready_at");

            migrationBuilder.CreateIndex(
                name: "ix_orders_received_at",
                table: "orders",
                column: "received_at");

            migrationBuilder.CreateIndex(
                name: "ix_order_lines_ready_at",
                table: "order_lines",
                column: "ready_at",
                filter: "ready_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_batch_runs_completed_at",
                table: "batch_runs",
                column: "completed_at");

            migrationBuilder.CreateIndex(
                name: "ix_batch_runs_cooking",
                table: "batch_runs",
                columns: new[] { "batch_item_id", "started_at" },
                filter: "completed_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_batch_runs_station_item_name_completed_at",
                table: "batch_runs",
                columns: new[] { "station", "item_name", "completed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_surplus_uses_used_at",
                table: "surplus_uses",
                column: "used_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "batch_runs");

            migrationBuilder.DropTable(
                name: "surplus_uses");

            migrationBuilder.DropIndex(
                name: "ix_orders_due_at",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_ready_at_all",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_orders_received_at",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_order_lines_ready_at",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "role",
                table: "pairing_codes");

            migrationBuilder.DropColumn(
                name: "ready_at",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "role",
                table: "devices");
        }
    }
}
