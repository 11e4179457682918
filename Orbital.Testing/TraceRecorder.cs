using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Orbital.Testing;

/// <summary>
/// The spans of some activity sources, as OpenTelemetry exports them (the in-memory exporter), for a test to read
/// while services in the same process keep adding to them. Spans arrive when they end.
/// </summary>
public sealed class TraceRecorder : IDisposable
{
    private readonly SpanList _spans = new();
    private readonly TracerProvider _provider;

    public TraceRecorder(params string[] sources)
    {
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(sources)
            .AddInMemoryExporter(_spans)
            .Build();
    }

    /// <summary>The spans ended so far.</summary>
    public IReadOnlyList<Activity> Spans => _spans.Snapshot();

    /// <summary>Waits for a span that <paramref name="match"/> accepts.</summary>
    public Task<Activity> SpanAsync(Func<Activity, bool> match, string what) => Eventually.ReturnsAsync(
        () => Task.FromResult(Spans.FirstOrDefault(match)),
        span => span is not null,
        what).ContinueWith(t => t.Result!, TaskScheduler.Default);

    /// <summary>The spans of one trace.</summary>
    public List<Activity> Trace(ActivityTraceId traceId) => [.. Spans.Where(s => s.TraceId == traceId)];

    public void Dispose() => _provider.Dispose();

    /// <summary>A list the exporter adds to from any thread and a test reads at once.</summary>
    private sealed class SpanList : ICollection<Activity>
    {
        private readonly List<Activity> _items = [];
        private readonly Lock _gate = new();

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _items.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public List<Activity> Snapshot()
        {
            lock (_gate)
            {
                return [.. _items];
            }
        }

        public void Add(Activity item)
        {
            lock (_gate)
            {
                _items.Add(item);
            }
        }

        public void Clear()
        {
            lock (_gate)
            {
                _items.Clear();
            }
        }

        public bool Contains(Activity item) => Snapshot().Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

        public bool Remove(Activity item)
        {
            lock (_gate)
            {
                return _items.Remove(item);
            }
        }

        public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
