using Microsoft.EntityFrameworkCore.Storage;

namespace Orbital.KitchenBatch.Infrastructure;

/// <summary>
/// The kitchen's write transactions, each ending the same way: its events are written (the outbox, in commit order),
/// it commits, and then the screens are told and whatever waited for the commit runs. A request that carries an
/// <c>Idempotency-Key</c> runs in a transaction of its own that also records its answer
/// (<see cref="Idempotency.IdempotencyFilter"/>); a write made inside it is part of it, and commits when it does.
/// </summary>
public sealed class KitchenTransactions(KitchenDbContext db, KitchenEventOutbox events)
{
    private readonly List<Action> _afterCommit = [];
    private IDbContextTransaction? _request;

    /// <summary>Begins a write: a transaction of its own, or a part of the request's.</summary>
    public async Task<KitchenWrite> BeginAsync(CancellationToken cancellationToken)
        => new(this, _request is not null ? null : await db.Database.BeginTransactionAsync(cancellationToken));

    /// <summary>Runs <paramref name="action"/> once the current write has committed (never if it rolls back).</summary>
    public void AfterCommit(Action action) => _afterCommit.Add(action);

    /// <summary>Begins the request's transaction; every write until <see cref="CommitRequestAsync"/> is part of it.</summary>
    public async Task BeginRequestAsync(CancellationToken cancellationToken)
    {
        if (_request is not null)
        {
            throw new InvalidOperationException("The request's transaction has begun already.");
        }

        _request = await db.Database.BeginTransactionAsync(cancellationToken);
    }

    /// <summary>Commits the request's transaction, with every write made in it, and tells the screens.</summary>
    public async Task CommitRequestAsync(CancellationToken cancellationToken)
    {
        var request = _request ?? throw new InvalidOperationException("No request transaction has begun.");
        await request.CommitAsync(cancellationToken);
        Committed();
    }

    /// <summary>Ends the request's transaction; rolled back unless it was committed.</summary>
    public async ValueTask EndRequestAsync()
    {
        _afterCommit.Clear();
        if (_request is { } request)
        {
            _request = null;
            await request.DisposeAsync();
        }
    }

    /// <summary>Writes the events added so far, and commits <paramref name="transaction"/> when the write has one of its own.</summary>
    internal async Task CommitAsync(IDbContextTransaction? transaction, CancellationToken cancellationToken)
    {
        await events.WriteAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
            Committed();
        }
    }

    /// <summary>A write of its own ended without committing: what waited for its commit is dropped.</summary>
    internal void RolledBack()
    {
        if (_request is null)
        {
            _afterCommit.Clear();
        }
    }

    private void Committed()
    {
        events.Committed();
        var actions = _afterCommit.ToList();
        _afterCommit.Clear();
        foreach (var action in actions)
        {
            action();
        }
    }
}

/// <summary>One kitchen write; disposing it without <see cref="CommitAsync"/> rolls it back.</summary>
public sealed class KitchenWrite(KitchenTransactions transactions, IDbContextTransaction? transaction) : IAsyncDisposable
{
    private bool _committed;

    /// <summary>Writes the events added so far and commits (or leaves the commit to the request it is part of).</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await transactions.CommitAsync(transaction, cancellationToken);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_committed)
        {
            transactions.RolledBack();
        }

        if (transaction is not null)
        {
            await transaction.DisposeAsync();
        }
    }
}
