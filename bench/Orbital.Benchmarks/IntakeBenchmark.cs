using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Npgsql;
using Orbital.Contracts.Orders;
using Orbital.Testing;

namespace Orbital.Benchmarks;

/// <summary>
/// The kitchen's intake against what its PostgreSQL server can do at all: 32 callers submit orders to the kitchen
/// over gRPC (one order per call, then batches), and pgbench runs the equivalent transaction (an order row with a
/// unique key, two lines, a batch item upsert, an event) with 32 clients on the same server, in the same run.
/// Every order has two lines of one of 40 items, so both contend for the same batch item rows the same way.
/// </summary>
internal static class IntakeBenchmark
{
    private const int Callers = 32;
    private const int Items = 40;
    private const int BatchSize = 20;
    private const int LargeBatchSize = 100;
    private static readonly TimeSpan s_duration = TimeSpan.FromSeconds(20);

    private const string PgbenchSchema = """
        DROP SCHEMA IF EXISTS pgbench_orbital CASCADE;
        CREATE SCHEMA pgbench_orbital;
        CREATE TABLE pgbench_orbital.orders (id bigserial PRIMARY KEY, order_id varchar(128) NOT NULL UNIQUE, brand varchar(200) NOT NULL,
            placed_at timestamptz NOT NULL, received_at timestamptz NOT NULL, status varchar(16) NOT NULL);
        CREATE TABLE pgbench_orbital.order_lines (id bigserial PRIMARY KEY, kitchen_order_id bigint NOT NULL REFERENCES pgbench_orbital.orders (id),
            line_id varchar(128) NOT NULL, item_name varchar(200) NOT NULL, quantity int NOT NULL, UNIQUE (kitchen_order_id, line_id));
        CREATE TABLE pgbench_orbital.batch_items (id bigserial PRIMARY KEY, station varchar(200) NOT NULL, item_name varchar(200) NOT NULL,
            open_quantity int NOT NULL, UNIQUE (station, item_name));
        CREATE TABLE pgbench_orbital.events (id bigserial PRIMARY KEY, type varchar(32) NOT NULL, payload jsonb NOT NULL, occurred_at timestamptz NOT NULL);
        """;

    private const string PgbenchScript = """
        \set k random(1, 40)
        BEGIN;
        INSERT INTO pgbench_orbital.orders (order_id, brand, placed_at, received_at, status)
            VALUES (md5(random()::text || clock_timestamp()::text), 'Bench', now(), now(), 'Open') RETURNING id \gset
        INSERT INTO pgbench_orbital.order_lines (kitchen_order_id, line_id, item_name, quantity)
            VALUES (:id, 'a', 'Item ' || :k, 1), (:id, 'b', 'Item ' || :k, 1);
        INSERT INTO pgbench_orbital.batch_items (station, item_name, open_quantity) VALUES ('Intake Grill', 'Item ' || :k, 2)
            ON CONFLICT (station, item_name) DO UPDATE SET open_quantity = pgbench_orbital.batch_items.open_quantity + 2;
        INSERT INTO pgbench_orbital.events (type, payload, occurred_at) VALUES ('order.received', '{"items": 2}', now());
        COMMIT;
        """;

    // The kitchen's own intake function (what one SubmitOrder costs PostgreSQL), called by pgbench with the same order.
    private const string FunctionScript = """
        \set k random(1, 40)
        SELECT * FROM orbital_receive_orders(ARRAY[md5(random()::text || clock_timestamp()::text)], ARRAY['Bench'], ARRAY[now()],
            ARRAY[now() + interval '20 min'], ARRAY[date_trunc('minute', now() + interval '20 min')], ARRAY[NULL]::text[], ARRAY[1]::numeric[],
            ARRAY['{"orderId": "pgbench", "brand": "Bench", "items": 2}'], ARRAY['Intake Grill (pgbench)'], ARRAY['Item ' || :k], ARRAY['[]'], ARRAY[''], ARRAY[480],
            ARRAY[1, 1], ARRAY[1, 1], ARRAY['a', 'b'], ARRAY['Intake Grill (pgbench)', 'Intake Grill (pgbench)'], ARRAY['Item ' || :k, 'Item ' || :k],
            ARRAY['Intake Grill', 'Intake Grill'], ARRAY['Item ' || :k, 'Item ' || :k], ARRAY['[]', '[]'],
            ARRAY[NULL, NULL]::text[], ARRAY[1, 1], ARRAY[1, 1], now(), interval '2 min', interval '30 min', interval '30 min', ARRAY[NULL]::text[]);
        """;

