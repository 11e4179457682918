using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Http;
using Orbital.KitchenBatch.Infrastructure;
using Orbital.KitchenBatch.Model;

namespace Orbital.KitchenBatch.Devices;

/// <summary>
/// What this kitchen instance knows of the devices allowed to use it: a list read from the database every few
/// seconds (so a device revoked here or on another instance stops working within that time, and its open event
/// streams end), kept current at once by this instance's own writes (<see cref="DeviceService"/>). A device the list
/// does not have (created on another instance a moment ago, or before the first read) is looked up, never waved
/// through and never refused unseen; when it cannot be looked up, it is <see cref="DeviceStatus.Unverifiable"/>.
/// </summary>
public sealed partial class DeviceRegistry(
    IServiceScopeFactory scopes,
    KitchenSchemaState schema,
    KitchenEventNotifications notifications,
    IOptions<KitchenAuthOptions> options,
    TimeProvider time,
    ILogger<DeviceRegistry> logger) : BackgroundService
{
    private readonly KitchenAuthOptions _options = options.Value;
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _watches = new();
    private volatile ConcurrentDictionary<Guid, DateTimeOffset>? _devices;

    /// <summary>Whether <paramref name="deviceId"/> may use the kitchen, as far as the list says; <see cref="DeviceStatus.Unknown"/> when it does not say.</summary>
    public DeviceStatus Check(Guid deviceId)
    {
        var devices = _devices;
        if (devices is null)
        {
            return DeviceStatus.NotLoaded;
        }

        return devices.TryGetValue(deviceId, out var until)
            ? until > time.GetUtcNow() ? DeviceStatus.Active : DeviceStatus.Revoked
            : DeviceStatus.Unknown;
    }

    /// <summary>
    /// Whether <paramref name="deviceId"/> may use the kitchen now: from the list, or, for a device the list does not
    /// have yet, from the database.
    /// </summary>
    public async Task<DeviceStatus> CheckAsync(Guid deviceId, CancellationToken cancellationToken)
    {
        var status = Check(deviceId);
        if (status is DeviceStatus.Active or DeviceStatus.Revoked)
        {
            return status;
        }

        if (!schema.IsReady)
        {
            return DeviceStatus.Unverifiable;
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<KitchenDbContext>();
            var device = await db.Devices.AsNoTracking().Where(d => d.Id == deviceId).Select(d => new { d.RevokedAt, d.ExpiresAt }).SingleOrDefaultAsync(cancellationToken);
            if (device is null)
            {
                return DeviceStatus.Unknown;
            }

            Remember(deviceId, device.RevokedAt, device.ExpiresAt);

            // The answer is the row just read, whether or not the list has been read yet.
            return Until(device.RevokedAt, device.ExpiresAt) > time.GetUtcNow() ? DeviceStatus.Active : DeviceStatus.Revoked;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogLookupFailed(logger, ex, deviceId);
            return DeviceStatus.Unverifiable;
        }
    }

    /// <summary>Cancelled when <paramref name="deviceId"/> is revoked (or found gone): how open streams end.</summary>
    public CancellationToken Revoked(Guid deviceId)
    {
        var watch = _watches.GetOrAdd(deviceId, _ => new CancellationTokenSource());
        if (Check(deviceId) is DeviceStatus.Revoked)
        {
            watch.Cancel();
        }

        return watch.Token;
    }

    /// <summary>This instance created, paired or revoked <paramref name="device"/>: the list says so at once.</summary>
    public void Known(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Remember(device.Id, device.RevokedAt, device.ExpiresAt);
        if (device.RevokedAt is not null && _watches.TryRemove(device.Id, out var watch))
        {
            watch.Cancel();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await schema.Ready.WaitAsync(stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            while (true)
            {
                // Taken before reading, so a revocation heard during the read is read again at once.
                var changed = notifications.DevicesChanged;
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // The last list stays in force; it is read again at the next change or tick.
                    LogRefreshFailed(logger, ex);
                }

                // A revocation on any instance is heard at once; the tick covers a notification connection that is down.
                await Task.WhenAny(changed, Task.Delay(_options.RevocationRefresh, time, stoppingToken));
                stoppingToken.ThrowIfCancellationRequested();
            }
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
        var rows = await db.Devices.AsNoTracking()
            .Select(d => new { d.Id, d.RevokedAt, d.ExpiresAt })
            .ToListAsync(cancellationToken);
        _devices = new ConcurrentDictionary<Guid, DateTimeOffset>(rows.Select(d => KeyValuePair.Create(d.Id, Until(d.RevokedAt, d.ExpiresAt))));
        foreach (var (deviceId, watch) in _watches)
        {
            // A device revoked, expired or gone (a restored database) ends its streams. One the list lacks may have
            // been created after it was read: it is looked up before its streams are ended.
            var status = Check(deviceId) is DeviceStatus.Unknown ? await CheckAsync(deviceId, cancellationToken) : Check(deviceId);
            if (status is DeviceStatus.Revoked or DeviceStatus.Unknown)
            {
                watch.Cancel();
                _watches.TryRemove(deviceId, out _);
            }
        }
    }

    private void Remember(Guid deviceId, DateTimeOffset? revokedAt, DateTimeOffset expiresAt)
    {
        var until = Until(revokedAt, expiresAt);

        // Before the first read of the list, what is known of single devices is kept all the same; the first read
        // replaces it with the whole list (and a device created after that read is looked up again).
        var devices = _devices ?? Interlocked.CompareExchange(ref _devices, new ConcurrentDictionary<Guid, DateTimeOffset>(), null) ?? _devices!;
        devices[deviceId] = until;
    }

    /// <summary>Until when a device may be used: its revocation, else its expiry.</summary>
    private static DateTimeOffset Until(DateTimeOffset? revokedAt, DateTimeOffset expiresAt) => revokedAt is { } revoked && revoked < expiresAt ? revoked : expiresAt;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The device list could not be read; the last one stays in force")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Device {DeviceId} could not be looked up; its request is refused for now (503)")]
    private static partial void LogLookupFailed(ILogger logger, Exception exception, Guid deviceId);
}
