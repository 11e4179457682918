using System.Globalization;

namespace Orbital.Benchmarks;

/// <summary>docs/benchmarks.md: every benchmark of one run, and the targets they are held to.</summary>
internal static class BenchmarkReport
{
    public static string Format(string machine, string payload, string pipeline, BenchmarkSection backlog, BenchmarkSection intake, BenchmarkSection screens)
    {
        var backlogRate = backlog["ordersPerSecond"];
        var one = intake["one"] / intake["pgbenchOne"];
        var single = intake["single"] / intake["pgbench"];
        var batched = intake["batched"] / intake["pgbench"];
        var p99 = screens["p99"];
        var memory = Math.Max(backlog["orderServiceMb"], backlog["kitchenMb"]);
        return string.Create(CultureInfo.InvariantCulture, $"""
            # Benchmarks

            Measured with `bench/Orbital.Benchmarks`, a console program. This page is its report of one run:

            ```bash
            dotnet run -c Release --project bench/Orbital.Benchmarks -- --report docs/benchmarks.md   # everything (~15 min)
            dotnet run -c Release --project bench/Orbital.Benchmarks -- payload                       # one part: payload, pipeline,
            dotnet run -c Release --project bench/Orbital.Benchmarks -- backlog --orders 10000        #   backlog, intake or screens
            ```

            Each part but the payload starts the real app through the AppHost, exactly as the integration tests do (it
            reuses their fixture): PostgreSQL from the local binaries, MongoDB as the tests choose it (`ORBITAL_TEST_MONGODB`,
            else a `mongod` on PATH, else the MongoDB wire double), both services as Release builds, each in its own process.
            The screens part runs the wire double in a process of its own too. Everything, the load generator (this
            benchmark's process) included, shares this machine's two cores; the screens part says how they were shared.

            {machine}
            ## Targets

            | what | before | target | this run |
            |---|---|---|---|
            | `SubmitOrder`, 1 caller, ÷ pgbench with 1 client (same server, same run) | 0.04 | ≥ 0.5 | **{one:0.00}** ({intake["one"]:N0} orders/s) {Mark(one >= 0.5)} |
            | `SubmitOrder`, 32 callers, ÷ pgbench with 32 clients | 0.09 | ≥ 0.5 | **{single:0.00}** ({intake["single"]:N0} orders/s) {Mark(single >= 0.5)} |
            | `SubmitOrders` (20 a call), 32 callers, ÷ pgbench with 32 clients; p99 per call | 0.40; 4.0 s | ≥ 0.8; < 500 ms | **{batched:0.00}**; **{intake["batchedP99"]:N0} ms** {Mark(batched >= 0.8 && intake["batchedP99"] < 500)} |
            | insert → `order.received` on a screen, p50 at 10 orders/s (one screen per station) | 15 ms | ≤ 5 ms | **{screens["slowP50"]:N1} ms** {Mark(screens["slowP50"] <= 5)}: PostgreSQL's intake function alone took p50 {intake["functionPacedP50"]:N1} ms a call at 10 calls/s in this run, and MongoDB acknowledged an insert after p50 {screens["slowAckP50"]:N1} ms |
            | insert → `order.received`, p99 at 200 orders/s with 500 screens | 229 ms | < 100 ms | **{p99:N0} ms** {Mark(p99 < 100)} |
            | the first order after a start, on every screen | ~500 ms | < 100 ms | **{screens["firstMax"]:N0} ms** {Mark(screens["firstMax"] < 100)} |
            | kitchen working set with 500 screens | not measured | < 300 MB | **{screens["workingSet"]:N0} MB** {Mark(screens["workingSet"] < 300)} |
            | backlog catch-up: 10,000 orders already in MongoDB, the whole path | ~100 orders/s | ≥ 1,000 orders/s | **{backlogRate:N0} orders/s** {Mark(backlogRate >= 1000)} |
            | working set of each service during the backlog run | not measured | < 300 MB | order service {backlog["orderServiceMb"]:N0} MB, kitchen {backlog["kitchenMb"]:N0} MB {Mark(memory < 300)} |

            How intake works now, and what bounds each figure:
            - **One round trip per new order.** A new order is one call of the PL/pgSQL function `orbital_receive_orders`
              (its own transaction): it locks the batch items, inserts the order and its lines, moves each batch item's
              schedule and brands served by what the order adds (no aggregate over the open lines), and writes
              `order.received` and `batch.updated` (the batch item rendered in SQL exactly as `BatchItemView` renders it; a
              test holds the two together). Changes, cancellations, repeats and orders that meet surplus take the full path
              after it. The function's statements use generic plans: with custom plans, re-planned at every call, it took
              1.9 ms a call in PostgreSQL alone, 1.2 ms without. The row "pgbench calling the kitchen's intake function"
              below is PostgreSQL's share of one `SubmitOrder`; the rest is the gRPC call (about 1 ms for a call the kitchen
              refuses at once) and the service.
            - **Group commit.** Event ids become visible in commit order because every event-writing commit holds one
              advisory lock, so such commits cannot share a WAL flush. New orders of calls that arrive while a transaction
              is under way therefore go together in the next one (`Kitchen:Intake:NewOrderWriters`, 2): 32 callers cost a
              few commits at a time instead of 32, which is why the kitchen passes pgbench (whose 32 clients each commit)
              at 32 callers and with batches. A single caller waits for nothing: it writes its own transaction.
            - **The first order.** Before they say they are ready, the kitchen rehearses an order (rolled back) on each of
              the connections it keeps open when quiet (`Kitchen:Limits:WarmDatabaseConnections`, 4: PostgreSQL prepares
              the intake function once per session, and the pool hands out its idle connections in turn) and once through its
              intake and the grouping of new orders, and formats made-up events for screens. Before its first stream opens,
              the order service reads a made-up insert event with the driver's change serializer, prepares and traces it,
              and sends it through a relay pipeline of its own to `RehearseOrders`, which the kitchen takes through the same
              validation and intake as `SubmitOrders` and rolls back. The first order then does not pay for compiling
              either service's path; what is left is spread over every hop: the first change event, the first real call
              and commit, and the first real dispatch.
            - **Screens.** A dispatch hands every screen one burst, formatted once per station, read from the table in one
              round trip. Dispatches are coalesced: the first commit after a quiet while goes out at once, then at most one
              every `Kitchen:Events:DispatchInterval` (20 ms), or further apart when the screens connected would cost more
              than `Kitchen:Events:ScreenWritesPerSecond` (10,000) writes a second: 50 ms with 500 screens, so at 200 orders/s
              the kitchen makes 10,000 writes a second for them rather than 25,000. At that rate with 500 screens the machine
              is still mostly busy (the table under the screens part says by whom); much of the latency is time spent
              waiting for a core.
            - **Memory.** The kitchen runs the workstation garbage collector: its work is waiting on PostgreSQL and
              writing to screens, and the server collector's larger allocation budgets cost resident memory and pauses for
              no throughput here. Measured on 2026-12-07 with 500 screens at 200 orders/s: peak working set 326 → 281 MB,
              p99 265 → 194 ms; intake at 1 and 32 callers and the backlog catch-up the same within their run-to-run spread.

            {payload}
            {pipeline}
            {backlog.Markdown}

            {intake.Markdown}

            {screens.Markdown}
            """);
    }

    private static string Mark(bool met) => met ? "(met)" : "(not met)";
}
