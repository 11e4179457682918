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
    private readonly ConcurrentDictionary<string, DateTime> _stored = new();
    private readonly ConcurrentQueue<OrderRequest> _calls = new();
    private readonly ConcurrentQueue<OrderCancellation> _cancellations = new();
    private int _stateCalls;

    /// <summary>Decides the answer to each call; null answers normally. Throw an <see cref="RpcException"/> to fail it.</summary>
    public Func<OrderRequest, Task>? Before { get; set; }

    public IReadOnlyList<OrderRequest> Calls => [.. _calls];

    /// <summary>Every <c>CancelOrder</c> call, in the order they came.</summary>
    public IReadOnlyList<OrderCancellation> Cancellations => [.. _cancellations];

    /// <summary>Order ids in the order they were first stored.</summary>
    public IReadOnlyList<string> Stored => [.. _stored.OrderBy(s => s.Value).Select(s => s.Key)];

    public int CallsFor(string orderId) => _calls.Count(c => c.OrderId == orderId);

    /// <summary>When <paramref name="orderId"/> was first acknowledged.</summary>
    public DateTime StoredAt(string orderId) => _stored[orderId];

    public override AsyncUnaryCall<OrderAck> SubmitOrderAsync(OrderRequest request, CallOptions options)
    {
        _calls.Enqueue(request.Clone());
        var response = AnswerAsync(request, options.CancellationToken);
        return new AsyncUnaryCall<OrderAck>(response, Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    public override AsyncUnaryCall<OrderAck> CancelOrderAsync(OrderCancellation request, CallOptions options)
    {
        _cancellations.Enqueue(request.Clone());
        var ack = new OrderAck { OrderId = request.OrderId, AcceptedAt = Timestamp.FromDateTime(DateTime.UtcNow) };
        return new AsyncUnaryCall<OrderAck>(Task.FromResult(ack), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
    }

    /// <summary>What <c>GetActiveOrders</c> answers: the order ids the kitchen says it is working on (none by default).</summary>
    public IReadOnlyList<string> ActiveOrders { get; set; } = [];

    public override AsyncUnaryCall<ActiveOrders> GetActiveOrdersAsync(ActiveOrdersRequest request, CallOptions options)
    {
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

        var state = new IntakeState { OrderCount = _stored.Count };
        if (!_stored.IsEmpty)
        {
            var latest = _stored.MaxBy(s => s.Value);
            state.LatestOrderId = latest.Key;
            state.LatestReceivedAt = Timestamp.FromDateTime(latest.Value);
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

        var now = DateTime.UtcNow;
        var first = _stored.GetOrAdd(request.OrderId, now);
        return new OrderAck { OrderId = request.OrderId, Duplicate = first != now, AcceptedAt = Timestamp.FromDateTime(first) };
    }
}
