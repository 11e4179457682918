namespace Orbital.KitchenBatch.Screens.Payloads;

/// <summary>
/// The payload of <c>reset</c>: what the screen has is not what the kitchen has (its database was restored or
/// recreated, so the screen's last event id is ahead of the newest one). Reload a snapshot, then follow the
/// stream from <paramref name="LastEventId"/>, which is also the reset event's own id.
/// </summary>
public sealed record ResetPayload(long LastEventId, string Reason);
