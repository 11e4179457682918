namespace Orbital.Contracts.Validation;

/// <summary>
/// The sizes an order may have. The order service rejects documents beyond them, the kitchen refuses
/// requests beyond them, and the kitchen's columns are sized by them: one set of numbers for all three.
/// </summary>
public static class OrderLimits
{
    public const int MaxIdLength = 128;
    public const int MaxNameLength = 200;
    public const int MaxNoteLength = 500;
    public const int MaxModifierLength = 200;
    public const int MaxModifiersPerItem = 20;
    public const int MaxQuantity = 999;
    public const int MaxStations = 20;
    public const int MaxItemsPerStation = 100;
}
