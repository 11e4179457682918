using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// Inserts new orders and their lines in two statements whatever their number, inside the caller's transaction:
/// the part of intake that grows with a batch, kept off EF Core's change tracker, which would build a command per
/// row. The orders get their ids; a second delivery of an order is refused by the unique index as before.
/// </summary>
public sealed class NewOrderWriter(KitchenDbContext db)
{
    public async Task InsertAsync(IReadOnlyList<KitchenOrder> orders, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(orders);
        if (orders.Count == 0)
        {
            return;
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("New orders are inserted inside the intake's transaction.");

        await InsertOrdersAsync(orders, connection, transaction, cancellationToken);

        var lines = orders.SelectMany(o => o.Lines.Select(l => (Order: o, Line: l))).ToList();
        foreach (var (order, line) in lines)
        {
            line.KitchenOrderId = order.Id;
        }

        if (lines.Count == 0)
        {
            return;
        }

        await InsertLinesAsync(lines, connection, transaction, cancellationToken);
    }

    /// <summary>
    /// Inserts the orders in one statement and gives each its id, in order of their order ids, as new orders are
    /// inserted everywhere: two writes with the same new orders then never wait on each other in a circle.
    /// </summary>
    private static async Task InsertOrdersAsync(IReadOnlyList<KitchenOrder> orders, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var insertOrders = new NpgsqlCommand(
            """
            INSERT INTO orders (order_id, brand, placed_at, received_at, source_id, status, ready_at, revision, cancelled_at, cancel_reason, due_at, closed_at, close_reason, closed_open_quantity)
            SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::timestamptz[], $4::timestamptz[], $5::varchar[], $6::varchar[], $7::timestamptz[], $8::numeric[], $9::timestamptz[], $10::varchar[],
                                 $11::timestamptz[], $12::timestamptz[], $13::varchar[], $14::int[])
                AS o(order_id, brand, placed_at, received_at, source_id, status, ready_at, revision, cancelled_at, cancel_reason, due_at, closed_at, close_reason, closed_open_quantity)
            ORDER BY o.order_id COLLATE "C"
            RETURNING id, order_id
            """,
            connection,
            transaction);
        insertOrders.Parameters.Add(Array(orders.Select(o => o.OrderId)));
        insertOrders.Parameters.Add(Array(orders.Select(o => o.Brand)));
        insertOrders.Parameters.Add(Array(orders.Select(o => o.PlacedAt)));
        insertOrders.Parameters.Add(Array(orders.Select(o => o.ReceivedAt)));
        insertOrders.Parameters.Add(Array(orders.Select(o => o.SourceId)));
        insertOrders.Parameters.Add(Array(orders.Select(o => o.Status.ToString())));
        insertOrders.Parameters.Add(Array(orders.Select(o => o.ReadyAt)));
        insertOrders.Parameters.Add(Array(orders.Select(o => (decimal)o.Revision)));
        insertOrders.Parameters.Add(Array(orders.Select(o => o.CancelledAt)));
        insertOrders.Parameters.Add(Array(orders.Select(o => o.CancelReason)));
        insertOrders.Parameters.Add(Array(orders.Select(o => o.DueAt)));
        insertOrders.Parameters.Add(Array(orders.Select(o => o.ClosedAt)));
        insertOrders.Parameters.Add(Array(orders.Select(o => o.CloseReason)));
        insertOrders.Parameters.Add(Array(orders.Select(o => o.ClosedOpenQuantity)));

        var byOrderId = orders.ToDictionary(o => o.OrderId, StringComparer.Ordinal);
        await using var reader = await insertOrders.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            byOrderId[reader.GetString(1)].Id = reader.GetInt64(0);
        }
    }

    /// <summary>Inserts the orders' lines in one statement.</summary>
    private static async Task InsertLinesAsync(List<(KitchenOrder Order, OrderLine Line)> lines, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {

        await using var insertLines = new NpgsqlCommand(
            """
            INSERT INTO order_lines (kitchen_order_id, line_id, station, item_name, modifiers, note, quantity, completed_quantity, placed_at, batch_item_id,
                                     menu_station, production_item, multiplier, menu_quantity, due_at)
            SELECT l.kitchen_order_id, l.line_id, l.station, l.item_name, ARRAY(SELECT jsonb_array_elements_text(l.modifiers)), l.note,
                   l.quantity, l.completed_quantity, l.placed_at, l.batch_item_id, l.menu_station, l.production_item, l.multiplier, l.menu_quantity, l.due_at
            FROM unnest($1::bigint[], $2::varchar[], $3::varchar[], $4::varchar[], $5::jsonb[], $6::varchar[], $7::int[], $8::int[], $9::timestamptz[], $10::bigint[],
                        $11::varchar[], $12::varchar[], $13::int[], $14::int[], $15::timestamptz[])
                AS l(kitchen_order_id, line_id, station, item_name, modifiers, note, quantity, completed_quantity, placed_at, batch_item_id,
                     menu_station, production_item, multiplier, menu_quantity, due_at)
            """,
            connection,
            transaction);
        insertLines.Parameters.Add(Array(lines.Select(l => l.Line.KitchenOrderId)));
        insertLines.Parameters.Add(Array(lines.Select(l => l.Line.LineId)));
        insertLines.Parameters.Add(Array(lines.Select(l => l.Line.Station)));
        insertLines.Parameters.Add(Array(lines.Select(l => l.Line.ItemName)));
        insertLines.Parameters.Add(new NpgsqlParameter { Value = lines.Select(l => JsonSerializer.Serialize(l.Line.Modifiers)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
        insertLines.Parameters.Add(Array(lines.Select(l => l.Line.Note)));
        insertLines.Parameters.Add(Array(lines.Select(l => l.Line.Quantity)));
        insertLines.Parameters.Add(Array(lines.Select(l => l.Line.CompletedQuantity)));
        insertLines.Parameters.Add(Array(lines.Select(l => l.Line.PlacedAt)));
        insertLines.Parameters.Add(Array(lines.Select(l => l.Line.BatchItemId)));
        insertLines.Parameters.Add(Array(lines.Select(l => l.Line.MenuStation)));
        insertLines.Parameters.Add(Array(lines.Select(l => l.Line.ProductionItem)));
        insertLines.Parameters.Add(Array(lines.Select(l => l.Line.Multiplier)));
        insertLines.Parameters.Add(Array(lines.Select(l => l.Line.MenuQuantity)));
        insertLines.Parameters.Add(Array(lines.Select(l => l.Line.DueAt)));
        await insertLines.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlParameter Array<T>(IEnumerable<T> values) => new() { Value = values.ToArray() };
}
