using Orbital.KitchenBatch.Model;
namespace Orbital.KitchenBatch.Batches;

/// <summary>A batch item as a screen shows it; also the payload of <c>batch.updated</c>.</summary>
/// <param name="Id">The batch item's id.</param>
/// <param name="Station">The station that cooks it.</param>
/// <param name="ItemName">What is cooked.</param>
/// <param name="Modifiers">Its modifiers, normalised.</param>
/// <param name="OpenQuantity">Ordered and not yet cooked.</param>
/// <param name="InProgressQuantity">Of the open ones, started by a cook.</param>
/// <param name="WaitingQuantity">Of the open ones, not started yet.</param>
/// <param name="SurplusQuantity">Cooked and assigned to no order (while there is any, nothing is open).</param>
/// <param name="OldestOpenPlacedAt">When the oldest order waiting for it was placed; null when nothing is open.</param>
/// <param name="UpdatedAt">When its quantities last changed.</param>
public sealed record BatchItemView(
    long Id,
    string Station,
    string ItemName,
    IReadOnlyList<string> Modifiers,
    int OpenQuantity,
    int InProgressQuantity,
    int WaitingQuantity,
    int SurplusQuantity,
    DateTimeOffset? OldestOpenPlacedAt,
    DateTimeOffset UpdatedAt)
{
    public static BatchItemView From(BatchItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(item.Id, item.Station, item.ItemName, item.Modifiers, item.OpenQuantity, item.InProgressQuantity, item.WaitingQuantity, item.SurplusQuantity, item.OldestOpenPlacedAt, item.UpdatedAt);
    }
}
