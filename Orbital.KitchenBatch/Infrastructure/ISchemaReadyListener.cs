namespace Orbital.KitchenBatch.Infrastructure;

/// <summary>
/// Something that must know the database as the schema found it, before the kitchen serves a screen or takes an
/// order: the schema migrator calls each one, then marks the schema ready.
/// </summary>
public interface ISchemaReadyListener
{
    /// <summary>Called once, with the migrated database, before the schema is marked ready.</summary>
    Task OnSchemaReadyAsync(KitchenDbContext db, CancellationToken cancellationToken);
}
