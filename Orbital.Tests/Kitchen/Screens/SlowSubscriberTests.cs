using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Orbital.Contracts.Orders;
using Orbital.KitchenBatch.Screens;
using Orbital.Testing;

namespace Orbital.Tests.Kitchen.Screens;

/// <summary>A screen that stops reading is cut off; the kitchen and the other screens never wait for it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SlowSubscriberTests(LocalPostgresServer postgres)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_stalled_screen_is_disconnected_while_a_healthy_one_keeps_receiving()
    {
        await using var kitchen = await KitchenAppFactory.StartOnKestrelAsync(postgres, builder =>
        {
            builder.UseSetting("KitchenEvents:SubscriberBufferCapacity", "100");

            // A tablet on poor Wi-Fi: small socket send buffers (accepted sockets inherit the listener's), so a
            // screen that stops reading holds up its writer after a few kilobytes instead of the kernel's 4 MB.
            builder.ConfigureServices(services => services.Configure<SocketTransportOptions>(transport =>
                transport.CreateBoundListenSocket = endpoint =>
                {
                    var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(endpoint);
                    socket.SendBufferSize = 8 * 1024;
                    return socket;
                }));
        });
        var intake = kitchen.CreateIntakeClient();
        var stream = kitchen.Services.GetRequiredService<KitchenEventDispatcher>();

        await using var healthy = await SseTestClient.ConnectAsync(kitchen.HttpAddress!);
        using var stalled = await ConnectWithoutReadingAsync(kitchen.HttpAddress!);
        await Eventually.HoldsAsync(() => Task.FromResult(stream.Subscribers == 2), "both screens are subscribed");

        // Real orders with long names and as many modifiers as an item may have: each batch.updated event is over a kilobyte, so the
        // stalled screen's socket and server buffers fill and its subscription backs up.
        const int Orders = 300;
        for (var i = 0; i < Orders; i++)
        {
            await intake.SubmitOrderAsync(LargeOrder(i), cancellationToken: Cancellation);
        }

        var received = await healthy.TakeAsync(Orders * 2, TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(() => Task.FromResult(stream.Subscribers == 1), "the stalled screen is unsubscribed");
        var (bytes, closedByServer) = await DrainAsync(stalled);

        Assert.Equal(Orders, received.Count(e => e.EventType == "batch.updated"));
        Assert.True(closedByServer, "the server kept the stalled connection open");
        Assert.True(bytes < received.Sum(e => e.Data.Length), "the stalled screen was sent everything after all");
    }

    private static OrderRequest LargeOrder(int i)
    {
        var request = Orbital.Testing.Orders.Request($"slow-{Guid.NewGuid():N}", ("Slow Station", $"Item {i:D4} " + new string('x', 180), 1));
        request.Stations[0].Items[0].Modifiers.AddRange(Enumerable.Range(0, 10).Select(m => $"modifier {m:D2} " + new string('m', 86)));
        return request;
    }

    /// <summary>Opens the event stream on a socket with a tiny receive window, and never reads from it.</summary>
    private static async Task<Socket> ConnectWithoutReadingAsync(Uri address)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 2048 };
        await socket.ConnectAsync(address.Host, address.Port, Cancellation);
        var request = $"GET /api/events HTTP/1.1\r\nHost: {address.Authority}\r\nAccept: text/event-stream\r\nAuthorization: Bearer {KitchenAppFactory.ManagerKey}\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, Cancellation);
        return socket;
    }

    /// <summary>Reads what the server had sent until the connection ends; false if it is still open after 10 s.</summary>
    private static async Task<(long Bytes, bool Closed)> DrainAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                if (read == 0)
                {
                    return (total, true);
                }

                total += read;
            }
        }
        catch (SocketException)
        {
            return (total, true);
        }
        catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
        {
            return (total, false);
        }
    }
}
