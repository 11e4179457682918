using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Infrastructure.Configurations;

internal sealed class KitchenOrderConfiguration : IEntityTypeConfiguration<KitchenOrder>
{
    public void Configure(EntityTypeBuilder<KitchenOrder> builder)
    {
        builder.ToTable("orders");
        builder.Property(o => o.OrderId).HasMaxLength(OrderLimits.MaxIdLength);
        builder.Property(o => o.Brand).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(o => o.SourceId).HasMaxLength(OrderLimits.MaxIdLength);
        builder.Property(o => o.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(o => o.CancelReason).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(o => o.CloseReason).HasMaxLength(OrderLimits.MaxNameLength);

        // The idempotency of intake rests on this constraint, not on a check-then-insert.
        builder.HasIndex(o => o.OrderId).IsUnique();
        // A deleted document names its order only by its source id.
        builder.HasIndex(o => o.SourceId);
        builder.HasIndex(o => o.ReadyAt).HasFilter("status = 'Ready'").HasDatabaseName("ix_orders_ready_at");
        // Late and stale orders are the open ones past their due time.
        builder.HasIndex(o => o.DueAt).HasFilter("status = 'Open'").HasDatabaseName("ix_orders_open_by_due_at");

        // The analytics read a period's orders by when they were received, ready and due, whatever their status.
        builder.HasIndex(o => o.ReceivedAt).HasDatabaseName("ix_orders_received_at");
        builder.HasIndex(o => o.ReadyAt, "ix_orders_ready_at_all").HasDatabaseName("ix_orders_ready_at_all");
        builder.HasIndex(o => o.DueAt, "ix_orders_due_at").HasDatabaseName("ix_orders_due_at");

        builder.HasMany(o => o.Lines).WithOne(l => l.Order).HasForeignKey(l => l.KitchenOrderId);
    }
}
