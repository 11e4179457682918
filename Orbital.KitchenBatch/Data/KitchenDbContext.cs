using Microsoft.EntityFrameworkCore;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Data;

/// <summary>The kitchen's PostgreSQL database: orders and their lines, batch items, and the kitchen's events.</summary>
public sealed class KitchenDbContext(DbContextOptions<KitchenDbContext> options) : DbContext(options)
{
    public DbSet<KitchenOrder> Orders => Set<KitchenOrder>();

    public DbSet<OrderLine> OrderLines => Set<OrderLine>();

    public DbSet<BatchItem> BatchItems => Set<BatchItem>();

    public DbSet<KitchenEvent> Events => Set<KitchenEvent>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(KitchenDbContext).Assembly);
    }
}
