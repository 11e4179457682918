namespace Orbital.KitchenBatch.Screens.Payloads;

/// <summary>
/// The payload of <c>production.updated</c>: the production catalog changed (<c>Kind</c>: <c>production-item</c>,
/// <c>menu-mapping</c> or <c>menu-mapping-removed</c>), and <c>MovedLines</c> open lines moved to the batch item they
/// are cooked as now. The batch items involved follow as <c>batch.updated</c> events; a screen may also reload.
/// </summary>
public sealed record ProductionUpdatedPayload(
    string Kind,
    string ProductionItem,
    string? Brand,
    string? Item,
    string? Station,
    int? PrepSeconds,
    int? Multiplier,
    int MovedLines);
