using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Infrastructure.Configurations;

internal sealed class PairingCodeConfiguration : IEntityTypeConfiguration<PairingCode>
{
    public void Configure(EntityTypeBuilder<PairingCode> builder)
    {
        builder.ToTable("pairing_codes");
        builder.Property(p => p.CodeHash).HasMaxLength(64);
        builder.Property(p => p.DeviceName).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(p => p.Station).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(p => p.Role).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(p => p.CodeHash);
    }
}
