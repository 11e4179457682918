using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Orbital.Contracts.Validation;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Infrastructure.Configurations;

internal sealed class DeviceConfiguration : IEntityTypeConfiguration<Device>
{
    public void Configure(EntityTypeBuilder<Device> builder)
    {
        builder.ToTable("devices");
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.Property(d => d.Name).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(d => d.Station).HasMaxLength(OrderLimits.MaxNameLength);
        builder.Property(d => d.Role).HasConversion<string>().HasMaxLength(16);
    }
}
