using Npgsql;

namespace Orbital.Testing;

/// <summary>Reads the kitchen's PostgreSQL tables directly: what the kitchen committed, not what an API says.</summary>
public sealed class KitchenDatabase(string connectionString)
{
    /// <summary>How many rows each of <paramref name="orderIds"/> has in <c>orders</c> (ids without a row are absent).</summary>
    public async Task<Dictionary<string, int>> OrderRowCountsAsync(IReadOnlyCollection<string> orderIds)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT order_id, count(*) FROM orders WHERE order_id = ANY($1) GROUP BY order_id", connection)
        {
            Parameters = { new() { Value = orderIds.ToArray() } },
        };
        var counts = new Dictionary<string, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = (int)reader.GetInt64(1);
        }

        return counts;
    }

    /// <summary>When the kitchen stored each of <paramref name="orderIds"/> (its <c>received_at</c>, set in the intake transaction).</summary>
    public async Task<Dictionary<string, DateTime>> ReceivedAtAsync(IReadOnlyCollection<string> orderIds)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT order_id, received_at FROM orders WHERE order_id = ANY($1)", connection)
        {
            Parameters = { new() { Value = orderIds.ToArray() } },
        };
        var received = new Dictionary<string, DateTime>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            received[reader.GetString(0)] = reader.GetDateTime(1).ToUniversalTime();
        }

        return received;
    }

    /// <summary>The lines of an order as (station, item, quantity, modifiers), in line id order.</summary>
    public async Task<List<(string Station, string Item, int Quantity, string[] Modifiers)>> LinesOfAsync(string orderId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT l.station, l.item_name, l.quantity, l.modifiers FROM order_lines l JOIN orders o ON o.id = l.kitchen_order_id WHERE o.order_id = $1 ORDER BY l.line_id",
            connection)
        {
            Parameters = { new() { Value = orderId } },
        };
        var lines = new List<(string, string, int, string[])>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            lines.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<string[]>(3)));
        }

        return lines;
    }

    /// <summary>The kitchen events after <paramref name="afterId"/>, oldest first, as (type, JSON payload).</summary>
    public async Task<List<(string Type, string Payload)>> EventsAfterAsync(long afterId)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT type, payload FROM kitchen_events WHERE id > $1 ORDER BY id", connection)
        {
            Parameters = { new() { Value = afterId } },
        };
        var events = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            events.Add((reader.GetString(0), reader.GetString(1)));
        }

        return events;
    }

    /// <summary>The newest kitchen event's id; 0 when there is none.</summary>
    public Task<long> LastEventIdAsync() => ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM kitchen_events");

    /// <summary>Runs a scalar query, for the odd assertion that needs one.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = await OpenAsync();
#pragma warning disable CA2100 // Test-authored SQL with positional parameters.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs a statement (a test's trigger, say) and returns the rows it touched.</summary>
    public async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
#pragma warning disable CA2100 // Test-authored SQL.
        await using var command = new NpgsqlCommand(sql, connection);
#pragma warning restore CA2100
        return await command.ExecuteNonQueryAsync();
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        return connection;
    }
}
