using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Infrastructure.Configurations;

internal sealed class BatchItemConfiguration : IEntityTypeConfiguration<BatchItem>
{
    public void Configure(EntityTypeBuilder<BatchItem> builder)
    {
        builder.ToTable("batch_items", t =>
        {
            // The database itself refuses a negative or over-started batch, whatever the code above it does.
            t.HasCheckConstraint("ck_batch_items_open_not_negative", "open_quantity >= 0");
            t.HasCheckConstraint("ck_batch_items_in_progress_within_open", "in_progress_quantity >= 0 AND in_progress_quantity <= open_quantity");

            // Surplus goes to open demand before anything is cooked for it: the two never coexist.
            t.HasCheckConstraint("ck_batch_items_surplus_covers_open", "surplus_quantity >= 0 AND (surplus_quantity = 0 OR open_quantity = 0)");
        });
        builder.Property(b => b.Station).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(b => b.ItemName).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(b => b.ModifiersKey).HasMaxLength(BatchKey.ModifiersKeyLength);
        builder.Ignore(b => b.WaitingQuantity);

        // Lots live in the batch item's row, which every surplus change locks anyway: no table, no extra statement.
        builder.Property(b => b.SurplusLots)
            .HasColumnType("jsonb")
            .HasDefaultValueSql("'[]'::jsonb")
            .HasConversion(SurplusLotsJson.Converter, SurplusLotsJson.Comparer);

        // The open demand by due time and by brand: computed from the lines by every write that changes them.
        builder.Property(b => b.Schedule)
            .HasColumnType("jsonb")
            .HasDefaultValueSql("'[]'::jsonb")
            .HasConversion(JsonColumn<ScheduledDemand>.Converter, JsonColumn<ScheduledDemand>.Comparer);
        builder.Property(b => b.Serves)
            .HasColumnType("jsonb")
            .HasDefaultValueSql("'[]'::jsonb")
            .HasConversion(JsonColumn<ServedItem>.Converter, JsonColumn<ServedItem>.Comparer);
        builder.Property(b => b.PrepSeconds).HasDefaultValue(480);

        builder.HasIndex(b => new { b.Station, b.ItemName, b.ModifiersKey }).IsUnique();
        builder.HasIndex(b => new { b.Station, b.OldestOpenPlacedAt })
            .HasFilter("open_quantity > 0")
            .HasDatabaseName("ix_batch_items_open_by_station");
        builder.HasIndex(b => b.Station)
            .HasFilter("surplus_quantity > 0")
            .HasDatabaseName("ix_batch_items_surplus_by_station");
    }
}
