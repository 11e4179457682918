using Orbital.KitchenBatch.Infrastructure;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// Before the kitchen says it is ready, a made-up order goes through intake and is rolled back
/// (<see cref="NewOrderReceiver.RehearseAsync"/>): measured, the first order after a start otherwise took a few hundred
/// milliseconds longer than the next, compiling what it was the first to use. A rehearsal that fails is logged and
/// the kitchen starts anyway: it costs the first order time, nothing else.
/// </summary>
public sealed partial class IntakeRehearsal(IServiceScopeFactory scopes, ILogger<IntakeRehearsal> logger) : ISchemaReadyListener
{
    public async Task OnSchemaReadyAsync(KitchenDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<NewOrderReceiver>().RehearseAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogRehearsalFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The intake rehearsal failed; the first order will take longer")]
    private static partial void LogRehearsalFailed(ILogger logger, Exception exception);
}
