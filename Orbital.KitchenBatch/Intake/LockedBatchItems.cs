using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Intake;

/// <summary>The batch items one intake transaction locked, by key and by id, with their quantities and schedules before it.</summary>
internal sealed class LockedBatchItems
{
    public Dictionary<(string Station, string ItemName, string ModifiersKey), BatchItem> ByKey { get; } = [];

    public Dictionary<long, BatchItem> ById { get; } = [];

    public void Add(BatchItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        ByKey[(item.Station, item.ItemName, item.ModifiersKey)] = item;
        ById[item.Id] = item;
        Before[item.Id] = Quantities.Of(item);
    }

    /// <summary>How much surplus of each batch item (by id) expired in this transaction.</summary>
    public Dictionary<long, int> Expired { get; } = [];

    public BatchItem For(BatchKey key) => ByKey[key.Identity];

    /// <summary>The batch items whose quantities moved, as they are now.</summary>
    public IEnumerable<BatchItem> Changed(IEnumerable<BatchItem> now) => now.Where(b => Before[b.Id] != Quantities.Of(b));

    /// <summary>The batch items whose surplus moved, as they are now.</summary>
    public IEnumerable<BatchItem> SurplusChanged(IEnumerable<BatchItem> now) => now.Where(b => Before[b.Id].Surplus != b.SurplusQuantity || Expired.ContainsKey(b.Id));

    private Dictionary<long, Quantities> Before { get; } = [];

    /// <summary>A batch item's quantities, to tell which ones a change moved.</summary>
    private readonly record struct Quantities(int Open, int InProgress, int Surplus, DateTimeOffset? OldestOpen, string Demand)
    {
        public static Quantities Of(BatchItem item) => new(
            item.OpenQuantity,
            item.InProgressQuantity,
            item.SurplusQuantity,
            item.OldestOpenPlacedAt,
            string.Join(';', item.Schedule.Select(s => $"{s.DueAt:O}={s.Quantity}").Concat(item.Serves.Select(s => $"{s.Brand}/{s.Item}={s.Quantity}"))));
    }
}
