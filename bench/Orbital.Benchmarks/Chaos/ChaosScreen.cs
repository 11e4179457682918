using System.Globalization;
using System.Net.ServerSentEvents;

namespace Orbital.Benchmarks.Chaos;

/// <summary>
/// A kitchen screen as a browser's <c>EventSource</c> behaves: it reads <c>/api/events</c>, and whenever the stream
/// ends or cannot be reached it waits the server's <c>retry:</c> delay and reconnects with <c>Last-Event-ID</c>. A
/// browser gives up for good on an answer other than 200; this screen counts such answers instead. Each screen is a
/// paired device with a token of its own.
/// </summary>
internal sealed class ChaosScreen(Uri kitchen, string token)
{
    private readonly List<long> _received = [];

    /// <summary>Every event id received, in arrival order.</summary>
    public IReadOnlyList<long> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    public int Connections { get; private set; }

    /// <summary>Answers that would have made a browser give up (anything but 200).</summary>
    public int Refusals { get; private set; }

    public int Resets { get; private set; }

    public long LastId
    {
        get
        {
            lock (_received)
            {
                return _received.Count == 0 ? 0 : _received[^1];
            }
        }
    }

    public async Task RunAsync(CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var lastEventId = "0";
        var retry = TimeSpan.FromSeconds(2);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(kitchen, "/api/events"));
                request.Headers.Add("Last-Event-ID", lastEventId);
                request.Headers.Authorization = new("Bearer", token);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
                if (!response.IsSuccessStatusCode)
                {
                    Refusals++;
                }
                else
                {
                    Connections++;
                    await using var body = await response.Content.ReadAsStreamAsync(stop);
                    await foreach (var item in SseParser.Create(body).EnumerateAsync(stop))
                    {
                        retry = item.ReconnectionInterval ?? retry;
                        if (item.EventId is not { } id)
                        {
                            continue;
                        }

                        lastEventId = id;
                        if (item.EventType == "reset")
                        {
                            Resets++;
                            continue;
                        }

                        lock (_received)
                        {
                            _received.Add(long.Parse(id, CultureInfo.InvariantCulture));
                        }
                    }
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                // The kitchen is down or the stream broke: reconnect, as a browser would.
            }

            await Task.Delay(retry, stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }
}
