using System.Globalization;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Surplus;

/// <summary>
/// Surplus that has waited longer than the holding time is waste: it is taken out of its batch item and recorded as
/// wasted by the kitchen itself, so no order is ever made ready with food that was binned. Intake does this before it
/// gives surplus out; <see cref="SurplusExpiryService"/> does it for surplus nobody asks for.
/// </summary>
public static class SurplusExpiry
{
    /// <summary>Who a waste record names when the kitchen expired the food itself.</summary>
    public const string ExpiredBy = "kitchen";

    /// <summary>The waste record's reason for expired surplus.</summary>
    public static string Reason(TimeSpan holdingTime)
        => string.Create(CultureInfo.InvariantCulture, $"expired: waited over {holdingTime.TotalMinutes:0.#} min");

    /// <summary>Expires what of <paramref name="item"/>'s surplus is too old, recording it as waste.</summary>
    /// <param name="db">The transaction's context; <paramref name="item"/> is locked in it.</param>
    /// <param name="item">The batch item.</param>
    /// <param name="holdingTime">How long food may wait.</param>
    /// <param name="now">The time of the expiry.</param>
    /// <returns>How many items expired.</returns>
    public static int Apply(KitchenDbContext db, BatchItem item, TimeSpan holdingTime, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(item);
        var expired = BatchAllocator.ExpireSurplus(item, now - holdingTime, now);
        if (expired > 0)
        {
            db.WasteRecords.Add(new WasteRecord
            {
                BatchItemId = item.Id,
                Station = item.Station,
                ItemName = item.ItemName,
                Modifiers = item.Modifiers,
                Quantity = expired,
                Reason = Reason(holdingTime),
                DiscardedBy = ExpiredBy,
                DiscardedAt = now,
            });
        }

        return expired;
    }
}
