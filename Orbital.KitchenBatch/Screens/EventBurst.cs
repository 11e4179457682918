using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Screens;

/// <summary>
/// The events of one dispatch that one station's screens show, formatted once into the bytes that every such screen
/// writes in one piece: hundreds of screens cost the kitchen one write each per dispatch, whatever the events.
/// </summary>
public sealed class EventBurst
{
    private EventBurst(List<KitchenEvent> events, byte[] frames)
    {
        Events = events;
        Frames = frames;
    }

    /// <summary>The events, in id order.</summary>
    public IReadOnlyList<KitchenEvent> Events { get; }

    /// <summary>Their server-sent event frames, one after the other.</summary>
    public ReadOnlyMemory<byte> Frames { get; }

    public long FirstId => Events[0].Id;

    public long LastId => Events[^1].Id;

    /// <summary>What a screen for <paramref name="station"/> shows of <paramref name="events"/>; null when nothing.</summary>
    /// <param name="events">A dispatch's events, in id order.</param>
    /// <param name="station">The screen's station; null for a screen that shows every event.</param>
    public static EventBurst? Of(IReadOnlyList<KitchenEvent> events, string? station)
    {
        ArgumentNullException.ThrowIfNull(events);
        var shown = events.Where(e => Shows(station, e)).ToList();
        if (shown.Count == 0)
        {
            return null;
        }

        var frames = shown.Select(EventFrames.For).ToList();
        var bytes = new byte[frames.Sum(f => f.Length)];
        var written = 0;
        foreach (var frame in frames)
        {
            frame.Span.CopyTo(bytes.AsSpan(written));
            written += frame.Length;
        }

        return new EventBurst(shown, bytes);
    }

    /// <summary>Whether a screen for <paramref name="station"/> shows the event: its station's, and the whole kitchen's.</summary>
    public static bool Shows(string? station, KitchenEvent kitchenEvent)
    {
        ArgumentNullException.ThrowIfNull(kitchenEvent);
        return station is null || kitchenEvent.Station is null || kitchenEvent.Station == station;
    }
}
