namespace Orbital.KitchenBatch.Screens.Payloads;

/// <summary>
/// One line of an order that a change touched: how many it ordered before and after (0 when the line was removed
/// or the order cancelled), and how many already-cooked items it gave up as surplus.
/// </summary>
public sealed record LineChangePayload(
    string LineId,
    string Station,
    string ItemName,
    IReadOnlyList<string> Modifiers,
    int From,
    int To,
    int ToSurplus);
