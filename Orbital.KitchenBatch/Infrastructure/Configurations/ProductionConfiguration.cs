using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Infrastructure.Configurations;

internal sealed class ProductionItemConfiguration : IEntityTypeConfiguration<ProductionItem>
{
    public void Configure(EntityTypeBuilder<ProductionItem> builder)
    {
        builder.ToTable("production_items");
        builder.HasKey(p => p.Name);
        builder.Property(p => p.Name).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(p => p.Station).HasMaxLength(OrderLimits.MaxNameLength);
    }
}

internal sealed class MenuMappingConfiguration : IEntityTypeConfiguration<MenuMapping>
{
    public void Configure(EntityTypeBuilder<MenuMapping> builder)
    {
        builder.ToTable("menu_mappings", t => t.HasCheckConstraint("ck_menu_mappings_multiplier", "multiplier BETWEEN 1 AND 100"));
        builder.HasKey(m => new { m.Brand, m.Item });
        builder.Property(m => m.Brand).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(m => m.Item).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(m => m.ProductionItem).HasMaxLength(OrderLimits.MaxNameLength);
        builder.HasIndex(m => m.ProductionItem);
    }
}

internal sealed class KitchenClockConfiguration : IEntityTypeConfiguration<KitchenClock>
{
    public void Configure(EntityTypeBuilder<KitchenClock> builder)
    {
        builder.ToTable("kitchen_clock");
        builder.Property(c => c.Id).ValueGeneratedNever();
    }
}
