namespace Orbital.Contracts.Validation;

/// <summary>
/// The sizes an order may have. The order service rejects documents beyond them, the kitchen refuses
/// requests beyond them, and the kitchen's columns, indexes and gRPC message limit are sized by them: one set
/// of numbers for all, so that whatever passes validation can be sent and stored.
/// </summary>
public static class OrderLimits
{
    public const int MaxIdLength = 128;
    public const int MaxNameLength = 200;
    public const int MaxNoteLength = 500;
    public const int MaxModifierLength = 200;
    public const int MaxModifiersPerItem = 20;

    /// <summary>The modifiers of one item together, in characters: a ticket a cook can still read.</summary>
    public const int MaxModifiersLength = 1_000;

    public const int MaxQuantity = 999;
    public const int MaxStations = 20;
    public const int MaxItemsPerStation = 100;

    /// <summary>
    /// One order as a serialized <c>OrderRequest</c>, in bytes; also the gRPC message limit of both ends of
    /// <c>OrderIntake</c>. A 100-line order with modifiers and notes is about 30 KB.
    /// </summary>
    public const int MaxOrderBytes = 256 * 1024;

    /// <summary>
    /// One <c>SubmitOrders</c> request, in bytes; the gRPC message limit of both ends of <c>OrderIntake</c>. Senders
    /// fill a batch up to it; any single valid order fits.
    /// </summary>
    public const int MaxBatchBytes = 1024 * 1024;

    /// <summary>Items in one <c>SubmitOrders</c> request: one transaction's worth.</summary>
    public const int MaxBatchItems = 500;
}