    public static async Task<BenchmarkSection> RunAsync()
    {
        await using var app = new OrbitalAppFixture { ShortRetries = false, ResourceLogsOnConsole = false };
        await app.InitializeAsync();
        var connectionString = (await app.App.GetConnectionStringAsync("kitchen"))!;
        var kitchen = Kitchen(app.GetEndpoint("kitchen-batch", "grpc"), await app.ParameterValueAsync("kitchen-intake-key"));

        // The order service would compete for the kitchen; only the benchmark's callers submit.
        await app.StopResourceAsync("order-management");
        await SubmitForAsync(kitchen, TimeSpan.FromSeconds(5), Callers, batch: 1, "warm");

        var pgbenchOne = await PgbenchAsync(connectionString, clients: 1);
        var pgbench = await PgbenchAsync(connectionString, Callers);
        var functionOne = await PgbenchAsync(connectionString, clients: 1, FunctionScript);
        var functionPaced = await PgbenchLatencyAsync(connectionString, FunctionScript, PacedRate);
        var one = await SubmitForAsync(kitchen, s_duration, callers: 1, batch: 1, "one");
        var single = await SubmitForAsync(kitchen, s_duration, Callers, batch: 1, "single");
        var batched = await SubmitForAsync(kitchen, s_duration, Callers, batch: BatchSize, "batched");
        var large = await SubmitForAsync(kitchen, s_duration, Callers, batch: LargeBatchSize, "large");

        var markdown = string.Create(CultureInfo.InvariantCulture, $"""
            ## Kitchen intake against PostgreSQL itself

            Callers submit orders for {s_duration.TotalSeconds:0} s at a time on the kitchen's gRPC endpoint (Release build, started by the
            AppHost; the order service stopped) from this benchmark's process; pgbench runs the equivalent transaction on the
            same PostgreSQL server in the same run, with as many clients: an order row with a unique key, two lines, a batch
            item upsert and an event. Orders have two lines of one of {Items} items, in both. Latency is per call, as the
            caller sees it.

            | what | callers | orders/s | ÷ pgbench | p50 | p99 |
            |---|---:|---:|---:|---:|---:|
            | pgbench, the equivalent transaction | 1 | {pgbenchOne:N0} | 1.00 | | |
            | pgbench, the equivalent transaction | {Callers} | {pgbench:N0} | 1.00 | | |
            | pgbench calling the kitchen's intake function with the same order (PostgreSQL's part of `SubmitOrder`) | 1 | {functionOne:N0} | {functionOne / pgbenchOne:0.00} | | |
            | kitchen, `SubmitOrder` (one order per call) | 1 | {one.Rate:N0} | **{one.Rate / pgbenchOne:0.00}** | {one.P50:0.0} ms | {one.P99:0.0} ms |
            | kitchen, `SubmitOrder` (one order per call) | {Callers} | {single.Rate:N0} | **{single.Rate / pgbench:0.00}** | {single.P50:0.0} ms | {single.P99:0.0} ms |
            | kitchen, `SubmitOrders` ({BatchSize} orders per call) | {Callers} | {batched.Rate:N0} | **{batched.Rate / pgbench:0.00}** | {batched.P50:0.0} ms | **{batched.P99:0.0} ms** |
            | kitchen, `SubmitOrders` ({LargeBatchSize} orders per call) | {Callers} | {large.Rate:N0} | {large.Rate / pgbench:0.00} | {large.P50:0.0} ms | {large.P99:0.0} ms |

            At a low rate each call costs more than back to back, PostgreSQL's alone included (the cores' caches are cold by
            the next call): pgbench calling the intake function {PacedRate} times a second took p50 **{functionPaced.P50:0.0} ms**,
            p99 {functionPaced.P99:0.0} ms a call ({functionPaced.Count} calls), against {1000 / functionOne:0.0} ms back to back. That is PostgreSQL's share of
            an order's way to the screens at {PacedRate} orders/s (the screens part below), before MongoDB, the order service,
            the kitchen and the screens' own.
            """);
        return new BenchmarkSection(markdown, new Dictionary<string, double>
        {
            ["pgbenchOne"] = pgbenchOne,
            ["pgbench"] = pgbench,
            ["functionOne"] = functionOne,
            ["functionPacedP50"] = functionPaced.P50,
            ["one"] = one.Rate,
            ["single"] = single.Rate,
            ["batched"] = batched.Rate,
            ["batchedP99"] = batched.P99,
            ["large"] = large.Rate,
        });
    }

