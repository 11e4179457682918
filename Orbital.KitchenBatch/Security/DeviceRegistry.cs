using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Data;
using Orbital.KitchenBatch.Model;
using Orbital.KitchenBatch.Services;

namespace Orbital.KitchenBatch.Security;

/// <summary>
/// The devices allowed to use the kitchen: creates them (directly, or from a pairing code), lists and revokes them,
/// and says of a token's device whether it is still allowed. The list is re-read every few seconds, so a device
/// revoked here or on another instance stops working within that time, and its open event streams end.
/// </summary>
public sealed partial class DeviceRegistry(
    IServiceScopeFactory scopes,
    DeviceTokenCodec codec,
    KitchenSchemaState schema,
    IOptions<KitchenAuthOptions> options,
    TimeProvider time,
    ILogger<DeviceRegistry> logger) : BackgroundService
{
    private readonly KitchenAuthOptions _options = options.Value;
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _watches = new();
    private volatile Dictionary<Guid, DateTimeOffset?>? _devices;

    /// <summary>Whether <paramref name="deviceId"/> may use the kitchen now.</summary>
    public DeviceStatus Check(Guid deviceId)
    {
        var devices = _devices;
        if (devices is null)
        {
            return DeviceStatus.NotLoaded;
        }

        return devices.TryGetValue(deviceId, out var revokedAt)
            ? revokedAt is null ? DeviceStatus.Active : DeviceStatus.Revoked
            : DeviceStatus.Unknown;
    }

    /// <summary>Cancelled when <paramref name="deviceId"/> is revoked (or found gone): how open streams end.</summary>
    public CancellationToken Revoked(Guid deviceId)
    {
        var watch = _watches.GetOrAdd(deviceId, _ => new CancellationTokenSource());
        if (Check(deviceId) is DeviceStatus.Revoked or DeviceStatus.Unknown)
        {
            watch.Cancel();
        }

        return watch.Token;
    }

    /// <summary>Creates a device and its token.</summary>
    public async Task<(Device Device, string Token)> CreateAsync(string name, string? station, TimeSpan? lifetime, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        var device = NewDevice(name, station, lifetime);
        db.Devices.Add(device);
        await db.SaveChangesAsync(cancellationToken);
        await RefreshAsync(cancellationToken);
        LogCreated(logger, device.Id, device.Name, device.Station ?? "(all)");
        return (device, codec.Write(new DeviceToken(device.Id, device.Station, device.ExpiresAt)));
    }

    public async Task<List<Device>> ListAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        return await db.Devices.AsNoTracking().OrderBy(d => d.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>Revokes a device; false when there is no such device.</summary>
    public async Task<Device?> RevokeAsync(Guid deviceId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        var device = await db.Devices.SingleOrDefaultAsync(d => d.Id == deviceId, cancellationToken);
        if (device is null)
        {
            return null;
        }

        device.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await RefreshAsync(cancellationToken);
        LogRevoked(logger, device.Id, device.Name);
        return device;
    }

    /// <summary>A pairing code for a device to be: eight digits, usable once, for a few minutes.</summary>
    public async Task<(string Code, DateTimeOffset ExpiresAt)> CreatePairingCodeAsync(string name, string? station, CancellationToken cancellationToken)
    {
        var code = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{RandomNumberGenerator.GetInt32(0, 10_000):D4}-{RandomNumberGenerator.GetInt32(0, 10_000):D4}");
        var expiresAt = time.GetUtcNow() + _options.PairingCodeLifetime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        db.PairingCodes.Add(new PairingCode { CodeHash = Hash(code), DeviceName = name, Station = station, ExpiresAt = expiresAt });
        await db.SaveChangesAsync(cancellationToken);
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

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
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

        var device = NewDevice(pairing.DeviceName, pairing.Station, lifetime: null);
        db.Devices.Add(device);
        pairing.DeviceId = device.Id;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await RefreshAsync(cancellationToken);
        LogPaired(logger, device.Id, device.Name, device.Station ?? "(all)");
        return (device, codec.Write(new DeviceToken(device.Id, device.Station, device.ExpiresAt)));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.Ready.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        using var timer = new PeriodicTimer(_options.RevocationRefresh, time);
        try
        {
            do
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The last list stays in force; it is read again at the next tick.
                    LogRefreshFailed(logger, ex);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
        var now = time.GetUtcNow();
        var devices = await db.Devices.AsNoTracking()
            .Select(d => new { d.Id, d.RevokedAt, d.ExpiresAt })
            .ToDictionaryAsync(d => d.Id, d => d.RevokedAt ?? (d.ExpiresAt <= now ? d.ExpiresAt : null), cancellationToken);
        _devices = devices;
        foreach (var (deviceId, watch) in _watches)
        {
            if (Check(deviceId) is DeviceStatus.Revoked or DeviceStatus.Unknown)
            {
                watch.Cancel();
                _watches.TryRemove(deviceId, out _);
            }
        }
    }

    private Device NewDevice(string name, string? station, TimeSpan? lifetime)
    {
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        return new Device
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Station = station,
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The device list could not be read; the last one stays in force")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
