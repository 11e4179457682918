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

            // Names are compared without case: the catalog refuses two that differ only by it.
            migrationBuilder.Sql("""
                CREATE UNIQUE INDEX ux_production_items_name ON production_items (lower(name));
                CREATE UNIQUE INDEX ux_menu_mappings_brand_item ON menu_mappings (lower(brand), lower(item));
                """);

            // During a rolling deploy an instance from before this migration still inserts orders and lines without
            // the new columns: they get what the backfill gives, so every instance reads them alike.
            migrationBuilder.Sql("""
                CREATE FUNCTION orbital_order_defaults() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.due_at < timestamptz '2000-01-01' THEN NEW.due_at := NEW.placed_at + interval '10 minutes'; END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER tr_orders_defaults BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION orbital_order_defaults();
                CREATE FUNCTION orbital_order_line_defaults() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.production_item = '' THEN NEW.production_item := NEW.item_name; END IF;
                    IF NEW.menu_station = '' THEN NEW.menu_station := NEW.station; END IF;
                    IF NEW.menu_quantity = 0 THEN NEW.menu_quantity := NEW.quantity; END IF;
                    IF NEW.due_at < timestamptz '2000-01-01' THEN
                        NEW.due_at := coalesce((SELECT o.due_at FROM orders o WHERE o.id = NEW.kitchen_order_id), NEW.placed_at + interval '10 minutes');
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER tr_order_lines_defaults BEFORE INSERT ON order_lines FOR EACH ROW EXECUTE FUNCTION orbital_order_line_defaults();
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
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS tr_order_lines_defaults ON order_lines;
                DROP TRIGGER IF EXISTS tr_orders_defaults ON orders;
                DROP FUNCTION IF EXISTS orbital_order_line_defaults();
                DROP FUNCTION IF EXISTS orbital_order_defaults();
                """);

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
