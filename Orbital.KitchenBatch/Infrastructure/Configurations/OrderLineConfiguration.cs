using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Infrastructure.Configurations;

internal sealed class OrderLineConfiguration : IEntityTypeConfiguration<OrderLine>
{
    public void Configure(EntityTypeBuilder<OrderLine> builder)
    {
        builder.ToTable("order_lines", t =>
        {
            t.HasCheckConstraint("ck_order_lines_quantity_positive", "quantity > 0");
            t.HasCheckConstraint("ck_order_lines_completed_within_quantity", "completed_quantity >= 0 AND completed_quantity <= quantity");
        });
        builder.Property(l => l.LineId).HasMaxLength(OrderLimits.MaxIdLength);
        builder.Property(l => l.Station).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(l => l.ItemName).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(l => l.MenuStation).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(l => l.ProductionItem).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(l => l.Multiplier).HasDefaultValue(1);
        builder.Property(l => l.Note).HasMaxLength(OrderLimits.MaxNoteLength);

        builder.Ignore(l => l.OpenQuantity);
        builder.HasIndex(l => new { l.KitchenOrderId, l.LineId }).IsUnique();

        // Completions take the open lines of one batch item earliest due first.
        builder.HasIndex(l => new { l.BatchItemId, l.DueAt, l.PlacedAt, l.KitchenOrderId })
            .HasFilter("completed_quantity < quantity")
            .HasDatabaseName("ix_order_lines_open_by_batch_item");
        builder.HasIndex(l => l.ReadyAt).HasFilter("ready_at IS NOT NULL");
        builder.HasOne(l => l.BatchItem).WithMany().HasForeignKey(l => l.BatchItemId).OnDelete(DeleteBehavior.Restrict);
    }
}
