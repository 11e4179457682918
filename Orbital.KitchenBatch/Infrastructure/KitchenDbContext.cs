using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Infrastructure;

/// <summary>The kitchen's PostgreSQL database: orders and their lines, batch items and their waste, the kitchen's events, and the devices allowed to use it.</summary>
public sealed class KitchenDbContext(DbContextOptions<KitchenDbContext> options) : DbContext(options)
{
    public DbSet<KitchenOrder> Orders => Set<KitchenOrder>();

    public DbSet<OrderLine> OrderLines => Set<OrderLine>();

    public DbSet<BatchItem> BatchItems => Set<BatchItem>();

    public DbSet<KitchenEvent> Events => Set<KitchenEvent>();

    public DbSet<WasteRecord> WasteRecords => Set<WasteRecord>();

    public DbSet<Device> Devices => Set<Device>();

    public DbSet<PairingCode> PairingCodes => Set<PairingCode>();

    public DbSet<IdempotencyRecord> IdempotencyKeys => Set<IdempotencyRecord>();

    public DbSet<ProductionItem> ProductionItems => Set<ProductionItem>();

    public DbSet<MenuMapping> MenuMappings => Set<MenuMapping>();

    public DbSet<KitchenClock> Clock => Set<KitchenClock>();

    public DbSet<BatchRun> BatchRuns => Set<BatchRun>();

    public DbSet<SurplusUse> SurplusUses => Set<SurplusUse>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(KitchenDbContext).Assembly);
    }
}
