using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Orbital.Contracts.Orders;

namespace Orbital.Tests.OrderManagement;

/// <summary>
/// A kitchen that answers <c>SubmitOrder</c> the way a test scripts it (by default: store once, acknowledge,
/// say duplicate on a repeat), and remembers every call it got.
/// </summary>
internal sealed class FakeKitchen : OrderIntake.OrderIntakeClient
{
    private readonly ConcurrentDictionary<string, (DateTime At, long Sequence)> _stored = new();
    private long _sequence;
    private readonly ConcurrentQueue<OrderRequest> _calls = new();
    private readonly ConcurrentQueue<OrderCancellation> _cancellations = new();
    private int _stateCalls;
    private int _batchCalls;
    private int _largestBatch;
    private readonly ConcurrentQueue<(System.Diagnostics.ActivityTraceId Trace, string[] OrderIds)> _batchTraces = new();

    /// <summary>Decides the answer to each call; null answers normally. Throw an <see cref="RpcException"/> to fail it.</summary>
    public Func<OrderRequest, Task>? Before { get; set; }

    public IReadOnlyList<OrderRequest> Calls => [.. _calls];

    /// <summary>Every <c>RehearseOrders</c> call, in the order they came.</summary>
    public IReadOnlyList<OrderBatch> Rehearsals => [.. _rehearsals];

    private readonly ConcurrentQueue<OrderBatch> _rehearsals = new();

    /// <summary>How <c>RehearseOrders</c> fails; null answers it as a kitchen does, with nothing stored.</summary>
    public StatusCode? RehearsalFails { get; set; }

    /// <summary>Every <c>CancelOrder</c> call, in the order they came.</summary>
    public IReadOnlyList<OrderCancellation> Cancellations => [.. _cancellations];

    /// <summary>Order ids in the order they were first stored.</summary>
    public IReadOnlyList<string> Stored => [.. _stored.OrderBy(s => s.Value.Sequence).Select(s => s.Key)];

    public int CallsFor(string orderId) => _calls.Count(c => c.OrderId == orderId);

    /// <summary>When <paramref name="orderId"/> was first acknowledged.</summary>
    public DateTime StoredAt(string orderId) => _stored[orderId].At;

