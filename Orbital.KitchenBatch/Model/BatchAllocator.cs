namespace Orbital.KitchenBatch.Model;

/// <summary>
/// The cooking rules of a batch item. Starting takes from the demand nobody has started; completing takes from
/// the open demand and is allocated to the open lines earliest due first (ties: earliest placed), across all orders
/// and brands, so orders become ready in the order they are picked up. Nothing ever goes negative or beyond what is
/// open: such a request is refused with a reason a cook can act on.
/// </summary>
public static class BatchAllocator
{
    public static BatchRefusal? Start(BatchItem item, int quantity, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (Invalid(quantity) is { } invalid)
        {
            return invalid;
        }

        if (quantity > item.WaitingQuantity)
        {
            return new BatchRefusal(
                $"Only {item.WaitingQuantity} of the {item.OpenQuantity} open '{Describe(item)}' at {item.Station} are not started yet; {quantity} cannot be started.");
        }

        item.InProgressQuantity += quantity;
        item.UpdatedAt = now;
        return null;
    }

    /// <param name="item">The batch item, locked for this transaction.</param>
    /// <param name="openLines">Its open lines, earliest due first.</param>
    /// <param name="quantity">How many the cook completed.</param>
    /// <param name="now">The time of completion.</param>
    public static BatchCompletion Complete(BatchItem item, IReadOnlyList<OrderLine> openLines, int quantity, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(openLines);
        if (Invalid(quantity) is { } invalid)
        {
            return new BatchCompletion([], invalid);
        }

        if (quantity > item.OpenQuantity)
        {
            return new BatchCompletion([], new BatchRefusal(
                $"Only {item.OpenQuantity} '{Describe(item)}' are open at {item.Station}; {quantity} cannot be completed."));
        }

        var allocations = Allocate(item, openLines, quantity, now);
        item.InProgressQuantity = Math.Max(0, item.InProgressQuantity - quantity);
        item.UpdatedAt = now;
        return new BatchCompletion(allocations, null);
    }

    /// <summary>
    /// Sets what a line orders (0 when it is removed or its order cancelled) and moves the batch item with it: its
    /// open demand changes by the line's, taken from waiting demand first and then from what is in progress, and
    /// whatever was already cooked beyond the new quantity becomes surplus, if it is still in the kitchen.
    /// </summary>
    /// <param name="item">The line's batch item, locked for this transaction.</param>
    /// <param name="line">The line.</param>
    /// <param name="quantity">What it orders now.</param>
    /// <param name="keepsFood">Whether what it cooked is still in the kitchen (false: handed over long ago).</param>
    /// <param name="now">The time of the change.</param>
    /// <param name="cookedSince">Since when what it cooked has been waiting (its order's ready time); now when unknown.</param>
    /// <returns>How many cooked items the change freed as surplus.</returns>
    public static int ChangeQuantity(BatchItem item, OrderLine line, int quantity, bool keepsFood, DateTimeOffset now, DateTimeOffset? cookedSince = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(line);
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);

        var openBefore = line.OpenQuantity;
        var released = Math.Max(0, line.CompletedQuantity - quantity);
        line.CompletedQuantity -= released;
        line.Quantity = quantity;
        line.ReadyAt = line.OpenQuantity > 0 || quantity == 0 ? null : line.ReadyAt ?? (openBefore > 0 ? now : null);
        var freed = keepsFood ? released : 0;
        item.OpenQuantity += line.OpenQuantity - openBefore;
        item.InProgressQuantity = Math.Min(item.InProgressQuantity, item.OpenQuantity);
        if (item.OpenQuantity == 0)
        {
            item.OldestOpenPlacedAt = null;
        }
        else if (line.OpenQuantity > openBefore && (item.OldestOpenPlacedAt is null || line.PlacedAt < item.OldestOpenPlacedAt))
        {
            // Less open demand may leave an older line as the oldest; only the lines can say (the caller asks them).
            item.OldestOpenPlacedAt = line.PlacedAt;
        }

        if (freed > 0)
        {
            AddSurplus(item, freed, cookedSince ?? now);
        }

