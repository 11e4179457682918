using System.ComponentModel.DataAnnotations;

namespace Orbital.KitchenBatch.Http;

/// <summary>How much one caller may ask of the kitchen (section <c>Kitchen:Limits</c>).</summary>
public sealed class KitchenLimitsOptions
{
    public const string SectionName = "Kitchen:Limits";

    /// <summary>
    /// The most PostgreSQL connections one kitchen instance opens. Hundreds of screens reconnecting at once each read
    /// their replay from the database; past this many they wait their turn for a connection (briefly) instead of
    /// exhausting the server's own limit (100 by default), which would refuse everyone, intake included. Mind the
    /// replicas: each opens up to this many. A connection string that sets its own pool size wins.
    /// </summary>
    [Range(2, 1_000)]
    public int DatabaseConnections { get; set; } = 40;

    /// <summary>
    /// How many PostgreSQL connections stay open while the kitchen is quiet, each readied for intake when the kitchen
    /// starts. A connection's first intake pays for PostgreSQL preparing the intake function in that session (tens of
    /// milliseconds); the pool hands out its idle connections in turn, so at a low rate every order would meet a new
    /// one until all were ready. At most one fewer than <see cref="DatabaseConnections"/>; a connection string that sets
    /// its own minimum pool size wins. Connections opened later (under load, after PostgreSQL restarted) are prepared
    /// by the first intake they carry.
    /// </summary>
    [Range(0, 100)]
    public int WarmDatabaseConnections { get; set; } = 4;

    /// <summary>The largest JSON request body, in bytes; larger ones are refused with 413.</summary>
    [Range(1_024, 10_485_760)]
    public int MaxJsonBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Event streams one token may hold open at once (a board, plus a few reconnections in flight).</summary>
    [Range(1, 1_000)]
    public int StreamsPerToken { get; set; } = 5;

    /// <summary>Event streams the kitchen serves at once, all tokens together.</summary>
    [Range(1, 100_000)]
    public int StreamsTotal { get; set; } = 1_000;

    /// <summary>Write requests (start, complete, devices) one token may make per second, sustained.</summary>
    [Range(1, 10_000)]
    public int WritesPerSecond { get; set; } = 10;

    /// <summary>Write requests one token may make in a burst.</summary>
    [Range(1, 10_000)]
    public int WriteBurst { get; set; } = 30;

    /// <summary>Pairing attempts one address may make per minute (pairing codes are short).</summary>
    [Range(1, 1_000)]
    public int PairingAttemptsPerMinute { get; set; } = 10;
}
