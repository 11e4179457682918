using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Devices;
using Orbital.KitchenBatch.Http;

namespace Orbital.KitchenBatch.Intake;

/// <summary>
/// <c>OrderIntake</c> accepts only the order service: every call must carry <c>authorization: Bearer &lt;intake
/// key&gt;</c>. Without it, or with another, the call ends <c>UNAUTHENTICATED</c> before any order is looked at, so a
/// forged order can never make the platform's genuine one an ignored duplicate.
/// </summary>
public sealed partial class IntakeKeyInterceptor(IOptions<KitchenAuthOptions> options, ILogger<IntakeKeyInterceptor> logger) : Interceptor
{
    private readonly byte[]? _keyHash = options.Value.IntakeKey is { Length: > 0 } key ? SHA256.HashData(Encoding.UTF8.GetBytes(key)) : null;

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        Authenticate(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        Authenticate(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        Authenticate(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        Authenticate(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authenticate(ServerCallContext context)
    {
        if (_keyHash is null)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, $"The kitchen has no intake key ({KitchenAuthOptions.SectionName}:IntakeKey): it takes no orders."));
        }

        var header = context.RequestHeaders.GetValue("authorization");
        var presented = header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        if (!KitchenAuthenticationHandler.IsKey(presented, _keyHash))
        {
            LogRefused(logger, context.Method, context.Peer, presented is null ? "no intake key" : "a wrong intake key");
            throw new RpcException(new Status(StatusCode.Unauthenticated, "OrderIntake needs the intake key: authorization: Bearer <intake key>."));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Method} from {Peer}: {What}")]
    private static partial void LogRefused(ILogger logger, string method, string peer, string what);
}
