namespace Orbital.Testing.MongoDB;

/// <summary>
/// The MongoDB the tests run against: a real server when one is reachable, otherwise the wire double. What a
/// test cannot do to a given server (lose history, cut connections) it asks for through the capabilities.
/// </summary>
public interface IMongoTestServer : IAsyncDisposable
{
    /// <summary>Which server this is, for the test output.</summary>
    string Description { get; }

    /// <summary>Whether <see cref="TruncateHistoryAsync"/> works on this server.</summary>
    bool CanTruncateHistory { get; }

    /// <summary>Whether <see cref="BeginOutageAsync"/> and <see cref="EndOutageAsync"/> work on this server.</summary>
    bool CanSimulateOutage { get; }

    /// <summary>Whether <see cref="KillChangeStreamCursorsAsync"/> works on this server.</summary>
    bool CanKillCursors { get; }

    /// <summary>Whether the <c>failCommand</c> fail point can be set (a real server needs <c>enableTestCommands=1</c>).</summary>
    bool CanFailCommands { get; }

    /// <summary>Whether <see cref="StartFreshAsync"/> works: another server of this kind whose history never rolled over.</summary>
    bool CanStartFresh { get; }

    /// <summary>A connection string to <paramref name="database"/>.</summary>
    string ConnectionString(string database);

    /// <summary>Makes all change history so far unreachable, as an oplog that rolled over.</summary>
    Task TruncateHistoryAsync();

    /// <summary>Makes the server unreachable: open connections are cut, new ones refused.</summary>
    Task BeginOutageAsync();

    /// <summary>Makes the server reachable again, with its data.</summary>
    Task EndOutageAsync();

    /// <summary>Closes every open change stream cursor, as a failover or an operator's killCursors does.</summary>
    Task KillChangeStreamCursorsAsync();

    /// <summary>Starts another, empty server of the same kind; the caller disposes it.</summary>
    Task<IMongoTestServer> StartFreshAsync();
}
