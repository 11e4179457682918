using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orbital.ServiceDefaults.Resilience;

namespace Orbital.KitchenBatch.Infrastructure;

/// <summary>
/// Hears every kitchen instance's commits. A revoked device is announced on <see cref="DeviceChannel"/>, which wakes
/// <see cref="DevicesChanged"/>, so that every instance ends the device's streams at once. Each event write ends with a <c>NOTIFY</c> on
/// <see cref="KitchenEventOutbox.NotificationChannel"/> (delivered when the transaction commits, with the new high-water
/// event id); this service holds one connection that <c>LISTEN</c>s and wakes the event stream, so screens on this
/// instance get another instance's events as soon as its own. While that connection is down the event stream polls
/// (<c>Kitchen:Events:PollInterval</c>), and <c>/health</c> says so.
/// </summary>
public sealed partial class KitchenEventNotifications(
    IServiceScopeFactory scopes,
    KitchenEventSignal signal,
    ExponentialBackoff backoff,
    TimeProvider time,
    ILogger<KitchenEventNotifications> logger) : BackgroundService, IHealthCheck
{
    // How long a quiet connection waits before it proves it is alive; a half-open one is found within this.
    private static readonly TimeSpan s_aliveCheck = TimeSpan.FromSeconds(15);

    /// <summary>The channel a device's revocation is announced on when it commits, with the device's id.</summary>
    public const string DeviceChannel = "orbital_devices";

    private volatile bool _listening;
    private volatile string? _down;
    private TaskCompletionSource _devicesChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a device change of any instance (this one included) is heard, or the connection listens again.</summary>
    public Task DevicesChanged => Volatile.Read(ref _devicesChanged).Task;

    /// <summary>Whether the notification connection listens: other instances' commits wake this one's screens at once.</summary>
    public bool IsListening => _listening;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = backoff.Start(time);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(retry, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                _listening = false;
                _down = ex.Message;
                var delay = retry.NextDelay();
                LogNotificationsDown(logger, ex, delay.TotalSeconds);
                await retry.WaitAsync(delay, stoppingToken);
            }
        }
    }

    private async Task ListenAsync(RetrySchedule retry, CancellationToken stoppingToken)
    {
        string connectionString;
        await using (var scope = scopes.CreateAsyncScope())
        {
            connectionString = scope.ServiceProvider.GetRequiredService<KitchenDbContext>().Database.GetConnectionString()
                ?? throw new InvalidOperationException("The kitchen has no connection string (ConnectionStrings:kitchen).");
        }

        // A connection of its own, outside the pool: a pooled one forgets its LISTEN when it goes back.
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        connection.Notification += (_, notification) =>
        {
            if (notification.Channel == DeviceChannel)
            {
                DeviceChanged();
            }
            else
            {
                signal.Pulse();
            }
        };
        await connection.OpenAsync(stoppingToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {KitchenEventOutbox.NotificationChannel}; LISTEN {DeviceChannel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        _listening = true;
        _down = null;
        retry.Reset();
        LogListening(logger);

        // Whatever was committed while the connection was down is read now (from the tables).
        signal.Pulse();
        DeviceChanged();
        while (true)
        {
            if (!await connection.WaitAsync(s_aliveCheck, stoppingToken))
            {
                await using var alive = new NpgsqlCommand("SELECT 1", connection);
                await alive.ExecuteScalarAsync(stoppingToken);
            }
        }
    }

    private void DeviceChanged()
        => Interlocked.Exchange(ref _devicesChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(_down is { } down && !_listening
            ? HealthCheckResult.Degraded($"The connection that hears other kitchen instances' commits is down ({down}): their events reach this instance's screens by polling, up to Kitchen:Events:PollInterval late.")
            : HealthCheckResult.Healthy(_listening
                ? "Other kitchen instances' commits reach this instance's screens at once (LISTEN/NOTIFY)."
                : "Connecting to hear other kitchen instances' commits."));

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for other kitchen instances' commits")]
    private static partial void LogListening(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot hear other kitchen instances' commits; screens poll for them meanwhile; trying again in {DelaySeconds:0.0} s")]
    private static partial void LogNotificationsDown(ILogger logger, Exception exception, double delaySeconds);
}
