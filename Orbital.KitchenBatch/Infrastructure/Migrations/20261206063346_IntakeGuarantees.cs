using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orbital.KitchenBatch.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class IntakeGuarantees : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "surplus_lots",
                table: "batch_items",
                type: "jsonb",
                nullable: false,
                defaultValueSql: "'[]'::jsonb");

            migrationBuilder.CreateTable(
                name: "idempotency_keys",
                columns: table => new
                {
                    subject = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    key = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    status_code = table.Column<int>(type: "integer", nullable: false),
                    location = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    response = table.Column<byte[]>(type: "bytea", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotency_keys", x => new { x.subject, x.key });
                });

            migrationBuilder.CreateIndex(
                name: "ix_idempotency_keys_created_at",
                table: "idempotency_keys",
                column: "created_at");

            // The highest event id pruned so far; one row. Before this migration nothing recorded it: the events below
            // the oldest one kept are taken as pruned.
            migrationBuilder.Sql("""
                CREATE TABLE kitchen_event_horizon (
                    id integer PRIMARY KEY CHECK (id = 1),
                    pruned_through bigint NOT NULL);
                INSERT INTO kitchen_event_horizon (id, pruned_through)
                SELECT 1, coalesce((SELECT min(id) - 1 FROM kitchen_events), 0);
                """);

            // Source ids became exact: a string _id is quoted, so that "42" and 42 are two documents. Ids stored before
            // are brought to today's form by LegacySourceIds' rule: what already is in today's form (an ObjectId's hex,
            // a number, a quoted string, extended JSON, a hashed id; a newer order service may have written it during
            // a rolling upgrade) or was cut short stays, anything else was a string and is quoted.
            migrationBuilder.Sql("""
                UPDATE orders
                SET source_id = '"' || replace(replace(source_id, '\', '\\'), '"', '\"') || '"'
                WHERE source_id IS NOT NULL AND source_id <> ''
                  AND source_id !~ '^([0-9a-f]{24}|-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|NaN|-?Infinity|".*"|[\[{].*|NumberDecimal\(.*\)|.*…#[0-9a-f]{32})$'
                  AND source_id !~ '…$'
                  AND length(source_id) + 2 + length(source_id) - length(replace(replace(source_id, '\', ''), '"', '')) <= 128;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "idempotency_keys");

            migrationBuilder.Sql("DROP TABLE kitchen_event_horizon;");

            migrationBuilder.DropColumn(
                name: "surplus_lots",
                table: "batch_items");
        }
    }
}
