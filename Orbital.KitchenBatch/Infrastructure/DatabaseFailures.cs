using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Orbital.KitchenBatch.Infrastructure;

/// <summary>
/// Tells "PostgreSQL is down or overloaded, try again" apart from "PostgreSQL can never store this" and from
/// a failure that is neither (a bug, to be held and looked at).
/// </summary>
public static class DatabaseFailures
{
    public const string UniqueViolation = PostgresErrorCodes.UniqueViolation;

    public static bool IsUnavailable(Exception exception) => exception switch
    {
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: System.Net.Sockets.SocketException or IOException or TimeoutException } => true,
        TimeoutException => true,
        DbUpdateException { InnerException: { } inner } => IsUnavailable(inner),
        InvalidOperationException { InnerException: { } inner } => IsUnavailable(inner),
        _ => false,
    };

    /// <summary>
    /// Whether PostgreSQL refused the data itself: SQLSTATE class 22 (data exception: a NUL in text, a value out
    /// of range, ...) or 54 (program limit exceeded: an index row too large, ...). Retrying cannot change the
    /// answer; the order is invalid for this kitchen.
    /// </summary>
    public static bool IsDataError(Exception exception, out PostgresException refusal)
    {
        refusal = null!;
        var postgres = exception switch
        {
            PostgresException direct => direct,
            DbUpdateException { InnerException: PostgresException inner } => inner,
            InvalidOperationException { InnerException: PostgresException inner } => inner,
            _ => null,
        };
        if (postgres is null || postgres.SqlState.Length != 5 || postgres.SqlState[..2] is not ("22" or "54"))
        {
            return false;
        }

        refusal = postgres;
        return true;
    }
}
