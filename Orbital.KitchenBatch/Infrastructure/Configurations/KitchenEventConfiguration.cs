using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Infrastructure.Configurations;

internal sealed class KitchenEventConfiguration : IEntityTypeConfiguration<KitchenEvent>
{
    public void Configure(EntityTypeBuilder<KitchenEvent> builder)
    {
        builder.ToTable("kitchen_events");
        builder.Property(e => e.Type).HasMaxLength(32);
        builder.Property(e => e.Station).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(e => e.Payload).HasColumnType("jsonb");

        // "00-" + 32 + "-" + 16 + "-" + 2 hex digits.
        builder.Property(e => e.TraceParent).HasMaxLength(55);
    }
}
