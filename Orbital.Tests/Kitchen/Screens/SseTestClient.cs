using System.Net.ServerSentEvents;
using System.Threading.Channels;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Screens;

/// <summary>A screen's connection to <c>/api/events</c>: it reads the stream in the background and keeps what arrived.</summary>
internal sealed class SseTestClient : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseItem<string>> _items = Channel.CreateUnbounded<SseItem<string>>();
    private readonly Task _reader;

    private SseTestClient(HttpClient http, HttpResponseMessage response)
    {
        _http = http;
        _response = response;
        _reader = Task.Run(ReadAsync);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Connects; <paramref name="lastEventId"/> goes in the <c>Last-Event-ID</c> header, as a browser sends it.</summary>
    public static async Task<SseTestClient> ConnectAsync(Uri baseAddress, string query = "", string? lastEventId = null, string? token = KitchenAppFactory.ManagerKey)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/events" + query);
        if (token is not null)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.AcceptEncoding.ParseAdd("gzip, br");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        return new SseTestClient(http, response);
    }

    /// <summary>The next event that is not a heartbeat, or null when none arrives within <paramref name="timeout"/>.</summary>
    public async Task<SseItem<string>?> NextAsync(TimeSpan timeout, bool includeHeartbeats = false)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var item = await _items.Reader.ReadAsync(wait.Token);
                if (includeHeartbeats || item.EventType != "heartbeat")
                {
                    return item;
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Reads events until <paramref name="count"/> arrived; fails if they do not within the timeout.</summary>
    public async Task<List<SseItem<string>>> TakeAsync(int count, TimeSpan? timeout = null)
    {
        var items = new List<SseItem<string>>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (items.Count < count)
        {
            var item = await NextAsync(deadline - DateTime.UtcNow);
            Assert.True(item is not null, $"only {items.Count} of {count} events arrived");
            items.Add(item.Value);
        }

        return items;
    }

    /// <summary>Events until <paramref name="done"/> holds for one of them (inclusive).</summary>
    public async Task<List<SseItem<string>>> TakeUntilAsync(Func<SseItem<string>, bool> done, TimeSpan? timeout = null)
    {
        var items = new List<SseItem<string>>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var item = await NextAsync(deadline - DateTime.UtcNow);
            Assert.True(item is not null, $"the awaited event did not arrive; got {items.Count} others");
            items.Add(item.Value);
            if (done(item.Value))
            {
                return items;
            }
        }
    }

    /// <summary>Whether the server ended the stream.</summary>
    public Task Ended => _reader;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        _http.Dispose();
        await _reader.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task ReadAsync()
    {
        try
        {
            await using var stream = await _response.Content.ReadAsStreamAsync(_stop.Token);
            await foreach (var item in SseParser.Create(stream).EnumerateAsync(_stop.Token))
            {
                await _items.Writer.WriteAsync(item, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
            // Disconnected, by us or by the server.
        }
        finally
        {
            _items.Writer.TryComplete();
        }
    }
}
