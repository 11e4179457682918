using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Screens.Payloads;

namespace Orbital.KitchenBatch.Screens;

/// <summary>
/// Server-sent events as the bytes that go on the wire. A kitchen event is formatted once, however many screens it
/// goes to: the dispatcher hands the same event to every screen, and its frame is kept beside it while it lives.
/// </summary>
public static class EventFrames
{
    private static readonly ConditionalWeakTable<KitchenEvent, byte[]> s_frames = [];

    /// <summary><c>event:</c>, <c>data:</c> and <c>id:</c> of a stored event.</summary>
    public static ReadOnlyMemory<byte> For(KitchenEvent kitchenEvent)
    {
        ArgumentNullException.ThrowIfNull(kitchenEvent);
        return s_frames.GetValue(kitchenEvent, e => Format(e.Type, e.Payload, e.Id.ToString(CultureInfo.InvariantCulture), reconnect: null));
    }

    /// <summary>A heartbeat (no id): the stream is alive; the first one carries the reconnection delay.</summary>
    public static ReadOnlyMemory<byte> Heartbeat(DateTimeOffset at, TimeSpan? reconnect)
        => Format(KitchenEventTypes.Heartbeat, JsonSerializer.Serialize(new HeartbeatPayload(at), KitchenJson.Options), id: null, reconnect);

    /// <summary>A reset, carrying the newest id as its own, so a browser's next reconnect resumes from there.</summary>
    public static ReadOnlyMemory<byte> Reset(long lastEventId, string reason)
        => Format(
            KitchenEventTypes.Reset,
            JsonSerializer.Serialize(new ResetPayload(lastEventId, reason), KitchenJson.Options),
            lastEventId.ToString(CultureInfo.InvariantCulture),
            reconnect: null);

    private static byte[] Format(string type, string data, string? id, TimeSpan? reconnect)
    {
        var frame = new StringBuilder(data.Length + 64);
        frame.Append("event: ").Append(type).Append('\n');
        foreach (var line in data.Split('\n'))
        {
            frame.Append("data: ").Append(line).Append('\n');
        }

        if (id is not null)
        {
            frame.Append("id: ").Append(id).Append('\n');
        }

        if (reconnect is { } delay)
        {
            frame.Append("retry: ").Append(((long)delay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return Encoding.UTF8.GetBytes(frame.Append('\n').ToString());
    }
}
