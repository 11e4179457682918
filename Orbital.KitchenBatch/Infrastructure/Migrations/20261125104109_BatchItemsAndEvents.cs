using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Orbital.KitchenBatch.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class BatchItemsAndEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Nullable first: lines stored before batch items existed are attached to theirs below.
            migrationBuilder.AddColumn<long>(
                name: "batch_item_id",
                table: "order_lines",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "batch_items",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    station = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    item_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    modifiers = table.Column<string[]>(type: "text[]", nullable: false),
                    modifiers_key = table.Column<string>(type: "character varying(4020)", maxLength: 4020, nullable: false),
                    open_quantity = table.Column<int>(type: "integer", nullable: false),
                    in_progress_quantity = table.Column<int>(type: "integer", nullable: false),
                    oldest_open_placed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_batch_items", x => x.id);
                    table.CheckConstraint("ck_batch_items_in_progress_within_open", "in_progress_quantity >= 0 AND in_progress_quantity <= open_quantity");
                    table.CheckConstraint("ck_batch_items_open_not_negative", "open_quantity >= 0");
                });

            migrationBuilder.CreateTable(
                name: "kitchen_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    station = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kitchen_events", x => x.id);
                });

            // Backfill: one batch item per (station, item, normalised modifiers) of the existing lines, with
            // the same normalisation as BatchKey (trimmed, upper-cased, sorted, joined by U+001F).
            migrationBuilder.Sql("""
                WITH keyed AS (
                    SELECT l.id, l.station, l.item_name, l.quantity - l.completed_quantity AS open, l.placed_at,
                           ARRAY(SELECT trim(m) FROM unnest(l.modifiers) AS m WHERE trim(m) <> '' ORDER BY upper(trim(m)), trim(m)) AS modifiers,
                           array_to_string(ARRAY(SELECT upper(trim(m)) FROM unnest(l.modifiers) AS m WHERE trim(m) <> '' ORDER BY upper(trim(m))), E'\x1F') AS modifiers_key
                    FROM order_lines l)
                INSERT INTO batch_items (station, item_name, modifiers, modifiers_key, open_quantity, in_progress_quantity, oldest_open_placed_at, updated_at)
                SELECT station, item_name, min(modifiers), modifiers_key, sum(open), 0,
                       min(placed_at) FILTER (WHERE open > 0), now()
                FROM keyed
                GROUP BY station, item_name, modifiers_key;

                UPDATE order_lines l SET batch_item_id = b.id
                FROM batch_items b
                WHERE b.station = l.station AND b.item_name = l.item_name
                  AND b.modifiers_key = array_to_string(ARRAY(SELECT upper(trim(m)) FROM unnest(l.modifiers) AS m WHERE trim(m) <> '' ORDER BY upper(trim(m))), E'\x1F');
                """);

            migrationBuilder.AlterColumn<long>(
                name: "batch_item_id",
                table: "order_lines",
                type: "bigint",
                nullable: false,
                oldClrType: typeof(long),
                oldType: "bigint",
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_orders_ready_at",
                table: "orders",
                column: "ready_at",
                filter: "status = 'Ready'");

            migrationBuilder.CreateIndex(
                name: "ix_order_lines_open_by_batch_item",
                table: "order_lines",
                columns: new[] { "batch_item_id", "placed_at", "kitchen_order_id" },
                filter: "completed_quantity < quantity");

            migrationBuilder.CreateIndex(
                name: "ix_batch_items_open_by_station",
                table: "batch_items",
                columns: new[] { "station", "oldest_open_placed_at" },
                filter: "open_quantity > 0");

            migrationBuilder.CreateIndex(
                name: "ix_batch_items_station_item_name_modifiers_key",
                table: "batch_items",
                columns: new[] { "station", "item_name", "modifiers_key" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "fk_order_lines_batch_items_batch_item_id",
                table: "order_lines",
                column: "batch_item_id",
                principalTable: "batch_items",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_order_lines_batch_items_batch_item_id",
                table: "order_lines");

            migrationBuilder.DropTable(
                name: "batch_items");

            migrationBuilder.DropTable(
                name: "kitchen_events");

            migrationBuilder.DropIndex(
                name: "ix_orders_ready_at",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_order_lines_open_by_batch_item",
                table: "order_lines");

            migrationBuilder.DropColumn(
                name: "batch_item_id",
                table: "order_lines");
        }
    }
}
