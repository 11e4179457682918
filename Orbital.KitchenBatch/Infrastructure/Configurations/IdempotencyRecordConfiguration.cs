using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Infrastructure.Configurations;

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.ToTable("idempotency_keys");

        // The key is claimed by inserting this row: a second request with the same key waits for the first to end.
        builder.HasKey(r => new { r.Subject, r.Key });
        builder.Property(r => r.Subject).HasMaxLength(64);
        builder.Property(r => r.Key).HasMaxLength(IdempotencyRecord.MaxKeyLength);
        builder.Property(r => r.Fingerprint).HasMaxLength(64);
        builder.Property(r => r.Location).HasMaxLength(500);
        builder.HasIndex(r => r.CreatedAt);
    }
}
