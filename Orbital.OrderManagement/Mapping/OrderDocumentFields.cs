namespace Orbital.OrderManagement.Mapping;

/// <summary>
/// Which fields of the platform's document say when an order is due and that it is finished (section
/// <c>OrderListener:Mapping</c>); platforms name them differently.
/// </summary>
public sealed class OrderDocumentFields
{
    public const string SectionName = "OrderListener:Mapping";

    /// <summary>The defaults: what Otter-style documents use.</summary>
    public static OrderDocumentFields Default { get; } = new();

    /// <summary>
    /// The fields read for the order's due time, the first one present wins: the pickup time the customer or courier
    /// was given. Without one, the kitchen takes placed-at plus its default lead time.
    /// </summary>
    public string[] DueAtFields { get; set; } = ["PickupTime", "EstimatedPickupTime", "ScheduledPickupTime"];

    /// <summary>
    /// The <c>Status</c> values (any case) that say the platform is done with the order: the kitchen closes it, and
    /// what it had not cooked leaves its batches. "Cancelled" is a cancellation, not one of these.
    /// </summary>
    public string[] FinishedStatuses { get; set; } = ["Completed", "PickedUp", "Picked Up", "Delivered", "Fulfilled"];
}
