using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Http;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Devices;

/// <summary>
/// Creates devices (directly, or from a pairing code), lists and revokes them, as kitchen writes (so a request with
/// an <c>Idempotency-Key</c> makes each once); once a write commits, this instance's <see cref="DeviceRegistry"/>
/// knows of it at once.
/// </summary>
public sealed partial class DeviceService(
    KitchenDbContext db,
    KitchenTransactions transactions,
    DeviceRegistry registry,
    DeviceTokenCodec codec,
    IOptions<KitchenAuthOptions> options,
    TimeProvider time,
    ILogger<DeviceService> logger)
{
    private readonly KitchenAuthOptions _options = options.Value;

    /// <summary>Creates a device and its token.</summary>
    public async Task<(Device Device, string Token)> CreateAsync(string name, string? station, DeviceRole role, TimeSpan? lifetime, CancellationToken cancellationToken)
    {
        await using var write = await transactions.BeginAsync(cancellationToken);
        var device = NewDevice(name, station, role, lifetime);
        db.Devices.Add(device);
        await db.SaveChangesAsync(cancellationToken);
        transactions.AfterCommit(() => registry.Known(device));
        await write.CommitAsync(cancellationToken);
        LogCreated(logger, device.Id, device.Name, device.Station ?? "(all)");
        return (device, codec.Write(TokenOf(device)));
    }

    public Task<List<Device>> ListAsync(CancellationToken cancellationToken)
        => db.Devices.AsNoTracking().OrderBy(d => d.CreatedAt).ToListAsync(cancellationToken);

    /// <summary>Revokes a device; null when there is no such device.</summary>
    public async Task<Device?> RevokeAsync(Guid deviceId, CancellationToken cancellationToken)
    {
        await using var write = await transactions.BeginAsync(cancellationToken);
        var device = await db.Devices.SingleOrDefaultAsync(d => d.Id == deviceId, cancellationToken);
        if (device is null)
        {
            return null;
        }

        device.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);

        // Every instance hears it when this commits, and ends the device's streams at once.
        await db.Database.ExecuteSqlAsync($"SELECT pg_notify({KitchenEventNotifications.DeviceChannel}, {device.Id.ToString()})", cancellationToken);
        transactions.AfterCommit(() => registry.Known(device));
        await write.CommitAsync(cancellationToken);
        LogRevoked(logger, device.Id, device.Name);
        return device;
    }

    /// <summary>A pairing code for a device to be: eight digits, usable once, for a few minutes.</summary>
    public async Task<(string Code, DateTimeOffset ExpiresAt)> CreatePairingCodeAsync(string name, string? station, DeviceRole role, CancellationToken cancellationToken)
    {
        var code = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{RandomNumberGenerator.GetInt32(0, 10_000):D4}-{RandomNumberGenerator.GetInt32(0, 10_000):D4}");
        var expiresAt = time.GetUtcNow() + _options.PairingCodeLifetime;
        await using var write = await transactions.BeginAsync(cancellationToken);
        db.PairingCodes.Add(new PairingCode { CodeHash = Hash(code), DeviceName = name, Station = station, Role = role, ExpiresAt = expiresAt });
        await db.SaveChangesAsync(cancellationToken);
        await write.CommitAsync(cancellationToken);
        return (code, expiresAt);
    }

    /// <summary>Turns an unused, unexpired pairing code into a device and its token; null for any other code.</summary>
    public async Task<(Device Device, string Token)?> PairAsync(string code, CancellationToken cancellationToken)
    {
        var normalized = new string([.. code.Where(char.IsAsciiDigit)]);
        if (normalized.Length != 8)
        {
            return null;
        }

        await using var write = await transactions.BeginAsync(cancellationToken);
        var hash = Hash($"{normalized[..4]}-{normalized[4..]}");
        var now = time.GetUtcNow();

        // Taken under a row lock: two screens entering the same code get one device between them.
        var pairing = await db.PairingCodes
            .FromSql($"SELECT * FROM pairing_codes WHERE code_hash = {hash} AND device_id IS NULL AND expires_at > {now} ORDER BY id LIMIT 1 FOR UPDATE")
            .FirstOrDefaultAsync(cancellationToken);
        if (pairing is null)
        {
            return null;
        }

        var device = NewDevice(pairing.DeviceName, pairing.Station, pairing.Role, lifetime: null);
        db.Devices.Add(device);
        pairing.DeviceId = device.Id;
        await db.SaveChangesAsync(cancellationToken);
        transactions.AfterCommit(() => registry.Known(device));
        await write.CommitAsync(cancellationToken);
        LogPaired(logger, device.Id, device.Name, device.Station ?? "(all)");
        return (device, codec.Write(TokenOf(device)));
    }

    private static DeviceToken TokenOf(Device device) => new(device.Id, device.Station, device.ExpiresAt) { Role = device.Role };

    private Device NewDevice(string name, string? station, DeviceRole role, TimeSpan? lifetime)
    {
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        return new Device
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Station = station,
            Role = role,
            CreatedAt = now,
            ExpiresAt = now + (lifetime ?? _options.DeviceTokenLifetime),
        };
    }

    private static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Device {DeviceId} ('{Name}', station {Station}) created")]
    private static partial void LogCreated(ILogger logger, Guid deviceId, string name, string station);

    [LoggerMessage(Level = LogLevel.Information, Message = "Device {DeviceId} ('{Name}', station {Station}) paired with a code")]
    private static partial void LogPaired(ILogger logger, Guid deviceId, string name, string station);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId} ('{Name}') revoked")]
    private static partial void LogRevoked(ILogger logger, Guid deviceId, string name);
}
