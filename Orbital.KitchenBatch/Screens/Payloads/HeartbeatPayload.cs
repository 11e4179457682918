namespace Orbital.KitchenBatch.Screens.Payloads;

/// <summary>
/// The payload of <c>heartbeat</c>: the stream is alive. Sent first on every stream (with the reconnection hint),
/// while the kitchen is starting, and whenever nothing else was sent for the heartbeat interval.
/// </summary>
public sealed record HeartbeatPayload(DateTimeOffset At);
