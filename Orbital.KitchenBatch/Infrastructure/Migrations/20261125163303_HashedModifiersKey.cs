using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Orbital.KitchenBatch.Infrastructure.Migrations
{
    /// <summary>
    /// Batch keys become fixed-size (a SHA-256 of the joined, upper-cased modifiers) so that the unique index on
    /// (station, item, key) stays under PostgreSQL's index row limit whatever modifiers an order carries.
    /// </summary>
    public partial class HashedModifiersKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The same value BatchKey computes: the old key was the joined text, the new one is its hash.
            migrationBuilder.Sql("""
                UPDATE batch_items
                SET modifiers_key = encode(sha256(convert_to(modifiers_key, 'UTF8')), 'hex')
                WHERE modifiers_key <> '';
                """);

            migrationBuilder.AlterColumn<string>(
                name: "modifiers_key",
                table: "batch_items",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(4020)",
                oldMaxLength: 4020);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "modifiers_key",
                table: "batch_items",
                type: "character varying(4020)",
                maxLength: 4020,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64);

            // Back to the joined text, rebuilt from the normalised modifiers each batch item keeps.
            migrationBuilder.Sql("""
                UPDATE batch_items
                SET modifiers_key = array_to_string(ARRAY(SELECT upper(m) FROM unnest(modifiers) AS m ORDER BY upper(m)), E'\x1F')
                WHERE modifiers_key <> '';
                """);
        }
    }
}