    public override AsyncUnaryCall<OrderAck> SubmitOrderAsync(OrderRequest request, CallOptions options)
    {
        _calls.Enqueue(request.Clone());
        var response = AnswerAsync(request, options.CancellationToken);
        return new AsyncUnaryCall<OrderAck>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    /// <summary>How long each call takes before it is answered, like a kitchen's transaction; none by default.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>How many <c>SubmitOrders</c> calls came, and the largest one.</summary>
    public (int Calls, int LargestBatch) Batches => (_batchCalls, _largestBatch);

    /// <summary>The trace each batch call was made in (the trace a real call's headers carry), with its orders.</summary>
    public IReadOnlyList<(System.Diagnostics.ActivityTraceId Trace, string[] OrderIds)> BatchTraces => [.. _batchTraces];

    /// <summary>
    /// Answers a batch as the kitchen would: every order in it goes through <see cref="Before"/> first, and a failure
    /// there fails the whole call with nothing stored (one transaction); otherwise each item is answered on its own.
    /// </summary>
    public override AsyncUnaryCall<OrderBatchResult> SubmitOrdersAsync(OrderBatch request, CallOptions options)
    {
        Interlocked.Increment(ref _batchCalls);
        if (System.Diagnostics.Activity.Current is { } current)
        {
            _batchTraces.Enqueue((current.TraceId, [.. request.Items.Select(i => i.Order?.OrderId ?? i.Cancellation.OrderId)]));
        }

        lock (_cancellations)
        {
            _largestBatch = Math.Max(_largestBatch, request.Items.Count);
        }

        var response = AnswerBatchAsync(request, options.CancellationToken);
        return new AsyncUnaryCall<OrderBatchResult>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    /// <summary>A rehearsal: acknowledged order by order as new, nothing stored, no script run.</summary>
    public override AsyncUnaryCall<OrderBatchResult> RehearseOrdersAsync(OrderBatch request, CallOptions options)
    {
        _rehearsals.Enqueue(request.Clone());
        var response = RehearsalFails is { } code
            ? Task.FromException<OrderBatchResult>(new RpcException(new Status(code, "the scripted kitchen fails rehearsals")))
            : Task.FromResult(Rehearsed(request));
        return new AsyncUnaryCall<OrderBatchResult>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    private static OrderBatchResult Rehearsed(OrderBatch request)
    {
        var result = new OrderBatchResult();
        result.Results.AddRange(request.Items.Select(i => new OrderBatchItemResult { Ack = new OrderAck { OrderId = i.Order.OrderId, AcceptedAt = Timestamp.FromDateTime(DateTime.UtcNow) } }));
        return result;
    }

    private async Task<OrderBatchResult> AnswerBatchAsync(OrderBatch batch, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, cancellationToken);
        }

        var refused = new Dictionary<int, RpcException>();
        for (var i = 0; i < batch.Items.Count; i++)
        {
            if (batch.Items[i].ChangeCase != OrderBatchItem.ChangeOneofCase.Order)
            {
                continue;
            }

            if (string.IsNullOrEmpty(batch.Items[i].Order.OrderId))
            {
                // Refused before anything else, as the kitchen refuses it.
                refused[i] = new RpcException(new Status(StatusCode.InvalidArgument, "order_id is required"));
                continue;
            }

            _calls.Enqueue(batch.Items[i].Order.Clone());
            try
            {
                await (Before?.Invoke(batch.Items[i].Order) ?? Task.CompletedTask);
            }
            catch (RpcException invalid) when (invalid.StatusCode == StatusCode.InvalidArgument)
            {
                // The kitchen answers an invalid item on its own; the rest of the batch goes on.
                refused[i] = invalid;
            }
        }

        var result = new OrderBatchResult();
        for (var i = 0; i < batch.Items.Count; i++)
        {
            var item = batch.Items[i];
            if (refused.TryGetValue(i, out var invalid))
            {
                var answer = new OrderBatchItemResult();
                answer.Invalid.AddRange(Orbital.Contracts.Validation.OrderIntakeErrors.Reasons(invalid).Select(r => new FieldViolation { Field = r.Split(' ', 2)[0], Description = r.Split(' ', 2).ElementAtOrDefault(1) ?? string.Empty }));
                result.Results.Add(answer);
            }
            else if (item.ChangeCase == OrderBatchItem.ChangeOneofCase.Order)
            {
                result.Results.Add(new OrderBatchItemResult { Ack = Store(item.Order.OrderId) });
            }
            else
            {
                _cancellations.Enqueue(item.Cancellation.Clone());
                result.Results.Add(new OrderBatchItemResult { Ack = new OrderAck { OrderId = item.Cancellation.OrderId, AcceptedAt = Timestamp.FromDateTime(DateTime.UtcNow) } });
            }
        }

        return result;
    }

    public override AsyncUnaryCall<OrderAck> CancelOrderAsync(OrderCancellation request, CallOptions options)
    {
        _cancellations.Enqueue(request.Clone());
        var ack = new OrderAck { OrderId = request.OrderId, AcceptedAt = Timestamp.FromDateTime(DateTime.UtcNow) };
        return new AsyncUnaryCall<OrderAck>(Task.FromResult(ack), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    /// <summary>What <c>GetActiveOrders</c> answers: the order ids the kitchen says it is working on (none by default).</summary>
    public IReadOnlyList<string> ActiveOrders { get; set; } = [];

    /// <summary>The calls this kitchen does not have (an older version): each is answered <c>UNIMPLEMENTED</c>.</summary>
    public HashSet<string> Lacks { get; } = [];

    /// <summary>What <c>GetIntakeState</c> says of the newest revision the kitchen applied (0 by default).</summary>
    public ulong LatestRevision { get; set; }

    public override AsyncUnaryCall<ActiveOrders> GetActiveOrdersAsync(ActiveOrdersRequest request, CallOptions options)
    {
        if (Lacks.Contains("GetActiveOrders"))
        {
            return new AsyncUnaryCall<ActiveOrders>(Task.FromException<ActiveOrders>(Failure(StatusCode.Unimplemented, "Service is unimplemented.")), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        }

        var active = new ActiveOrders();
        active.Orders.AddRange(ActiveOrders.Select(id => new ActiveOrder { OrderId = id }));
        return new AsyncUnaryCall<ActiveOrders>(Task.FromResult(active), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    /// <summary>Decides the answer to each <c>GetIntakeState</c> call; null answers from what was stored.</summary>
    public Func<Task>? BeforeState { get; set; }

    public int StateCalls => _stateCalls;

    public override AsyncUnaryCall<IntakeState> GetIntakeStateAsync(IntakeStateRequest request, CallOptions options)
    {
        Interlocked.Increment(ref _stateCalls);
        return new AsyncUnaryCall<IntakeState>(StateAsync(options.CancellationToken), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public static RpcException Failure(StatusCode code, string detail = "scripted") => new(new Status(code, detail));

    private async Task<IntakeState> StateAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (BeforeState is { } before)
        {
            await before();
        }

        if (Lacks.Contains("GetIntakeState"))
        {
            throw Failure(StatusCode.Unimplemented, "Service is unimplemented.");
        }

        var state = new IntakeState { OrderCount = _stored.Count, LatestRevision = LatestRevision };
        if (!_stored.IsEmpty)
        {
            var latest = _stored.MaxBy(s => s.Value.Sequence);
            state.LatestOrderId = latest.Key;
            state.LatestReceivedAt = Timestamp.FromDateTime(latest.Value.At);
        }

        return state;
    }

    private async Task<OrderAck> AnswerAsync(OrderRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Before is { } before)
        {
            await before(request);
        }

        return Store(request.OrderId);
    }

    private OrderAck Store(string orderId)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        var first = _stored.GetOrAdd(orderId, _ => (DateTime.UtcNow, sequence));
        return new OrderAck { OrderId = orderId, Duplicate = first.Sequence != sequence, AcceptedAt = Timestamp.FromDateTime(first.At) };
    }
}
