using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Orbital.KitchenBatch.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class OrderChangesAndSurplus : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "cancel_reason",
                table: "orders",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "cancelled_at",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "revision",
                table: "orders",
                type: "numeric(20,0)",
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.AddColumn<int>(
                name: "surplus_quantity",
                table: "batch_items",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "surplus_since",
                table: "batch_items",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "waste_records",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    batch_item_id = table.Column<long>(type: "bigint", nullable: false),
                    station = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    item_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    modifiers = table.Column<string[]>(type: "text[]", nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    discarded_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    discarded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_waste_records", x => x.id);
                    table.CheckConstraint("ck_waste_records_quantity_positive", "quantity > 0");
                    table.ForeignKey(
                        name: "fk_waste_records_batch_items_batch_item_id",
                        column: x => x.batch_item_id,
                        principalTable: "batch_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_orders_source_id",
                table: "orders",
                column: "source_id");

            migrationBuilder.CreateIndex(
                name: "ix_batch_items_surplus_by_station",
                table: "batch_items",
                column: "station",
                filter: "surplus_quantity > 0");

            migrationBuilder.AddCheckConstraint(
                name: "ck_batch_items_surplus_covers_open",
                table: "batch_items",
                sql: "surplus_quantity >= 0 AND (surplus_quantity = 0 OR open_quantity = 0)");

            migrationBuilder.CreateIndex(
                name: "ix_waste_records_batch_item_id",
                table: "waste_records",
                column: "batch_item_id");

            migrationBuilder.CreateIndex(
                name: "ix_waste_records_discarded_at",
                table: "waste_records",
                column: "discarded_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "waste_records");

            migrationBuilder.DropIndex(
                name: "ix_orders_source_id",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "ix_batch_items_surplus_by_station",
                table: "batch_items");

            migrationBuilder.DropCheckConstraint(
                name: "ck_batch_items_surplus_covers_open",
                table: "batch_items");

            migrationBuilder.DropColumn(
                name: "cancel_reason",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "cancelled_at",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "revision",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "surplus_quantity",
                table: "batch_items");

            migrationBuilder.DropColumn(
                name: "surplus_since",
                table: "batch_items");
        }
    }
}
