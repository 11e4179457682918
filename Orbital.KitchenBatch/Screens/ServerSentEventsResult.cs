using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Orbital.KitchenBatch.Screens;

/// <summary>
/// Writes a stream of server-sent event frames, flushing only when no further frame is ready: a burst of events
/// reaches a screen in one write, so hundreds of screens cost the kitchen one write each per burst, not one per event.
/// </summary>
public sealed class ServerSentEventsResult(IAsyncEnumerable<ReadOnlyMemory<byte>> frames) : IResult
{
    // A replay of thousands of events still goes out in pieces.
    private const int FlushThreshold = 32 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers.Pragma = "no-cache";

        // Compression would hold events back until a block fills.
        response.Headers.ContentEncoding = "identity";
        httpContext.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();

        var writer = response.BodyWriter;
        var cancellationToken = httpContext.RequestAborted;
        var unflushed = 0;
        await using var enumerator = frames.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                // Nothing goes out, headers included, before the first frame: the stream fixes where it starts
                // before that frame, and a client that has the headers must see every event committed after.
                var next = enumerator.MoveNextAsync();
                if ((!next.IsCompleted && unflushed > 0) || unflushed >= FlushThreshold)
                {
                    // Nothing more is ready (or a long burst): what was written goes out now.
                    await writer.FlushAsync(cancellationToken);
                    unflushed = 0;
                }

                if (!await next)
                {
                    break;
                }

                writer.Write(enumerator.Current.Span);
                unflushed += enumerator.Current.Length;
            }

            await writer.FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The screen went away.
        }
    }
}
