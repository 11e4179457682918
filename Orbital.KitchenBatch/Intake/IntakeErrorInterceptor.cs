using Grpc.Core;
using Grpc.Core.Interceptors;
using Orbital.KitchenBatch.Infrastructure;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// How every intake call answers a failure it did not answer itself, written once: the caller's deadline passed or
/// it went away (<c>DEADLINE_EXCEEDED</c> / <c>CANCELLED</c>, nothing stored), or PostgreSQL is unavailable
/// (<c>UNAVAILABLE</c>, which tells the sender to hold the change and retry). Anything else stays <c>UNKNOWN</c>.
/// </summary>
public sealed partial class IntakeErrorInterceptor(ILogger<IntakeErrorInterceptor> logger) : Interceptor
{
    // A server's deadline timer can fire a little before the deadline it was set for.
    private static readonly TimeSpan s_deadlineTolerance = TimeSpan.FromMilliseconds(250);

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            return await continuation(request, context);
        }
        catch (Exception ex) when (ex is not RpcException && context.CancellationToken.IsCancellationRequested)
        {
            var code = context.Deadline <= DateTime.UtcNow + s_deadlineTolerance ? StatusCode.DeadlineExceeded : StatusCode.Cancelled;
            throw new RpcException(new Status(code, "The call ended before the kitchen answered; nothing was stored.", ex));
        }
        catch (Exception ex) when (ex is not RpcException && DatabaseFailures.IsUnavailable(ex))
        {
            LogDatabaseUnavailable(logger, ex, context.Method);
            throw new RpcException(new Status(StatusCode.Unavailable, $"The kitchen database is unavailable: {ex.Message}"));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} could not be served: PostgreSQL is unavailable")]
    private static partial void LogDatabaseUnavailable(ILogger logger, Exception exception, string method);
}
