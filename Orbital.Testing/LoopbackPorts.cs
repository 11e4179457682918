using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Orbital.Testing;

/// <summary>
/// Ports on 127.0.0.1 for servers that tests stop and start again at the same address (PostgreSQL, a kitchen on
/// Kestrel, mongod). A port the kernel hands out for port 0 lies in its range of ephemeral ports, the same range every
/// outgoing connection on the machine takes its local port from: while such a server is down, any client connection
/// of the test run may take its port, and the restart then fails to bind. These ports are taken below that range
/// (<c>net.ipv4.ip_local_port_range</c>), where no outgoing connection lands, and never twice in one test run.
/// </summary>
public static class LoopbackPorts
{
    private const int Lowest = 10_000;
    private static readonly Lock s_lock = new();
    private static readonly HashSet<int> s_taken = [];
    private static readonly int s_ephemeralStart = EphemeralRangeStart();

    /// <summary>A port free on 127.0.0.1 now, outside the ephemeral range where the machine allows it.</summary>
    public static int Next()
    {
        if (s_ephemeralStart <= Lowest)
        {
            return KernelChosen();
        }

        lock (s_lock)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = Random.Shared.Next(Lowest, s_ephemeralStart);
                if (!s_taken.Contains(port) && CanListenOn(port))
                {
                    s_taken.Add(port);
                    return port;
                }
            }
        }

        return KernelChosen();
    }

    private static bool CanListenOn(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int KernelChosen()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The first ephemeral port on Linux; elsewhere (or unreadable) 0, and ports are the kernel's choice.</summary>
    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }
}
