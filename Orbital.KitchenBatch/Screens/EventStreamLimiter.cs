using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Orbital.KitchenBatch.Http;

namespace Orbital.KitchenBatch.Screens;

/// <summary>
/// Caps event streams per token and in total: each stream holds a subscription and replays from the table, so a
/// token that opens hundreds of them, or a flood of screens, must be told to come back later instead.
/// </summary>
public sealed class EventStreamLimiter(IOptions<KitchenLimitsOptions> options)
{
    private readonly KitchenLimitsOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, int> _perSubject = new(StringComparer.Ordinal);
    private int _total;

    /// <summary>How many streams are open.</summary>
    public int Open => Volatile.Read(ref _total);

    /// <summary>A lease to dispose when the stream ends; null with a status (429 per token, 503 in total) when refused.</summary>
    public IDisposable? TryAcquire(string subject, out int refusedStatus)
    {
        refusedStatus = 0;
        if (Interlocked.Increment(ref _total) > _options.StreamsTotal)
        {
            Interlocked.Decrement(ref _total);
            refusedStatus = StatusCodes.Status503ServiceUnavailable;
            return null;
        }

        if (_perSubject.AddOrUpdate(subject, 1, (_, count) => count + 1) > _options.StreamsPerToken)
        {
            Release(subject);
            refusedStatus = StatusCodes.Status429TooManyRequests;
            return null;
        }

        return new Lease(this, subject);
    }

    private void Release(string subject)
    {
        _perSubject.AddOrUpdate(subject, 0, (_, count) => count - 1);
        _perSubject.TryRemove(new KeyValuePair<string, int>(subject, 0));
        Interlocked.Decrement(ref _total);
    }

    private sealed class Lease(EventStreamLimiter limiter, string subject) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                limiter.Release(subject);
            }
        }
    }
}