        item.UpdatedAt = now;
        return freed;
    }

    /// <summary>
    /// Gives surplus to open lines, earliest due first, before anyone cooks for them: afterwards the batch item has either
    /// no surplus or nothing open. What in-progress demand the surplus covers is no longer in progress.
    /// </summary>
    /// <param name="item">The batch item, locked for this transaction.</param>
    /// <param name="openLines">Its open lines, earliest due first.</param>
    /// <param name="now">The time of the allocation.</param>
    public static IReadOnlyList<LineAllocation> AllocateSurplus(BatchItem item, IReadOnlyList<OrderLine> openLines, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(openLines);
        var quantity = Math.Min(item.SurplusQuantity, item.OpenQuantity);
        if (quantity == 0)
        {
            return [];
        }

        var allocations = Allocate(item, openLines, quantity, now);
        item.InProgressQuantity = Math.Min(item.InProgressQuantity, item.OpenQuantity);
        TakeSurplus(item, quantity);
        item.UpdatedAt = now;
        return allocations;
    }

    /// <summary>
    /// Takes the surplus that has waited since before <paramref name="cutoff"/> out of the batch item: it has been at
    /// the pass longer than food may wait, so it is waste, and no order may be made ready with it.
    /// </summary>
    /// <returns>How many items expired.</returns>
    public static int ExpireSurplus(BatchItem item, DateTimeOffset cutoff, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        var lots = Lots(item);
        var expired = lots.Where(l => l.Since < cutoff).Sum(l => l.Quantity);
        if (expired == 0)
        {
            return 0;
        }

        lots.RemoveAll(l => l.Since < cutoff);
        SetSurplus(item, lots);
        item.UpdatedAt = now;
        return expired;
    }

    /// <summary>Throws surplus away: it was wasted, and is no longer there to give to an order.</summary>
    public static BatchRefusal? Discard(BatchItem item, int quantity, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (Invalid(quantity) is { } invalid)
        {
            return invalid;
        }

        if (quantity > item.SurplusQuantity)
        {
            return new BatchRefusal(
                $"Only {item.SurplusQuantity} '{Describe(item)}' at {item.Station} are surplus; {quantity} cannot be discarded.");
        }

        TakeSurplus(item, quantity);
        item.UpdatedAt = now;
        return null;
    }

    private static void AddSurplus(BatchItem item, int quantity, DateTimeOffset since)
    {
        var lots = Lots(item);
        lots.Add(new SurplusLot(quantity, since));
        SetSurplus(item, lots);
    }

    /// <summary>Takes <paramref name="quantity"/> surplus, the food that has waited longest first.</summary>
    private static void TakeSurplus(BatchItem item, int quantity)
    {
        var lots = Lots(item);
        var remaining = quantity;
        while (remaining > 0 && lots.Count > 0)
        {
            var take = Math.Min(remaining, lots[0].Quantity);
            remaining -= take;
            if (take == lots[0].Quantity)
            {
                lots.RemoveAt(0);
            }
            else
            {
                lots[0] = lots[0] with { Quantity = lots[0].Quantity - take };
            }
        }

        SetSurplus(item, lots);
    }

    /// <summary>
    /// The surplus lots, oldest first, made to add up to the quantity: surplus from before lots were kept (or changed
    /// by hand) is one lot from <see cref="BatchItem.SurplusSince"/>.
    /// </summary>
    private static List<SurplusLot> Lots(BatchItem item)
    {
        var lots = item.SurplusLots.Where(l => l.Quantity > 0).OrderBy(l => l.Since).ToList();
        var missing = item.SurplusQuantity - lots.Sum(l => l.Quantity);
        if (missing > 0)
        {
            lots.Insert(0, new SurplusLot(missing, item.SurplusSince ?? item.UpdatedAt));
        }
        else if (missing < 0)
        {
            lots.Clear();
            lots.Add(new SurplusLot(item.SurplusQuantity, item.SurplusSince ?? item.UpdatedAt));
            lots.RemoveAll(l => l.Quantity <= 0);
        }

        return lots;
    }

    private static void SetSurplus(BatchItem item, List<SurplusLot> lots)
    {
        lots.Sort((a, b) => a.Since.CompareTo(b.Since));
        item.SurplusLots = lots;
        item.SurplusQuantity = lots.Sum(l => l.Quantity);
        item.SurplusSince = lots.Count == 0 ? null : lots[0].Since;
    }

    /// <summary>Takes <paramref name="quantity"/> of the open demand, in the lines' order (earliest due first).</summary>
    private static List<LineAllocation> Allocate(BatchItem item, IReadOnlyList<OrderLine> openLines, int quantity, DateTimeOffset now)
    {
        var remaining = quantity;
        var allocations = new List<LineAllocation>();
        foreach (var line in openLines)
        {
            var take = Math.Min(remaining, line.OpenQuantity);
            if (take <= 0)
            {
                continue;
            }

            line.CompletedQuantity += take;
            if (line.OpenQuantity == 0)
            {
                line.ReadyAt = now;
            }

            allocations.Add(new LineAllocation(line, take));
            remaining -= take;
            if (remaining == 0)
            {
                break;
            }
        }

        if (remaining > 0)
        {
            throw new InvalidOperationException(
                $"Batch item {item.Id} claims {item.OpenQuantity} open but its lines hold {quantity - remaining}.");
        }

        item.OpenQuantity -= quantity;
        item.OldestOpenPlacedAt = openLines.Where(l => l.OpenQuantity > 0).Select(l => (DateTimeOffset?)l.PlacedAt).Min();
        return allocations;
    }

    /// <summary>An order is ready when every one of its lines is cooked.</summary>
    public static bool IsReady(IEnumerable<OrderLine> lines) => lines.All(l => l.OpenQuantity == 0);

    /// <summary>
    /// The order completions and surplus are allocated in: earliest due first (the courier who comes first gets the
    /// food first), then earliest placed, then order, then line; except that stale lines (due before
    /// <paramref name="staleBefore"/>: nobody is waiting for them any more) come after every other.
    /// </summary>
    public static IOrderedEnumerable<OrderLine> DueFirst(IEnumerable<OrderLine> lines, DateTimeOffset staleBefore = default)
        => lines.OrderBy(l => l.DueAt <= staleBefore).ThenBy(l => l.DueAt).ThenBy(l => l.PlacedAt).ThenBy(l => l.KitchenOrderId).ThenBy(l => l.LineId, StringComparer.Ordinal);

    private static BatchRefusal? Invalid(int quantity)
        => quantity < 1 ? new BatchRefusal($"The quantity must be at least 1, was {quantity}.") : null;

    private static string Describe(BatchItem item)
        => item.Modifiers.Length == 0 ? item.ItemName : $"{item.ItemName} ({string.Join(", ", item.Modifiers)})";
}

/// <summary>Why a start or complete was refused, in words a cook can act on.</summary>
public sealed record BatchRefusal(string Reason);

/// <summary>How much of a completion went to each line, or why it was refused.</summary>
public sealed record BatchCompletion(IReadOnlyList<LineAllocation> Allocations, BatchRefusal? Refusal);

/// <summary>Part of a completion: <paramref name="Quantity"/> cooked for <paramref name="Line"/>.</summary>
public sealed record LineAllocation(OrderLine Line, int Quantity);