    private static OrderIntake.OrderIntakeClient Kitchen(Uri address, string intakeKey)
    {
        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("Authorization", $"Bearer {intakeKey}");
            return Task.CompletedTask;
        });
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, credentials),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        return new OrderIntake.OrderIntakeClient(channel);
    }

    /// <returns>Orders stored per second, and the calls' latency.</returns>
    private static async Task<(double Rate, double P50, double P99)> SubmitForAsync(OrderIntake.OrderIntakeClient kitchen, TimeSpan duration, int callers, int batch, string run)
    {
        var stored = 0L;
        var latencies = new List<double>[callers];
        var clock = Stopwatch.StartNew();
        var calling = Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var random = new Random(caller);
            var mine = latencies[caller] = [];
            for (var call = 0; clock.Elapsed < duration; call++)
            {
                var requests = Enumerable.Range(0, batch).Select(i => Order($"{run}-{caller}-{call}-{i}", random.Next(1, Items + 1))).ToList();
                var started = clock.Elapsed;
                if (batch == 1)
                {
                    await kitchen.SubmitOrderAsync(requests[0]);
                }
                else
                {
                    var orders = new OrderBatch();
                    orders.Items.AddRange(requests.Select(r => new OrderBatchItem { Order = r }));
                    await kitchen.SubmitOrdersAsync(orders);
                }

                mine.Add((clock.Elapsed - started).TotalMilliseconds);
                Interlocked.Add(ref stored, batch);
            }
        })).ToList();
        await Task.WhenAll(calling);
        var rate = stored / clock.Elapsed.TotalSeconds;
        var sorted = latencies.SelectMany(l => l).Order().ToList();
        return (rate, Percentile(sorted, 0.50), Percentile(sorted, 0.99));
    }

    private static double Percentile(List<double> sorted, double percentile)
        => sorted[(int)Math.Min(sorted.Count - 1, Math.Max(0, Math.Ceiling(percentile * sorted.Count) - 1))];

    private static OrderRequest Order(string orderId, int item)
    {
        var station = new StationOrder { Station = "Intake Grill" };
        station.Items.Add(new OrderItem { LineId = "a", Name = $"Item {item}", Quantity = 1 });
        station.Items.Add(new OrderItem { LineId = "b", Name = $"Item {item}", Quantity = 1 });
        var request = new OrderRequest { OrderId = orderId, Brand = "Bench", PlacedAt = Timestamp.FromDateTime(DateTime.UtcNow), Revision = 1 };
        request.Stations.Add(station);
        return request;
    }

    /// <returns>Transactions per second, as pgbench reports them.</returns>
    private const int PacedRate = 10;

    /// <summary>pgbench running <paramref name="script"/> at <paramref name="rate"/> transactions a second, one client: the latency of each.</summary>
    private static async Task<(double P50, double P99, int Count)> PgbenchLatencyAsync(string connectionString, string script, int rate)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var directory = Directory.CreateTempSubdirectory("orbital-pgbench-");
        var file = Path.Combine(directory.FullName, "script.sql");
        await File.WriteAllTextAsync(file, script);
        try
        {
            var start = new ProcessStartInfo("pgbench")
            {
                ArgumentList =
                {
                    "-n", "-c", "1", "-R", rate.ToString(CultureInfo.InvariantCulture), "-T", s_duration.TotalSeconds.ToString(CultureInfo.InvariantCulture),
                    "-f", file, "--log", "--log-prefix", Path.Combine(directory.FullName, "log"),
                    "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, builder.Database!,
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["PGPASSWORD"] = builder.Password;
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();

            // One line a transaction: client, transaction, its latency in microseconds, ...
            var latencies = Directory.GetFiles(directory.FullName, "log*")
                .SelectMany(File.ReadLines)
                .Select(l => l.Split(' '))
                .Where(f => f.Length > 2)
                .Select(f => double.Parse(f[2], CultureInfo.InvariantCulture) / 1000)
                .Order()
                .ToList();
            if (latencies.Count == 0)
            {
                throw new InvalidOperationException($"pgbench logged no transactions (exit {process.ExitCode}): {output} {errors}");
            }

            return (Percentile(latencies, 0.50), Percentile(latencies, 0.99), latencies.Count);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<double> PgbenchAsync(string connectionString, int clients, string script = PgbenchScript)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(PgbenchSchema, connection);
            await command.ExecuteNonQueryAsync();
        }

        var file = Path.Combine(Path.GetTempPath(), $"orbital-pgbench-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(file, script);
        try
        {
            var start = new ProcessStartInfo("pgbench")
            {
                ArgumentList =
                {
                    "-n", "-c", clients.ToString(CultureInfo.InvariantCulture), "-j", Math.Min(clients, 2).ToString(CultureInfo.InvariantCulture),
                    "-T", s_duration.TotalSeconds.ToString(CultureInfo.InvariantCulture), "-f", file,
                    "-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, builder.Database!,
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["PGPASSWORD"] = builder.Password;
            using var process = Process.Start(start)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            var errors = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("tps = ", StringComparison.Ordinal))
                ?? throw new InvalidOperationException($"pgbench said no tps (exit {process.ExitCode}): {output} {errors}");
            return double.Parse(line["tps = ".Length..].Split(' ')[0], CultureInfo.InvariantCulture);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
