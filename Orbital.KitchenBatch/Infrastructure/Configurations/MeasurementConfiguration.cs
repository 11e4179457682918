using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Infrastructure.Configurations;

internal sealed class BatchRunConfiguration : IEntityTypeConfiguration<BatchRun>
{
    public void Configure(EntityTypeBuilder<BatchRun> builder)
    {
        builder.ToTable("batch_runs", t =>
        {
            t.HasCheckConstraint("ck_batch_runs_quantity_positive", "quantity > 0");
            t.HasCheckConstraint("ck_batch_runs_completed_within_quantity", "completed_quantity >= 0 AND completed_quantity <= quantity");
        });
        builder.Property(r => r.Station).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(r => r.ItemName).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Ignore(r => r.PrepTime);

        // A completion closes the oldest started batches of its batch item first.
        builder.HasIndex(r => new { r.BatchItemId, r.StartedAt })
            .HasFilter("completed_at IS NULL")
            .HasDatabaseName("ix_batch_runs_cooking");

        // Analytics and learning read completed batches by time, per production item.
        builder.HasIndex(r => r.CompletedAt);
        builder.HasIndex(r => new { r.Station, r.ItemName, r.CompletedAt });
    }
}

internal sealed class SurplusUseConfiguration : IEntityTypeConfiguration<SurplusUse>
{
    public void Configure(EntityTypeBuilder<SurplusUse> builder)
    {
        builder.ToTable("surplus_uses", t => t.HasCheckConstraint("ck_surplus_uses_quantity_positive", "quantity > 0"));
        builder.Property(u => u.Station).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(u => u.ItemName).HasMaxLength(OrderLimits.MaxNameLength);
        builder.HasIndex(u => u.UsedAt);
    }
}
