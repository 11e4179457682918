using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Infrastructure.Configurations;

internal sealed class WasteRecordConfiguration : IEntityTypeConfiguration<WasteRecord>
{
    public void Configure(EntityTypeBuilder<WasteRecord> builder)
    {
        builder.ToTable("waste_records", t => t.HasCheckConstraint("ck_waste_records_quantity_positive", "quantity > 0"));
        builder.Property(w => w.Station).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(w => w.ItemName).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(w => w.Reason).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(w => w.DiscardedBy).HasMaxLength(OrderLimits.MaxNameLength);
        builder.HasIndex(w => w.DiscardedAt);
        builder.HasOne<BatchItem>().WithMany().HasForeignKey(w => w.BatchItemId).OnDelete(DeleteBehavior.Restrict);
    }
}
