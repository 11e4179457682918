using Orbital.KitchenBatch.Model;
namespace Orbital.KitchenBatch.Surplus;

/// <summary>
/// Food that is cooked and assigned to no order, for one batch item: it goes to the next matching order before
/// anything new is cooked, or is discarded as waste.
/// </summary>
/// <param name="Id">The batch item's id; also the surplus's id in <c>/api/surplus/{id}</c>.</param>
/// <param name="Station">Where it waits.</param>
/// <param name="ItemName">What it is.</param>
/// <param name="Modifiers">Its modifiers, normalised.</param>
/// <param name="Quantity">How many.</param>
/// <param name="Since">When the surplus now held first appeared; null when there is none.</param>
public sealed record SurplusView(long Id, string Station, string ItemName, IReadOnlyList<string> Modifiers, int Quantity, DateTimeOffset? Since)
{
    public static SurplusView From(BatchItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(item.Id, item.Station, item.ItemName, item.Modifiers, item.SurplusQuantity, item.SurplusSince);
    }
}
