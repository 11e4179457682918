using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orbital.KitchenBatch.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ProductionSchedule : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_order_lines_open_by_batch_item",
                table: "order_lines");

            migrationBuilder.AddColumn<string>(
                name: "close_reason",
                table: "orders",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "closed_at",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "closed_open_quantity",
                table: "orders",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "due_at",
                table: "orders",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "due_at",
                table: "order_lines",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<int>(
                name: "menu_quantity",
                table: "order_lines",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "menu_station",
                table: "order_lines",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "multiplier",
                table: "order_lines",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<string>(
                name: "production_item",
                table: "order_lines",
                type: "character varying(200)",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "prep_seconds",
                table: "batch_items",
                type: "integer",
                nullable: false,
                defaultValue: 480);

            migrationBuilder.AddColumn<string>(
                name: "schedule",
                table: "batch_items",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            migrationBuilder.AddColumn<string>(
                name: "serves",
                table: "batch_items",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            migrationBuilder.CreateTable(
                name: "kitchen_clock",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    announced_until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kitchen_clock", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "menu_mappings",
                columns: table => new
                {
                    brand = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    item = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    production_item = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    multiplier = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_menu_mappings", x => new { x.brand, x.item });
                    table.CheckConstraint("ck_menu_mappings_multiplier", "multiplier BETWEEN 1 AND 100");
                });

            migrationBuilder.CreateTable(
                name: "production_items",
                columns: table => new
                {
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    station = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    prep_time = table.Column<TimeSpan>(type: "interval", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_production_items", x => x.name);
                });

            // Orders stored before due times were due after the default lead time; their lines are their own
            // production items, as they were batched; the clock starts now.
            migrationBuilder.Sql("""
                UPDATE orders SET due_at = placed_at + interval '10 minutes';
                UPDATE order_lines l
                SET due_at = o.due_at, menu_quantity = l.quantity, menu_station = l.station, production_item = l.item_name
                FROM orders o WHERE o.id = l.kitchen_order_id;
                INSERT INTO kitchen_clock (id, announced_until) VALUES (1, now());
                """);

            migrationBuilder.CreateIndex(
                name: "ix_orders_open_by_due_at",
                table: "orders",
                column: "due_at",
                filter: "status = 'Open'");

            migrationBuilder.CreateIndex(
                name: "ix_order_lines_open_by_batch_item",
                table: "order_lines",
                columns: new[] { "batch_item_id", "due_at", "placed_at", "kitchen_order_id" },
                filter: "completed_quantity < quantity");

            migrationBuilder.CreateIndex(
                name: "ix_menu_mappings_production_item",
                table: "menu_mappings",
                column: "production_item");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "kitchen_clock");

            migrationBuilder.DropTable(
                name: "menu_mappings");

            migrationBuilder.DropTable(
                name: "production_items");

            migrationBuilder.DropIndex(
                name: "ix_orders_open_by_due_at",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_order_lines_open_by_batch_item",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "close_reason",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "closed_at",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "closed_open_quantity",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "due_at",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "due_at",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "menu_quantity",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "menu_station",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "multiplier",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "production_item",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "prep_seconds",
                table: "batch_items");

            migrationBuilder.DropColumn(
                name: "schedule",
                table: "batch_items");

            migrationBuilder.DropColumn(
                name: "serves",
                table: "batch_items");

            migrationBuilder.CreateIndex(
                name: "ix_order_lines_open_by_batch_item",
                table: "order_lines",
                columns: new[] { "batch_item_id", "placed_at", "kitchen_order_id" },
                filter: "completed_quantity < quantity");
        }
    }
}
